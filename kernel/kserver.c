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
#include "kernel/sched.h"
#include "kernel/srvmem.h"
#include "kernel/sys.h"
#include "kernel/syscall.h"
#include "kernel/trap.h"
#include "lib/errno.h"

#define KSERVER_STACK (64u << 10)

static struct kserver kservers[KSERVER_MAX];
static unsigned kserver_depth;	/* server code frames on the server stack */
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
bool kserver_pending;		/* some helper notification fired */
bool kserver_deferred;		/* some fired while server code ran (helper_later) */
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
	if (kserver_deferred)
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

static void kserver_enter(struct kserver *ks, struct task *first)
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
		kserver_pending = true;
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
	if (!kserver_deferred)
		return;
	kserver_deferred = false;
	for (int i = 0; i < KSERVER_MAX; i++) {
		if (kservers[i].helper_later) {
			kservers[i].helper_later = false;
			kservers[i].helper = true;
			kserver_pending = true;
		}
	}
}

/* Serves what waits, until nothing does (handlers may post more). */
static void kserver_run_pending(void)
{
	kserver_promote_deferred();
	while (kserver_pending) {
		kserver_pending = false;
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
 * Calls fn(badge, nr, a) on the stack ending at top and comes back to
 * this one (kernel/trapvec.S): a plain call's handler, on the server stack.
 */
long kserver_plain_on_stack(uint64_t badge, uint64_t nr, const uint64_t *a, kserver_plain_handler fn, uint64_t top);

/*
 * t's plain call (kserver_serve_plain), answered by ks's handler from the
 * words in t's trap frame, as ks's own code: the answer. A function call
 * with the arguments and the result, and no message or token.
 */
static inline __attribute__((always_inline)) long kserver_plain_call(struct kserver *ks, struct task *t)
{
	const struct trapframe *tf = t->tf;
	struct kserver_frame f = kserver_begin(ks);
	long answer;

	ipc_take_plain(t, ks->task);
	if (kserver_depth++)
		answer = ks->plain(t->msg_badge, tf->a7, &tf->a[0]);
	else
		answer = kserver_plain_on_stack(t->msg_badge, tf->a7, &tf->a[0], ks->plain,
						(uint64_t)kserver_stack + sizeof(kserver_stack));
	kserver_depth--;
	kserver_end(ks, f);
	return answer;
}

/* Whether Linux call nr is one ks answers from its words alone: a bit of the server's bitmap. */
static inline bool kserver_is_plain(const struct kserver *ks, uint64_t nr)
{
	return ks->plain && kage_nr_has(ks->plain_which, ks->plain_count, nr);
}

/* t's plain call (kserver_syscall) to ks, answered with the handler's return value. */
static __attribute__((noinline)) void kserver_syscall_plain(struct task *t, struct kserver *ks)
{
	long answer;

	kserver_hold(t, false);
	answer = kserver_plain_call(ks, t);
	kserver_syscall_done(t, ipc_answer_plain(ks->task, t, answer, !(kserver_pending | kserver_deferred)));
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
	else if (!(kserver_pending | kserver_deferred) && ipc_reply_running(ks->task, t, d.token, d.out))
		kserver_syscall_done(t, true);
	else
		kserver_syscall_done(t, ipc_reply(ks->task, d.token, d.out) == 0);
}

/*
 * A Linux call of t, the way a monolithic kernel takes one: the
 * personality server's handler runs at once on the arguments in t's trap
 * frame. A call the server answers from its words alone (getpid, mmap,
 * rt_sigprocmask: kserver_serve_plain) is a function call with the
 * arguments and the result, and no message or token. Any other gets a
 * `struct kage_msg` and a token, which a call that must wait keeps.
 * Answered at once (by the handler, or by the server it passed the call
 * to) with nothing else due, t goes back to user mode from here:
 * syscall_dispatch returns. Otherwise (it waits, it ended, or other work
 * came up) the hart goes to whoever is due.
 *
 * Each kind of call has its own function, and this one jumps to it (a
 * sibling call, which the kernel otherwise does not make): so a getpid
 * saves only the registers a plain call needs, not those of a message
 * and its answer.
 */
__attribute__((optimize("optimize-sibling-calls"))) void kserver_syscall(struct task *t, struct endpoint *ep)
{
	struct kserver *ks = ep->kserver;

	t->msg = TASK_MSG_SYSCALL;
	t->msg_badge = t->personality_badge;
	COUNT(msg_syscalls);
	if (!ks->handler)
		kserver_send(t, ep);	/* not serving yet: it waits on the endpoint */
	if (kserver_is_plain(ks, t->tf->a7))
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
		kserver_deferred = true;
		return;
	}
	n->kserver->helper = true;
	kserver_pending = true;
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
			kservers[i].ep->kserver = NULL;
			kobj_put(&kservers[i].ep->obj);
		}
		kservers[i] = (struct kserver){ 0 };
	}
	kserver_pending = kserver_deferred = false;
	srvmem_release();
}

/* ---- Native calls as function calls ---------------------------------------- */

const void *kserver_map_item(long handle)
{
	struct memobj *m;

	if (sys_object(sched_current(), (uint64_t)handle, KOBJ_MEMORY, HANDLE_RIGHT_READ, &m) < 0)
		return NULL;
	if (memobj_has_frames(m))
		return NULL;	/* boot items are physical ranges; frames have no one address */
	if (frame_is_ram(m->base))
		return phys_to_virt(m->base);	/* the initramfs: already in the direct map */
	return kmap_device(m->base, m->size);
}

static int64_t kserver_refuse(const struct task *t, const char *what)
{
	klog("kage: %s: %s in the kernel would wait; refused\n", t->name, what);
	return -EDEADLK;
}

/*
 * ipc_call from a server: the other server's handler runs now and must
 * answer now, since nothing can wait in the kernel. The words travel in
 * t's own frame, as they would in its registers.
 */
static int64_t kserver_call(struct task *t, struct trapframe *tf)
{
	const struct handle *h;
	struct endpoint *ep;
	int err = handle_lookup(&t->handles, (int64_t)tf->a0, KOBJ_ENDPOINT, HANDLE_RIGHT_SEND, &h);

	if (err < 0)
		return err;
	ep = (struct endpoint *)h->obj;
	if (!kserver_serves(ep) || ep->kserver->busy || !ep->kserver->handler)
		return kserver_refuse(t, "a call to a busy or absent server");
	for (int i = 1; i <= 6; i++)
		t->tf->a[i] = tf->a[i];
	t->msg = TASK_MSG_CALL;
	t->msg_badge = h->badge;
	t->fwd_rewritten = false;
	COUNT(msg_calls);
	kserver_enter(ep->kserver, t);
	if (t->state == TASK_REPLY_WAIT) {
		task_next_call(t);	/* the kept token goes stale */
		t->replier = NULL;
		t->state = TASK_RUNNING;
		return kserver_refuse(t, "a call answered later");
	}
	for (int i = 0; i < 6; i++)
		tf->a[i] = t->tf->a[i];
	return (int64_t)tf->a0;
}

long kserver_native(uint64_t nr, uint64_t a[7])
{
	struct task *t = sched_current();
	struct trapframe tf;
	int64_t r;

	COUNT(direct_native);
	/* Word by word, not a loop: this is every native call's path in MODE=mono. */
	tf.a0 = a[0], tf.a1 = a[1], tf.a2 = a[2], tf.a3 = a[3], tf.a4 = a[4], tf.a5 = a[5], tf.a6 = a[6];
	tf.a7 = nr;
	switch (nr) {
	case KAGE_SYS_IPC_CALL:
		r = kserver_call(t, &tf);
		break;
	case KAGE_SYS_SPACE_MAP:
		r = a[0] == KAGE_HANDLE_SELF_SPACE ? srvmem_map(a[1], a[2], a[3]) : syscall_native(t, &tf);
		break;
	case KAGE_SYS_SPACE_UNMAP:
		r = a[0] == KAGE_HANDLE_SELF_SPACE ? srvmem_unmap(a[1], a[2]) : syscall_native(t, &tf);
		break;
	case KAGE_SYS_IPC_RECV:
	case KAGE_SYS_IPC_REPLY_RECV:
	case KAGE_SYS_IPC_REPLY_COPY_RECV:
	case KAGE_SYS_NOTIF_WAIT:
	case KAGE_SYS_TASK_YIELD:
		r = kserver_refuse(t, "a receive, wait or yield");
		break;
	default:
		r = syscall_native(t, &tf);
	}
	a[0] = (uint64_t)r;
	a[1] = tf.a1, a[2] = tf.a2, a[3] = tf.a3, a[4] = tf.a4, a[5] = tf.a5;
	return r;
}
