/*
 * Sleeping: nanosleep and clock_nanosleep answer later, and so do futex
 * waits with a deadline. The server waits only on its endpoint, so a
 * helper task in the server's own space waits on a notification the
 * kernel's timer signals and turns each expiry into a call (badge 0,
 * which no process has); the loop then answers every sleeper whose time
 * has come and sets the timer for the next one.
 * Invariant: a thread with sleep.token set is answered exactly once,
 * when its deadline passes, when a signal interrupts it, or when it dies.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "servers/proc/proc.h"

#define SLEEP_STACK 4096

static long sleep_notif = -1;
static unsigned char sleep_stack[SLEEP_STACK] __attribute__((aligned(16)));

int sleep_init(void)
{
	sleep_notif = native_notif_create();
	if (sleep_notif < 0)
		return (int)sleep_notif;
	return (int)native_helper_start(proc_endpoint, sleep_notif, sleep_stack, SLEEP_STACK);
}

uint64_t sleep_deadline(uint64_t sec, uint64_t nsec, int absolute)
{
	uint64_t t = native_ticks(proc_timebase_hz, sec, nsec);

	return absolute ? (t ? t : 1) : native_time() + t;
}

/* t's deadline (a sleep or a futex wait), 0 if it has none. */
static uint64_t sleep_until_of(const struct thread *t)
{
	if (t->sleep.token)
		return t->sleep.until;
	return t->futex.token ? t->futex.until : 0;
}

/* Answers every sleeper whose deadline has passed; called on each helper call. */
void sleep_expire(void)
{
	const struct thread *first = NULL;
	uint64_t now = native_time(), until;

	for (int i = 0; i < THREAD_MAX; i++) {
		struct thread *t = &threads[i];

		until = t->proc ? sleep_until_of(t) : 0;
		if (!until)
			continue;
		if (until > now) {
			if (!first || until < sleep_until_of(first))
				first = t;
		} else if (t->sleep.token) {
			proc_answer(&t->sleep.token, 0);
		} else {
			futex_cancel(t, -ETIMEDOUT);
		}
	}
	native_timer_at(sleep_notif, proc_timebase_hz, first ? sleep_until_of(first) : 0);
}

/* A timespec's deadline for a sleep: 0, or -EFAULT / -EINVAL. */
static long sleep_read(const struct thread *t, uint64_t ts, int absolute, uint64_t *until)
{
	struct linux_timespec v;

	if (native_space_read(t->proc->space, ts, &v, sizeof(v)) < 0)
		return -EFAULT;
	if (v.tv_sec < 0 || v.tv_nsec < 0 || v.tv_nsec >= 1000000000)
		return -EINVAL;
	*until = sleep_deadline((uint64_t)v.tv_sec, (uint64_t)v.tv_nsec, absolute);
	return 0;
}

enum proc_reply sleep_start(struct thread *t, const struct kage_msg *m, int clock, int flags, uint64_t ts,
			    uint64_t rem, long *result)
{
	uint64_t until;

	*result = clock == CLOCK_REALTIME || clock == CLOCK_MONOTONIC ? 0 : -EINVAL;
	if (*result == 0)
		*result = sleep_read(t, ts, flags & TIMER_ABSTIME, &until);
	if (*result < 0 || until <= native_time())
		return PROC_REPLY;	/* an error, or a deadline that has passed: 0 at once */
	t->sleep.until = until;
	t->sleep.token = m->token;
	t->sleep.rem = flags & TIMER_ABSTIME ? 0 : rem;
	sleep_expire();
	return PROC_NO_REPLY;
}

void sleep_interrupt(struct thread *t)
{
	uint64_t now = native_time(), hz = proc_timebase_hz ? proc_timebase_hz : 1, left;
	struct linux_timespec v;

	left = t->sleep.until > now ? t->sleep.until - now : 0;
	v.tv_sec = (int64_t)(left / hz);
	v.tv_nsec = (int64_t)(left % hz * 1000000000ull / hz);
	if (t->sleep.rem)
		native_space_write_user(t->proc->space, t->sleep.rem, &v, sizeof(v));
	proc_answer(&t->sleep.token, -EINTR);
}
