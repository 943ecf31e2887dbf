/*
 * Sleeping: nanosleep and clock_nanosleep answer later. The server waits
 * only on its endpoint, so a helper task in the server's own space waits
 * on a notification the kernel's timer signals and turns each expiry into
 * a call (badge 0, which no process has); the loop then answers every
 * sleeper whose time has come and sets the timer for the next one.
 * Invariant: a process with sleep_token set is answered exactly once,
 * when its deadline passes or when it dies.
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

/* Answers every sleeper whose deadline has passed; called on each helper call. */
void sleep_expire(void)
{
	struct proc *p, *first = 0;
	uint64_t now = native_time();
	const uint64_t zero[6] = { 0 };

	for (int i = 0; i < PROC_MAX; i++) {
		if (!(p = proc_by_slot(i)) || !p->sleep_token)
			continue;
		if (p->sleep_until <= now) {
			native_ipc_reply(p->sleep_token, zero);
			p->sleep_token = 0;
		} else if (!first || p->sleep_until < first->sleep_until) {
			first = p;
		}
	}
	native_timer_at(sleep_notif, proc_timebase_hz, first ? first->sleep_until : 0);
}

enum proc_reply sleep_start(struct proc *p, const struct kage_msg *m, int clock, int flags, uint64_t ts,
			    long *result)
{
	int64_t t[2];
	uint64_t now = native_time(), until;

	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
		return *result = -EINVAL, PROC_REPLY;
	if (native_space_read(p->space, ts, t, sizeof(t)) < 0)
		return *result = -EFAULT, PROC_REPLY;
	if (t[0] < 0 || t[1] < 0 || t[1] >= 1000000000)
		return *result = -EINVAL, PROC_REPLY;
	until = native_ticks(proc_timebase_hz, (uint64_t)t[0], (uint64_t)t[1]);
	until = (flags & TIMER_ABSTIME) ? until : now + until;
	if (until <= now)
		return *result = 0, PROC_REPLY;
	p->sleep_until = until;
	p->sleep_token = m->token;
	sleep_expire();
	return PROC_NO_REPLY;
}
