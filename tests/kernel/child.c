/*
 * Helpers for checks that need more tasks: children running a function
 * of the root task in its own space (like threads) or in a clone of it.
 */
#include "lib/native.h"
#include "tests/kernel/root.h"

#define CHILD_STACKS 4
#define CHILD_STACK_SIZE 16384

static unsigned char child_stacks[CHILD_STACKS][CHILD_STACK_SIZE] __attribute__((aligned(16)));

uint64_t child_stack_top(int slot)
{
	return (uint64_t)child_stacks[slot % CHILD_STACKS] + CHILD_STACK_SIZE;
}

long child_create(long space, void (*fn)(long), long arg, int slot)
{
	struct kage_regs r;
	long t = native_task_create(space, (uint64_t)fn, child_stack_top(slot));

	if (t < 0)
		return t;
	if (native_task_regs(t, KAGE_REGS_GET, &r) < 0)
		return -1;
	r.x[KAGE_REG_A0] = (uint64_t)arg;
	if (native_task_regs(t, KAGE_REGS_SET, &r) < 0)
		return -1;
	return t;
}

void child_run(void (*fn)(long), long arg)
{
	long t = child_create(KAGE_HANDLE_SELF_SPACE, fn, arg, CHILD_STACKS - 1), status = 0;

	/* Its handle 0 names this space, as the root's own does. */
	if (t < 0 || native_handle_copy(KAGE_HANDLE_SELF_SPACE, t, KAGE_RIGHTS_ALL, 0) != KAGE_HANDLE_SELF_SPACE ||
	    native_task_resume(t) < 0) {
		check(0, "child_run", "cannot start a child task");
		return;
	}
	while (native_task_status(t, &status) == KAGE_TASK_ALIVE)
		native_task_yield();
	native_handle_close(t);
}

/*
 * On one hart each yield lets the child run until it blocks, ends or is
 * preempted. With several the child runs on another hart, and may not
 * have started yet when the yields (which find nothing else to run) are
 * done: then the root sleeps 1 ms at a time, for up to 20 s.
 */
long child_wait(long task, long *status)
{
	long st = native_task_status(task, status), n;

	for (int i = 0; i < 1000 && st == KAGE_TASK_ALIVE; i++) {
		native_task_yield();
		st = native_task_status(task, status);
	}
	if (st != KAGE_TASK_ALIVE)
		return st;
	n = native_notif_create();
	for (int i = 0; i < 20000 && n >= 0 && st == KAGE_TASK_ALIVE; i++) {
		native_timer_notify(n, 1000 * 1000, 1);
		native_notif_wait(n);
		st = native_task_status(task, status);
	}
	if (n >= 0)
		native_handle_close(n);
	return st;
}

/* As child_wait, for a child to change *word from `was`: whether it did. */
int child_wait_word(volatile long *word, long was)
{
	long n;

	for (int i = 0; i < 100 && *word == was; i++)
		native_task_yield();
	n = *word == was ? native_notif_create() : -1;
	for (int i = 0; i < 20000 && n >= 0 && *word == was; i++) {
		native_timer_notify(n, 1000 * 1000, 1);
		native_notif_wait(n);
	}
	if (n >= 0)
		native_handle_close(n);
	return *word != was;
}
