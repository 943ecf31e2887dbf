/*
 * Sleeping: nanosleep and clock_nanosleep answer later, and so do futex
 * waits with a deadline. The server waits only on its endpoint, so a
 * helper task in the server's own space waits on a notification the
 * kernel's timer signals and turns each expiry into a call (badge 0,
 * which no process has); the loop then answers every sleeper whose time
 * has come and sets the timer for the next one.
 *
 * The threads with a deadline (a sleep, or a futex wait with a timeout)
 * are kept in a binary min-heap by deadline, so an expiry costs
 * O(log n) for each thread it answers, and nothing for the others. Every
 * thread has its place in the heap's array reserved when it is made
 * (thread_new), so starting a wait never needs memory.
 * Invariants: a thread with sleep.token set, or futex.token with a
 * deadline, is in the heap (sleep_at its index, from 1), and no other
 * is; it is answered exactly once, when its deadline passes, when a
 * signal interrupts it, or when it dies.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/heap.h"
#include "servers/proc/proc.h"

#define SLEEP_STACK 4096

struct sleep_heap {
	struct thread **at;		/* at[1..n]: the earliest deadline first */
	uint32_t n;
	long notif;
};

static struct sleep_heap sleepers = { .notif = -1 };
uint32_t sleep_room;			/* entries at[] has room for */
static unsigned char sleep_stack[SLEEP_STACK] __attribute__((aligned(16)));

int sleep_init(void)
{
	sleepers.notif = native_notif_create();
	if (sleepers.notif < 0)
		return (int)sleepers.notif;
	return (int)native_helper_start(proc_endpoint, sleepers.notif, sleep_stack, SLEEP_STACK);
}

long sleep_grow(uint32_t threads)
{
	uint32_t cap = sleep_room ? sleep_room : 64;
	struct thread **at;

	while (cap <= threads)
		cap *= 2;
	at = heap_realloc(&proc_heap, sleepers.at, cap * sizeof(*at));
	if (!at)
		return -ENOMEM;
	sleepers.at = at;
	sleep_room = cap;
	return 0;
}

uint64_t sleep_deadline(uint64_t sec, uint64_t nsec, int absolute, int realtime)
{
	uint64_t t;

	if (absolute && realtime)
		return clock_wall_to_ticks(sec, nsec);
	t = native_ticks(proc_timebase_hz, sec, nsec);
	return absolute ? (t ? t : 1) : native_time() + t;
}

/* t's deadline (a sleep or a futex wait). */
static uint64_t sleep_until_of(const struct thread *t)
{
	return t->sleep.token ? t->sleep.until : t->futex.until;
}

static void sleep_put(uint32_t i, struct thread *t)
{
	sleepers.at[i] = t;
	t->sleep_at = i;
}

/* The thread at i moves up or down until the heap order holds again. */
static void sleep_fix(uint32_t i)
{
	struct thread *t = sleepers.at[i];
	uint64_t until = sleep_until_of(t);

	while (i > 1 && sleep_until_of(sleepers.at[i / 2]) > until) {
		sleep_put(i, sleepers.at[i / 2]);
		i /= 2;
	}
	for (;;) {
		uint32_t c = 2 * i;

		if (c > sleepers.n)
			break;
		if (c + 1 <= sleepers.n && sleep_until_of(sleepers.at[c + 1]) < sleep_until_of(sleepers.at[c]))
			c++;
		if (sleep_until_of(sleepers.at[c]) >= until)
			break;
		sleep_put(i, sleepers.at[c]);
		i = c;
	}
	sleep_put(i, t);
}

/* The timer is set for the earliest deadline (none: off). */
static void sleep_arm(void)
{
	native_timer_at(sleepers.notif, proc_timebase_hz, sleepers.n ? sleep_until_of(sleepers.at[1]) : 0);
}

void sleep_forget(struct thread *t)
{
	uint32_t i = t->sleep_at;
	struct thread *last;

	if (!i)
		return;
	t->sleep_at = 0;
	last = sleepers.at[sleepers.n--];
	if (last == t)
		return;
	sleep_put(i, last);
	sleep_fix(i);
}

void sleep_add(struct thread *t)
{
	sleep_forget(t);
	sleepers.n++;	/* never past cap: thread_new reserved a place for every thread */
	sleep_put(sleepers.n, t);
	sleep_fix(sleepers.n);
	sleep_expire();
}

/* Answers every sleeper whose deadline has passed; called on each helper call. */
void sleep_expire(void)
{
	uint64_t now = native_time();

	while (sleepers.n && sleep_until_of(sleepers.at[1]) <= now) {
		struct thread *t = sleepers.at[1];

		sleep_forget(t);
		if (t->sleep.token)
			proc_answer(&t->sleep.token, 0);
		else
			futex_cancel(t, -ETIMEDOUT);
	}
	sleep_arm();
}

/* A timespec's deadline for a sleep: 0, or -EFAULT / -EINVAL. */
static long sleep_read(const struct thread *t, uint64_t ts, int absolute, int realtime, uint64_t *until)
{
	struct linux_timespec v;

	if (native_space_read(t->proc->space, ts, &v, sizeof(v)) < 0)
		return -EFAULT;
	if (v.tv_sec < 0 || v.tv_nsec < 0 || v.tv_nsec >= 1000000000)
		return -EINVAL;
	*until = sleep_deadline((uint64_t)v.tv_sec, (uint64_t)v.tv_nsec, absolute, realtime);
	return 0;
}

enum proc_reply sleep_start(struct thread *t, const struct kage_msg *m, int clock, int flags, uint64_t ts,
			    uint64_t rem, long *result)
{
	uint64_t until;

	*result = clock == CLOCK_REALTIME || clock == CLOCK_MONOTONIC || clock == CLOCK_BOOTTIME ? 0 : -EINVAL;
	if (*result == 0)
		*result = sleep_read(t, ts, flags & TIMER_ABSTIME, clock == CLOCK_REALTIME, &until);
	if (*result < 0 || until <= native_time())
		return PROC_REPLY;	/* an error, or a deadline that has passed: 0 at once */
	t->sleep.until = until;
	t->sleep.token = m->token;
	t->sleep.rem = flags & TIMER_ABSTIME ? 0 : rem;
	sleep_add(t);
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
	sleep_forget(t);
	proc_answer(&t->sleep.token, -EINTR);
}
