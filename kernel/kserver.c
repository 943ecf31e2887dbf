/*
 * Servers in the kernel (MODE=mono): see kernel/kserver.h for the rules.
 * This file holds the dispatch (a Linux call or a message becomes a
 * handler call on the server stack), the server objects' lifetime, and
 * the direct-call side of the native interface that
 * kernel/kserver_native.c forwards lib/native.h's calls to; starting
 * the servers is kernel/kserver_start.c's.
 *
 * Ownership: a kserver holds a reference on the endpoint it serves,
 * dropped at shutdown; its task holds its handles like any task's, and
 * stays alive (never scheduled) until the shutdown kills every task.
 */
#include "kernel/kserver.h"
#include "kernel/kserver_impl.h"
#include "kernel/counters.h"
#include "kernel/frame.h"
#include "kernel/ipc.h"
#include "kernel/klog.h"
#include "kernel/kmap.h"
#include "kernel/memlayout.h"
#include "kernel/memobj.h"
#include "kernel/panic.h"
#include "kernel/sched.h"
#include "kernel/srvmem.h"
#include "kernel/sys.h"
#include "kernel/syscall.h"
#include "kernel/trap.h"
#include "lib/errno.h"

#define KSERVER_STACK (64u << 10)

static struct kserver kservers[KSERVER_MAX];
unsigned kserver_depth;		/* server code frames on the server stack (0 in a light call: kserver_impl.h) */
/*
 * The task whose kernel stack the servers' caller runs on, with a
 * reference that keeps that stack while a handler may end the task.
 * Dropped on leaving; at shutdown if the root's own end left it behind.
 */
static struct task *kserver_held;
/*
 * The held task's call was answered by its handler's return value: it
 * runs again at once, as a user-mode server's reply_recv hands it the
 * hart. An answer by an explicit ipc_reply (sched_yield) leaves it in
 * the run queue, behind the others, as in MODE=micro.
 */
static bool kserver_quick;
union kserver_due kserver_due;	/* kserver.h: pending, and deferred (helper_later) */
static uint8_t kserver_stack[KSERVER_STACK] __attribute__((aligned(16)));

/* Calls fn(arg) on the stack ending at top and comes back to this one (kernel/trapvec.S). */
void kserver_on_stack(void (*fn)(void *), void *arg, uint64_t top);

void kserver_call_on_stack(void (*fn)(void *), void *arg)
{
	if (kserver_depth++)
		fn(arg);
	else
		kserver_on_stack(fn, arg, (uint64_t)kserver_stack + sizeof(kserver_stack));
	kserver_depth--;
}

/* The kserver of ep, made on first use (a helper may be bound before its server serves). */
struct kserver *kserver_for(struct endpoint *ep)
{
	if (ep->kserver)
		return ep->kserver;
	for (int i = 0; i < KSERVER_MAX; i++) {
		if (kservers[i].ep)
			continue;
		kservers[i].ep = ep;
		kobj_get(&ep->obj);
		ep->kserver = &kservers[i];
		return &kservers[i];
	}
	return NULL;
}

struct kserver *kserver_of_task(const struct task *t)
{
	for (int i = 0; i < KSERVER_MAX; i++)
		if (kservers[i].task == t && kservers[i].handler)
			return &kservers[i];
	return NULL;
}

/*
 * Whether no server has work waiting (its endpoint's queue, its helper's
 * notification), so no handler runs before the kernel's return to user
 * mode: the held caller may then run on without queueing.
 */
static bool kserver_idle(void)
{
	if (kserver_due.deferred)
		return false;
	for (int i = 0; i < KSERVER_MAX; i++)
		if (kservers[i].handler && (kservers[i].helper || kservers[i].ep->senders.head))
			return false;
	return true;
}

/* c's message, received by the server as its receive loop would, and answered if the handler says so. */
static void kserver_take(struct kserver *ks, struct task *c)
{
	uint64_t out[IPC_REPLY_WORDS] = { 0 };
	struct kage_msg m;

	ipc_take(c, ks->task, &m);
	if (!ks->handler(m.token, &m, out))
		return;
	if (c == kserver_held && kserver_idle() && ipc_reply_running(ks->task, c, m.token, out))
		kserver_quick = true;	/* nothing else is due: c returns from its call without queueing */
	else if (ipc_reply(ks->task, m.token, out) == 0 && c == kserver_held)
		kserver_quick = true;
}

/* What the helper task sends in MODE=micro: a call with badge 0 and no words, whose answer nobody reads. */
static void kserver_helper_message(struct kserver *ks)
{
	static const struct kage_msg m = { .kind = KAGE_MSG_CALL };
	uint64_t out[IPC_REPLY_WORDS - 1];

	ks->helper = false;
	counters.received[ks->task->role]++;
	ks->handler(0, &m, out);
}

/* What kserver_begin changed, for kserver_end to put back. */
struct kserver_frame {
	struct task *prev;
	enum task_state state;
};

/* ks's code runs now, as the current task (so native calls are its own). */
static inline struct kserver_frame kserver_begin(struct kserver *ks)
{
	struct kserver_frame f = { hart_self()->running, ks->task->state };

	ks->busy = true;
	hart_self()->running = ks->task;
	ks->task->state = TASK_RUNNING;
	return f;
}

static inline void kserver_end(struct kserver *ks, struct kserver_frame f)
{
	ks->task->state = f.state;
	hart_self()->running = f.prev;
	ks->busy = false;
}

/* ks runs as the current task: `first` (if any), what queued for it meanwhile, its helper's wake-up. */
static void kserver_serve_all(struct kserver *ks, struct task *first)
{
	struct kserver_frame f = kserver_begin(ks);
	struct task *s;

	if (first)
		kserver_take(ks, first);
	for (;;) {
		s = endpoint_take(ks->ep, &ks->ep->senders);
		if (s)
			kserver_take(ks, s);
		else if (ks->helper)
			kserver_helper_message(ks);
		else
			break;
	}
	kserver_end(ks, f);
}

struct kserver_job {
	struct kserver *ks;
	struct task *first;
};

static void kserver_job(void *arg)
{
	struct kserver_job *j = arg;

	kserver_serve_all(j->ks, j->first);
}

void kserver_enter(struct kserver *ks, struct task *first)
{
	struct kserver_job j = { ks, first };

	kserver_call_on_stack(kserver_job, &j);
}

/*
 * A message posted while server code runs (a forward, an alert) waits on
 * the endpoint until that code is done, as it would for a user-mode
 * server that has not yet returned to its receive loop; so a handler
 * never finds another server's handler half-way through under it.
 */
void kserver_post(struct task *c, struct endpoint *ep)
{
	struct kserver *ks = ep->kserver;

	if (kserver_depth || !ks->handler) {
		endpoint_wait(ep, c, TASK_SENDING);
		kserver_due.pending = true;
		return;
	}
	kserver_enter(ks, c);
}

bool kserver_has_work(const struct kserver *ks)
{
	return ks->handler && !ks->busy && (ks->helper || ks->ep->senders.head);
}

/*
 * A notification a server signals while its code runs (the console's
 * "more to write") waits for the next safe point, as a user-mode
 * server's helper would wait for its turn to run: between two pieces of
 * work, interrupts are taken and other tasks may run.
 */
static void kserver_promote_deferred(void)
{
	if (!kserver_due.deferred)
		return;
	kserver_due.deferred = false;
	for (int i = 0; i < KSERVER_MAX; i++) {
		if (kservers[i].helper_later) {
			kservers[i].helper_later = false;
			kservers[i].helper = true;
			kserver_due.pending = true;
		}
	}
}

/* Serves what waits, until nothing does (handlers may post more). */
static void kserver_run_pending(void)
{
	kserver_promote_deferred();
	while (kserver_due.pending) {
		kserver_due.pending = false;
		for (int i = 0; i < KSERVER_MAX; i++)
			if (kserver_has_work(&kservers[i]))
				kserver_enter(&kservers[i], NULL);
	}
}

/*
 * The servers ran for t, whose kernel stack this is and on which this
 * code holds a reference: back to t if it may run, else to the next task.
 */
static void kserver_hold(struct task *t, bool quick)
{
	kobj_get(&t->obj);
	kserver_held = t;
	kserver_quick = quick;
}

static __attribute__((noreturn)) void kserver_leave(struct task *t)
{
	bool quick = kserver_quick;

	kserver_held = NULL;
	kserver_quick = false;
	if (t->state == TASK_DEAD) {
		sched_bury(t);	/* our reference goes on the idle stack, with the stack itself */
		sched_next();
	}
	kobj_put(&t->obj);
	if (trap_tick_came_due(t))
		quick = false;	/* the servers' time was t's; a tick also puts it behind the others */
	if (t->state == TASK_RUNNING) {
		/* Answered with nothing else due (kserver_take): it was never queued. */
		if (quick)
			sched_switch_to(t);
		sched_ready(t);
		sched_next();
	}
	if (t->state == TASK_RUNNABLE && quick) {
		sched_unready(t);
		sched_switch_to(t);
	}
	sched_next();
}

void kserver_send(struct task *t, struct endpoint *ep)
{
	kserver_hold(t, false);
	kserver_post(t, ep);
	kserver_poll(NULL);
	kserver_leave(t);
}

/* A Linux call made straight to its server's handler (kserver_syscall). */
struct kserver_direct {
	struct kserver *ks;
	struct task *t;
	uint64_t token;
	long answer;
	uint64_t out[IPC_REPLY_WORDS];
};

/* kserver_syscall's handler call, on the server stack. */
static void kserver_direct_job(void *arg)
{
	struct kserver_direct *d = arg;
	struct kserver_frame f = kserver_begin(d->ks);
	struct kage_msg m;

	ipc_take_syscall(d->t, d->ks->task, &m);
	d->token = m.token;
	d->answer = d->ks->handler(m.token, &m, d->out);
	kserver_end(d->ks, f);
}

/*
 * The end of a Linux call made straight to its server (kserver_syscall):
 * t was answered (quick) or not. What the handler passed on runs now (a
 * file call); then t returns to user mode from here if it may, without a
 * queue or a switch (a tick that came due meanwhile: trap_user takes
 * it), or the hart goes to whoever is due.
 */
static inline __attribute__((always_inline)) void kserver_syscall_done(struct task *t, bool answered)
{
	if (answered)
		kserver_quick = true;
	kserver_poll(NULL);
	if (t->state != TASK_RUNNING)
		kserver_leave(t);
	kserver_held = NULL;
	kserver_quick = false;
	kobj_put(&t->obj);	/* not the last: t runs */
}

/*
 * A plain call starts light: nothing of its bookkeeping is made (the
 * handler's running as its server's task, its caller's waiting for the
 * answer, the hold that keeps the caller's stack should the handler end
 * it, the server stack's depth), since only the handler's own native
 * calls could see any of it: interrupts are off in the kernel, and with
 * several harts the kernel lock is held. The first native call it makes
 * settles the call (kserver_light_settle), which then goes on exactly as
 * if that had been done at the start; so getpid, which makes none, never
 * pays for it. Only a light call runs server code at depth 0, so the
 * depth tells a native call that it is a light call's first, and the
 * light call that it settled; the current task is still its caller.
 */
/* What kserver_begin changed for the light call that settled: kserver_syscall_settled puts it back. */
static struct kserver_frame kserver_settled_frame;

void kserver_light_settle(void)
{
	struct task *t = sched_current();
	struct kserver *ks;

	kassert(t->personality && t->personality->kserver && t->state == TASK_RUNNING);
	ks = t->personality->kserver;	/* light calls are made to the personality server */
	kserver_depth = 1;	/* the handler's frame, the first on the server stack */
	t->sys_a0 = t->tf->a0;	/* not answered yet: the call's first argument */
	t->msg = TASK_MSG_SYSCALL;
	t->msg_badge = t->personality_badge;
	kserver_hold(t, false);
	kserver_settled_frame = kserver_begin(ks);
	ipc_take_plain(t, ks->task);
}

/* Each light call answered counts as one of each: a Linux ecall, a message sent, received and answered. */
void kserver_fold(struct kage_counters *c)
{
	for (int i = 0; i < KSERVER_MAX; i++) {
		uint64_t n = kservers[i].light_answered;

		if (!n)
			continue;
		c->ecall_linux += n;
		c->msg_syscalls += n;
		c->received[kservers[i].task->role] += n;
		c->msg_replies += n;
	}
}

/*
 * Calls fn(badge, nr, a) on the stack ending at top and comes back to
 * this one (kernel/trapvec.S): a plain call's handler, on the server stack.
 */
long kserver_plain_on_stack(uint64_t badge, uint64_t nr, const uint64_t *a, kserver_plain_handler fn, uint64_t top);

/*
 * t's plain call to ks answered by its handler, from the words in t's
 * frame: the answer. Only from user mode (syscall_linux), when no
 * server code runs: the server stack is free.
 */
static inline __attribute__((always_inline)) long kserver_plain_run(struct kserver *ks, struct task *t,
								    const struct trapframe *tf)
{
	return kserver_plain_on_stack(t->personality_badge, tf->a7, &tf->a[0], ks->plain,
				      (uint64_t)kserver_stack + sizeof(kserver_stack));
}

/* The end of t's plain call to ks, settled by its handler or at once. */
static __attribute__((noinline)) void kserver_syscall_settled(struct task *t, struct kserver *ks, long answer)
{
	kserver_depth = 0;
	kserver_end(ks, kserver_settled_frame);
	kserver_syscall_done(t, ipc_answer_plain(ks->task, t, answer, !kserver_due.any));
}

/*
 * t's plain call to ks settled at once (work is due that its answer must
 * wait behind: other servers' messages or wake-ups, an alert for t).
 */
static __attribute__((noinline)) void kserver_syscall_plain(struct task *t, struct kserver *ks)
{
	long answer;

	kserver_light_settle();
	answer = kserver_plain_run(ks, t, t->tf);
	kserver_syscall_settled(t, ks, answer);
}

/*
 * A plain call of t (endpoint_way: getpid, mmap, rt_sigprocmask) to ks,
 * its personality server, made light: a function call with the
 * arguments and the result, and no message or token. Its counts are
 * one (kserver_fold) unless it settles. Then a tick that came due.
 */
void kserver_syscall_light(struct task *t, struct kserver *ks, struct trapframe *tf)
{
	long answer = kserver_plain_run(ks, t, tf);

	if (!kserver_depth) {
		/* Still light: t goes on as if it had never waited (no token was made, so no call_seq moves). */
		tf->a0 = (uint64_t)answer;
		ks->light_answered++;
	} else {
		COUNT(ecall_linux);
		COUNT(msg_syscalls);
		kserver_syscall_settled(t, ks, answer);
	}
	if (trap_tick_waiting())
		trap_late_tick(sched_current());
}

/* t's Linux call (kserver_syscall) to ks as a message with a token, answered now or kept. */
static __attribute__((noinline)) void kserver_syscall_message(struct task *t, struct kserver *ks)
{
	struct kserver_direct d;

	d.ks = ks;
	d.t = t;
	kserver_hold(t, false);
	kserver_call_on_stack(kserver_direct_job, &d);
	if (!d.answer)
		kserver_syscall_done(t, false);
	else if (!kserver_due.any && ipc_reply_running(ks->task, t, d.token, d.out))
		kserver_syscall_done(t, true);
	else
		kserver_syscall_done(t, ipc_reply(ks->task, d.token, d.out) == 0);
}

/*
 * A Linux call of t, the way a monolithic kernel takes one: the
 * personality server's handler runs at once on the arguments in t's trap
 * frame. A call the server answers from its words alone is a light call
 * (kserver_syscall_light) unless work is due; any other gets a
 * `struct kage_msg` and a token, which a call that must wait keeps.
 * Answered at once (by the handler, or by the server it passed the call
 * to) with nothing else due, t goes back to user mode from here:
 * kserver_syscall returns. Otherwise (it waits, it ended, or other work
 * came up) the hart goes to whoever is due.
 *
 * Each kind of call has its own function, and this one jumps to it (a
 * sibling call, which the kernel otherwise does not make): so a call
 * saves only the registers its own kind needs.
 */
__attribute__((optimize("optimize-sibling-calls"))) void kserver_syscall(struct task *t, struct endpoint *ep)
{
	struct kserver *ks = ep->kserver;

	t->msg = TASK_MSG_SYSCALL;
	t->msg_badge = t->personality_badge;
	COUNT(msg_syscalls);
	if (!ks->handler)
		kserver_send(t, ep);	/* not serving yet: it waits on the endpoint */
	if (endpoint_way(ep, t->tf->a7) == ENDPOINT_PLAIN)
		kserver_syscall_plain(t, ks);
	else
		kserver_syscall_message(t, ks);
}

void kserver_interrupted(struct task *t)
{
	if (!t) {
		kserver_run_pending();
		return;
	}
	/* Runnable while the handlers run, so that they may alert or end it like any other. */
	kserver_hold(t, true);
	sched_ready(t);
	kserver_run_pending();
	kserver_leave(t);
}

void kserver_notify(struct notif *n)
{
	n->bits = 0;
	if (kserver_depth) {
		n->kserver->helper_later = true;
		kserver_due.deferred = true;
		return;
	}
	n->kserver->helper = true;
	kserver_due.pending = true;
}

int kserver_fault(uint64_t va, uint64_t access)
{
	return srvmem_fault(va, access);
}

void kserver_window_stat(struct kage_space_stat *st)
{
	srvmem_stat(st);
}

void kserver_shutdown(void)
{
	if (kserver_held)
		kobj_put(&kserver_held->obj);	/* the process server ended in a handler for it */
	kserver_held = NULL;
	kserver_depth = 0;
	for (int i = 0; i < KSERVER_MAX; i++) {
		if (kservers[i].ep) {
			endpoint_set_plain(kservers[i].ep, NULL, 0);	/* no plain call without its server */
			kservers[i].ep->kserver = NULL;
			kobj_put(&kservers[i].ep->obj);
		}
		kservers[i] = (struct kserver){ 0 };
	}
	kserver_due.any = 0;
	srvmem_release();
}
