/*
 * Synchronous IPC over endpoints: call, receive, reply, reply-and-receive,
 * forward (a received call passed on) and alert (a task stopped for its
 * personality server).
 *
 * A message is the sender's registers, read when a receiver takes it, so
 * nothing is buffered in the kernel. A receiver gets, in registers:
 *   a0 token    names the call for ipc_reply (a server may keep it and
 *               answer later: deferred replies)
 *   a1 badge    of the handle the caller used (or of its personality or
 *               exception endpoint): who is calling
 *   a2 kind     KAGE_MSG_CALL, KAGE_MSG_SYSCALL, KAGE_MSG_FAULT or
 *               KAGE_MSG_ALERT
 *   a3-a7, t0-t2  eight message words (lib/kage_abi.h says what each
 *               kind puts there)
 * Tokens: (call sequence number << 20) | caller id, 43 and 20 bits. A
 * caller's sequence number moves on when its call is answered or
 * abandoned, and goes on from the last holder of its id when a new task
 * takes the id (kernel/taskid.h), so a stale or forged token is refused
 * (-ESRCH), even after its task died and its id was reused, and only the
 * task that received a call may answer it.
 */
#ifndef KAGE_KERNEL_IPC_H
#define KAGE_KERNEL_IPC_H

#include <stdint.h>
#include "kernel/counters.h"
#include "kernel/endpoint.h"
#include "kernel/task.h"
#include "kernel/taskid.h"
#include "lib/kage_abi.h"

#define IPC_REPLY_WORDS 6

/*
 * The current task t sends its message of `kind` with `badge` on ep and
 * waits for the reply; does not return (t resumes in user mode).
 */
__attribute__((noreturn)) void ipc_send(struct task *t, struct endpoint *ep, enum task_msg kind,
					uint64_t badge);
/* The current task waits for a message on ep: returns the token (a0), or does not return. */
int64_t ipc_recv(struct task *t, struct endpoint *ep);
/* Answers the call named by token with `words`: 0, or -ESRCH. */
int64_t ipc_reply(struct task *t, uint64_t token, const uint64_t words[IPC_REPLY_WORDS]);
/*
 * Answers c's call under token as ipc_reply does, but c does not queue:
 * it goes on running (the caller a server in the kernel was called by
 * directly, kserver.c). False, and nothing done, unless token is c's
 * current call with no alert waiting for its answer.
 */
bool ipc_reply_running(struct task *t, struct task *c, uint64_t token, const uint64_t words[IPC_REPLY_WORDS]);
/* s now waits for r's reply: r has received its message (counted by the caller). */
static inline void ipc_accept_uncounted(struct task *s, struct task *r)
{
	s->state = TASK_REPLY_WAIT;
	s->replier = r;
	r->serving = s->id;
	r->received = true;
}

/* s now waits for r's reply: r has received its message. */
static inline void ipc_accept(struct task *s, struct task *r)
{
	ipc_accept_uncounted(s, r);
	counters.received[r->role]++;
}

/* c, just answered, runs again (queued), unless an alert was waiting for the answer. */
void ipc_wake_answered(struct task *c);

/*
 * A Linux call of s that r answers from its words alone, with no message
 * (kserver.c's plain calls): s waits for r's answer as if r had received
 * it, so an alert meanwhile waits for the answer, and r's time is s's.
 */
static inline void ipc_take_plain(struct task *s, struct task *r)
{
	ipc_accept(s, r);
}

/*
 * The answer to a call ipc_take_plain took, into s's a0, if s still waits
 * for it (no token was ever given, so only s's end can have taken the
 * call). now: s goes on running with nothing queued, unless an alert
 * waited for the answer; else s is woken as ipc_reply wakes it. Whether
 * s was answered.
 */
static inline bool ipc_answer_plain(struct task *r, struct task *s, long answer, bool now)
{
	if (s->state != TASK_REPLY_WAIT || s->replier != r)
		return false;
	COUNT(msg_replies);
	s->tf->a0 = (uint64_t)answer;
	task_next_call(s);
	s->replier = NULL;
	if (now && !s->alert_pending)
		s->state = TASK_RUNNING;
	else
		ipc_wake_answered(s);
	return true;
}

/*
 * Answers token (unless 0) with five words, then receives on ep; when
 * nothing is waiting the hart goes straight to the caller just answered.
 */
int64_t ipc_reply_recv(struct task *t, struct endpoint *ep, uint64_t token,
		       const uint64_t words[IPC_REPLY_WORDS - 1]);
/*
 * The fast path of ipc_reply_recv, from the trap vector on
 * one hart (tf: the current task's frame): the frame of the task to run
 * next if it took the call; NULL, having changed nothing, if the general
 * path must take it.
 */
struct trapframe *ipc_fast_reply_recv(struct trapframe *tf);
/*
 * The same for ipc_call, and for a Linux call (MODE=micro: in MODE=mono
 * its server is in the kernel), except that the receiver's frame gets the
 * token and badge alone: the vector (trap_deliver_call, _syscall) loads
 * the rest of the message from tf straight into its registers.
 */
struct trapframe *ipc_fast_call(struct trapframe *tf);
struct trapframe *ipc_fast_syscall(struct trapframe *tf);
/* The same for reply_copy_recv (lib/kage_abi.h): tf itself when its copy failed. */
struct trapframe *ipc_fast_reply_copy_recv(struct trapframe *tf);
/*
 * Adds the fast path's hand-offs to the counters they count as (c, and
 * the switches in *switches): sys_stats's view of the counters.
 */
void ipc_fast_fold(struct kage_counters *c, uint64_t *switches);
/*
 * Passes the call named by token on to ep, as if its caller had sent it
 * there: the reply now comes from whoever receives it there, and token
 * is spent. words NULL: the message goes on unchanged (kind, words and
 * badge); otherwise it arrives as a CALL carrying the eight words and
 * `badge` (the forwarder's handle's), while the reply still lands as the
 * original kind expects. 0, or -ESRCH for a token t does not hold.
 */
int64_t ipc_forward(struct task *t, uint64_t token, struct endpoint *ep, const uint64_t *words, uint64_t badge,
		    uint64_t flags);
/* c, waiting for an answer, gets -KAGE_ERESTART instead and sends its alert (task_alert's interrupt). */
void ipc_interrupt(struct task *c);
/*
 * r receives s's message into *m rather than into its registers (a
 * server in the kernel, kserver.c); s now waits for r's reply.
 */
void ipc_take(struct task *s, struct task *r, struct kage_msg *m);
#define IPC_ID_MASK (TASKID_MAX - 1)

/* (sequence << 20) | id: the sequence sits in call_seq's top 43 bits, so bit 63 is always clear. */
static inline uint64_t ipc_token(const struct task *caller)
{
	return caller->call_seq >> 1 | caller->id;
}

/* A Linux call's words: its number, six arguments, the pc of the ecall. */
static inline void ipc_syscall_words(const struct trapframe *in, uint64_t w[8])
{
	w[0] = in->a7, w[1] = in->a0, w[2] = in->a1, w[3] = in->a2;
	w[4] = in->a3, w[5] = in->a4, w[6] = in->a5, w[7] = in->sepc - 4;
}

/* ipc_take of a Linux call that s has just made (kind SYSCALL, not forwarded); inline for MODE=mono's entry. */
static inline void ipc_take_syscall(struct task *s, struct task *r, struct kage_msg *m)
{
	ipc_syscall_words(s->tf, m->w);
	m->token = ipc_token(s);
	m->badge = s->msg_badge;
	m->kind = TASK_MSG_SYSCALL;
	ipc_accept(s, r);
}

/*
 * Whether `token` names c's current call, received by t: c waits for
 * t's answer, and the sequence is its current call's (call_seq keeps it
 * one bit higher than the token does). The id is the caller's to check.
 */
static inline bool ipc_token_is(const struct task *c, const struct task *t, uint64_t token)
{
	return c->state == TASK_REPLY_WAIT && c->replier == t && c->call_seq >> (TASKID_BITS + 1) == token >> TASKID_BITS;
}

/*
 * The caller waiting for t's answer under `token` (its call received, not
 * yet answered), or NULL; inline, as every reply and every copy by token
 * asks it.
 */
static inline struct task *ipc_caller(struct task *t, uint64_t token)
{
	struct task *c = task_by_id(token & IPC_ID_MASK);

	return c && ipc_token_is(c, t, token) ? c : NULL;
}
/* Sends c's ALERT to its personality endpoint (c waits for nothing else; see task_alert). */
void ipc_alert(struct task *c);
/* A dead server's pending calls: callers get -EPIPE, faulted tasks die. */
void ipc_abandon(struct task *dead);
/*
 * An endpoint's last receive handle went (its server died): every caller
 * queued there is answered as by ipc_abandon, and later sends get -EPIPE
 * at once (ipc_forward refuses to pass a call on there).
 */
void ipc_unreceivable(struct kobj *obj);

#endif
