#include "kernel/sched.h"
#include "kernel/hart.h"
#include "kernel/kmap.h"
#include "kernel/kserver.h"
#include "kernel/panic.h"
#include "kernel/riscv.h"
#include "kernel/timer.h"

/* Jumps to fn on the stack ending at `top`, dropping the current one. */
__attribute__((noreturn)) void sched_on_stack(uint64_t top, void (*fn)(void));

uint64_t sched_switches;
static struct task_queue runq;
static struct task_queue dead;
static struct task *root_task;
static void (*root_done)(int64_t status);

void sched_ready(struct task *t)
{
	klock_assert_held("sched_ready");
	t->state = TASK_RUNNABLE;
	task_queue_push(&runq, t);
	if (hart_idle)
		hart_wake_idle();
}

void sched_ready_new(struct task *t)
{
	t->new_until = timer_ticks() + 1;
	sched_ready(t);
}

void sched_unready(struct task *t)
{
	task_queue_remove(&runq, t);
}

void sched_yield(void)
{
	if (!runq.head)
		return;		/* alone: keep running */
	sched_ready(sched_current());
	sched_next();
}

void sched_preempt(void)
{
	if (runq.head && runq.head->new_until >= timer_ticks())
		return;		/* made in the period that just ended: the next tick */
	sched_yield();
}

void sched_bury(struct task *t)
{
	task_queue_push(&dead, t);
}

void sched_enter_smp(struct hart *h)
{
	struct task *t = h->running;

	fpu_trap_save(h, t);
	__atomic_store_n(&t->on_cpu, false, __ATOMIC_RELEASE);
	klock_take();
	if (!h->running)
		sched_next();
}

void sched_off_cpu(struct task *t)
{
	struct hart *h = t->cpu;

	klock_assert_held("sched_off_cpu");
	if (t->state != TASK_RUNNING || !h || h == hart_self())
		return;
	if (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE)) {
		hart_kick(h);
		while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
			cpu_relax();
	}
	h->running = NULL;	/* h finds its trap dropped when it has the lock */
	t->cpu = NULL;
	sched_ready(t);
}

/* Drops the alive reference of every buried task: their stacks are no longer in use. */
static void sched_reap(void)
{
	struct task *t;

	while ((t = task_queue_pop(&dead)))
		kobj_put(&t->obj);
}

/*
 * The root task ended: the system ends with it. Every other task dies
 * first, so that the caller can check that every frame came back.
 */
static void sched_shutdown(void)
{
	int64_t status = root_task->status;

	root_task = NULL;
	task_kill_all(-1);
	timer_cancel_all();	/* their notifications go with them */
	sched_reap();
	kserver_shutdown();
	root_done(status);
	panic("shutdown returned");
}

/*
 * The hart has nothing to run: it waits in wfi, without the kernel lock
 * and, with other harts, without any task's tables in satp (a space may
 * be destroyed while this hart sleeps). Waiting with interrupts masked
 * and taking them only after wfi leaves no window in which a wake-up is
 * missed: wfi returns on a pending interrupt whether or not it is
 * enabled, and an IPI stays pending until taken.
 */
static void sched_idle(struct hart *h)
{
	if (hart_count == 1) {
		wfi();
		return;
	}
	space_deactivate(h);
	hart_idle |= h->bit;
	klock_drop();
	wfi();
	klock_take();
	hart_idle &= ~h->bit;
}

/* Runs on the hart's own stack. */
static __attribute__((noreturn)) void sched_loop(void)
{
	struct hart *h = hart_self();
	struct task *t;

	h->running = NULL;
	for (;;) {
		/* Before reaping: a buried root task is still there to be read. */
		if (root_task && root_task->state == TASK_DEAD)
			sched_shutdown();
		sched_reap();
		kserver_poll(NULL);
		t = task_queue_pop(&runq);
		if (t)
			sched_switch_to(t);
		if (!kserver_busy_later())
			sched_idle(h);
		irq_enable();	/* interrupts that came meanwhile are taken here */
		irq_disable();
	}
}

void sched_next(void)
{
	sched_on_stack(hart_self()->stack_top, sched_loop);
}

void sched_join(void)
{
	sched_next();
}

void sched_start(struct task *root, void (*done)(int64_t status))
{
	root_task = root;
	root_done = done;
	sched_next();
}
