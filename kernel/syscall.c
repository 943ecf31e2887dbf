/*
 * The system call entry: native calls (lib/kage_abi.h) go to their
 * handlers; every other number is a Linux call, forwarded as an IPC
 * message to the task's personality endpoint.
 */
#include <stdbool.h>
#include "kernel/cputime.h"
#include "kernel/syscall.h"
#include "kernel/console.h"
#include "kernel/counters.h"
#include "kernel/frame.h"
#include "kernel/ipc.h"
#include "kernel/kalloc.h"
#include "kernel/klock.h"
#include "kernel/region.h"
#include "kernel/sched.h"
#include "kernel/kserver.h"
#include "kernel/logbuf.h"
#include "lib/string.h"
#include "kernel/sys.h"
#include "lib/errno.h"
#include "lib/kage_abi.h"

_Static_assert(KAGE_RIGHT_READ == HANDLE_RIGHT_READ && KAGE_RIGHT_WRITE == HANDLE_RIGHT_WRITE &&
		       KAGE_RIGHT_SEND == HANDLE_RIGHT_SEND && KAGE_RIGHT_RECV == HANDLE_RIGHT_RECV &&
		       KAGE_RIGHT_GRANT == HANDLE_RIGHT_GRANT && KAGE_RIGHTS_ALL == HANDLE_RIGHTS_ALL,
	       "handle rights are the same numbers in the ABI");

int64_t sys_object(struct task *t, uint64_t h, enum kobj_type type, uint32_t rights, void *out)
{
	const struct handle *slot;
	int err = handle_lookup(&t->handles, (int64_t)h, type, rights, &slot);

	if (err == 0)
		*(struct kobj **)out = slot->obj;
	return err;
}

int64_t sys_install_new(struct task *t, struct kobj *obj)
{
	int64_t h = handle_install(&t->handles, obj, HANDLE_RIGHTS_ALL, 0);

	kobj_put(obj);	/* the handle holds it now, or nobody does */
	return h;
}

int sys_copy_in(struct task *t, uint64_t va, void *buf, size_t len)
{
	COUNT(copies);
	counters.copy_bytes += len;
	if (kserver_task(t)) {
		memcpy(buf, (const void *)va, len);	/* a server in the kernel: its own pointer */
		return 0;
	}
	return space_read(t->space, va, buf, len);
}

int sys_copy_out(struct task *t, uint64_t va, const void *buf, size_t len)
{
	COUNT(copies);
	counters.copy_bytes += len;
	if (kserver_task(t)) {
		memcpy((void *)va, buf, len);
		return 0;
	}
	return space_copy_out(t->space, va, buf, len);
}

static int64_t sys_debug_putc(struct task *t, struct trapframe *tf)
{
	(void)t;
	console_putc((char)tf->a0);
	return 0;
}

/*
 * log_read: the system log's bytes from position a0 (raised to the
 * oldest kept), at most a2 of them into a1; a3, if set, gets the
 * positions of the oldest byte kept and of the next to come.
 */
static int64_t sys_log_read(struct task *t, struct trapframe *tf)
{
	uint64_t pos = tf->a0, bounds[2];
	const char *a, *b;
	size_t na, nb;

	logbuf_bounds(&bounds[0], &bounds[1]);
	if (pos < bounds[0])
		pos = bounds[0];
	if (pos > bounds[1])
		pos = bounds[1];
	if (tf->a2 > KAGE_COPY_MAX)
		return -EINVAL;
	logbuf_span(pos, tf->a2, &a, &na, &b, &nb);
	if ((tf->a3 && sys_copy_out(t, tf->a3, bounds, sizeof(bounds)) < 0) ||
	    (na && sys_copy_out(t, tf->a1, a, na) < 0) || (nb && sys_copy_out(t, tf->a1 + na, b, nb) < 0))
		return -EFAULT;
	return (int64_t)(na + nb);
}

static int64_t sys_task_exit(struct task *t, struct trapframe *tf)
{
	task_die(t, (int64_t)tf->a0);
	return 0;	/* not reached: t is the current task */
}

/*
 * Fills as much of struct kage_stats as the caller knows (a1: its size;
 * 0 for the first version) and answers how much that was, so old
 * callers and new kernels (or the reverse) agree.
 */
static int64_t sys_stats(struct task *t, struct trapframe *tf)
{
	uint64_t len = tf->a1 ? tf->a1 : KAGE_STATS_V1_SIZE;
	struct frame_stats fs;
	struct kage_stats ks;
	int err;

	if (len > sizeof(ks))
		len = sizeof(ks);
	frame_get_stats(&fs);
	ks.frames_free = fs.free;
	ks.frames_used = fs.used;
	ks.tasks = task_count();
	ks.spaces = space_count();
	ks.endpoints = kobj_count(KOBJ_ENDPOINT);
	ks.notifications = kobj_count(KOBJ_NOTIFICATION);
	ks.count = counters;
	counters_fold_harts(&ks.count);
	counters_server_pages(ks.server_pages);
	ks.memobjs = kobj_count(KOBJ_MEMORY);
	ks.irqs = kobj_count(KOBJ_IRQ);
	ks.handles = handle_count();
	ks.regions = region_count();
	kalloc_usage(&ks.kalloc_bytes, &ks.kalloc_slabs);
	cputime_totals(&ks.ticks_user, &ks.ticks_system, &ks.ticks_idle);
	ks.sched_switches = sched_switches;
	ipc_fast_fold(&ks.count, &ks.sched_switches);
	kserver_fold(&ks.count);
	ks.barrier_harts = space_barrier_harts;
	ks.icache_syncs = space_icache_syncs;
	ks.ipis = hart_ipis;
	ks.remote_fences = hart_remote_fences;
	ks.lock_waits = klock_waits;
	ks.lock_wait_time = klock_wait_time;
	ks.lock_sleeps = klock_sleeps;
	ks.lock_wakes = klock_wakes;
	ks.idle_pokes = hart_pokes;
	err = sys_copy_out(t, tf->a0, &ks, len);
	return err < 0 ? err : (int64_t)len;
}

static int64_t sys_handle_close(struct task *t, struct trapframe *tf)
{
	return handle_close(&t->handles, (int64_t)tf->a0);
}

/*
 * The task a handle_copy goes to. With KAGE_HANDLE_TO_CALLER, the caller
 * waiting for t's answer under token a1, if that call is a native
 * ipc_call: a handle is never given to a Linux program (a Linux call,
 * even one a server forwarded as a CALL with new words, keeps its kind),
 * nor to a task stopped by a fault or an alert.
 */
static int64_t sys_handle_copy_target(struct task *t, struct trapframe *tf, struct task **to)
{
	if (tf->a4 & KAGE_HANDLE_TO_CALLER) {
		*to = ipc_caller(t, tf->a1);
		if (!*to)
			return -ESRCH;
		return (*to)->msg == TASK_MSG_CALL ? 0 : -EPERM;
	}
	*to = t;
	if ((int64_t)tf->a1 != -1)
		return sys_object(t, tf->a1, KOBJ_TASK, HANDLE_RIGHT_WRITE, to);
	return 0;
}

static int64_t sys_handle_copy(struct task *t, struct trapframe *tf)
{
	struct task *to;
	int64_t err;

	if (tf->a2 > UINT32_MAX || (tf->a4 & ~(uint64_t)KAGE_HANDLE_TO_CALLER))
		return -EINVAL;
	err = sys_handle_copy_target(t, tf, &to);
	if (err < 0)
		return err;
	if (to->state == TASK_DEAD)
		return -ESRCH;
	return handle_copy(&t->handles, (int64_t)tf->a0, &to->handles, (uint32_t)tf->a2, tf->a3);
}

static int64_t sys_null(struct task *t, struct trapframe *tf)
{
	(void)t;
	(void)tf;
	return 0;
}

typedef int64_t (*syscall_fn)(struct task *t, struct trapframe *tf);

#define SYS(name, fn) [KAGE_SYS_##name - KAGE_SYS_BASE] = fn

static const syscall_fn syscall_native_table[KAGE_SYS_COUNT] = {
	SYS(DEBUG_PUTC, sys_debug_putc), SYS(TASK_EXIT, sys_task_exit),
	SYS(STATS, sys_stats), SYS(HANDLE_CLOSE, sys_handle_close),
	SYS(SPACE_CLONE, sys_space_clone), SYS(SPACE_READ, sys_space_read),
	SYS(SPACE_WRITE, sys_space_write), SYS(SPACE_MAP, sys_space_map),
	SYS(SPACE_UNMAP, sys_space_unmap), SYS(NULL, sys_null),
	SYS(SPACE_CREATE, sys_space_create), SYS(SPACE_PROTECT, sys_space_protect),
	SYS(SPACE_MAP_PHYS, sys_space_map_phys), SYS(TASK_CREATE, sys_task_create),
	SYS(TASK_CLONE, sys_task_clone), SYS(TASK_EXEC, sys_task_exec),
	SYS(TASK_KILL, sys_task_kill), SYS(TASK_RESUME, sys_task_resume),
	SYS(TASK_REGS, sys_task_regs), SYS(TASK_BIND, sys_task_bind),
	SYS(EP_CREATE, sys_ep_create), SYS(IPC_CALL, sys_ipc_call),
	SYS(IPC_RECV, sys_ipc_recv), SYS(IPC_REPLY, sys_ipc_reply),
	SYS(IPC_REPLY_RECV, sys_ipc_reply_recv), SYS(NOTIF_CREATE, sys_notif_create),
	SYS(NOTIF_WAIT, sys_notif_wait), SYS(NOTIF_SIGNAL, sys_notif_signal),
	SYS(IRQ_BIND, sys_irq_bind), SYS(IRQ_ACK, sys_irq_ack),
	SYS(TIMER_NOTIFY, sys_timer_notify), SYS(HANDLE_COPY, sys_handle_copy),
	SYS(TASK_STATUS, sys_task_status), SYS(TASK_YIELD, sys_task_yield),
	SYS(IPC_FORWARD, sys_ipc_forward), SYS(TASK_ALERT, sys_task_alert),
	SYS(MEM_CREATE, sys_mem_create), SYS(MEM_WRITE, sys_mem_write),
	SYS(MEM_READ, sys_mem_read), SYS(MEM_SLICE, sys_mem_slice),
	SYS(SPACE_STAT, sys_space_stat), SYS(IPC_HOLD, sys_ipc_hold),
	SYS(LOG_READ, sys_log_read), SYS(SPACE_REMAP, sys_space_remap),
	SYS(TASK_TIMES, sys_task_times), SYS(SPACE_RANGES, sys_space_ranges),
	SYS(EP_ROUTE, sys_ep_route), SYS(TASK_SCHED, sys_task_sched),
	SYS(SPACE_BARRIER, sys_space_barrier), SYS(IPC_REPLY_COPY_RECV, sys_ipc_reply_copy_recv),
};

static inline int64_t syscall_call_native(struct task *t, struct trapframe *tf)
{
	uint64_t i = tf->a7 - KAGE_SYS_BASE;
	syscall_fn fn = i < KAGE_SYS_COUNT ? syscall_native_table[i] : NULL;

	if (!fn)
		return -ENOSYS;
	/* No handles, no native calls; but anyone may read the counts (Linux programs: tools/compare). */
	if (t->handles.used == 0 && fn != sys_stats)
		return -EPERM;
	return fn(t, tf);
}

int64_t syscall_native(struct task *t, struct trapframe *tf)
{
	return syscall_call_native(t, tf);
}

/*
 * Where t's Linux call nr, routed by ep (t's personality), goes: the
 * endpoint the route hands it to, held as a forward with
 * KAGE_FORWARD_HOLD would hold it; unless nobody receives there, and then
 * ep, whose receiver decides.
 */
static inline struct endpoint *syscall_route(struct task *t, struct endpoint *ep)
{
	struct endpoint *to = ep->route->to;

	if (!to->obj.receivers && !kserver_serves(to))
		return ep;
	t->held_seq = t->call_seq | 1;	/* the call the token of this message names */
	return to;
}

/* Which way t's Linux call goes (endpoint_way), ENDPOINT_OWN without a personality. */
static inline enum endpoint_way syscall_way(const struct task *t, const struct trapframe *tf)
{
	return t->personality ? endpoint_way(t->personality, tf->a7) : ENDPOINT_OWN;
}

/* MODE=mono: whether t's call going `way` is a light plain call (kserver_syscall_light). */
static inline bool syscall_is_light(const struct task *t, enum endpoint_way way)
{
	return way == ENDPOINT_PLAIN && kserver_light_ok(t);
}

/*
 * A Linux call that goes `way`, not as a light plain call: the
 * personality server answers it (in a0), or the server it routes it to.
 */
static inline __attribute__((always_inline)) void syscall_linux_message(struct task *t, enum endpoint_way way,
									 struct trapframe *tf)
{
	struct endpoint *ep = t->personality;

	COUNT(ecall_linux);
	if (!ep) {
		tf->a0 = (uint64_t)-ENOSYS;
		return;
	}
	t->sys_a0 = tf->a0;	/* a0 becomes the result: kept to restart the call */
	if (way == ENDPOINT_ROUTED)
		ep = syscall_route(t, ep);
	if (kserver_serves(ep)) {
		kserver_syscall(t, ep);	/* MODE=mono: a function call */
		return;
	}
	ipc_send(t, ep, TASK_MSG_SYSCALL, t->personality_badge);	/* t resumes in user mode */
}

/*
 * A Linux call. MODE=mono: a plain call of the personality server, with
 * nothing due, is light (kserver_syscall_light): a function call, and
 * nothing else.
 */
static inline __attribute__((always_inline)) void syscall_linux(struct task *t, struct trapframe *tf)
{
	enum endpoint_way way = syscall_way(t, tf);

	if (syscall_is_light(t, way))
		kserver_syscall_light(t, t->personality->kserver, tf);
	else
		syscall_linux_message(t, way, tf);
}

static inline __attribute__((always_inline)) void syscall_dispatch(struct task *t, struct trapframe *tf)
{
	if (tf->a7 - KAGE_SYS_BASE >= KAGE_SYS_COUNT) {
		syscall_linux(t, tf);
		return;
	}
	COUNT(ecall_native);
	tf->a0 = (uint64_t)syscall_call_native(t, tf);
}

/* An ecall's whole handling: past the ecall, the call, and a tick that came due meanwhile. */
static inline __attribute__((always_inline)) void syscall_run(struct task *t, struct trapframe *tf)
{
	tf->sepc += 4;
	syscall_dispatch(t, tf);
	if (trap_tick_waiting())
		trap_late_tick(sched_current());
}

void syscall_ecall(struct trapframe *tf)
{
	syscall_run(sched_current(), tf);
}

/*
 * A native call from user mode that the trap vector's fast paths did not
 * take (trapvec.S; sepc still at the ecall): the dispatch is inline here.
 * With other harts it goes the general way, which takes the kernel lock.
 */
void syscall_trap(struct trapframe *tf)
{
	struct hart *h = hart_self();

	if (__builtin_expect(h->smp, 0)) {
		trap_user(tf);
		return;
	}
	syscall_run(h->running, tf);
}

/* syscall_linux_trap's call that is not light, then a tick that came due meanwhile. */
static __attribute__((noinline)) void syscall_linux_general(struct task *t, enum endpoint_way way,
							    struct trapframe *tf)
{
	syscall_linux_message(t, way, tf);
	if (trap_tick_waiting())
		trap_late_tick(sched_current());
}

/*
 * A Linux call from user mode, the same way (trapvec.S has told it from a
 * native one). Each way is a jump (a sibling call, which the kernel
 * otherwise does not make), so this needs no frame, nor a frame record
 * (no backtrace passes through it): a light plain call
 * (MODE=mono) goes straight to its server's handler, which takes a tick
 * that came due itself. The shortest way any Linux call is answered.
 */
__attribute__((optimize("optimize-sibling-calls", "omit-frame-pointer"))) void syscall_linux_trap(struct trapframe *tf)
{
	struct hart *h = hart_self();
	struct task *t = h->running;
	enum endpoint_way way;

	if (__builtin_expect(h->smp, 0)) {
		trap_user(tf);
		return;
	}
	tf->sepc += 4;
	way = syscall_way(t, tf);
	if (syscall_is_light(t, way))
		kserver_syscall_light(t, t->personality->kserver, tf);
	else
		syscall_linux_general(t, way, tf);
}
