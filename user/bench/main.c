/*
 * The Linux-side benchmark: instructions per operation, read with
 * rdinstret, which counts guest instructions exactly under QEMU
 * -icount shift=0 (make bench). Prints "kage-bench: NAME N instructions"
 * for each operation and "kage-bench: done" last; a failed operation
 * prints "kage-bench: failed ..." and ends the run without "done", so
 * tools/bench never reports a figure from a run that went wrong.
 *
 * The counter is the hart's, not the process's: every figure includes
 * whatever runs meanwhile (children, servers, kernel), which is the point.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lib/instret.h"
#include "user/bench/workloads.h"

#define PAGE 4096ul
#define FAULT_PAGES 256
#define STATIC_PROGRAM "/bin/exit0"
#define DYNAMIC_PROGRAM "/bin/dyn-exit0"

extern char **environ;

/* Touched parent memory for the fork, vfork, posix_spawn and exec figures (the plot's x axis). */
static const struct {
	const char *suffix;
	size_t bytes;
} sizes[] = {
	{ "0KiB", 0 }, { "1MiB", 1ul << 20 }, { "4MiB", 4ul << 20 }, { "16MiB", 16ul << 20 }, { "64MiB", 64ul << 20 },
};

static void report(const char *name, const char *suffix, uint64_t total, unsigned n)
{
	printf("kage-bench: %s%s%s %lu instructions\n", name, suffix ? "_" : "", suffix ? suffix : "",
	       (unsigned long)(total / n));
}

static void fail(const char *what)
{
	printf("kage-bench: failed: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* The child ended with exit status 0, or the run fails: a figure for a failed exec would be meaningless. */
static void reap(pid_t pid, const char *what)
{
	int status;

	if (pid < 0)
		fail(what);
	if (waitpid(pid, &status, 0) != pid)
		fail(what);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		errno = ECHILD;
		fail(what);
	}
}

static void bench_getpid(void)
{
	const unsigned n = 2000;
	uint64_t t0 = instret();

	for (unsigned i = 0; i < n; i++)
		syscall(SYS_getpid);
	report("linux_getpid", NULL, instret() - t0, n);
}

/* One byte through a pipe of the same process: two forwarded calls, each going on to the file server. */
static void bench_pipe(void)
{
	const unsigned n = 2000;
	char c = 'k';
	int p[2];
	uint64_t t0;

	if (pipe(p) < 0)
		fail("pipe");
	t0 = instret();
	for (unsigned i = 0; i < n; i++) {
		if (write(p[1], &c, 1) != 1 || read(p[0], &c, 1) != 1)
			fail("pipe write+read");
	}
	report("pipe_write_read_1B", NULL, instret() - t0, n);
	close(p[0]);
	close(p[1]);
}

/* Writes one byte of each page; the fault dominates, the loop is a few instructions a page. */
static uint64_t touch(char *base, unsigned pages)
{
	uint64_t t0 = instret();

	for (unsigned i = 0; i < pages; i++)
		((volatile char *)base)[i * PAGE] = 1;
	return instret() - t0;
}

/*
 * The faults as a Linux program takes them: first writes to fresh
 * anonymous memory, then writes to the same pages while a forked child
 * shares them. The child stops itself and the parent waits until it has
 * (WUNTRACED), so nothing of the child runs inside the measurement.
 */
static void bench_faults(void)
{
	size_t len = FAULT_PAGES * PAGE;
	char *mem = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int status;
	pid_t pid;

	if (mem == MAP_FAILED)
		fail("mmap");
	report("linux_demand_zero_fault", NULL, touch(mem, FAULT_PAGES), FAULT_PAGES);
	pid = fork();
	if (pid == 0) {
		raise(SIGSTOP);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, WUNTRACED) != pid || !WIFSTOPPED(status))
		fail("fork and stop");
	report("linux_cow_fault_copy", NULL, touch(mem, FAULT_PAGES), FAULT_PAGES);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	munmap(mem, len);
}

/* fork or vfork + child _exit + wait. */
static void bench_fork(const char *name, const char *suffix, int use_vfork)
{
	const unsigned n = 50;
	uint64_t t0 = instret();

	for (volatile unsigned i = 0; i < n; i++) {
		pid_t pid = use_vfork ? vfork() : fork();

		if (pid == 0)
			_exit(0);
		reap(pid, name);
	}
	report(name, suffix, instret() - t0, n);
}

/* (v)fork or posix_spawn of path + exec + exit + wait. */
enum how { FORK, VFORK, SPAWN };

static void bench_exec(const char *name, const char *suffix, enum how how, const char *path)
{
	char *const argv[] = { "exit0", NULL };
	const unsigned n = 30;
	uint64_t t0 = instret();

	for (volatile unsigned i = 0; i < n; i++) {
		pid_t pid;

		if (how == SPAWN) {
			errno = posix_spawn(&pid, path, 0, 0, argv, environ);
			if (errno)
				fail(name);
		} else {
			pid = how == VFORK ? vfork() : fork();
			if (pid == 0) {
				execve(path, argv, environ);
				_exit(127);
			}
		}
		reap(pid, name);
	}
	report(name, suffix, instret() - t0, n);
}

/* Set by the vfork child, which shares the parent's memory until its execve succeeds. */
static volatile uint64_t exec_start;

/*
 * execve alone: from the child's execve call to the parent's return from
 * wait, so the new program's loading, start-up (glibc's, and the
 * loader's for a dynamic one), exit and reaping; the vfork is left out.
 */
static void bench_exec_only(const char *name, const char *path)
{
	char *const argv[] = { "exit0", NULL };
	const unsigned n = 30;
	volatile uint64_t total = 0;	/* lives across vfork */

	for (volatile unsigned i = 0; i < n; i++) {
		pid_t pid = vfork();

		if (pid == 0) {
			exec_start = instret();
			execve(path, argv, environ);
			_exit(127);
		}
		reap(pid, name);
		total += instret() - exec_start;
	}
	report(name, NULL, total, n);
}

/* mmap (a private copy of the file's bytes) and munmap of a whole file. */
static void bench_mmap_file(const char *name, const char *path)
{
	const unsigned n = 10;
	int fd = open(path, O_RDONLY);
	off_t size = lseek(fd, 0, SEEK_END);
	uint64_t t0;

	if (fd < 0 || size <= 0)
		fail(path);
	t0 = instret();
	for (unsigned i = 0; i < n; i++)
		munmap(mmap(0, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0), (size_t)size);
	report(name, NULL, instret() - t0, n);
	close(fd);
}

/*
 * The real workloads (workloads.h), each once: the figure is the whole
 * run, and a run whose output is wrong ends the program without a figure.
 * With names (speedtest1, configure, pipe_64MiB, ash_suite), only those.
 */
static void bench_workloads(int argc, char **argv)
{
	if (workload_setup() < 0) {
		printf("kage-bench: failed: setting up the workloads: %s\n", workload_why);
		exit(1);
	}
	for (unsigned i = 0; i < NWORKLOADS; i++) {
		const struct workload *w = &workloads[i];
		int wanted = argc <= 1;
		uint64_t t0, t1;

		for (int a = 1; a < argc; a++)
			wanted |= !strcmp(argv[a], w->name + strlen("workload_"));
		if (!wanted)
			continue;
		if (w->prepare() < 0) {
			printf("kage-bench: failed: %s: %s\n", w->name, workload_why);
			exit(1);
		}
		t0 = instret();
		if (w->run() < 0) {
			printf("kage-bench: failed: %s: %s\n", w->name, workload_why);
			exit(1);
		}
		t1 = instret();
		if (workload_reap_orphans() < 0) {
			printf("kage-bench: failed: %s: %s\n", w->name, workload_why);
			exit(1);
		}
		if (w->check() < 0) {
			printf("kage-bench: failed: %s: wrong output: %s\n", w->name, workload_why);
			exit(1);
		}
		report(w->name, NULL, t1 - t0, 1);
	}
}

/* Every process-creation figure with `bytes` of the parent's memory written beforehand. */
static void bench_touched(const char *suffix, size_t bytes)
{
	char *mem = 0;

	if (bytes) {
		mem = mmap(0, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED)
			fail("mmap");
		memset(mem, 1, bytes);
	}
	bench_fork("fork_exit_wait", suffix, 0);
	bench_fork("vfork_exit_wait", suffix, 1);
	bench_exec("posix_spawn_wait", suffix, SPAWN, STATIC_PROGRAM);
	if (bytes == 0 || bytes == 16ul << 20)
		bench_exec("fork_exec_wait", suffix, FORK, STATIC_PROGRAM);
	if (bytes)
		munmap(mem, bytes);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1) {
		/* Workloads named on the command line (after rdinit=/bin/bench): those only. */
		bench_workloads(argc, argv);
		printf("kage-bench: done\n");
		return 0;
	}
	bench_getpid();
	bench_pipe();
	bench_faults();
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		bench_touched(sizes[i].suffix, sizes[i].bytes);
	bench_exec("vfork_exec_wait", NULL, VFORK, STATIC_PROGRAM);
	bench_exec("fork_exec_dynamic_wait", NULL, FORK, DYNAMIC_PROGRAM);
	bench_exec_only("exec_static", STATIC_PROGRAM);
	bench_exec_only("exec_dynamic", DYNAMIC_PROGRAM);
	bench_mmap_file("mmap_munmap_libc_1MiB", "/lib/riscv64-linux-gnu/libc.so.6");
	bench_workloads(argc, argv);
	printf("kage-bench: done\n");
	return 0;
}
