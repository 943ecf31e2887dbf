/*
 * Sleeping: nanosleep and clock_nanosleep answer later, and so do futex
 * waits with a deadline. The server waits only on its endpoint, so a
 * helper task in the server's own space waits on a notification the
 * kernel's timer signals and turns each expiry into a call (badge 0,
 * which no process has); the loop then answers every sleeper whose time
 * has come and sets the timer for the next one.
 * Invariant: a process with sleep_token set is answered exactly once,
 * when its deadline passes, when a signal interrupts it, or when it dies.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "servers/proc/proc.h"

#define SLEEP_STACK 4096
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define TIMER_ABSTIME 1

static long sleep_notif = -1;
static unsigned char sleep_stack[SLEEP_STACK] __attribute__((aligned(16)));

int sleep_init(void)
{
	if ((sleep_notif = native_notif_create()) < 0)
		return (int)sleep_notif;
	return (int)native_helper_start(proc_endpoint, sleep_notif, sleep_stack, SLEEP_STACK);
}

uint64_t sleep_deadline(uint64_t sec, uint64_t nsec, int absolute)
{
	uint64_t t = native_ticks(proc_timebase_hz, sec, nsec);

	return absolute ? (t ? t : 1) : native_time() + t;
}

/* p's deadline (a sleep or a futex wait), 0 if it has none. */
static uint64_t sleep_until_of(const struct proc *p)
{
	return p->sleep_token ? p->sleep_until : p->futex_token ? p->futex_until : 0;
}

/* Answers every sleeper whose deadline has passed; called on each helper call. */
void sleep_expire(void)
{
	struct proc *p, *first = 0;
	uint64_t now = native_time(), until;

	for (int i = 0; i < PROC_MAX; i++) {
		if (!(p = proc_by_slot(i)) || !(until = sleep_until_of(p)))
			continue;
		if (until > now) {
			if (!first || until < sleep_until_of(first))
				first = p;
		} else if (p->sleep_token) {
			proc_answer(&p->sleep_token, 0);
		} else {
			futex_cancel(p, -ETIMEDOUT);
		}
	}
	native_timer_at(sleep_notif, proc_timebase_hz, first ? sleep_until_of(first) : 0);
}

enum proc_reply sleep_start(struct proc *p, const struct kage_msg *m, int clock, int flags, uint64_t ts,
			    uint64_t rem, long *result)
{
	int64_t t[2];
	uint64_t now = native_time(), until;

	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
		return *result = -EINVAL, PROC_REPLY;
	if (native_space_read(p->space, ts, t, sizeof(t)) < 0)
		return *result = -EFAULT, PROC_REPLY;
	if (t[0] < 0 || t[1] < 0 || t[1] >= 1000000000)
		return *result = -EINVAL, PROC_REPLY;
	until = sleep_deadline((uint64_t)t[0], (uint64_t)t[1], flags & TIMER_ABSTIME);
	if (until <= now)
		return *result = 0, PROC_REPLY;
	p->sleep_until = until;
	p->sleep_token = m->token;
	p->sleep_rem = flags & TIMER_ABSTIME ? 0 : rem;
	sleep_expire();
	return PROC_NO_REPLY;
}

void sleep_interrupt(struct proc *p)
{
	uint64_t now = native_time(), hz = proc_timebase_hz ? proc_timebase_hz : 1, left, ts[2];

	left = p->sleep_until > now ? p->sleep_until - now : 0;
	ts[0] = left / hz;
	ts[1] = left % hz * 1000000000ull / hz;
	if (p->sleep_rem)
		native_space_write_user(p->space, p->sleep_rem, ts, sizeof(ts));
	proc_answer(&p->sleep_token, -EINTR);
}
