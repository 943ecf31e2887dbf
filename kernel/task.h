/*
 * Tasks: threads of execution in a space.
 *
 * A task owns one kernel stack (a frame) whose top holds its saved user
 * registers (tf). The kernel never blocks in the middle of its own code:
 * a task that waits (for a receiver, a reply, a notification, the CPU)
 * has its whole state in tf, and whoever wakes it writes the result
 * there, so resuming a task is always a return to user mode with tf.
 *
 * Ownership: a task holds a reference on its space, on its personality
 * and exception endpoints, and on the objects its handle table names.
 * Reference count (kobj): one "alive" reference from creation until the
 * scheduler reaps it after death, plus one per handle naming it. Death
 * (task_die) empties the handle table and drops the endpoints at once, so
 * reference cycles between tasks that name each other cannot keep them
 * alive; the stack and the object go when the last reference does.
 * Invariants: a task is in at most one queue (the run queue, or the wait
 * queue of the endpoint or notification in `wait_on`), as its state says.
 * Its id names it in the id table (kernel/taskid.h) while it is alive.
 * Limits: memory alone (a task costs two frames, and a handle table as
 * it grows), up to the id table's 2^20 - 1 live tasks.
 */
#ifndef KAGE_KERNEL_TASK_H
#define KAGE_KERNEL_TASK_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/fpu.h"
#include "kernel/handle.h"
#include "kernel/kobj.h"
#include "kernel/space.h"
#include "kernel/taskid.h"
#include "kernel/trap.h"

enum task_state {
	TASK_SUSPENDED,		/* created or cloned, not yet resumed */
	TASK_RUNNABLE,		/* in the run queue */
	TASK_RUNNING,		/* a hart's current task */
	TASK_SENDING,		/* in an endpoint's queue, waiting for a receiver */
	TASK_REPLY_WAIT,	/* its call was received; waiting for the reply */
	TASK_RECEIVING,		/* in an endpoint's queue, waiting for a caller */
	TASK_NOTIF_WAIT,	/* waiting on a notification */
	TASK_DEAD,
};

/* What the message a task sends stands for, and so how its reply lands. */
enum task_msg {
	TASK_MSG_CALL,		/* ipc_call: words in a1-a6, reply words to a0-a5 */
	TASK_MSG_SYSCALL,	/* a forwarded Linux ecall: the reply's first word to a0 */
	TASK_MSG_FAULT,		/* a forwarded fault: a reply resumes the task, nothing written */
	TASK_MSG_ALERT,		/* task_alert: a reply resumes the task, nothing written */
};

struct endpoint;

struct task {
	struct kobj obj;
	uint32_t id;
	enum task_state state;
	char name[16];
	struct space *space;
	uint64_t kstack_pa;
	struct trapframe *tf;	/* user registers, at the top of the kernel stack */
	struct task *next;	/* link in the queue its state names */
	struct kobj *wait_on;	/* the endpoint or notification it waits on */
	int64_t status;		/* exit status, or -(cause + 1) when killed by a fault */

	/* IPC: where its Linux calls and faults go, with the badges they carry. */
	struct endpoint *personality, *exception;
	uint64_t personality_badge, exception_badge;
	enum task_msg msg;	/* while SENDING or REPLY_WAIT */
	uint64_t msg_badge;	/* the badge its message carries */
	uint64_t call_seq;	/* its current call's sequence, in the top 43 bits (kernel/taskid.h) */
	struct task *replier;	/* who received its call (REPLY_WAIT) */
	bool fwd_rewritten;	/* a server forwarded its call with new words (ipc_forward) */
	uint64_t fwd_words[8];	/* those words, delivered as a CALL */
	uint64_t sys_a0;	/* a0 of its last forwarded Linux call (to restart it) */
	int64_t fault_error;	/* its FAULT message's w3: -ENOMEM (no frame) or -EFAULT */
	bool alert_pending;	/* alert it when its current call is answered (task_alert) */
	uint64_t held_seq;	/* call_seq | 1 of a call not to be interrupted yet (ipc_hold, KAGE_FORWARD_HOLD) */
	bool alert_interrupt;	/* the pending alert would have interrupted that call */
	bool kmode;		/* MODE=mono: a server in the kernel, never scheduled (kernel/kserver.h) */
	bool received;		/* has received a call: its death must answer the callers it holds */
	uint8_t role;		/* KAGE_SERVER_*, as its creator said: whose counters its messages go to */

	uint64_t new_until;	/* first resumed in the tick period before this tick: preempts nobody yet (sched.h) */
	uint64_t user_ticks, system_ticks;	/* CPU time sampled at the tick (kernel/cputime.h) */
	uint32_t serving;	/* a server: the id of the task whose call it received last */
	bool fpu_used;		/* has run an FP instruction (kernel/fpu.h) */
	struct hart *fpu_hart;	/* the hart whose FP registers hold its state, NULL for none (kernel/fpu.c) */
	struct hart *cpu;	/* while RUNNING: the hart it runs on (kernel/sched.h) */
	bool on_cpu;		/* its registers are live on `cpu` (not saved in tf): set from user entry to its next trap */
	uint64_t affinity;	/* the harts it may run on (hart.bit); every bit unless task_sched narrowed it */
	bool pinned;		/* affinity leaves out an online hart: it waits in a hart's own queue (sched.c) */
	uint8_t queue_hart;	/* while RUNNABLE and pinned: 1 + the index of the hart whose queue holds it */
	uint32_t last_hart;	/* the index of the hart it last ran on (getcpu) */
	uint64_t ready_seq;	/* when it was last made runnable: the queues are served oldest first */
	uint64_t uaccess_sp;	/* while the kernel copies its memory (kernel/uaccess.h): where a fault resumes */
	struct fpu_state fpu;	/* its FP registers while another task owns them */

	struct handle_table handles;
};

/* A FIFO of tasks linked through task.next. */
struct task_queue {
	struct task *head, *tail;
};

static inline void task_queue_push(struct task_queue *q, struct task *t)
{
	t->next = NULL;
	if (q->tail)
		q->tail->next = t;
	else
		q->head = t;
	q->tail = t;
}

/* Takes t, q's head, out of q. */
static inline void task_queue_drop_head(struct task_queue *q, struct task *t)
{
	q->head = t->next;
	if (!t->next)
		q->tail = NULL;
	t->next = NULL;
}

static inline struct task *task_queue_pop(struct task_queue *q)
{
	struct task *t = q->head;

	if (t)
		task_queue_drop_head(q, t);
	return t;
}

/* Takes t out of q if it is there. */
void task_queue_remove(struct task_queue *q, struct task *t);

/*
 * A suspended task that will start in user mode at pc with stack pointer
 * sp in space s (taking a reference): 0, -ENOMEM, or -EAGAIN when every
 * task id is in use. `name` labels it in messages; `role` (KAGE_SERVER_*,
 * below KAGE_SERVERS) files the messages it receives in the event
 * counters. The caller owns the alive reference until it resumes or
 * kills the task.
 */
int task_create(struct space *s, const char *name, uint8_t role, uint64_t pc, uint64_t sp, struct task **out);
/* A suspended copy of src's user registers (a0 = 0) in space s, with its name and role. */
int task_clone(struct task *src, struct space *s, struct task **out);
/*
 * Replaces t's space, pc and sp at once; the other registers start at
 * zero. Whatever t waited for is abandoned and t becomes runnable (a
 * suspended task stays suspended).
 */
void task_exec(struct task *t, struct space *s, uint64_t pc, uint64_t sp);
/*
 * Ends t with `status`: out of every queue, handles and endpoints
 * dropped, callers it had received from answered with -EPIPE. If t is
 * the current task this does not return.
 */
void task_die(struct task *t, int64_t status);
/* Takes t out of whatever it waits for, without waking it; for exec and death. */
void task_cancel_wait(struct task *t);
/* Its current call is over (answered, forwarded, abandoned): the token naming it goes stale. */
static inline void task_next_call(struct task *t)
{
	t->call_seq += TASKID_SEQ_ONE;
}
uint64_t task_count(void);
/* The live task of `role` (not KAGE_SERVER_OTHER) with the lowest id, or NULL: whose pages count as the server's. */
struct task *task_of_role(uint8_t role);
/* Kills every live task but the current one (shutdown). */
void task_kill_all(int64_t status);

#endif
