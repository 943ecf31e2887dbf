#include "kernel/ipc.h"
#include "kernel/counters.h"
#include "kernel/kserver.h"
#include "kernel/panic.h"
#include "kernel/sched.h"
#include "kernel/sys_copy.h"
#include "lib/errno.h"
#include "lib/kage_abi.h"

_Static_assert(KAGE_MSG_CALL == TASK_MSG_CALL && KAGE_MSG_SYSCALL == TASK_MSG_SYSCALL &&
		       KAGE_MSG_FAULT == TASK_MSG_FAULT && KAGE_MSG_ALERT == TASK_MSG_ALERT,
	       "message kinds are the same numbers in the ABI");

/* Messages sent, counted by kind: the counters are in the kinds' order. */
_Static_assert(&((struct kage_counters *)0)->msg_syscalls - &((struct kage_counters *)0)->msg_calls ==
		       TASK_MSG_SYSCALL &&
		       &((struct kage_counters *)0)->msg_alerts - &((struct kage_counters *)0)->msg_calls ==
		       TASK_MSG_ALERT,
	       "msg_calls, msg_syscalls, msg_faults, msg_alerts follow enum task_msg");

static inline void ipc_count_send(enum task_msg kind)
{
	(&counters.msg_calls)[kind]++;
}

static void ipc_refuse(struct task *c);

/* The eight words of s's message, by its kind (lib/kage_abi.h); the kind the receiver sees. */
static uint64_t ipc_words(const struct task *s, uint64_t w[8])
{
	const struct trapframe *in = s->tf;

	if (s->fwd_rewritten) {
		for (int i = 0; i < 8; i++)
			w[i] = s->fwd_words[i];
		return TASK_MSG_CALL;	/* a forward with new words arrives as a call */
	}
	switch (s->msg) {
	case TASK_MSG_CALL:
		w[0] = in->a1, w[1] = in->a2, w[2] = in->a3, w[3] = in->a4;
		w[4] = in->a5, w[5] = in->a6, w[6] = 0, w[7] = 0;
		break;
	case TASK_MSG_SYSCALL:
		ipc_syscall_words(in, w);
		break;
	case TASK_MSG_FAULT:	/* scause, stval, pc, why it was not resolved */
		w[0] = in->scause, w[1] = in->stval, w[2] = in->sepc, w[3] = (uint64_t)s->fault_error;
		w[4] = w[5] = w[6] = w[7] = 0;
		break;
	default:	/* TASK_MSG_ALERT: a0 of the last Linux call, pc */
		w[0] = s->sys_a0, w[1] = in->sepc;
		w[2] = w[3] = w[4] = w[5] = w[6] = w[7] = 0;
		break;
	}
	return s->msg;
}

/* The kind and words of a message other than a call or Linux call as it was made, into r's registers. */
static __attribute__((noinline)) void ipc_deliver_words(const struct task *s, struct trapframe *out)
{
	uint64_t w[8];

	out->a2 = ipc_words(s, w);
	out->a3 = w[0], out->a4 = w[1], out->a5 = w[2], out->a6 = w[3];
	out->a7 = w[4], out->t0 = w[5], out->t1 = w[6], out->t2 = w[7];
}

/* The header every delivery starts with: the token of s's call and its badge. */
static inline __attribute__((always_inline)) void ipc_deliver_head(const struct task *s, struct trapframe *out)
{
	out->a0 = ipc_token(s);
	out->a1 = s->msg_badge;
}

/* A native call as s made it, into r's receive registers; ipc_accept follows. */
static inline __attribute__((always_inline)) void ipc_deliver_call(const struct task *s, struct task *r)
{
	struct trapframe *out = r->tf;
	const struct trapframe *in = s->tf;

	ipc_deliver_head(s, out);
	out->a2 = TASK_MSG_CALL;
	out->a3 = in->a1, out->a4 = in->a2, out->a5 = in->a3, out->a6 = in->a4;
	out->a7 = in->a5, out->t0 = in->a6, out->t1 = 0, out->t2 = 0;
}

/* A Linux call s has just made (sepc past its ecall), into r's receive registers; ipc_accept follows. */
static inline __attribute__((always_inline)) void ipc_deliver_syscall(const struct task *s, struct task *r)
{
	struct trapframe *out = r->tf;
	const struct trapframe *in = s->tf;

	ipc_deliver_head(s, out);
	out->a2 = TASK_MSG_SYSCALL;
	out->a3 = in->a7, out->a4 = in->a0, out->a5 = in->a1, out->a6 = in->a2;
	out->a7 = in->a3, out->t0 = in->a4, out->t1 = in->a5, out->t2 = in->sepc - 4;
}

/*
 * Hands the message of s to r's receive registers. Inline at every hand-off
 * with the two kinds almost every message is, register to register: what
 * ipc_words would build, without the words in between.
 */
static inline __attribute__((always_inline)) void ipc_deliver(struct task *s, struct task *r)
{
	if (__builtin_expect(s->fwd_rewritten, 0) || s->msg > TASK_MSG_SYSCALL) {
		ipc_deliver_head(s, r->tf);
		ipc_deliver_words(s, r->tf);
	} else if (s->msg == TASK_MSG_CALL) {
		ipc_deliver_call(s, r);
	} else {
		ipc_deliver_syscall(s, r);
	}
	ipc_accept(s, r);
}

void ipc_take(struct task *s, struct task *r, struct kage_msg *m)
{
	m->kind = ipc_words(s, m->w);
	m->token = ipc_token(s);
	m->badge = s->msg_badge;
	ipc_accept(s, r);
}

void ipc_send(struct task *t, struct endpoint *ep, enum task_msg kind, uint64_t badge)
{
	struct task *r = kserver_serves(ep) ? NULL : endpoint_take(ep, &ep->receivers);

	ipc_count_send(kind);
	t->msg = kind;
	t->msg_badge = badge;
	if (kserver_serves(ep))
		kserver_send(t, ep);	/* MODE=mono: a function call */
	if (!r) {
		if (__builtin_expect(!ep->obj.receivers, 0)) {
			ipc_refuse(t);	/* its server is gone */
			sched_next();
		}
		endpoint_wait(ep, t, TASK_SENDING);
		sched_next();
	}
	ipc_deliver(t, r);
	sched_switch_to(r);	/* the caller's time goes to the server */
}

int64_t ipc_recv(struct task *t, struct endpoint *ep)
{
	struct task *s = endpoint_take(ep, &ep->senders);

	if (!s) {
		endpoint_wait(ep, t, TASK_RECEIVING);
		sched_next();
	}
	ipc_deliver(s, t);
	return (int64_t)t->tf->a0;
}

/* Puts c's message on ep without switching: to a waiting receiver, or in the queue. */
static void ipc_post(struct task *c, struct endpoint *ep)
{
	struct task *r;

	if (kserver_serves(ep)) {
		kserver_post(c, ep);
		return;
	}
	r = endpoint_take(ep, &ep->receivers);
	if (!r) {
		if (__builtin_expect(!ep->obj.receivers, 0)) {
			ipc_refuse(c);	/* nobody could ever take it */
			return;
		}
		endpoint_wait(ep, c, TASK_SENDING);
		return;
	}
	ipc_deliver(c, r);
	sched_ready(r);
}

void ipc_alert(struct task *c)
{
	c->alert_pending = false;
	c->alert_interrupt = false;
	c->fwd_rewritten = false;
	c->msg = TASK_MSG_ALERT;
	c->msg_badge = c->personality_badge;
	COUNT(msg_alerts);
	ipc_post(c, c->personality);
}

void ipc_interrupt(struct task *c)
{
	c->tf->a0 = (uint64_t)-KAGE_ERESTART;
	task_cancel_wait(c);
	ipc_alert(c);
}

/* An answered caller runs again, unless an alert was waiting for the answer. */
static inline void ipc_wake(struct task *c)
{
	if (kserver_task(c))
		c->state = TASK_RUNNING;	/* a server in the kernel: its call returns (kserver.c) */
	else if (__builtin_expect(c->alert_pending, 0))
		ipc_alert(c);
	else
		sched_ready(c);
}

/* Writes the answer (n words, the rest zero) where the caller's kind of message expects it. */
static inline void ipc_answer(struct task *c, const uint64_t *w, unsigned n)
{
	struct trapframe *tf = c->tf;

	if (c->msg == TASK_MSG_CALL) {
		tf->a0 = w[0], tf->a1 = w[1], tf->a2 = w[2];
		tf->a3 = w[3], tf->a4 = w[4], tf->a5 = n > 5 ? w[5] : 0;
	} else if (c->msg == TASK_MSG_SYSCALL) {
		tf->a0 = w[0];
	}
	task_next_call(c);
	c->replier = NULL;
	c->fwd_rewritten = false;
}

/*
 * c's call can never be answered by its server (gone, or never to be
 * received): -EPIPE for a call or a Linux call, a resumed task for an
 * alert; a fault nobody will handle kills c, as a fault without a
 * handler does.
 */
static void ipc_refuse(struct task *c)
{
	static const uint64_t epipe[IPC_REPLY_WORDS] = { (uint64_t)-EPIPE };

	COUNT(msg_epipe);
	if (c->msg == TASK_MSG_FAULT) {
		task_die(c, -(int64_t)c->tf->scause - 1);
		return;
	}
	ipc_answer(c, epipe, IPC_REPLY_WORDS);
	ipc_wake(c);
}

int64_t ipc_reply(struct task *t, uint64_t token, const uint64_t words[IPC_REPLY_WORDS])
{
	struct task *c = ipc_caller(t, token);

	if (!c)
		return -ESRCH;
	COUNT(msg_replies);
	ipc_answer(c, words, IPC_REPLY_WORDS);
	ipc_wake(c);
	return 0;
}

bool ipc_reply_running(struct task *t, struct task *c, uint64_t token, const uint64_t words[IPC_REPLY_WORDS])
{
	if ((token & IPC_ID_MASK) != c->id || !ipc_token_is(c, t, token) || c->alert_pending)
		return false;
	COUNT(msg_replies);
	ipc_answer(c, words, IPC_REPLY_WORDS);
	c->state = TASK_RUNNING;
	return true;
}

void ipc_wake_answered(struct task *c)
{
	ipc_wake(c);
}

int64_t ipc_reply_recv(struct task *t, struct endpoint *ep, uint64_t token,
		       const uint64_t words[IPC_REPLY_WORDS - 1])
{
	struct task *c = NULL, *s;

	if (token) {
		c = ipc_caller(t, token);
		if (!c)
			return -ESRCH;
		COUNT(msg_replies);
		ipc_answer(c, words, IPC_REPLY_WORDS - 1);
		if (__builtin_expect(c->alert_pending, 0)) {
			ipc_alert(c);	/* possibly to ep itself: received below */
			c = NULL;
		}
	}
	s = endpoint_take(ep, &ep->senders);
	if (s) {
		if (c)
			sched_ready(c);
		ipc_deliver(s, t);
		return (int64_t)t->tf->a0;
	}
	endpoint_wait(ep, t, TASK_RECEIVING);
	if (c)
		sched_switch_to(c);	/* the server's time goes back to the caller */
	sched_next();
}

/*
 * The fast path (seL4's fastpath is the model): the calls of every round
 * trip (ipc_call, a Linux call forwarded to its server, reply_recv), on
 * one hart, straight from the trap vector (kernel/trapvec.S) with the
 * common case tested first. Each does what the general path would do on
 * its way (the same counters, the same hand-off) without the dispatch
 * table, the general functions' saved registers or their tests for the
 * rare cases, and returns the frame of the task that runs next, for the
 * vector to return to. Whenever one of its tests fails it returns NULL
 * having changed nothing, and the vector takes the call the general way
 * (syscall_trap): so the fast path only has to be right where it goes.
 * It calls no function, so it saves no register: an endpoint's count
 * moves by hand (the sender's handle, personality or route holds a
 * reference too, so the queue's is never the last), and a task whose FP
 * state must be brought in goes the general way.
 *
 * Each hand-off is one count in the hart's struct (one increment off tp),
 * by kind (and for a message by the receiver's role), where the general
 * path moves four or five counters;
 * sys_stats adds these to the counters they stand for (ipc_fast_fold),
 * so a reader sees the same figures either way. Every fast hand-off
 * changes task (the caller was the hart's last task, and the task it
 * hands to is waiting, so another): it counts as a switch of both kinds.
 */
_Static_assert(TASK_MSG_CALL == 0 && TASK_MSG_SYSCALL == 1, "struct hart's fast_taken is indexed by these kinds");

void ipc_fast_fold(struct kage_counters *c, uint64_t *switches)
{
	uint64_t sent[TASK_MSG_SYSCALL + 1] = { 0 }, replies = 0, handoffs;

	for (unsigned i = 0; i < hart_count; i++) {
		const struct hart *h = hart_at(i);

		replies += h->fast_replies;
		for (int kind = 0; kind <= TASK_MSG_SYSCALL; kind++)
			for (int role = 0; role < KAGE_SERVERS; role++) {
				c->received[role] += h->fast_taken[kind][role];
				sent[kind] += h->fast_taken[kind][role];
			}
	}
	handoffs = sent[TASK_MSG_CALL] + sent[TASK_MSG_SYSCALL] + replies;
	c->ecall_native += sent[TASK_MSG_CALL] + replies;
	c->ecall_linux += sent[TASK_MSG_SYSCALL];
	c->msg_calls += sent[TASK_MSG_CALL];
	c->msg_syscalls += sent[TASK_MSG_SYSCALL];
	c->msg_replies += replies;
	c->task_switches += handoffs;
	*switches += handoffs;
}

/*
 * The three fast functions call nothing, so no backtrace can pass
 * through them: they keep no frame record, which saves five
 * instructions a call on the hottest path.
 */
#define IPC_FAST __attribute__((optimize("omit-frame-pointer")))

/* The hand-off of all three: t waits (its state set), n runs next on h with the same space as before or its own. */
static inline __attribute__((always_inline)) struct trapframe *ipc_fast_switch(struct hart *h, struct task *n)
{
	sched_switch_set(h, n);
	if (h->space != n->space)
		space_load(h, n->space);
	return n->tf;
}

/*
 * The receiver waiting on ep that t's message can go to the fast way, or
 * NULL: nobody waits (the general path queues t), t passes on a
 * forward's words, a server in the kernel takes it, or the receiver's FP
 * state must be brought in.
 */
static inline __attribute__((always_inline)) struct task *ipc_fast_receiver(const struct hart *h,
									   const struct endpoint *ep,
									   const struct task *t)
{
	struct task *r = ep->receivers.head;

	if (!r || t->fwd_rewritten || kserver_serves(ep) || !sched_fpu_ready(h, r))
		return NULL;
	return r;
}

/*
 * t's message of `kind` (a call, or a Linux call), its ecall done, goes to
 * r, first in ep's receive queue, and r runs next.
 */
static inline __attribute__((always_inline)) struct trapframe *
ipc_fast_take(struct hart *h, struct endpoint *ep, struct task *t, struct task *r, enum task_msg kind)
{
	t->tf->sepc += 4;
	h->fast_taken[kind][r->role]++;
	t->msg = kind;
	task_queue_drop_head(&ep->receivers, r);
	r->wait_on = NULL;
	ep->obj.refs--;	/* the queue's; the sender's handle, personality or route holds one too */
	ipc_deliver_head(t, r->tf);	/* the rest goes from t's frame to r's registers (trap_deliver_call, _syscall) */
	ipc_accept_uncounted(t, r);
	return ipc_fast_switch(h, r);
}

IPC_FAST struct trapframe *ipc_fast_call(struct trapframe *tf)
{
	struct hart *hs = hart_self();
	struct task *t, *r;
	const struct handle *h;
	struct endpoint *ep;

	if (hs->smp)
		return NULL;	/* other harts: the general way, under the kernel lock */
	t = hs->running;
	if (handle_lookup(&t->handles, (int64_t)tf->a0, KOBJ_ENDPOINT, HANDLE_RIGHT_SEND, &h) < 0)
		return NULL;
	ep = (struct endpoint *)h->obj;
	r = ipc_fast_receiver(hs, ep, t);
	if (!r)
		return NULL;
	t->msg_badge = h->badge;
	return ipc_fast_take(hs, ep, t, r, TASK_MSG_CALL);
}

/*
 * A Linux call forwarded to its personality endpoint, or to the endpoint
 * that one routes it to, where a receiver waits: syscall_linux's way
 * (the route's hold as syscall_route sets it), without its tests.
 */
IPC_FAST struct trapframe *ipc_fast_syscall(struct trapframe *tf)
{
	struct hart *hs = hart_self();
	struct task *t, *r;
	struct endpoint *ep;
	bool routed;

	if (hs->smp)
		return NULL;	/* other harts: the general way, under the kernel lock */
	t = hs->running;
	ep = t->personality;
	if (!ep)
		return NULL;
	routed = endpoint_routes(ep, tf->a7);
	if (routed)
		ep = ep->route->to;
	r = ipc_fast_receiver(hs, ep, t);
	if (!r)
		return NULL;	/* the general path decides where it waits */
	t->sys_a0 = tf->a0;
	if (routed)
		t->held_seq = t->call_seq | 1;
	t->msg_badge = t->personality_badge;
	return ipc_fast_take(hs, ep, t, r, TASK_MSG_SYSCALL);
}

/*
 * Whether t's reply_recv (tf: a0 the endpoint, a1 the token) can go the
 * fast way, with its endpoint and the caller it answers: one hart, a
 * good token, and nothing the general path must see to.
 */
static inline __attribute__((always_inline)) bool ipc_fast_answerable(const struct hart *hs, struct task *t,
									const struct trapframe *tf,
									struct endpoint **ep, struct task **c)
{
	const struct handle *h;

	if (hs->smp || !tf->a1)
		return false;	/* other harts, or nothing to answer: the general way */
	if (handle_lookup(&t->handles, (int64_t)tf->a0, KOBJ_ENDPOINT, HANDLE_RIGHT_RECV, &h) < 0)
		return false;
	*ep = (struct endpoint *)h->obj;
	*c = ipc_caller(t, tf->a1);
	/* A bad token, an alert to send, a fault's answer, a call to take at once. */
	return *c && !(*c)->alert_pending && (*c)->msg <= TASK_MSG_SYSCALL && !(*ep)->senders.head &&
	       sched_fpu_ready(hs, *c) && !kserver_task(*c) && (*ep)->obj.refs != UINT32_MAX;
}

/* t answers c with words and waits on ep, its ecall done; c runs next. */
static inline __attribute__((always_inline)) struct trapframe *
ipc_fast_answer_wait(struct hart *hs, struct task *t, struct trapframe *tf, struct endpoint *ep, struct task *c,
		     const uint64_t words[IPC_REPLY_WORDS - 1])
{
	ipc_answer(c, words, IPC_REPLY_WORDS - 1);	/* first: c->msg is still in a register from the tests */
	tf->sepc += 4;
	hs->fast_replies++;
	ep->obj.refs++;
	endpoint_enqueue(ep, t, TASK_RECEIVING);
	return ipc_fast_switch(hs, c);
}

IPC_FAST struct trapframe *ipc_fast_reply_recv(struct trapframe *tf)
{
	struct hart *hs = hart_self();
	struct task *t = hs->running, *c;
	struct endpoint *ep;

	if (!ipc_fast_answerable(hs, t, tf, &ep, &c))
		return NULL;
	return ipc_fast_answer_wait(hs, t, tf, ep, c, &tf->a[2]);
}

/*
 * reply_copy_recv the fast way: the copy into the caller, then
 * reply_recv's hand-off. Not a leaf like the others (the copy is a
 * function, and it saves its registers), but one trap where a copy and a
 * reply_recv are two. A copy that fails answers t at once, with nothing
 * answered or received, as sys_ipc_reply_copy_recv would.
 */
struct trapframe *ipc_fast_reply_copy_recv(struct trapframe *tf)
{
	struct hart *hs = hart_self();
	struct task *t = hs->running, *c;
	const uint64_t words[IPC_REPLY_WORDS - 1] = { tf->a2 };
	struct endpoint *ep;
	int64_t err;

	if (tf->a5 > KAGE_COPY_MAX || !ipc_fast_answerable(hs, t, tf, &ep, &c))
		return NULL;
	err = sys_copy_with(t, t->space, c->space, tf->a3, tf->a4, tf->a5, true, true);
	if (err < 0) {
		COUNT(ecall_native);
		tf->sepc += 4;
		tf->a0 = (uint64_t)err;
		return tf;
	}
	return ipc_fast_answer_wait(hs, t, tf, ep, c, words);
}

int64_t ipc_forward(struct task *t, uint64_t token, struct endpoint *ep, const uint64_t *words, uint64_t badge,
		    uint64_t flags)
{
	struct task *c = ipc_caller(t, token);

	if (!c)
		return -ESRCH;
	if (!ep->obj.receivers && !kserver_serves(ep))
		return -EPIPE;	/* nobody can receive there: the call stays t's to answer */
	if (__builtin_expect(c->alert_pending && c->alert_interrupt, 0)) {
		ipc_interrupt(c);	/* it was held, and where it goes it may wait: the signal first */
		return 0;
	}
	COUNT(msg_forwards);
	task_next_call(c);	/* t's token is spent; the next server gets a new one */
	c->replier = NULL;
	if (flags & KAGE_FORWARD_HOLD)
		c->held_seq = c->call_seq | 1;
	if (words) {
		for (int i = 0; i < 8; i++)
			c->fwd_words[i] = words[i];
		c->fwd_rewritten = true;
		c->msg_badge = badge;
	}
	ipc_post(c, ep);
	return 0;
}

/*
 * Only a task that ever received a call can hold callers, so a program's
 * death costs nothing here; a server's walks the live ids (refusing a
 * caller may end it and free ids, hence the limit read each time).
 */
void ipc_abandon(struct task *dead)
{
	if (!dead->received)
		return;
	for (uint32_t id = 1; id < taskid_limit(); id++) {
		struct task *c = task_by_id(id);

		if (c && c->state == TASK_REPLY_WAIT && c->replier == dead)
			ipc_refuse(c);
	}
}

void ipc_unreceivable(struct kobj *obj)
{
	struct endpoint *ep = (struct endpoint *)obj;
	struct task *c;

	while ((c = endpoint_take(ep, &ep->senders))) {
		c->state = TASK_SUSPENDED;	/* out of the queue, not yet answered */
		ipc_refuse(c);
	}
}
