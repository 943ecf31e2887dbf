/*
 * Everything at once, on every hart: threads that share counters through
 * atomics and a contended mutex (futexes), processes that fork, exec and
 * wait, and pipe pairs that pass bytes to and fro, all running together.
 * Before them, threads store into the same fresh pages at once, then into
 * the same copy-on-write pages: every hart but the first to take the
 * kernel lock finds the page already resolved (a fault that must be
 * retried, not a SIGSEGV). After them, processes on every hart wait
 * for their children the way ash's `wait` does: poll, then sigsuspend
 * until the SIGCHLD handler has run. A handler that ran only after the
 * sigsuspend's answer let the program call again would leave it waiting
 * for a signal already taken: a hang, which the system test's time
 * limit turns into a failure.
 * Each part checks its own result exactly; tests/system/test_smp.py runs
 * it on several harts in both modes and then checks every frame and
 * object came back.
 */
#define CHECK_NAME "smp"
#include "user/tests/check.h"
#include "user/tests/workers.h"

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
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
#define TOUCHERS 4
#define TOUCH_PAGES 256
#define PAGE 4096
#define SUSPENDERS 4
#define SUSPEND_ROUNDS 60

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

struct smp_touch {
	unsigned char *area;
	int start;	/* the threads spin on it, so their first stores come together */
	int base;	/* what thread i stores is base + i */
};

static void *smp_toucher(void *arg)
{
	struct smp_touch *t = arg;
	int i = __atomic_add_fetch(&t->start, 1, __ATOMIC_ACQ_REL);

	while (__atomic_load_n(&t->start, __ATOMIC_ACQUIRE) < TOUCHERS)
		;
	for (int p = 0; p < TOUCH_PAGES; p++)
		t->area[p * PAGE + i] = (unsigned char)(t->base + i);
	return NULL;
}

/* Whether every page holds what the round with `base` stored. */
static bool smp_touched(const struct smp_touch *t, int base)
{
	bool ok = true;

	for (int p = 0; p < TOUCH_PAGES; p++)
		for (int i = 1; i <= TOUCHERS; i++)
			ok &= t->area[p * PAGE + i] == base + i;
	return ok;
}

/* TOUCHERS threads store into every page of t->area together: whether each store stayed. */
static bool smp_touch_together(struct smp_touch *t, int base)
{
	pthread_t threads[TOUCHERS];
	int started = 0;

	t->start = 0;
	t->base = base;
	for (int i = 0; i < TOUCHERS; i++)
		started += pthread_create(&threads[i], NULL, smp_toucher, t) == 0;
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	return started == TOUCHERS && smp_touched(t, base);
}

/*
 * The same pages first touched by several harts at once: zero fill, then
 * copy-on-write while a child shares them (whose copy must not change).
 */
static void smp_check_racing_faults(void)
{
	struct smp_touch t = {0};
	int go[2], status = 1;
	bool fresh, cow = false;
	pid_t child;

	t.area = mmap(NULL, TOUCH_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t.area == MAP_FAILED || pipe(go) < 0) {
		say("threads: first stores into the same pages at once", false);
		return;
	}
	fresh = smp_touch_together(&t, 0);
	child = fork();
	if (child == 0) {
		char c;

		close(go[1]);
		_exit(read(go[0], &c, 1) != 0 || !smp_touched(&t, 0));	/* after the parent's round */
	}
	close(go[0]);
	if (child > 0)
		cow = smp_touch_together(&t, TOUCHERS);
	close(go[1]);
	cow &= child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	munmap(t.area, TOUCH_PAGES * PAGE);
	say("threads: first stores into the same pages at once", fresh);
	say("threads: first stores into the same copy-on-write pages at once", cow);
}

static int smp_spawner(void)
{
	return work_spawn(SPAWNS);
}

static int smp_ping(void)
{
	return work_ping(PING_BYTES);
}

static volatile sig_atomic_t smp_got_chld;

static void smp_on_chld(int sig)
{
	(void)sig;
	smp_got_chld = 1;
}

/* A child that exits at once, waited for as ash's wait does: 0 when every one was reaped. */
static int smp_suspender(void)
{
	struct sigaction sa = { .sa_handler = smp_on_chld };
	sigset_t all, old;

	sigfillset(&all);
	if (sigaction(SIGCHLD, &sa, NULL) < 0)
		return 1;
	for (int i = 0; i < SUSPEND_ROUNDS; i++) {
		pid_t c = fork();
		pid_t got;

		if (c == 0)
			_exit(0);
		if (c < 0)
			return 1;
		smp_got_chld = 0;
		got = waitpid(c, NULL, WNOHANG);
		while (got == 0) {
			sigprocmask(SIG_SETMASK, &all, &old);
			while (!smp_got_chld)
				sigsuspend(&old);
			sigprocmask(SIG_SETMASK, &old, NULL);
			smp_got_chld = 0;
			got = waitpid(c, NULL, WNOHANG);
		}
		if (got != c)
			return 1;
	}
	return 0;
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
	pid_t spawners[SPAWNERS], pingers[PAIRS], suspenders[SUSPENDERS];
	int started = 0, failed_spawns, failed_pings;

	printf("smp: %ld processors online\n", sysconf(_SC_NPROCESSORS_ONLN));
	smp_check_racing_faults();
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
	say("no SIGCHLD lost to a sigsuspend loop", smp_children(SUSPENDERS, smp_suspender, suspenders) == 0);
	printf("smp: done\n");
	return 0;
}
