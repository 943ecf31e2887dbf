/*
 * The process server's capacity and limits, pushed far past its old fixed
 * tables: as many processes alive at once as memory and threads-max allow
 * (RLIMIT_NPROC raised out of the way), each one's exit status collected
 * and every one listed in /proc; a thousand threads in one process, all
 * joined; hundreds of zombies at once; RLIMIT_NPROC, RLIMIT_AS,
 * RLIMIT_DATA and RLIMIT_NOFILE enforced; prlimit64's refusals as Linux's;
 * pids wrapping past pid_max to 300, skipping one still in use.
 * /proc/kage/objects shows the server's counts at the end back where
 * they were: nothing leaked. Each result is a line "proc-capacity: ...";
 * the program fails on a wrong answer, and tests/system/test_proc_capacity.py
 * judges whether the figures reach far enough.
 */
#define _GNU_SOURCE	/* prlimit */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/futex.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROCS_MAX 8192		/* more than threads-max on any test machine */
#define THREADS 1000
#define ZOMBIES 500
#define CYCLES 1000

static pid_t pids[PROCS_MAX];
static volatile int my_index;

static long objects(const char *name)
{
	char line[128];
	long v = -1;
	FILE *f = fopen("/proc/kage/objects", "r");
	size_t n = strlen(name);

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, name, n) == 0 && line[n] == ' ')
			v = strtol(line + n + 1, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

static long read_number(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f && fscanf(f, "%ld", &v) != 1)
		v = -1;
	if (f)
		fclose(f);
	return v;
}

static void on_usr1(int sig)
{
	(void)sig;
	_exit(my_index & 0xff);
}

/* Children that wait for SIGUSR1 and then exit with their index, until fork fails: how many; *err its errno. */
static int fork_waiters(int max, int *err)
{
	int n;

	*err = 0;
	for (n = 0; n < max; n++) {
		my_index = n;
		pids[n] = fork();
		if (pids[n] == 0) {
			for (;;)
				pause();
		}
		if (pids[n] < 0) {
			*err = errno;
			break;
		}
	}
	return n;
}

/* Sends each its SIGUSR1 and collects every status: how many were wrong. */
static int release_and_reap(int n)
{
	int bad = 0, status;

	for (int i = 0; i < n; i++)
		kill(pids[i], SIGUSR1);
	for (int i = 0; i < n; i++) {
		if (waitpid(pids[i], &status, 0) != pids[i] || !WIFEXITED(status) || WEXITSTATUS(status) != (i & 0xff))
			bad++;
	}
	return bad;
}

/* Directories named by a number in /proc. */
static int proc_dirs(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] >= '1' && e->d_name[0] <= '9';
	if (d)
		closedir(d);
	return n;
}

static int many_processes(const char *round)
{
	int err, n = fork_waiters(PROCS_MAX, &err), listed = proc_dirs(), alive = (int)objects("proc.processes");
	int bad = release_and_reap(n);

	printf("proc-capacity: %s: %d processes alive at once, then fork: %s; /proc listed %d, the server %d; "
	       "%d statuses wrong\n", round, n, strerror(err), listed, alive, bad);
	return bad || listed < n + 1 || alive < n + 1;
}

static int nproc_enforced(void)
{
	struct rlimit old, lim;
	long tasks = objects("proc.tasks");
	int err, n, bad;

	getrlimit(RLIMIT_NPROC, &old);
	lim = (struct rlimit){ (rlim_t)tasks + 5, old.rlim_max };
	if (setrlimit(RLIMIT_NPROC, &lim) < 0)
		return 1;
	n = fork_waiters(50, &err);
	bad = release_and_reap(n);
	setrlimit(RLIMIT_NPROC, &old);
	printf("proc-capacity: RLIMIT_NPROC %ld: %d forks, then %s\n", tasks + 5, n, strerror(err));
	return bad || n != 5 || err != EAGAIN;
}

static volatile int threads_go;

/* Each thread waits on one futex until main lets them all go: a thousand waiters on one word. */
static void *thread_main(void *arg)
{
	while (!threads_go)
		syscall(SYS_futex, &threads_go, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	return arg;
}

static int many_threads(void)
{
	static pthread_t th[THREADS];
	pthread_attr_t attr;
	int n, joined = 0;
	long seen;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 << 10);
	for (n = 0; n < THREADS; n++)
		if (pthread_create(&th[n], &attr, thread_main, th) != 0)
			break;
	seen = objects("proc.threads");
	threads_go = 1;
	syscall(SYS_futex, &threads_go, FUTEX_WAKE_PRIVATE, THREADS, NULL, NULL, 0);
	for (int i = 0; i < n; i++) {
		void *r;

		joined += pthread_join(th[i], &r) == 0 && r == th;
	}
	printf("proc-capacity: %d threads in one process (the server counted %ld), %d joined\n", n, seen, joined);
	return joined != n || seen < n + 1;	/* how many is for the test to judge */
}

static int many_zombies(void)
{
	int n, status, bad = 0;
	long zombies = 0;
	struct timespec ms = { 0, 1000000 };

	for (n = 0; n < ZOMBIES; n++) {
		pids[n] = fork();
		if (pids[n] == 0)
			_exit(n & 0xff);
		if (pids[n] < 0)
			break;
	}
	for (int tries = 0; tries < 10000 && zombies < n; tries++) {
		nanosleep(&ms, NULL);	/* they run and end while this waits */
		zombies = objects("proc.zombies");
	}
	for (int i = 0; i < n; i++)
		if (waitpid(pids[i], &status, 0) != pids[i] || WEXITSTATUS(status) != (i & 0xff))
			bad++;
	printf("proc-capacity: %d zombies at once (the server counted %ld), %d statuses wrong\n", n, zombies, bad);
	return zombies != n || bad;
}

/* In a child: RLIMIT_AS and RLIMIT_DATA make mmap and brk fail with ENOMEM. */
static int memory_limits_child(void)
{
	struct rlimit as = { 256 << 20, RLIM_INFINITY }, data = { 1 << 20, RLIM_INFINITY };
	void *big, *small, *ro, *rw;
	int bad = 0;

	setrlimit(RLIMIT_AS, &as);
	big = mmap(NULL, 512 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	small = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	bad += big != MAP_FAILED || errno != ENOMEM || small == MAP_FAILED;
	setrlimit(RLIMIT_DATA, &data);
	bad += sbrk(4 << 20) != (void *)-1;
	rw = mmap(NULL, 4 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	bad += rw != MAP_FAILED || errno != ENOMEM;
	ro = mmap(NULL, 4 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	bad += ro == MAP_FAILED;
	return bad;
}

/* In a child: opens until RLIMIT_NOFILE says no; the first descriptor refused. */
static int nofile_child(void)
{
	struct rlimit lim = { 16, 16 };
	int fd = 0;

	setrlimit(RLIMIT_NOFILE, &lim);
	while (fd >= 0 && fd < 100)
		fd = open("/dev/null", O_RDONLY);
	return fd < 0 && errno == EMFILE ? 0 : 100;
}

static int in_child(int (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn());
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int prlimit_refusals(void)
{
	struct rlimit lim, old;
	int bad = 0;

	getrlimit(RLIMIT_NOFILE, &old);
	bad += prlimit(999999, RLIMIT_NOFILE, NULL, &lim) != -1 || errno != ESRCH;
	lim = (struct rlimit){ 20, 10 };
	bad += setrlimit(RLIMIT_NOFILE, &lim) != -1 || errno != EINVAL;
	lim = (struct rlimit){ 10, (1 << 20) + 1 };
	bad += setrlimit(RLIMIT_NOFILE, &lim) != -1 || errno != EPERM;
	bad += prlimit(getpid(), 99, NULL, &lim) != -1 || errno != EINVAL;
	bad += getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur != old.rlim_cur || lim.rlim_max != old.rlim_max;
	printf("proc-capacity: prlimit64 refusals %s\n", bad ? "WRONG" : "as Linux's");
	return bad;
}

static int cycles(void)
{
	struct timespec a, b;
	int status, bad = 0;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < CYCLES; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		bad += pid < 0 || waitpid(pid, &status, 0) != pid;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("proc-capacity: %d fork+exit+wait cycles in %ld ms\n", CYCLES,
	       (long)((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000));
	return bad;
}

/*
 * pid_max: pids go up to 32,767 and wrap to 300, skipping one still in
 * use (a child held from before the wrap): the pids after the wrap, and
 * whether the held one was skipped.
 */
static int pid_wrap(void)
{
	int status, wrapped_to = 0, skipped = 1, forks = 0;
	pid_t held, pid, last = getpid();

	my_index = 0;
	held = fork();
	if (held == 0) {
		for (;;)
			pause();
	}
	for (; held > 0 && forks < 2 * 32768; forks++) {
		pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid < 0 || waitpid(pid, &status, 0) != pid)
			break;
		if (pid < last && !wrapped_to)
			wrapped_to = pid;
		skipped &= pid != held;
		last = pid;
		if (wrapped_to && pid > held)
			break;	/* past the held pid again */
	}
	kill(held, SIGUSR1);
	waitpid(held, &status, 0);
	printf("proc-capacity: pids wrapped to %d after %d forks; the pid in use (%d) %s\n", wrapped_to, forks,
	       (int)held, skipped ? "was skipped" : "was handed out again");
	return wrapped_to < 300 || !skipped || held <= 300;
}

int main(void)
{
	struct rlimit nproc, unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	long threads_max = read_number("/proc/sys/kernel/threads-max"), base[3], after[3];
	int bad = 0, memory, nofile;

	signal(SIGUSR1, on_usr1);
	memory = in_child(memory_limits_child);	/* first, while this process maps little */
	nofile = in_child(nofile_child);
	getrlimit(RLIMIT_NPROC, &nproc);
	printf("proc-capacity: threads-max %ld pid_max %ld RLIMIT_NPROC %ld/%ld\n", threads_max,
	       read_number("/proc/sys/kernel/pid_max"), (long)nproc.rlim_cur, (long)nproc.rlim_max);
	bad += (long)nproc.rlim_cur != threads_max / 2;
	bad += nproc_enforced();
	bad += setrlimit(RLIMIT_NPROC, &unlimited) != 0;	/* raising the hard limit: everyone is root */
	bad += many_processes("first round");
	base[0] = objects("proc.processes"), base[1] = objects("proc.threads");
	base[2] = objects("proc.heap_allocations");
	bad += many_processes("second round");
	bad += many_threads();
	bad += many_zombies();
	printf("proc-capacity: RLIMIT_AS and RLIMIT_DATA: %d wrong\n", memory);
	printf("proc-capacity: RLIMIT_NOFILE 16: %s\n", nofile == 0 ? "EMFILE at 16" : "not enforced");
	bad += memory != 0 || prlimit_refusals() || cycles() || pid_wrap();
	after[0] = objects("proc.processes"), after[1] = objects("proc.threads");
	after[2] = objects("proc.heap_allocations");
	printf("proc-capacity: objects after: processes %ld/%ld threads %ld/%ld heap allocations %ld/%ld\n",
	       after[0], base[0], after[1], base[1], after[2], base[2]);
	bad += after[0] != base[0] || after[1] != base[1] || after[2] != base[2];
	printf("proc-capacity: %s\n", bad ? "FAILED" : "ok");
	return bad != 0;
}
