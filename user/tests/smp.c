/*
 * Everything at once, on every hart: threads that share counters through
 * atomics and a contended mutex (futexes), processes that fork, exec and
 * wait, and pipe pairs that pass bytes to and fro, all running together.
 * Each part checks its own result exactly; tests/system/test_smp.py runs
 * it on several harts in both modes and then checks every frame and
 * object came back.
 */
#define CHECK_NAME "smp"
#include "user/tests/check.h"
#include "user/tests/workers.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define THREADS 8
#define THREAD_ROUNDS 5000
#define SPAWNERS 4
#define SPAWNS 25
#define PAIRS 4
#define PING_BYTES 200

static pthread_mutex_t smp_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t smp_atomic, smp_locked;

static void *smp_thread(void *arg)
{
	(void)arg;
	for (int i = 0; i < THREAD_ROUNDS; i++) {
		__atomic_fetch_add(&smp_atomic, 1, __ATOMIC_RELAXED);
		pthread_mutex_lock(&smp_lock);
		smp_locked++;
		pthread_mutex_unlock(&smp_lock);
	}
	return NULL;
}

static int smp_spawner(void)
{
	return work_spawn(SPAWNS);
}

static int smp_ping(void)
{
	return work_ping(PING_BYTES);
}

/* n children running fn at once: how many of them failed. */
static int smp_children(int n, int (*fn)(void), pid_t *pids)
{
	int failed = 0;

	for (int i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(fn());
	}
	for (int i = 0; i < n; i++) {
		int status;

		failed += pids[i] < 0 || waitpid(pids[i], &status, 0) != pids[i] || !WIFEXITED(status) ||
			  WEXITSTATUS(status) != 0;
	}
	return failed;
}

int main(void)
{
	pthread_t threads[THREADS];
	pid_t spawners[SPAWNERS], pingers[PAIRS];
	int started = 0, failed_spawns, failed_pings;

	printf("smp: %ld processors online\n", sysconf(_SC_NPROCESSORS_ONLN));
	for (int i = 0; i < THREADS; i++)
		started += pthread_create(&threads[i], NULL, smp_thread, NULL) == 0;
	/* The processes run while the threads do. */
	failed_spawns = smp_children(SPAWNERS, smp_spawner, spawners);
	failed_pings = smp_children(PAIRS, smp_ping, pingers);
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	say("threads: no atomic increment lost", started == THREADS && smp_atomic == (uint64_t)THREADS * THREAD_ROUNDS);
	say("threads: no increment under the mutex lost", smp_locked == (uint64_t)THREADS * THREAD_ROUNDS);
	say("fork + exec + wait from several processes at once", failed_spawns == 0);
	say("pipe pairs bounce every byte back", failed_pings == 0);
	printf("smp: done\n");
	return 0;
}
