/*
 * clone's flag checks, as Linux makes them before doing anything: sharing
 * signal handlers needs a shared address space, a thread needs shared
 * handlers, and a new mount namespace cannot share the filesystem context.
 * Each is refused with EINVAL and no child appears. Then the flags glibc
 * itself passes: fork's (SIGCHLD, CHILD_SETTID, CHILD_CLEARTID) through a
 * raw clone, and vfork's (CLONE_VM | CLONE_VFORK).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The raw system call: riscv64's clone(flags, stack, parent_tid, tls, child_tid). */
static long raw_clone(unsigned long flags, void *ptid, void *ctid)
{
	return syscall(SYS_clone, flags, 0, ptid, 0, ctid);
}

static void refused(const char *what, unsigned long flags)
{
	long r = raw_clone(flags, 0, 0);

	if (r == 0)
		_exit(99);	/* must not happen: a child was made */
	printf("clone-flags: %s: %s\n", what, r < 0 && errno == EINVAL ? "EINVAL" : "accepted (wrong)");
}

int main(void)
{
	static volatile int shared;
	pid_t tid = 0, pid;
	int status = 0;

	setvbuf(stdout, NULL, _IONBF, 0);
	refused("CLONE_SIGHAND without CLONE_VM", CLONE_SIGHAND | SIGCHLD);
	refused("CLONE_THREAD without CLONE_SIGHAND", CLONE_THREAD | CLONE_VM | SIGCHLD);
	refused("CLONE_NEWNS with CLONE_FS", CLONE_NEWNS | CLONE_FS | SIGCHLD);
	printf("clone-flags: no child was made: %s\n", waitpid(-1, 0, WNOHANG) < 0 && errno == ECHILD ? "yes" : "no");
	pid = raw_clone(CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD, 0, &tid);
	if (pid == 0)
		_exit(tid == getpid() ? 4 : 5);	/* CHILD_SETTID wrote our pid into our copy */
	waitpid(pid, &status, 0);
	printf("clone-flags: fork's flags: child saw its tid, exited %d\n", WEXITSTATUS(status));
	pid = raw_clone(CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0);
	if (pid == 0) {
		shared = 6;	/* the parent's memory: it waits until we are gone */
		_exit(0);
	}
	waitpid(pid, &status, 0);
	printf("clone-flags: vfork's flags: the parent sees %d\n", shared);
	return 0;
}
