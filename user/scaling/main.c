/*
 * How throughput scales with harts (tools/scaling, make scaling): on a
 * system with k harts, k workers run at once, each the same fixed work,
 * and the wall time of the whole is printed; throughput against the one
 * hart run is then k times the work over the time. Two kinds of work:
 *   spawn  each worker forks, execs /bin/exit0 and waits, SPAWN_ROUNDS times;
 *   pipe   each worker bounces a byte off a child of its own through two
 *          pipes, PIPE_ROUNDS times.
 *   solo   one worker alone does spawn's work, whatever k is: there is
 *          nothing to share out, so any loss against one hart is what
 *          the other harts cost it (IPIs, remote flushes, the lock), and
 *          spawn's rate at k against solo's says how much of the work
 *          could run at once at all.
 * Each is run SAMPLES times, two lines each:
 *   kage-scaling: <work> harts=<k> sample=<i> ops=<ops> ns=<wall time>
 *   kage-scaling-cost: <work> harts=<k> sample=<i> <kernel counter>=<its change> ...
 * The second says what the harts cost each other over the sample (struct
 * kage_stats: IPIs, remote fences, the kernel lock's waits and their
 * time in timebase ticks, idle ticks, idle harts poked without an IPI),
 * which is what limits the scaling.
 * Wall time is CLOCK_MONOTONIC, which under QEMU without -icount is the
 * host's time: this measures how the guest's harts share out real work,
 * so it needs a host with at least k idle cores.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lib/kage_stats.h"
#include "user/tests/workers.h"

#define SAMPLES 5
#define SPAWN_ROUNDS 40
#define PIPE_ROUNDS 2000
#define MAX_WORKERS 64

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int spawn_work(void)
{
	return work_spawn(SPAWN_ROUNDS);
}

static int pipe_work(void)
{
	return work_ping(PIPE_ROUNDS);
}

/*
 * k workers started together: each waits for the start pipe to close, so
 * the forks are not in the time. The wall time from the start to the last
 * one's end, or 0 if any failed.
 */
static uint64_t run_workers(int k, int (*work)(void))
{
	int go[2], failed = 0;
	pid_t pids[MAX_WORKERS];
	uint64_t start;
	char c;

	if (pipe(go) < 0)
		return 0;
	for (int i = 0; i < k; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			close(go[1]);
			if (read(go[0], &c, 1) != 0)
				_exit(1);
			_exit(work());
		}
	}
	close(go[0]);
	start = now_ns();
	close(go[1]);
	for (int i = 0; i < k; i++) {
		int status;

		failed += pids[i] < 0 || waitpid(pids[i], &status, 0) != pids[i] || !WIFEXITED(status) ||
			  WEXITSTATUS(status) != 0;
	}
	return failed ? 0 : now_ns() - start;
}

/* The changes from a to b of the counters that show what harts cost each other. */
static void print_cost(const char *work, long k, int sample, const struct kage_stats *a, const struct kage_stats *b)
{
	printf("kage-scaling-cost: %s harts=%ld sample=%d ipis=%llu remote_fences=%llu lock_waits=%llu "
	       "lock_wait_time=%llu ticks_idle=%llu ticks_system=%llu ticks_user=%llu idle_pokes=%llu\n",
	       work, k, sample, (unsigned long long)(b->ipis - a->ipis),
	       (unsigned long long)(b->remote_fences - a->remote_fences),
	       (unsigned long long)(b->lock_waits - a->lock_waits),
	       (unsigned long long)(b->lock_wait_time - a->lock_wait_time),
	       (unsigned long long)(b->ticks_idle - a->ticks_idle),
	       (unsigned long long)(b->ticks_system - a->ticks_system),
	       (unsigned long long)(b->ticks_user - a->ticks_user),
	       (unsigned long long)(b->idle_pokes - a->idle_pokes));
}

int main(void)
{
	long k = sysconf(_SC_NPROCESSORS_ONLN);
	static const struct {
		const char *name;
		int (*work)(void);
		int ops;
		int alone;	/* one worker, not k */
	} kinds[] = {
		{ "spawn", spawn_work, SPAWN_ROUNDS, 0 },
		{ "pipe", pipe_work, PIPE_ROUNDS, 0 },
		{ "solo", spawn_work, SPAWN_ROUNDS, 1 },
	};

	if (k < 1 || k > MAX_WORKERS)
		return 1;
	for (unsigned w = 0; w < sizeof(kinds) / sizeof(kinds[0]); w++) {
		long workers = kinds[w].alone ? 1 : k;

		for (int s = -1; s < SAMPLES; s++) {
			struct kage_stats before, after;
			uint64_t ns;

			if (kage_stats_read(&before) != sizeof(before))
				return 1;
			ns = run_workers((int)workers, kinds[w].work);
			if (kage_stats_read(&after) != sizeof(after))
				return 1;

			if (!ns) {
				printf("kage-scaling: %s failed\n", kinds[w].name);
				return 1;
			}
			if (s < 0)
				continue;	/* a first round warms the caches (QEMU's translations, the page cache) */
			printf("kage-scaling: %s harts=%ld sample=%d ops=%ld ns=%llu\n", kinds[w].name, k, s,
			       workers * kinds[w].ops, (unsigned long long)ns);
			print_cost(kinds[w].name, k, s, &before, &after);
		}
	}
	printf("kage-scaling: done\n");
	return 0;
}
