/*
 * The scheduler: round-robin over runnable tasks, preempted by the timer
 * tick, on one hart.
 *
 * Because a waiting task keeps its whole state in its trap frame (see
 * kernel/task.h), switching to a task is a return to user mode with its
 * frame; nothing on the kernel stack being left needs keeping. Decisions
 * that need a safe stack (reaping a dead task whose stack we may be on,
 * idling) run on the boot stack, which doubles as the idle thread's.
 * Invariants: exactly the RUNNABLE tasks are in the run queue; `current`
 * is the RUNNING task, or NULL on the idle stack.
 */
#ifndef KAGE_KERNEL_SCHED_H
#define KAGE_KERNEL_SCHED_H

#include "kernel/counters.h"
#include "kernel/task.h"

/* The task running now, NULL while idle or before the first task (read through sched_current). */
extern struct task *sched_running;
/* The id of the last task that ran in user mode: a switch to another is counted. */
extern uint32_t sched_last_id;
/* Every sched_switch_to since boot (sys_stats). */
extern uint64_t sched_switches;

static inline struct task *sched_current(void)
{
	return sched_running;
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

/* Runs t at once, leaving the current kernel stack for good; inline for IPC hand-offs. */
__attribute__((noreturn)) static inline void sched_switch_to(struct task *t)
{
	t->state = TASK_RUNNING;
	sched_running = t;
	sched_switches++;
	if (t->id != sched_last_id) {
		COUNT(task_switches);
		sched_last_id = t->id;
	}
	space_activate(t->space);
	if (t->fpu_used)
		fpu_switch_to(t);
	trap_return_user(t->tf);
	__builtin_unreachable();
}
/* Gives the hart to the next runnable task (or idles); does not return. */
__attribute__((noreturn)) void sched_next(void);
/* The timer tick from user mode: the current task goes to the back of the queue (but see sched_ready_new). */
void sched_preempt(void);
/* task_yield: the current task goes to the back of the queue if another is runnable, new or not. */
void sched_yield(void);
/* A dead task whose stack may still be in use: released from the idle stack. */
void sched_bury(struct task *t);
/*
 * Starts scheduling with `root` as the task whose death ends the system:
 * then every other task is killed, and `done(status)` runs on the boot
 * stack once all are released.
 */
__attribute__((noreturn)) void sched_start(struct task *root, void (*done)(int64_t status));

#endif
