#include "kernel/timer.h"
#include "kernel/riscv.h"
#include "kernel/sbi.h"
#include "kernel/notif.h"
#include "lib/errno.h"

#define TIMER_MAX_US 1000000000000ull	/* about 11 days: keeps the arithmetic in 64 bits */

struct timer_oneshot {
	struct notif *n;	/* NULL: free slot */
	uint64_t deadline;	/* in time CSR units */
	uint64_t bits;
};

static uint64_t timer_timebase;
static uint64_t timer_interval;
static uint64_t timer_next;
static volatile uint64_t timer_count;
static struct timer_oneshot timer_pending[TIMER_MAX];
static unsigned timer_npending;

int timer_notify(struct notif *n, uint64_t delay_ns, uint64_t bits)
{
	uint64_t us = delay_ns / 1000 < TIMER_MAX_US ? delay_ns / 1000 : TIMER_MAX_US;
	uint64_t delay = us / 1000000 * timer_timebase + us % 1000000 * timer_timebase / 1000000;

	for (unsigned i = 0; i < TIMER_MAX; i++) {
		struct timer_oneshot *o = &timer_pending[i];

		if (o->n)
			continue;
		kobj_get(&n->obj);
		o->n = n;
		o->deadline = time_read() + delay;
		o->bits = bits;
		timer_npending++;
		return 0;
	}
	return -EAGAIN;
}

void timer_cancel(struct notif *n)
{
	for (unsigned i = 0; i < TIMER_MAX && timer_npending; i++) {
		struct timer_oneshot *o = &timer_pending[i];

		if (o->n != n)
			continue;
		o->n = NULL;
		timer_npending--;
		kobj_put(&n->obj);
	}
}

void timer_cancel_all(void)
{
	for (unsigned i = 0; i < TIMER_MAX && timer_npending; i++)
		if (timer_pending[i].n)
			timer_cancel(timer_pending[i].n);
}

static void timer_expire(uint64_t now)
{
	for (unsigned i = 0; i < TIMER_MAX && timer_npending; i++) {
		struct timer_oneshot *o = &timer_pending[i];
		struct notif *n = o->n;

		if (!n || o->deadline > now)
			continue;
		o->n = NULL;
		timer_npending--;
		notif_signal(n, o->bits);
		kobj_put(&n->obj);
	}
}

void timer_init(uint64_t timebase_hz)
{
	timer_timebase = timebase_hz;
	timer_interval = timebase_hz / TIMER_HZ;
	if (timer_interval == 0)
		timer_interval = 1;
	timer_next = time_read() + timer_interval;
	sbi_set_timer(timer_next);
	csr_set(sie, SIE_STIE);
}

void timer_tick(void)
{
	uint64_t now = time_read();

	timer_count++;
	/* After a long stall, do not fire a burst of catch-up ticks. */
	timer_next += timer_interval;
	if (timer_next <= now)
		timer_next = now + timer_interval;
	sbi_set_timer(timer_next);
	if (timer_npending)
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
