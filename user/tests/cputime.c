/*
 * CPU time: the kernel samples it at the tick (kernel/cputime.h) and the
 * process server adds it up (servers/proc/cputime.c). A busy loop shows as
 * user time, system calls as system time (in MODE=micro the servers' work
 * for the caller is its system time), a child's times reach its parent at
 * wait (wait4's rusage, RUSAGE_CHILDREN, times' cutime), a thread's its
 * own (RUSAGE_THREAD, CLOCK_THREAD_CPUTIME_ID) and its process's; and
 * /proc/self/stat and /proc/stat say the same. Each loop runs until the
 * time it waits for shows, so no check depends on the host's speed.
 * Prints "cputime: CHECK ok" or "FAILED"; tests/system/test_linux.py reads them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CAP 2000000000ull	/* loop passes before a loop gives up: minutes, far past any check */

static void check(const char *what, int ok)
{
	printf("cputime: %s %s\n", what, ok ? "ok" : "FAILED");
}

static uint64_t us_of(struct timeval tv)
{
	return (uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec;
}

static struct rusage usage(int who)
{
	struct rusage ru;

	memset(&ru, 0, sizeof(ru));
	getrusage(who, &ru);
	return ru;
}

/* Spins in user mode until `who`'s user time has grown by us: 1, or 0 if it never did. */
static int burn_user(int who, uint64_t us)
{
	uint64_t start = us_of(usage(who).ru_utime);
	volatile uint64_t x = 0;

	for (uint64_t i = 0; i < CAP; i++) {
		x += i;
		if (i % 100000 == 0 && us_of(usage(who).ru_utime) >= start + us)
			return 1;
	}
	return 0;
}

static void self_times(void)
{
	uint64_t start = us_of(usage(RUSAGE_SELF).ru_stime);
	int ok = 0;
	struct tms t;

	check("a busy loop shows as user time", burn_user(RUSAGE_SELF, 200000));
	for (uint64_t i = 0; i < CAP / 1000 && !ok; i++) {
		syscall(SYS_getppid);
		ok = i % 100 == 0 && us_of(usage(RUSAGE_SELF).ru_stime) >= start + 100000;
	}
	check("system calls show as system time", ok);
	times(&t);
	check("times() agrees with getrusage", (uint64_t)t.tms_utime * 10000 <= us_of(usage(RUSAGE_SELF).ru_utime) &&
						       t.tms_utime >= 20 && t.tms_stime >= 10);
}

static void child_times(void)
{
	struct rusage ru;
	struct tms t;
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(burn_user(RUSAGE_SELF, 150000) ? 0 : 1);
	memset(&ru, 0, sizeof(ru));
	wait4(pid, &status, 0, &ru);
	check("wait4's rusage has the child's time", WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
							 us_of(ru.ru_utime) >= 150000);
	check("RUSAGE_CHILDREN has it after the wait", us_of(usage(RUSAGE_CHILDREN).ru_utime) >= us_of(ru.ru_utime));
	times(&t);
	check("and times' cutime", t.tms_cutime >= 15);
}

static void *thread_main(void *arg)
{
	struct timespec ts;

	(void)arg;
	if (!burn_user(RUSAGE_THREAD, 100000))
		return (void *)1;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (void *)(uintptr_t)(ts.tv_sec * 1000000000ll + ts.tv_nsec < 100000000ll);
}

static void thread_times(void)
{
	uint64_t before = us_of(usage(RUSAGE_SELF).ru_utime);
	pthread_t th;
	void *r = (void *)1;

	pthread_create(&th, NULL, thread_main, NULL);
	pthread_join(th, &r);
	check("a thread's own time: RUSAGE_THREAD and CLOCK_THREAD_CPUTIME_ID", r == NULL);
	check("an ended thread's time stays its process's", us_of(usage(RUSAGE_SELF).ru_utime) >= before + 100000);
}

/* Fields 14 and 15 of /proc/self/stat (utime, stime), in ticks. */
static int proc_stat_times(long *utime, long *stime)
{
	char buf[1024], *p;
	FILE *f = fopen("/proc/self/stat", "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %ld %ld", utime, stime) == 2;
}

/* Field 22 of /proc/PID/stat (starttime), in ticks since boot; -1 when unreadable. */
static long proc_start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	long start = -1;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %ld",
			 &start) != 1)
		return -1;
	return start;
}

/* A child made later started later: its starttime is between times() before the fork and after. */
static void start_times(void)
{
	struct tms t;
	long self = proc_start_time(getpid()), init = proc_start_time(1), before, child, after;
	int fds[2], status;
	char c;
	pid_t pid;

	burn_user(RUSAGE_SELF, 50000);	/* past this program's own start by at least five ticks */
	before = (long)times(&t);
	if (pipe(fds) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		close(fds[1]);
		read(fds[0], &c, 1);	/* alive until its stat is read */
		_exit(0);
	}
	child = proc_start_time(pid);
	after = (long)times(&t);
	close(fds[1]);
	waitpid(pid, &status, 0);
	close(fds[0]);
	check("/proc/N/stat's starttime: init first, then this program, then its child",
	      init >= 0 && init <= self && self < before && before <= child && child <= after);
}

static void proc_files(void)
{
	long ut = 0, st = 0, u = 0, n = 0, s = 0, idle = 0;
	struct tms t;
	FILE *f;
	int got;

	times(&t);
	check("/proc/self/stat's utime and stime as times() says",
	      proc_stat_times(&ut, &st) && ut >= t.tms_utime && st >= t.tms_stime && ut < t.tms_utime + 5);
	f = fopen("/proc/stat", "r");
	got = f && fscanf(f, "cpu %ld %ld %ld %ld", &u, &n, &s, &idle) == 4;
	if (f)
		fclose(f);
	check("/proc/stat's cpu line counts this program's ticks", got && u >= ut && s >= st && n == 0);
}

static void clocks_and_errors(void)
{
	struct timespec a, b, res;
	struct rusage ru;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
	burn_user(RUSAGE_SELF, 30000);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
	check("CLOCK_PROCESS_CPUTIME_ID advances with work, by ticks of 10 ms",
	      clock_getres(CLOCK_PROCESS_CPUTIME_ID, &res) == 0 && res.tv_nsec == 10000000 &&
		      (b.tv_sec - a.tv_sec) * 1000000000ll + b.tv_nsec - a.tv_nsec >= 30000000);
	check("getrusage of an unknown who: EINVAL", getrusage(7, &ru) < 0 && errno == EINVAL);
	check("getrusage into a bad pointer: EFAULT", syscall(SYS_getrusage, RUSAGE_SELF, 8) < 0 && errno == EFAULT);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	self_times();
	child_times();
	thread_times();
	proc_files();
	start_times();
	clocks_and_errors();
	printf("cputime: done\n");
	return 0;
}
