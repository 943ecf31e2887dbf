/*
 * kage's system-call fuzzer: worker processes make random Linux system
 * calls with random and boundary arguments, while a watchdog process
 * keeps asking for the CPU. The oracle, once every worker is reaped:
 * the system never stopped (the watchdog was never kept waiting long),
 * every server still answers, and the kernel's objects and frames are
 * back where they were before the run.
 *
 *   fuzz [seed [calls [seconds [workers]]]]
 *
 * Calls are Linux's riscv64 numbers 0-459 and a few native ones (a Linux
 * program may make none but sys_stats). What would end the run rather
 * than test the system is constrained: no exit or reboot, kill only to
 * the worker itself, its group or its children (or to pids that do not
 * exist), fork and clone children that make a few calls and end, no
 * execve of a real program, memory calls (munmap, mprotect, MAP_FIXED,
 * mremap, brk downwards) only in the worker's scratch area or at
 * addresses that are invalid, sleeps and timeouts short, paths in the
 * worker's own directory or invalid. A worker runs a fixed number of
 * calls and exits; one that stops reporting (a read that waits forever,
 * a futex nobody wakes) is killed and another takes its place. Each
 * worker's calls follow from the seed and its number, so a run can be
 * repeated; which worker is where when is up to the scheduler.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WORKER_CALLS 2000	/* calls a worker makes before it exits */
#define REPORT_EVERY 50		/* a byte down the progress pipe after this many */
#define STUCK_MS 3000		/* a worker silent this long is killed */
#define WATCHDOG_MS 20		/* the watchdog's sleep */
#define WATCHDOG_LIMIT_MS 10000	/* a longer gap between its beats is a hang */
#define SCRATCH (64 * 4096ul)	/* the memory a worker's memory calls may change */
#define MAX_WORKERS 16

/* The kernel's sys_stats (lib/kage_abi.h), the one native call a Linux program may make. */
#define KAGE_SYS_STATS 0x4b470002
struct kage_stats_v1 {
	uint64_t frames_free, frames_used, tasks, spaces, endpoints, notifications;
};

struct worker {
	pid_t pid;
	int fd;			/* the read end of its progress pipe */
	uint64_t calls;		/* reported so far */
	long last_ms;		/* when it last reported */
};

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dull;
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long kage_stats(struct kage_stats_v1 *st)
{
	register long a0 __asm__("a0") = (long)st;
	register long a1 __asm__("a1") = 0;
	register long a7 __asm__("a7") = KAGE_SYS_STATS;

	__asm__ volatile("ecall"
			 : "+r"(a0)
			 : "r"(a1), "r"(a7)
			 : "t0", "t1", "t2", "t3", "t4", "t5", "t6", "memory");	/* a native call may change them */
	return a0;
}

/* ---- Arguments ----------------------------------------------------------- */

static char *scratch;		/* SCRATCH bytes the memory calls may unmap or protect */
static char buffer[8192];	/* valid memory for pointer arguments, refilled with chosen bytes */
static pid_t worker_self;

static const char *const paths[] = {
	"fz", "fz/a", "fz/b/c", ".", "..", "/", "", "/proc/self/stat", "/proc/self/fd/0",
	"/proc/1/status", "/dev/null", "/tmp", "fz/../fz", "//fz///a", "/proc/self/exe",
	"/nonexistent/x", "fz/a/", "/dev/fd/1", "/proc/self/cwd/fz",
};

/* A path in buffer: one of the list, a long one, or bytes of noise. */
static uint64_t arg_path(void)
{
	uint64_t k = below(10);

	if (k < 7) {
		strcpy(buffer, paths[below(sizeof(paths) / sizeof(paths[0]))]);
	} else if (k < 8) {
		size_t n = 100 + below(5000);

		memset(buffer, 'p', n < sizeof(buffer) - 1 ? n : sizeof(buffer) - 1);
		buffer[n < sizeof(buffer) - 1 ? n : sizeof(buffer) - 1] = 0;
	} else {
		for (size_t i = 0; i < 64; i++)
			buffer[i] = (char)rnd();
		buffer[below(64)] = 0;
	}
	return (uint64_t)buffer;
}

/* A pointer: to valid memory, read-only memory, nothing, the kernel, or misaligned. */
static uint64_t arg_pointer(void)
{
	switch (below(9)) {
	case 0: return 0;
	case 1: return 0x1000;
	case 2: return 0xffffffc000000000ull + below(1ull << 30);
	case 3: return (uint64_t)&rng_state & ~4095ull;		/* the program's own data */
	case 4: return (uint64_t)arg_path;			/* its text: not writable */
	case 5: return (uint64_t)buffer + 1 + below(64);	/* misaligned */
	case 6: return (uint64_t)scratch + below(SCRATCH);	/* perhaps unmapped by now */
	default:
		for (size_t i = 0; i < 256; i++)
			buffer[i] = (char)(below(4) ? 0 : rnd());
		return (uint64_t)buffer;
	}
}

static uint64_t arg_number(void)
{
	static const uint64_t edges[] = {
		0, 1, 2, 3, 4095, 4096, 4097, 65536, 0x7fffffff, 0x80000000ull, 0xffffffffull,
		(uint64_t)-1, (uint64_t)-2, (uint64_t)-4096, 1ull << 38, 1ull << 63, 0x7fffffffffffffffull,
	};

	switch (below(5)) {
	case 0: return edges[below(sizeof(edges) / sizeof(edges[0]))];
	case 1: return below(32);				/* small numbers, descriptors */
	case 2: return 1ull << below(64);			/* a flag */
	case 3: return rnd() & rnd();				/* a few flags */
	default: return rnd();
	}
}

static uint64_t arg_any(void)
{
	switch (below(4)) {
	case 0: return arg_pointer();
	case 1: return arg_path();
	default: return arg_number();
	}
}

/* ---- Calls that need a rein --------------------------------------------- */

/* A memory range the worker may lose: its scratch area, or one that is invalid anyway. */
static void arg_memory(uint64_t *addr, uint64_t *len)
{
	switch (below(4)) {
	case 0: *addr = 0xffffffc000000000ull; break;
	case 1: *addr = (uint64_t)scratch + 1; break;
	default: *addr = (uint64_t)scratch + below(SCRATCH / 4096) * 4096;
	}
	*len = below(3) ? 4096 * (1 + below(SCRATCH / 4096)) : arg_number();
	if (*addr >= (uint64_t)scratch && *addr < (uint64_t)scratch + SCRATCH &&
	    *len > (uint64_t)scratch + SCRATCH - *addr)
		*len = (uint64_t)scratch + SCRATCH - *addr;
}

/* A time of at most 10 ms in buffer (struct timespec), or a bad pointer. */
static uint64_t arg_short_time(void)
{
	struct timespec *ts = (struct timespec *)buffer;

	if (!below(8))
		return arg_pointer();
	ts->tv_sec = 0;
	ts->tv_nsec = (long)below(10000000);
	if (!below(16))
		ts->tv_nsec = 2000000000;	/* invalid */
	return (uint64_t)ts;
}

/* A pid a worker may signal: itself, its group, a child's, or none at all. */
static uint64_t arg_target(void)
{
	switch (below(4)) {
	case 0: return (uint64_t)worker_self;
	case 1: return 0;
	case 2: return (uint64_t)-(int64_t)worker_self;
	default: return 40000 + below(100000);	/* above pid_max: ESRCH */
	}
}

static void worker_run(uint64_t calls, int depth);

/* fork, vfork and clone: the child makes a few calls and ends; the worker reaps it. */
static long call_fork(void)
{
	pid_t pid;

	if (below(2)) {
		pid = (pid_t)syscall(SYS_clone, SIGCHLD | (below(4) ? 0 : CLONE_PARENT_SETTID), 0,
				     below(2) ? (uint64_t)buffer : 0, 0, 0);
	} else {
		pid = fork();
	}
	if (pid == 0) {
		worker_run(below(20), 1);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return pid;
}

/*
 * mmap of a real file (a region whose pages arrive at first touch), often
 * into the scratch area, where the memory calls then cut, protect, move
 * and unmap it and the pointer arguments make the kernel read and write it.
 */
static void arg_file_mapping(uint64_t *a)
{
	static int fd = -1;
	static const uint64_t prots[] = { PROT_READ, PROT_READ | PROT_EXEC, PROT_READ | PROT_WRITE, PROT_NONE };

	if (fd < 0 || fcntl(fd, F_GETFD) < 0)
		fd = open("/bin/busybox", O_RDONLY);
	a[2] = prots[below(sizeof(prots) / sizeof(prots[0]))];
	a[3] = below(4) ? MAP_PRIVATE : MAP_SHARED;
	if (below(2))
		a[3] |= MAP_FIXED;
	a[4] = (uint64_t)fd;
	a[5] = 4096 * below(64);
}

static long call_reined(long nr, uint64_t *a)
{
	switch (nr) {
	case SYS_exit: case SYS_exit_group: case SYS_reboot: case SYS_rt_sigsuspend:
	case SYS_execve: case SYS_execveat: case SYS_clone3: case SYS_rt_sigreturn:
		return syscall(nr, arg_pointer(), 0, 0);	/* with bad pointers only: refused, or harmless */
	case SYS_kill: case SYS_tkill: case SYS_tgkill:
		return syscall(nr, arg_target(), nr == SYS_tgkill ? arg_target() : below(65), below(65));
	case SYS_clone:
		return call_fork();
	case SYS_munmap: case SYS_mprotect: case SYS_madvise: case SYS_msync: case SYS_mremap:
		arg_memory(&a[0], &a[1]);
		if (nr == SYS_mremap)
			a[3] &= ~(uint64_t)MREMAP_FIXED;
		return syscall(nr, a[0], a[1], a[2], a[3], a[4]);
	case SYS_mmap:
		if (below(2))
			arg_file_mapping(a);
		if (a[3] & (MAP_FIXED | MAP_FIXED_NOREPLACE))
			arg_memory(&a[0], &a[1]);
		return syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	case SYS_brk:
		return syscall(nr, below(2) ? 0 : (uint64_t)sbrk(0) + below(1 << 20));
	case SYS_nanosleep: case SYS_clock_nanosleep:
		return syscall(nr, nr == SYS_nanosleep ? arg_short_time() : below(8), 0, arg_short_time(), 0);
	case SYS_ppoll: case SYS_pselect6:
		return syscall(nr, a[0], below(8), a[2], a[3], arg_short_time(), a[5]);
	case SYS_futex:
		return syscall(nr, a[0], a[1], a[2], arg_short_time(), a[4], a[5]);
	case SYS_prlimit64:
		return syscall(nr, below(2) ? 0 : arg_target(), a[1], a[2], a[3]);
	case SYS_setpgid: case SYS_setsid:
		return -ENOSYS;		/* the worker's group must stay its own, for kill(0) */
	default:
		return syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
}

/* ---- Workers ------------------------------------------------------------- */

static int progress_fd = -1;

static void worker_run(uint64_t calls, int depth)
{
	for (uint64_t i = 0; i < calls; i++) {
		uint64_t a[6];
		long nr = (long)below(460);

		for (int j = 0; j < 6; j++)
			a[j] = arg_any();
		if (!below(200))
			nr = 0x4b470000 + (long)below(64);	/* a native call: refused without handles */
		call_reined(nr, a);
		if (!depth && i % REPORT_EVERY == REPORT_EVERY - 1)
			write(progress_fd, "", 1);
	}
}

static void worker_main(uint64_t seed, int fd)
{
	char dir[32];
	int null = open("/dev/null", O_RDWR);

	rng_state = seed | 1;
	worker_self = getpid();
	setpgid(0, 0);
	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	progress_fd = fcntl(fd, F_DUPFD, 100);
	close(fd);
	snprintf(dir, sizeof(dir), "/tmp/fuzz%d", worker_self);
	mkdir(dir, 0755);
	if (chdir(dir) < 0)
		_exit(2);
	scratch = mmap(NULL, SCRATCH, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (scratch == MAP_FAILED)
		_exit(3);
	worker_run(WORKER_CALLS, 0);
	_exit(0);
}

static int worker_start(struct worker *w, uint64_t seed)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	w->pid = fork();
	if (w->pid == 0) {
		close(p[0]);
		worker_main(seed, p[1]);
	}
	close(p[1]);
	if (w->pid < 0) {
		close(p[0]);
		return -1;
	}
	w->fd = p[0];
	w->calls = 0;
	w->last_ms = now_ms();
	return 0;
}

/* ---- The watchdog -------------------------------------------------------- */

static pid_t watchdog_start(int *fd)
{
	int p[2];
	pid_t pid;

	if (pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		struct timespec ts = { 0, WATCHDOG_MS * 1000000l };

		close(p[0]);
		for (;;) {
			nanosleep(&ts, NULL);
			if (write(p[1], "", 1) < 0)
				_exit(0);
		}
	}
	close(p[1]);
	*fd = p[0];
	return pid;
}

/* ---- The run and its oracle ---------------------------------------------- */

struct run {
	uint64_t seed, target, total;
	long deadline_ms, beat_ms, worst_gap_ms;
	int nworkers, started, killed, signalled;
	int watchdog_fd;
	struct worker w[MAX_WORKERS];
};

/* Reads what the workers and the watchdog said, for up to 100 ms. */
static void run_listen(struct run *r)
{
	struct pollfd pf[MAX_WORKERS + 1];
	char buf[256];
	int n = 0;

	for (int i = 0; i < r->nworkers; i++)
		pf[n++] = (struct pollfd){ .fd = r->w[i].pid > 0 ? r->w[i].fd : -1, .events = POLLIN };
	pf[n++] = (struct pollfd){ .fd = r->watchdog_fd, .events = POLLIN };
	if (poll(pf, (nfds_t)n, 100) <= 0)
		return;
	for (int i = 0; i < r->nworkers; i++) {
		long got = pf[i].revents & POLLIN ? read(r->w[i].fd, buf, sizeof(buf)) : 0;

		if (got > 0) {
			r->w[i].calls += (uint64_t)got * REPORT_EVERY;
			r->total += (uint64_t)got * REPORT_EVERY;
			r->w[i].last_ms = now_ms();
		}
	}
	if ((pf[n - 1].revents & POLLIN) && read(r->watchdog_fd, buf, sizeof(buf)) > 0) {
		long now = now_ms();

		if (now - r->beat_ms > r->worst_gap_ms)
			r->worst_gap_ms = now - r->beat_ms;
		r->beat_ms = now;
	}
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* A reaped child: a worker's place is free again, and its directory goes. */
static void run_reaped(struct run *r, pid_t pid, int status)
{
	char dir[32];

	for (int i = 0; i < r->nworkers; i++) {
		struct worker *w = &r->w[i];

		if (w->pid != pid)
			continue;
		r->signalled += WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL;
		close(w->fd);
		w->pid = 0;
		snprintf(dir, sizeof(dir), "/tmp/fuzz%d", pid);
		nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	}
}

/* Reaps what ended, kills silent workers, and starts new ones while there is work left. */
static void run_tend(struct run *r)
{
	int status;
	pid_t pid;

	for (int i = 0; i < r->nworkers; i++) {
		struct worker *w = &r->w[i];

		if (w->pid > 0 && now_ms() - w->last_ms > STUCK_MS) {
			kill(-w->pid, SIGKILL);	/* its group: the children it waits for too */
			kill(w->pid, SIGKILL);
			r->killed++;
			w->last_ms = now_ms();
		}
	}
	for (pid = waitpid(-1, &status, WNOHANG); pid > 0; pid = waitpid(-1, &status, WNOHANG))
		run_reaped(r, pid, status);
	for (int i = 0; i < r->nworkers; i++) {
		if (r->w[i].pid == 0 && r->total < r->target && now_ms() < r->deadline_ms &&
		    worker_start(&r->w[i], r->seed * 0x9e3779b97f4a7c15ull + (uint64_t)++r->started) < 0)
			r->w[i].pid = -1;	/* out of memory, or processes: the others go on */
	}
}

static int run_busy(const struct run *r)
{
	for (int i = 0; i < r->nworkers; i++)
		if (r->w[i].pid > 0)
			return 1;
	return 0;
}

/* Every server still answers: a file, a pipe, the process table, the console. */
static int servers_alive(void)
{
	char buf[64];
	int fd = open("/proc/self/stat", O_RDONLY), p[2] = { -1, -1 }, proc, pipes;

	proc = fd >= 0 && read(fd, buf, sizeof(buf)) > 0;
	close(fd);
	pipes = pipe(p) == 0 && write(p[1], "x", 1) == 1 && read(p[0], buf, 1) == 1;
	close(p[0]);
	close(p[1]);
	if (!proc || !pipes)
		printf("fuzz: /proc %s, pipes %s\n", proc ? "answer" : "FAIL", pipes ? "answer" : "FAIL");
	return proc && pipes && getppid() >= 0 && printf("fuzz: the console answers\n") > 0;
}

int main(int argc, char **argv)
{
	struct run r = { .seed = 1, .target = 20000, .nworkers = 4 };
	struct kage_stats_v1 before, after;
	long seconds = 600;
	pid_t dog;

	(void)dog;
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1)
		r.seed = strtoull(argv[1], NULL, 0);
	if (argc > 2)
		r.target = strtoull(argv[2], NULL, 0);
	if (argc > 3)
		seconds = strtol(argv[3], NULL, 0);
	if (argc > 4)
		r.nworkers = atoi(argv[4]) < MAX_WORKERS ? atoi(argv[4]) : MAX_WORKERS;
	mkdir("/tmp", 0755);
	kage_stats(&before);
	printf("fuzz: seed %llu, %llu calls, %d workers, at most %ld s\n", (unsigned long long)r.seed,
	       (unsigned long long)r.target, r.nworkers, seconds);
	dog = watchdog_start(&r.watchdog_fd);
	r.beat_ms = now_ms();
	r.deadline_ms = r.beat_ms + seconds * 1000;
	do {
		run_tend(&r);
		run_listen(&r);
	} while (run_busy(&r));
	/* Orphans of killed workers may still run or wait: as pid 1, end every other process. */
	if (getpid() == 1)
		kill(-1, SIGKILL);
	else
		kill(dog, SIGKILL);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	close(r.watchdog_fd);
	kage_stats(&after);
	printf("fuzz: %llu calls ran in %d workers (%d killed when stuck, %d ended by a signal)\n",
	       (unsigned long long)r.total, r.started, r.killed, r.signalled);
	printf("fuzz: watchdog's longest wait %ld ms: %s\n", r.worst_gap_ms,
	       r.worst_gap_ms < WATCHDOG_LIMIT_MS ? "ok" : "FAILED");
	printf("fuzz: servers alive: %s\n", servers_alive() ? "ok" : "FAILED");
	printf("fuzz: kernel objects back (tasks %llu, spaces %llu, endpoints %llu, notifications %llu): %s\n",
	       (unsigned long long)after.tasks, (unsigned long long)after.spaces,
	       (unsigned long long)after.endpoints, (unsigned long long)after.notifications,
	       after.tasks == before.tasks && after.spaces == before.spaces && after.endpoints == before.endpoints &&
			       after.notifications == before.notifications ? "ok" : "FAILED");
	printf("fuzz: done\n");
	return 0;
}
