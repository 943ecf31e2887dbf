/*
 * CPU time of processes and threads. The kernel samples it at the tick
 * and keeps it per task (kernel/cputime.h: a program's calls are its
 * system time in both designs); here a thread's time is its task's, a
 * process's is its live threads' plus what its ended threads had
 * (`ticks_gone`), and its children's is what the children it reaped had,
 * theirs included (`ticks_reaped`), as Linux's cutime and cstime. Ticks
 * are KAGE_TICK_HZ a second, which is Linux's USER_HZ: times(2) and
 * /proc/N/stat give them as they are.
 *
 * Invariant: ticks_gone only grows, at thread_end; ticks_reaped only at
 * a reaping wait.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "servers/proc/proc.h"

_Static_assert(KAGE_TICK_HZ == LINUX_USER_HZ, "times(2) gives the kernel's ticks as they are");

#define NS 1000000000ull

static void cputime_add(struct proc_ticks *to, const struct proc_ticks *t)
{
	to->user += t->user;
	to->system += t->system;
}

void cputime_of_thread(const struct thread *t, struct proc_ticks *out)
{
	uint64_t ticks[2] = { 0, 0 };

	if (t->task >= 0)
		native_task_times(t->task, ticks);
	out->user = ticks[0];
	out->system = ticks[1];
}

void cputime_of(const struct process *p, struct proc_ticks *out)
{
	*out = p->ticks_gone;
	for (const struct thread *t = p->threads; t; t = t->next) {
		struct proc_ticks one;

		cputime_of_thread(t, &one);
		cputime_add(out, &one);
	}
}

void cputime_thread_end(struct thread *t)
{
	struct proc_ticks one;

	cputime_of_thread(t, &one);
	cputime_add(&t->proc->ticks_gone, &one);
}

void cputime_reaped(struct process *parent, const struct process *c)
{
	cputime_add(&parent->ticks_reaped, &c->ticks_gone);
	cputime_add(&parent->ticks_reaped, &c->ticks_reaped);
}

static struct linux_timeval cputime_timeval(uint64_t ticks)
{
	return (struct linux_timeval){ (int64_t)(ticks / KAGE_TICK_HZ),
				       (int64_t)(ticks % KAGE_TICK_HZ * (1000000 / KAGE_TICK_HZ)) };
}

/* A struct rusage with these times (the rest kage does not count: 0) to va in p. */
long cputime_put_rusage(const struct process *p, uint64_t va, const struct proc_ticks *ticks)
{
	struct linux_rusage ru = { 0 };

	ru.ru_utime = cputime_timeval(ticks->user);
	ru.ru_stime = cputime_timeval(ticks->system);
	return native_space_write_user(p->space, va, &ru, sizeof(ru)) < 0 ? -EFAULT : 0;
}

long cputime_getrusage_call(const struct thread *t, int64_t who, uint64_t va)
{
	const struct process *p = t->proc;
	struct proc_ticks ticks;

	if (who == RUSAGE_SELF)
		cputime_of(p, &ticks);
	else if (who == RUSAGE_CHILDREN)
		ticks = p->ticks_reaped;
	else if (who == RUSAGE_THREAD)
		cputime_of_thread(t, &ticks);
	else
		return -EINVAL;
	return cputime_put_rusage(p, va, &ticks);
}

long cputime_times_call(const struct process *p, uint64_t va)
{
	struct proc_ticks self;
	struct linux_tms tms;

	cputime_of(p, &self);
	tms.tms_utime = (int64_t)self.user;
	tms.tms_stime = (int64_t)self.system;
	tms.tms_cutime = (int64_t)p->ticks_reaped.user;
	tms.tms_cstime = (int64_t)p->ticks_reaped.system;
	if (va && native_space_write_user(p->space, va, &tms, sizeof(tms)) < 0)
		return -EFAULT;
	/* Ticks since boot, as Linux's (which starts them near the 32-bit wrap instead). */
	return (long)cputime_ticks_at(native_time());
}

uint64_t cputime_ticks_at(uint64_t time)
{
	return native_ns(proc_timebase_hz, time) / (NS / KAGE_TICK_HZ);
}

uint64_t cputime_clock_ns(const struct thread *t, int process)
{
	struct proc_ticks ticks;

	if (process)
		cputime_of(t->proc, &ticks);
	else
		cputime_of_thread(t, &ticks);
	return (ticks.user + ticks.system) * (NS / KAGE_TICK_HZ);
}
