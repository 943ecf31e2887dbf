/*
 * Where threads run: sched_setaffinity and sched_getaffinity, getcpu and
 * membarrier, on however many harts kage has (tests/system/test_smp.py
 * runs it on one and on four, in both modes). A thread pinned to a CPU
 * must be found there by its very next call, a forked child and an
 * exec'd image keep the mask, a thread pinned by another is moved, and
 * membarrier interrupts the harts that run the process's other threads
 * (the kernel counts the harts: struct kage_stats.barrier_harts). A spinner
 * never blocks, so each is pinned to a hart of its own and the caller
 * keeps CPU 0: nothing waits on a hart a spinner holds.
 */
#define _GNU_SOURCE
#define CHECK_NAME "affinity"
#include "user/tests/check.h"

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/membarrier.h>
#include "lib/kage_abi.h"
#include "lib/kage_stats.h"

#define YIELDS 20
#define BARRIERS 50

static long ncpu;
static uint64_t all_cpus;

static long get_mask(pid_t pid, uint64_t *mask)
{
	return syscall(SYS_sched_getaffinity, pid, sizeof(*mask), mask);
}

static long set_mask(pid_t pid, uint64_t mask)
{
	return syscall(SYS_sched_setaffinity, pid, sizeof(mask), &mask);
}

static int cpu_now(void)
{
	unsigned cpu = 999, node = 999;

	if (syscall(SYS_getcpu, &cpu, &node, NULL) != 0 || node != 0)
		return -1;
	return (int)cpu;
}

/* Pinned to each CPU in turn, the caller is on it at every call that follows, yields or not. */
static int pin_each(void)
{
	int bad = 0;

	for (long cpu = 0; cpu < ncpu; cpu++) {
		uint64_t mask = 0;

		bad |= set_mask(0, 1ull << cpu) != 0;
		bad |= get_mask(0, &mask) != (long)sizeof(mask) || mask != 1ull << cpu;
		for (int i = 0; i < YIELDS; i++) {
			bad |= cpu_now() != cpu;
			sched_yield();
		}
	}
	bad |= set_mask(0, all_cpus) != 0;
	return !bad;
}

static int bad_arguments(void)
{
	uint64_t mask, big[2] = { 0, 0 };
	int ok = 1;

	ok &= fails(syscall(SYS_sched_getaffinity, 0, 4, &mask), EINVAL);
	ok &= fails(syscall(SYS_sched_getaffinity, 0, 12, big), EINVAL);
	ok &= syscall(SYS_sched_getaffinity, 0, sizeof(big), big) == sizeof(mask) && big[0] == all_cpus;
	ok &= fails(get_mask(999999, &mask), ESRCH);
	ok &= fails(set_mask(999999, 1), ESRCH);
	ok &= fails(set_mask(0, 0), EINVAL);
	if (ncpu < 64)
		ok &= fails(set_mask(0, 1ull << ncpu), EINVAL);	/* only CPUs that are not there */
	ok &= fails(syscall(SYS_sched_setaffinity, 0, sizeof(mask), (void *)8), EFAULT);
	ok &= fails(syscall(SYS_sched_getaffinity, 0, sizeof(mask), (void *)8), EFAULT);
	ok &= fails(syscall(SYS_getcpu, (void *)8, NULL, NULL), EFAULT);
	/* CPUs past the last are ignored when some are there. */
	ok &= set_mask(0, ~0ull) == 0 && get_mask(0, &mask) == sizeof(mask) && mask == all_cpus;
	return ok;
}

/* After fork and after execve the mask is the same (the child checks it and exits 0). */
static int inherited(void)
{
	uint64_t last = 1ull << (ncpu - 1);
	int status, ok;
	pid_t p;

	if (set_mask(0, last) != 0)
		return 0;
	p = fork();
	if (p == 0) {
		uint64_t mask = 0;

		if (get_mask(0, &mask) != sizeof(mask) || mask != last || cpu_now() != ncpu - 1)
			_exit(1);
		execl("/bin/affinity", "affinity", "child", (char *)NULL);
		_exit(2);
	}
	ok = p > 0 && waitpid(p, &status, 0) == p && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	return set_mask(0, all_cpus) == 0 && ok;
}

/* The exec'd child: pinned to the last CPU, and not registered for private membarriers. */
static int child_main(void)
{
	uint64_t mask = 0;

	if (get_mask(0, &mask) != sizeof(mask) || mask != 1ull << (ncpu - 1) || cpu_now() != ncpu - 1)
		return 3;
	if (!fails(syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0), EPERM))
		return 4;
	return 0;
}

struct spinner {
	pthread_t thread;
	volatile pid_t tid;
	volatile int stop, go, cpu;
	volatile uint64_t beat;	/* counts while it spins: it is in user mode */
};

static void *spin(void *arg)
{
	struct spinner *s = arg;

	s->tid = (pid_t)syscall(SYS_gettid);
	while (!s->go)
		;
	s->cpu = cpu_now();	/* its first call after another thread pinned it */
	while (!s->stop)
		s->beat++;
	return NULL;
}

/* Waits until every spinner has counted on since the last barrier's interrupt: each is back in user mode. */
static void spinners_back(struct spinner *s, long n)
{
	uint64_t was[64];

	for (long i = 0; i < n; i++)
		was[i] = s[i].beat;
	for (long i = 0; i < n; i++)
		while (s[i].beat == was[i])
			;
}

/*
 * A thread pinned by another (through its tid) is where it was pinned at
 * its next call; while one spins on every other CPU, each private
 * membarrier interrupts them all.
 */
static void spinners(void)
{
	struct spinner s[64];
	long n = ncpu - 1, started = 0, moved = 0;
	struct kage_stats a, b;
	int barriers_ok = 1;

	memset(s, 0, sizeof(s));
	for (long i = 0; i < n; i++)
		s[i].cpu = -2;
	for (long i = 0; i < n; i++)
		started += pthread_create(&s[i].thread, NULL, spin, &s[i]) == 0;
	for (long i = 0; i < started; i++) {
		while (!s[i].tid)
			sched_yield();
		moved += set_mask(s[i].tid, 1ull << (i + 1)) == 0;
	}
	set_mask(0, 1);	/* the caller keeps CPU 0 */
	for (long i = 0; i < started; i++)
		s[i].go = 1;
	for (long i = 0; i < started; i++)
		while (s[i].cpu == -2)
			sched_yield();
	for (long i = 0; i < started; i++)
		moved -= s[i].cpu == i + 1;
	say("a thread pinned by another runs where it was pinned", started == n && moved == 0);
	barriers_ok &= fails(syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0), EPERM);
	barriers_ok &= syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
	kage_stats_read(&a);
	for (int i = 0; i < BARRIERS; i++) {
		spinners_back(s, started);
		barriers_ok &= syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0;
	}
	kage_stats_read(&b);
	for (long i = 0; i < started; i++)
		s[i].stop = 1;
	for (long i = 0; i < started; i++)
		pthread_join(s[i].thread, NULL);
	set_mask(0, all_cpus);
	printf("affinity: %d private membarriers covered %lu harts\n", BARRIERS,
	       (unsigned long)(b.barrier_harts - a.barrier_harts));
	/*
	 * Each spinner runs alone on its hart and has been back in user mode
	 * since the last barrier, so every barrier finds all of them (and
	 * interrupts those that have not just trapped on their own). At most
	 * one a spinner and barrier, then; at least half of those leaves room
	 * for a spinner that a tick's trap made give way to other work.
	 */
	say("membarrier: private, registered, interrupts the harts that run its threads",
	    barriers_ok && b.barrier_harts - a.barrier_harts <= (uint64_t)(BARRIERS * n) &&
		    b.barrier_harts - a.barrier_harts >= (uint64_t)(BARRIERS * n / 2));
}

static int membarrier_commands(void)
{
	const long all = MEMBARRIER_CMD_GLOBAL | MEMBARRIER_CMD_GLOBAL_EXPEDITED |
			 MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED | MEMBARRIER_CMD_PRIVATE_EXPEDITED |
			 MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED;
	int ok = 1;

	ok &= syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0) == all;
	ok &= fails(syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 1, 0), EINVAL);
	ok &= fails(syscall(SYS_membarrier, 32, 0, 0), EINVAL);	/* PRIVATE_EXPEDITED_SYNC_CORE */
	ok &= syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0) == 0;
	ok &= syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED, 0, 0) == 0;
	ok &= syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL_EXPEDITED, 0, 0) == 0;
	return ok;
}

/*
 * What harts cost each other is counted (struct kage_stats): on one hart
 * nothing ever is, since the kernel lock is not used there. On several,
 * each started hart slept in the kernel lock at boot (the boot hart waits
 * for that before the first task) and a drop of the lock woke a sleeper
 * with an IPI.
 */
static int harts_cost_counted(void)
{
	struct kage_stats st;

	if (kage_stats_read(&st) != sizeof(st))
		return 0;
	printf("affinity: ipis %llu, remote fences %llu, lock waits %llu, sleeps %llu, wakes %llu, idle pokes %llu\n",
	       (unsigned long long)st.ipis, (unsigned long long)st.remote_fences,
	       (unsigned long long)st.lock_waits, (unsigned long long)st.lock_sleeps,
	       (unsigned long long)st.lock_wakes, (unsigned long long)st.idle_pokes);
	if (ncpu == 1)
		return !st.ipis && !st.remote_fences && !st.lock_waits && !st.lock_wait_time && !st.lock_sleeps &&
		       !st.lock_wakes && !st.idle_pokes;
	return st.lock_sleeps >= (uint64_t)ncpu - 1 && st.lock_wakes >= 1 && st.ipis >= st.lock_wakes;
}

int main(int argc, char **argv)
{
	uint64_t mask = 0;

	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpu < 1 || ncpu > 64)
		return 9;
	all_cpus = ncpu == 64 ? ~0ull : (1ull << ncpu) - 1;
	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return child_main();
	printf("affinity: %ld processors online\n", ncpu);
	say("sched_getaffinity: every CPU", get_mask(0, &mask) == sizeof(mask) && mask == all_cpus);
	say("bad arguments: EINVAL, ESRCH, EFAULT", bad_arguments());
	say("pinned to each CPU in turn, getcpu says it", pin_each());
	say("fork and execve keep the mask", inherited());
	say("membarrier: query, flags, global", membarrier_commands());
	spinners();
	say("kage_stats: what harts cost each other, none on one hart", harts_cost_counted());
	printf("affinity: done\n");
	return 0;
}
