#include "kernel/sched.h"
#include "kernel/hart.h"
#include "kernel/kmap.h"
#include "kernel/kserver.h"
#include "kernel/panic.h"
#include "kernel/riscv.h"
#include "kernel/timer.h"
#include "lib/errno.h"
#include "lib/platform.h"

/* Jumps to fn on the stack ending at `top`, dropping the current one. */
__attribute__((noreturn)) void sched_on_stack(uint64_t top, void (*fn)(void));

/* A hart's own queue, of pinned tasks placed there (sched_ready_pinned). */
struct sched_queue {
	struct task_queue q;
	uint32_t count;
};

uint64_t sched_switches;
static struct task_queue runq;	/* tasks that may run on any hart */
static struct sched_queue pinned[PLATFORM_MAX_HARTS];
static uint64_t ready_seq;
static struct task_queue dead;
static struct task *root_task;
static void (*root_done)(int64_t status);

/*
 * A pinned task waits on one of its harts: an idle one if there is one
 * (woken for it), else the one with the fewest tasks waiting. A look at
 * every hart, so bounded by the harts, not by the tasks.
 */
static void sched_ready_pinned(struct task *t)
{
	struct hart *best = NULL;
	struct sched_queue *q;

	for (unsigned i = 0; i < hart_count; i++) {
		struct hart *h = hart_at(i);

		if (!(t->affinity & h->bit))
			continue;
		if (hart_idle & h->bit) {
			best = h;
			break;
		}
		if (!best || pinned[i].count < pinned[best->index].count)
			best = h;
	}
	if (!best)
		panic("sched: task %s may run on no hart", t->name);
	q = &pinned[best->index];
	task_queue_push(&q->q, t);
	q->count++;
	t->queue_hart = (uint8_t)(best->index + 1);
	if (hart_idle & best->bit) {
		hart_idle &= ~best->bit;
		hart_rouse(best);
	}
}

void sched_ready(struct task *t)
{
	klock_assert_held("sched_ready");
	t->state = TASK_RUNNABLE;
	t->ready_seq = ++ready_seq;
	if (__builtin_expect(t->pinned, 0)) {
		sched_ready_pinned(t);
		return;
	}
	task_queue_push(&runq, t);
	if (hart_idle)
		hart_wake_idle();
}

/* The queue h serves next: its own queue's head if that waited longer than the shared queue's, else the shared one. */
static struct task_queue *sched_queue_of(const struct hart *h)
{
	struct task_queue *mine = &pinned[h->index].q;

	if (mine->head && (!runq.head || mine->head->ready_seq < runq.head->ready_seq))
		return mine;
	return &runq;
}

/* Takes the head of q (a pinned task's queue is counted). */
static struct task *sched_pop(struct task_queue *q)
{
	struct task *t = task_queue_pop(q);

	if (t && t->queue_hart) {
		pinned[t->queue_hart - 1].count--;
		t->queue_hart = 0;
	}
	return t;
}

/*
 * Nothing for h in its queues: a pinned task that waits on another
 * hart's queue and may run on h too comes over. Only each queue's head is
 * looked at, so the look is bounded by the harts.
 */
static struct task *sched_steal(const struct hart *h)
{
	for (unsigned i = 1; i < hart_count; i++) {
		struct sched_queue *q = &pinned[(h->index + i) % hart_count];

		if (q->q.head && (q->q.head->affinity & h->bit))
			return sched_pop(&q->q);
	}
	return NULL;
}

void sched_ready_new(struct task *t)
{
	t->new_until = timer_ticks() + 1;
	sched_ready(t);
}

void sched_unready(struct task *t)
{
	if (t->queue_hart) {
		struct sched_queue *q = &pinned[t->queue_hart - 1];

		task_queue_remove(&q->q, t);
		q->count--;
		t->queue_hart = 0;
		return;
	}
	task_queue_remove(&runq, t);
}

void sched_yield(void)
{
	if (!sched_queue_of(hart_self())->head)
		return;		/* alone: keep running */
	sched_ready(sched_current());
	sched_next();
}

void sched_preempt(void)
{
	const struct task *next = sched_queue_of(hart_self())->head;

	if (next && next->new_until >= timer_ticks())
		return;		/* made in the period that just ended: the next tick */
	sched_yield();
}

void sched_elsewhere(struct task *t)
{
	sched_ready(t);
	sched_next();
}

int64_t sched_set_affinity(struct task *t, uint64_t mask)
{
	uint64_t all = hart_all(), old = t->affinity & all;
	bool queued = t->state == TASK_RUNNABLE;

	if (!(mask & all))
		return -EINVAL;
	if (queued)
		sched_unready(t);
	t->affinity = mask & all;
	t->pinned = t->affinity != all;
	if (queued)
		sched_ready(t);
	else if (t->state == TASK_RUNNING && t->cpu && !(t->affinity & t->cpu->bit))
		sched_off_cpu(t);	/* on this hart it moves on its way out (sched_leave_smp) */
	return (int64_t)old;
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

void sched_out_of_user(struct task *t, const struct hart *h)
{
	if (!__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
		return;
	hart_kick(h);
	while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
		cpu_relax();
}

void sched_off_cpu(struct task *t)
{
	struct hart *h = t->cpu;

	klock_assert_held("sched_off_cpu");
	if (t->state != TASK_RUNNING || !h || h == hart_self())
		return;
	sched_out_of_user(t, h);
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
 * be destroyed while this hart sleeps), polling first (hart_nap). Waiting
 * with interrupts masked and taking them only after wfi leaves no window
 * in which a wake-up is missed: wfi returns on a pending interrupt
 * whether or not it is enabled, and an IPI stays pending until taken.
 */
static void sched_idle(struct hart *h)
{
	if (hart_count == 1) {
		wfi();
		return;
	}
	space_deactivate(h);
	hart_idle |= h->bit;
	__atomic_store_n(&h->nap, HART_NAP_POLLING, __ATOMIC_RELAXED);	/* the drop publishes it */
	klock_drop();
	hart_nap(h);
	klock_take();
	__atomic_store_n(&h->nap, HART_NAP_AWAKE, __ATOMIC_RELAXED);
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
		t = sched_pop(sched_queue_of(h));
		if (!t && h->smp)
			t = sched_steal(h);
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
