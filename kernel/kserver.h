/*
 * Servers in the kernel (MODE=mono). The process, file and console
 * servers' code is linked into the kernel; each keeps a task object for
 * its identity and handle table, but that task never runs. A message to
 * a server's endpoint calls the server's handler at once, on the
 * kernel's server stack, as the kernel's own code: the forwarding path of
 * a Linux call is a function call. A handler that answers later leaves
 * the caller waiting; its answer (ipc_reply) makes the caller runnable.
 *
 * The rules that make this the same system as MODE=micro:
 *  - A server handles one message at a time. A message posted while
 *    server code runs (a forward, an alert) waits on its endpoint, as
 *    it would for a user-mode server that has not yet come back to its
 *    receive loop, and is handled once that code is done.
 *  - A server never waits in the kernel: a call it makes to another
 *    server must be answered at once (servers/protocol.h promises it);
 *    one that is not is an error (-EDEADLK), never a hang.
 *  - Notifications a server's helper would wait on (timers, the UART
 *    interrupt) call its handler with the helper's badge, from the next
 *    safe point: a return to user mode or the idle loop. One a server
 *    signals itself while its code runs (work in pieces) waits for the
 *    safe point after that, so interrupts and other tasks come between.
 * Invariants: `busy` servers are exactly those with a handler on the
 * server stack; the stack is in use exactly while kserver_depth > 0, or
 * while a light plain call's handler runs (kserver_syscall_light), which
 * is the only server code that runs at depth 0.
 */
#ifndef KAGE_KERNEL_KSERVER_H
#define KAGE_KERNEL_KSERVER_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/endpoint.h"
#include "kernel/notif.h"
#include "kernel/task.h"
#include "lib/kage_abi.h"

/* A server's message handler: 1 to answer now with out[0..4], 0 to answer later. */
typedef long (*kserver_handler)(uint64_t token, const struct kage_msg *m, uint64_t out[5]);
/* A server's handler of the calls it answers from their words alone (native_serve_calls): the answer. */
typedef long (*kserver_plain_handler)(uint64_t badge, uint64_t nr, const uint64_t a[6]);

/*
 * The servers linked into this Image (boot/servers.c); a NULL name ends
 * the table. The first is the root task, as boot module 0 is in
 * MODE=micro; the process server starts the others by name. Each entry
 * says what its task is (KAGE_SERVER_*), for the event counters.
 */
struct kserver_main {
	const char *name;
	uint8_t role;
	long (*main)(const char *args, const struct kage_bootinfo *bi);
};
extern const struct kserver_main kserver_mains[];

#ifdef KAGE_MODE_MONO
static inline bool kserver_serves(const struct endpoint *ep)
{
	return ep->kserver != 0;
}

static inline bool kserver_task(const struct task *t)
{
	return t->kmode;
}

static inline bool kserver_bound(const struct notif *n)
{
	return n->kserver != 0;
}

/* The current task t's message (kind and badge set) to a server: runs it, then whoever is due. */
__attribute__((noreturn)) void kserver_send(struct task *t, struct endpoint *ep);
/* The current task t's Linux call to the server behind ep: returns only if t returns to user mode now. */
void kserver_syscall(struct task *t, struct endpoint *ep);
/*
 * Work due for the servers in the kernel: a helper's notification fired
 * (pending), or fired while server code ran and waits for the next safe
 * point (deferred). `any` tests both at once (the light call's test).
 */
union kserver_due {
	struct {
		bool pending;
		bool deferred;
	};
	uint16_t any;
};
extern union kserver_due kserver_due;
/*
 * Whether the current task t's plain call may be light: no work is due
 * that its answer would have to wait behind (other servers' messages or
 * wake-ups, an alert for t).
 */
static inline bool kserver_light_ok(const struct task *t)
{
	return !(kserver_due.any | t->alert_pending);
}
/*
 * The current task t's plain call (endpoint_way) to its personality
 * server ks, made light (kserver_light_ok): returns only if t returns
 * to user mode now, answered in tf->a0.
 */
void kserver_syscall_light(struct task *t, struct kserver *ks, struct trapframe *tf);

/* c's message to a server, without switching: handled now, or queued if the server is busy. */
void kserver_post(struct task *c, struct endpoint *ep);
/* A helper's notification fired (from notif_signal). */
void kserver_notify(struct notif *n);
void kserver_interrupted(struct task *t);
/* Adds the light plain calls' answers to the counters they count as (sys_stats's view, as ipc_fast_fold). */
void kserver_fold(struct kage_counters *c);
/*
 * Runs the handlers whose notifications fired, if any: at an interrupt's
 * return to user mode (t, the interrupted task, which then runs only if
 * nothing ended or alerted it; no return then) or in the idle loop (NULL).
 */
static inline void kserver_poll(struct task *t)
{
	if (__builtin_expect(kserver_due.any, 0))
		kserver_interrupted(t);
}
/* Work waits for the next safe point: the idle loop must not sleep until an interrupt. */
static inline bool kserver_busy_later(void)
{
	return kserver_due.deferred;
}
/* Whether this Image starts the process server in the kernel rather than a root task module. */
bool kserver_linked(void);
/* The process server as the root task: set up and started; its task, never runnable. */
int kserver_start_root(struct task **out);
/* What the servers held that no task owns (shutdown, before the leak check). */
void kserver_shutdown(void);
/* A kernel page fault: 0 if server memory resolved it. */
int kserver_fault(uint64_t va, uint64_t access);
/* space_stat of a server's own space: the server window, which every server in the kernel shares. */
void kserver_window_stat(struct kage_space_stat *st);

/* The direct-call side of lib/native.h (kernel/kserver_native.c) reaches these; `current` is the server calling. */
long kserver_serve(long ep, kserver_handler fn);
long kserver_serve_plain(long ep, kserver_plain_handler fn, const uint64_t *which, uint64_t count);
long kserver_helper(long ep, long notif);
long kserver_create(const char *name);
long kserver_run(long task, const struct kage_bootinfo *bi);
#else
static inline bool kserver_serves(const struct endpoint *ep)
{
	(void)ep;
	return false;
}

static inline bool kserver_task(const struct task *t)
{
	(void)t;
	return false;
}

static inline bool kserver_bound(const struct notif *n)
{
	(void)n;
	return false;
}

static inline void kserver_send(struct task *t, struct endpoint *ep)
{
	(void)t, (void)ep;
}

static inline void kserver_syscall(struct task *t, struct endpoint *ep)
{
	(void)t, (void)ep;
}

static inline void kserver_fold(struct kage_counters *c)
{
	(void)c;
}

static inline bool kserver_light_ok(const struct task *t)
{
	(void)t;
	return false;
}

static inline void kserver_syscall_light(struct task *t, struct kserver *ks, struct trapframe *tf)
{
	(void)t, (void)ks, (void)tf;
}

static inline void kserver_post(struct task *c, struct endpoint *ep)
{
	(void)c, (void)ep;
}

static inline void kserver_notify(struct notif *n)
{
	(void)n;
}

static inline void kserver_poll(struct task *t)
{
	(void)t;
}

static inline bool kserver_busy_later(void)
{
	return false;
}

static inline bool kserver_linked(void)
{
	return false;
}

static inline int kserver_start_root(struct task **out)
{
	(void)out;
	return -1;
}

static inline void kserver_shutdown(void)
{
}

static inline int kserver_fault(uint64_t va, uint64_t access)
{
	(void)va, (void)access;
	return -1;
}

static inline void kserver_window_stat(struct kage_space_stat *st)
{
	(void)st;
}
#endif

#endif
