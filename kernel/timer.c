#include "kernel/timer.h"
#include "kernel/riscv.h"
#include "kernel/sbi.h"

static uint64_t timer_timebase;
static uint64_t timer_interval;
static uint64_t timer_next;
static volatile uint64_t timer_count;

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
