/*
 * The Linux-side benchmark: instructions per operation, read with
 * rdinstret, which counts guest instructions exactly under QEMU
 * -icount shift=0 (make bench). Prints "kage-bench: NAME N instructions".
 */
#include <fcntl.h>
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

extern char **environ;

static void report(const char *name, uint64_t total, unsigned n)
{
	printf("kage-bench: %s %lu instructions\n", name, (unsigned long)(total / n));
}

static void bench_getpid(void)
{
	const unsigned n = 2000;
	uint64_t t0 = instret();

	for (unsigned i = 0; i < n; i++)
		syscall(SYS_getpid);
	report("linux_getpid", instret() - t0, n);
}

/* fork + child exit + wait with `touched` bytes of the parent written beforehand. */
static void bench_fork(const char *name, size_t touched, int use_vfork)
{
	const unsigned n = 50;
	char *mem = touched ? mmap(0, touched, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) : 0;
	uint64_t t0;
	int status;

	if (touched)
		memset(mem, 1, touched);
	t0 = instret();
	for (volatile unsigned i = 0; i < n; i++) {
		pid_t pid = use_vfork ? vfork() : fork();

		if (pid == 0)
			_exit(0);
		waitpid(pid, &status, 0);
	}
	report(name, instret() - t0, n);
	if (touched)
		munmap(mem, touched);
}

/* mmap (a private copy of the file's bytes) and munmap of a whole file. */
static void bench_mmap_file(const char *name, const char *path)
{
	const unsigned n = 10;
	int fd = open(path, O_RDONLY);
	off_t size = lseek(fd, 0, SEEK_END);
	uint64_t t0 = instret();

	for (unsigned i = 0; i < n; i++)
		munmap(mmap(0, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0), (size_t)size);
	report(name, instret() - t0, n);
	close(fd);
}

/* (v)fork or posix_spawn of path + exec + exit + wait; how: 0 fork, 1 vfork, 2 posix_spawn. */
static void bench_exec(const char *name, int how, const char *path)
{
	char *const argv[] = { "exit0", NULL };
	const unsigned n = 30;
	uint64_t t0 = instret();
	int status;

	for (volatile unsigned i = 0; i < n; i++) {
		pid_t pid;

		if (how == 2) {
			posix_spawn(&pid, path, 0, 0, argv, environ);
		} else if ((pid = how ? vfork() : fork()) == 0) {
			execve(path, argv, environ);
			_exit(127);
		}
		waitpid(pid, &status, 0);
	}
	report(name, instret() - t0, n);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	bench_getpid();
	bench_fork("fork_exit_wait_0KiB", 0, 0);
	bench_fork("fork_exit_wait_1MiB", 1 << 20, 0);
	bench_fork("fork_exit_wait_4MiB", 4 << 20, 0);
	bench_fork("fork_exit_wait_16MiB", 16 << 20, 0);
	bench_fork("vfork_exit_wait", 0, 1);
	bench_exec("fork_exec_wait", 0, "/bin/exit0");
	bench_exec("vfork_exec_wait", 1, "/bin/exit0");
	bench_exec("posix_spawn_wait", 2, "/bin/exit0");
	bench_mmap_file("mmap_munmap_libc_1MiB", "/lib/riscv64-linux-gnu/libc.so.6");
	bench_exec("fork_exec_dynamic_wait", 0, "/bin/dyn-exit0");
	printf("kage-bench: done\n");
	return 0;
}
