/*
 * The console under load: several readers waiting at once, writes that
 * are never interleaved, a writev of 1,024 vectors, and a write of
 * megabytes that ^C still interrupts (it goes out in pieces, with input
 * served between them), killing the writer or, caught, ending the write
 * short. The test types the lines and the ^Cs.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define READERS 3
#define SOLID 8192		/* one write of one letter, twice at once */
#define FLOOD (2ul << 20)	/* the write ^C cuts short */

/* A child that reads one line from the console and reports it. */
static pid_t reader(int n)
{
	pid_t pid = fork();
	char buf[64];
	long got;

	if (pid)
		return pid;
	printf("console-load: reader %d waits\n", n);
	got = read(0, buf, sizeof(buf) - 1);
	if (got < 0) {
		perror("console-load: read");
		_exit(1);
	}
	buf[got] = 0;
	buf[strcspn(buf, "\n")] = 0;
	printf("console-load: a reader got [%s]\n", buf);
	_exit(0);
}

static int wait_all(int n)
{
	int bad = 0, status;

	while (n-- > 0) {
		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
	}
	return bad;
}

static void readers(void)
{
	for (int i = 1; i <= READERS; i++)
		reader(i);
	printf("console-load: %d readers: type %d lines\n", READERS, READERS);
	printf("console-load: readers done, %d failed\n", wait_all(READERS));
}

/* A child writing SOLID copies of one letter in one call. */
static void solid(char c)
{
	static char buf[SOLID + 1];

	if (fork())
		return;
	memset(buf, c, SOLID);
	buf[SOLID] = '\n';
	_exit(write(1, buf, SOLID + 1) == SOLID + 1 ? 0 : 1);
}

static void writers(void)
{
	solid('A');
	solid('B');
	printf("\nconsole-load: writers done, %d failed\n", wait_all(2));
}

static void vectors(void)
{
	static struct iovec v[1025];	/* the last one only for the call that must be refused */
	static char text[1025];
	long n;

	for (int i = 0; i < 1025; i++) {
		text[i] = (char)('a' + i % 26);
		v[i].iov_base = &text[i];
		v[i].iov_len = 1;
	}
	n = writev(1, v, 1024);
	printf("\nconsole-load: writev of 1024 vectors wrote %ld\n", n);
	n = writev(1, v, 1025);
	printf("console-load: writev of 1025 vectors: %s\n", n < 0 ? strerror(errno) : "accepted (wrong)");
}

static volatile sig_atomic_t flood_caught;

static void flood_handler(int sig)
{
	(void)sig;
	flood_caught = 1;
}

/*
 * The child writing a flood catches ^C: its write must end short, with
 * the count of what went out, and the handler run then (SA_RESTART does
 * not restart a write some of which was done, as on Linux's terminal).
 */
static void flood_caught_child(const char *buf)
{
	struct sigaction sa = { .sa_handler = flood_handler, .sa_flags = SA_RESTART };
	long n;

	sigaction(SIGINT, &sa, NULL);
	n = write(1, buf, FLOOD);
	printf("\nconsole-load: caught flood: %s write, handler %s\n",
	       n > 0 && (unsigned long)n < FLOOD ? "short" : n == (long)FLOOD ? "whole" : "failed",
	       flood_caught ? "ran" : "did not run");
	_exit(0);
}

/*
 * A child writes FLOOD bytes in one call; the test's ^C must end it before
 * the end: first one the ^C kills, then one that catches it.
 */
static void flood(bool caught)
{
	char *buf = malloc(FLOOD);
	pid_t pid;
	int status;

	for (unsigned long i = 0; i < FLOOD; i++)
		buf[i] = i % 64 == 63 ? '\n' : 'x';
	printf("console-load: %s: press ^C\n", caught ? "caught flood" : "flood");
	pid = fork();
	if (pid == 0 && caught)
		flood_caught_child(buf);
	if (pid == 0) {
		write(1, buf, FLOOD);
		pause();	/* a write that ran to its end would still wait here for the ^C */
		_exit(0);
	}
	waitpid(pid, &status, 0);
	free(buf);
	if (!caught)
		printf("\nconsole-load: flood child %s %d\n", WIFSIGNALED(status) ? "killed by signal" : "exited",
		       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	readers();
	writers();
	vectors();
	flood(false);
	flood(true);
	printf("console-load: done\n");
	return 0;
}
