/*
 * The out-of-memory killer. Two cases, each run three times so that the
 * last round can show free memory back exactly where the one before left
 * it (the servers keep the table pages a first run touches):
 *   - a process touching pages without end is ended with SIGKILL once no
 *     frame is left, and its parent runs on;
 *   - a process that holds more than the one that runs out is the one
 *     ended: the smaller one's fault is retried and it finishes its work.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096ul

static unsigned long free_bytes(void)
{
	struct sysinfo si;

	return sysinfo(&si) == 0 ? si.freeram * si.mem_unit : 0;
}

/* Touches len bytes of fresh memory, a page at a time: 0 once done. */
static int touch(size_t len)
{
	char *p = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 2;
	for (size_t off = 0; off < len; off += PAGE)
		p[off] = 1;
	return 0;
}

/* Runs fn(arg) in a child: its wait status as exit code, or minus the signal that ended it. */
static int verdict(pid_t pid)
{
	int status = 0;

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 1000;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

static pid_t child_touching(size_t len, int ready)
{
	pid_t pid = fork();
	char c = 1;

	if (pid)
		return pid;
	if (touch(len))
		_exit(2);
	if (ready >= 0) {
		write(ready, &c, 1);
		pause();	/* holds its memory until killed */
	}
	_exit(0);
}

/* A process that wants more than there is: ended by SIGKILL. */
static int greedy(void)
{
	return verdict(child_touching(free_bytes() + (64ul << 20), -1));
}

/*
 * The big one holds 60 % of what is free and waits; the small one then
 * wants 60 % too and runs out while it holds less: the big one is ended.
 */
static void bigger_goes(int *big, int *small)
{
	size_t share = free_bytes() / 10 * 6 & ~(PAGE - 1);
	int fds[2];
	pid_t b, s;
	char c;

	if (pipe(fds)) {
		*big = *small = 1000;
		return;
	}
	b = child_touching(share, fds[1]);
	if (read(fds[0], &c, 1) != 1)
		kill(b, SIGKILL);
	s = child_touching(share, -1);
	*small = verdict(s);
	if (*small != 0)
		kill(b, SIGKILL);	/* it was not ended: do not leave it behind */
	*big = verdict(b);
	close(fds[0]);
	close(fds[1]);
}

int main(void)
{
	unsigned long before = 0, after = 0;
	int big, small;

	setvbuf(stdout, NULL, _IONBF, 0);
	for (int round = 1; round <= 3; round++) {
		before = after;
		printf("oom-kill: round %d: the greedy one ended by %d\n", round, greedy());
		bigger_goes(&big, &small);
		printf("oom-kill: round %d: the bigger one ended by %d, the smaller one exited %d\n", round, big,
		       small);
		after = free_bytes();
	}
	printf("oom-kill: free memory back to where it was: %s (%lu KiB before, %lu KiB after)\n",
	       after == before ? "yes" : "no", before >> 10, after >> 10);
	return 0;
}
