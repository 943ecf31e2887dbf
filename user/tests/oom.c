/*
 * Out of memory: a child fills nearly all free memory (watching sysinfo's
 * freeram), then forks and tries execve (of a program with 1 MiB of data).
 * The fork works even so, since a fork shares its parent's page tables
 * rather than copying them: the grandchild writes one page (which costs
 * it a table and a frame of its own) and exits 0. The execve must fail
 * with ENOMEM and leave the filler running. When it has exited, every
 * frame it held is free again.
 * Three times: the last round must end exactly where the one before did.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#define LOW_WATER (256ul << 10)	/* stop filling with this much left */


static unsigned long free_bytes(void)
{
	struct sysinfo si;

	return sysinfo(&si) == 0 ? si.freeram * si.mem_unit : 0;
}

static int hog(void)
{
	size_t len = 1ul << 30, off;
	char *p = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* execve shares a program's text with the initramfs; this one's 1 MiB of data must be copied. */
	char *const args[] = { "/bin/big-data", NULL };
	pid_t pid;

	if (p == MAP_FAILED)
		return 2;
	for (off = 0; off < len; off += 4096) {
		if (off % (16 * 4096) == 0 && free_bytes() < LOW_WATER)
			break;
		p[off] = 1;
	}
	printf("oom: filled %lu MiB, %lu KiB left\n", (unsigned long)(off >> 20), free_bytes() >> 10);
	pid = fork();
	if (pid == 0) {
		p[0] = 2;
		_exit(p[0] == 2 && p[4096] == 1 ? 0 : 1);
	}
	if (pid < 0) {
		printf("oom: fork with memory full: %s\n", strerror(errno));
	} else {
		int status = -1;

		waitpid(pid, &status, 0);
		printf("oom: fork with memory full: a child that wrote a page and exited %d, the parent's page still %d\n",
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1, p[0]);
	}
	execve(args[0], args, 0);
	printf("oom: execve with memory full: %s, still running\n", errno == ENOMEM ? "ENOMEM" : strerror(errno));
	return 0;
}

/* One filler child, waited for: its exit status (negative: killed by that signal). */
static int run_filler(void)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0)
		_exit(hog());
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

/*
 * The servers touch pages of their tables the first time a path runs and
 * keep them (the fill stops at a slightly different place each time, so
 * two rounds warm them up); a further identical round must then end with
 * exactly as much memory free: nothing grows per out-of-memory episode.
 */
int main(void)
{
	unsigned long before, after;
	int status;

	setvbuf(stdout, NULL, _IONBF, 0);
	status = run_filler();
	printf("oom: the first filler exited %d\n", status);
	run_filler();
	before = free_bytes();
	status = run_filler();
	after = free_bytes();
	printf("oom: the third filler exited %d\n", status);
	printf("oom: free memory back to where it was: %s (%lu KiB before, %lu KiB after)\n",
	       after == before ? "yes" : "no", before >> 10, after >> 10);
	return 0;
}
