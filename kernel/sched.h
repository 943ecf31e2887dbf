/*
 * The scheduler: round-robin over runnable tasks, preempted by the timer
 * tick; one run queue that every hart serves, and a queue of its own on
 * each hart for the tasks pinned to some harts only (task_sched).
 *
 * Because a waiting task keeps its whole state in its trap frame (see
 * kernel/task.h), switching to a task is a return to user mode with its
 * frame; nothing on the kernel stack being left needs keeping. Decisions
 * that need a safe stack (reaping a dead task whose stack we may be on,
 * idling) run on the hart's own stack, which doubles as its idle thread's.
 * Invariants: exactly the RUNNABLE tasks are in a run queue: the shared
 * one unless pinned, else (queue_hart) a hart's they may run on; a hart's
 * `running` is its RUNNING task, or NULL on its idle loop; a RUNNING task's
 * `cpu` is the hart it runs on. All of it under the kernel lock.
 *
 * Several harts: a hart that finds its queues empty marks itself idle and
 * waits in wfi without the lock; sched_ready wakes one idle hart with an
 * IPI (for a pinned task, one of its own). A hart serves the longest
 * waiting of its own queue's head and the shared queue's (ready_seq), and
 * before it idles takes a pinned task at the head of another hart's
 * queue that may run on it too. A task running on another hart is never
 * changed in place: whoever must change it (kill, alert, registers,
 * affinity) first takes it off that hart (sched_off_cpu), which then
 * holds it as RUNNABLE.
 */
#ifndef KAGE_KERNEL_SCHED_H
#define KAGE_KERNEL_SCHED_H

#include "kernel/counters.h"
#include "kernel/hart.h"
#include "kernel/klock.h"
#include "kernel/task.h"

/* Every sched_switch_to since boot (sys_stats). */
extern uint64_t sched_switches;

/* The task this hart runs, NULL while idle or before the first task. */
static inline struct task *sched_current(void)
{
	return hart_self()->running;
}
/* Makes t runnable (at the tail of the run queue). */
void sched_ready(struct task *t);
/*
 * Makes a new task runnable for the first time. It does not take the
 * hart from the running task at the next tick, only at the one after:
 * so its creator (a parent just answered its fork) runs on for at least
 * a full tick period, as Linux lets a parent run ahead of its new child,
 * and a shell that forks a background job and then waits for its
 * foreground one is waiting before the job starts, however the tick
 * falls.
 */
void sched_ready_new(struct task *t);
/* Takes a RUNNABLE task out of the run queue. */
void sched_unready(struct task *t);
void trap_return_user(struct trapframe *tf);
/* Gives the hart to the next runnable task (or idles); does not return. */
__attribute__((noreturn)) void sched_next(void);

/*
 * t, about to run here, may not run on this hart (its affinity): it is
 * made runnable for its own harts, and this hart looks for other work.
 */
__attribute__((noreturn)) void sched_elsewhere(struct task *t);
/*
 * task_sched's SET_AFFINITY: t may run only on the online harts of mask
 * (hart.bit), and is moved if it runs or waits elsewhere. The mask before,
 * or -EINVAL when mask names no online hart.
 */
int64_t sched_set_affinity(struct task *t, uint64_t mask);

/* The SMP half of sched_switch_to: t's registers are live from here, and the kernel lock goes. */
static inline void sched_switch_smp(struct hart *h, struct task *t)
{
	t->cpu = h;
	t->last_hart = h->index;
	t->on_cpu = true;
	klock_drop();
}

/*
 * t runs on h from now: its state and the hart's, with the switch
 * counted by the caller (sched_switch_mark; the IPC fast path, whose
 * hand-offs always change task, counts them its own way: ipc_fast_fold).
 */
static inline __attribute__((always_inline)) void sched_switch_set(struct hart *h, struct task *t)
{
	t->state = TASK_RUNNING;
	h->running = t;
	h->last_id = t->id;
}

/* t runs on h from now: its state, the hart's, and the switch counters. */
static inline __attribute__((always_inline)) void sched_switch_mark(struct hart *h, struct task *t)
{
	sched_switches++;
	if (t->id != h->last_id)
		COUNT(task_switches);
	sched_switch_set(h, t);
}

/* Whether t's FP state, if it has any, is in h's registers (else fpu_take must bring it). */
static inline bool sched_fpu_ready(const struct hart *h, const struct task *t)
{
	return !t->fpu_used || (h->fpu_owner == t && t->fpu_hart == h);
}

/*
 * Everything of a switch to t on hart h but the return to user mode with
 * t's frame, which comes next (sched_switch_to, or trapvec.S after the
 * IPC fast path): inline for IPC hand-offs.
 */
static inline __attribute__((always_inline)) void sched_switch_prepare(struct hart *h, struct task *t)
{
	bool smp = h->smp;

	if (smp && !(t->affinity & h->bit))
		sched_elsewhere(t);	/* an IPC hand-off to a task pinned to other harts */
	sched_switch_mark(h, t);
	space_activate(t->space);
	if (!sched_fpu_ready(h, t))
		fpu_take(h, t);
	if (smp)
		sched_switch_smp(h, t);
}

/*
 * Runs t at once, leaving the current kernel stack for good and, with
 * other harts, dropping the kernel lock on the way to user mode.
 */
__attribute__((noreturn)) static inline __attribute__((always_inline)) void sched_switch_to(struct task *t)
{
	sched_switch_prepare(hart_self(), t);
	trap_return_user(t->tf);
	__builtin_unreachable();
}

/*
 * A trap from user mode on hart h with other harts, its task's registers
 * saved: the task is off the hart from here on (sched_off_cpu waits for
 * that), and the hart takes the kernel lock. If the lock's holder took
 * the task away meanwhile, the trap is dropped (the task runs its
 * trapping instruction again wherever it next runs) and the hart looks
 * for other work. With one hart the lock is the boot hart's for good, and
 * none of this is needed.
 */
void sched_enter_smp(struct hart *h);

/* Back to user mode with the current task t, which went on running in the kernel (other harts). */
static inline void sched_leave_smp(struct hart *h, struct task *t)
{
	if (!(t->affinity & h->bit))
		sched_elsewhere(t);	/* its affinity changed while it was here */
	sched_switch_smp(h, t);
}

/*
 * If t runs on another hart, takes it off (an IPI makes that hart trap,
 * and its registers are saved before it waits for the lock), and makes it
 * RUNNABLE: then t can be changed like any task that is not running.
 */
void sched_off_cpu(struct task *t);
/*
 * t, RUNNING on hart h (not this one), is made to enter the kernel if it
 * is in user mode: an IPI, then a wait until h's trap entry has saved it
 * and released on_cpu. With the kernel lock held; h waits for it after.
 */
void sched_out_of_user(struct task *t, const struct hart *h);
/* A started hart's first entry into the scheduler (hart_secondary_main), the kernel lock held. */
__attribute__((noreturn)) void sched_join(void);
/* The timer tick from user mode: the current task goes to the back of the queue (but see sched_ready_new). */
void sched_preempt(void);
/* task_yield: the current task goes to the back of the queue if another is runnable, new or not. */
void sched_yield(void);
/* A dead task whose stack may still be in use: released from the idle stack. */
void sched_bury(struct task *t);
/*
 * Starts scheduling with `root` as the task whose death ends the system:
 * then every other task is killed, and `done(status)` runs on a hart's own
 * stack once all are released.
 */
__attribute__((noreturn)) void sched_start(struct task *root, void (*done)(int64_t status));

#endif
