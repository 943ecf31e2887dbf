#include "kernel/timer.h"
#include "kernel/hart.h"
#include "kernel/riscv.h"
#include "kernel/sbi.h"
#include "kernel/notif.h"

#define TIMER_MAX_US 1000000000000ull	/* about 11 days: keeps the arithmetic in 64 bits */

static uint64_t timer_timebase;
static uint64_t timer_interval;
static volatile uint64_t timer_count;	/* the boot hart's ticks: the system's */
static struct avl_tree timer_armed;	/* notifications with an armed timer, soonest first */

static struct notif *timer_notif(struct avl_node *node)
{
	return node ? avl_entry(node, struct notif, timer_node) : NULL;
}

/* Puts n in the tree at its deadline; equal deadlines fire in the order they were armed. */
static void timer_link(struct notif *n)
{
	struct avl_node **link = &timer_armed.root, *parent = NULL;

	while (*link) {
		parent = *link;
		link = n->timer_deadline < timer_notif(parent)->timer_deadline ? &parent->left : &parent->right;
	}
	avl_insert(&timer_armed, &n->timer_node, parent, link);
}

void timer_notify(struct notif *n, uint64_t delay_ns, uint64_t bits)
{
	uint64_t us = delay_ns / 1000 < TIMER_MAX_US ? delay_ns / 1000 : TIMER_MAX_US;
	uint64_t delay = timer_us_ticks(us, timer_timebase);

	if (n->timer_armed)
		avl_remove(&timer_armed, &n->timer_node);	/* replaced: its reference stays */
	else
		kobj_get(&n->obj);
	n->timer_armed = true;
	n->timer_deadline = time_read() + delay;
	n->timer_bits = bits;
	timer_link(n);
}

void timer_cancel(struct notif *n)
{
	if (!n->timer_armed)
		return;
	avl_remove(&timer_armed, &n->timer_node);
	n->timer_armed = false;
	kobj_put(&n->obj);
}

void timer_cancel_all(void)
{
	struct notif *n;

	while (timer_armed.root) {
		n = timer_notif(avl_first(&timer_armed));
		timer_cancel(n);
	}
}

static void timer_expire(uint64_t now)
{
	struct notif *n = timer_notif(avl_first(&timer_armed));

	while (n && n->timer_deadline <= now) {
		avl_remove(&timer_armed, &n->timer_node);
		n->timer_armed = false;
		notif_signal(n, n->timer_bits);
		kobj_put(&n->obj);
		n = timer_notif(avl_first(&timer_armed));
	}
}

void timer_init(uint64_t timebase_hz)
{
	timer_timebase = timebase_hz;
	timer_interval = timebase_hz / TIMER_HZ;
	if (timer_interval == 0)
		timer_interval = 1;
	timer_start_hart();
}

void timer_start_hart(void)
{
	struct hart *h = hart_self();

	h->timer_next = time_read() + timer_interval;
	sbi_set_timer(h->timer_next);
	csr_set(sie, SIE_STIE);
}

/*
 * Every hart ticks, to preempt what it runs; the boot hart's ticks are
 * the system's count and expire the armed timers.
 */
void timer_tick(void)
{
	struct hart *h = hart_self();
	uint64_t now = time_read();

	/* After a long stall, do not fire a burst of catch-up ticks. */
	h->timer_next += timer_interval;
	if (h->timer_next <= now)
		h->timer_next = now + timer_interval;
	sbi_set_timer(h->timer_next);
	if (h->index != 0)
		return;
	timer_count++;
	if (timer_armed.root)
		timer_expire(now);
}

uint64_t timer_ticks(void)
{
	return timer_count;
}

uint64_t timer_now_ns(void)
{
	uint64_t t = time_read();

	if (timer_timebase == 0)
		return 0;
	return t / timer_timebase * 1000000000ull + t % timer_timebase * 1000000000ull / timer_timebase;
}
