/*
 * The file server's capacity for calls that wait: each limit it once had
 * (32 pipes in the system, 128 polls, one waiting reader and one writer a
 * pipe) pushed far past, and its objects counted back to where they were
 * after each part (user/tests/fs_stats.h). The test knows calls are
 * waiting by the server's count of them, never by time.
 *
 * Parts: 2,250 pipes at once in five processes, data through each; as
 * many threads waiting in poll at once as the process server allows (up
 * to 300), all woken by one byte; 100 readers waiting on one pipe,
 * served in the order they came; readers interrupted by a signal, whose
 * stale calls take no byte from the others; and a process killed while
 * 20 of its threads read and one is in pause, which leaves no waiter
 * behind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "user/tests/fs_stats.h"
#define CHECK_NAME "fs-waiters"
#include "user/tests/check.h"

#define PIPE_PROCS 5
#define PIPES_EACH 450
#define POLLERS 300
#define POLL_PROCS 5
#define READERS 100
#define STACK (64ul << 10)

/* A child of the pipes part: its pipes made and filled, kept until told, then read back. */
static int pipes_child(int k, int ready, int go)
{
	static int p[PIPES_EACH][2];
	uint32_t msg, got;
	char c;

	for (int i = 0; i < PIPES_EACH; i++) {
		msg = (uint32_t)(k * 100000 + i);
		if (pipe(p[i]) < 0 || write(p[i][1], &msg, sizeof(msg)) != sizeof(msg))
			return 2;
	}
	if (write(ready, "r", 1) != 1 || read(go, &c, 1) != 0)
		return 3;
	for (int i = 0; i < PIPES_EACH; i++) {
		msg = (uint32_t)(k * 100000 + i);
		if (read(p[i][0], &got, sizeof(got)) != sizeof(got) || got != msg)
			return 4;
	}
	return 0;
}

static void check_many_pipes(void)
{
	struct fs_stats before = fs_stats(), during;
	int ready[2], go[2], status, ok = 1;
	pid_t pid[PIPE_PROCS];
	char c;

	pipe(ready);
	pipe(go);
	for (int k = 0; k < PIPE_PROCS; k++) {
		pid[k] = fork();
		if (pid[k] == 0) {
			close(ready[0]);
			close(go[1]);
			_exit(pipes_child(k, ready[1], go[0]));
		}
	}
	close(ready[1]);
	close(go[0]);
	for (int k = 0; k < PIPE_PROCS; k++)
		ok &= read(ready[0], &c, 1) == 1;
	during = fs_stats();
	say("2,250 pipes at once, each holding its data", ok && during.pipes >= before.pipes + PIPE_PROCS * PIPES_EACH);
	close(go[1]);
	for (int k = 0; k < PIPE_PROCS; k++)
		ok &= waitpid(pid[k], &status, 0) == pid[k] && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	close(ready[0]);
	say("each pipe gives back what went in", ok);
	say("the server's objects are back after the pipes", fs_stats_back(&before));
}

struct poller {
	int fd, report;
};

static void *poll_thread(void *arg)
{
	const struct poller *p = arg;
	struct pollfd pf = { p->fd, POLLIN, 0 };
	char r = poll(&pf, 1, -1) == 1 && (pf.revents & POLLIN) ? 'y' : 'n';

	write(p->report, &r, 1);
	return NULL;
}

/* A child of the polls part: up to n threads polling fd; it says how many it made, and waits for them. */
static int polls_child(int fd, int report, int count, int n)
{
	static pthread_t th[POLLERS];
	struct poller p = { fd, report };
	pthread_attr_t attr;
	int made = 0;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, STACK);
	while (made < n && pthread_create(&th[made], &attr, poll_thread, &p) == 0)
		made++;
	write(count, &made, sizeof(made));
	for (int i = 0; i < made; i++)
		pthread_join(th[i], NULL);
	return 0;
}

static void check_many_polls(void)
{
	struct fs_stats before = fs_stats();
	int data[2], report[2], count[2], made, n = 0, yes = 0, status, ok = 1;
	pid_t pid[POLL_PROCS];
	char r;

	pipe(data);
	pipe(report);
	pipe(count);
	for (int k = 0; k < POLL_PROCS; k++) {
		pid[k] = fork();
		if (pid[k] == 0)
			_exit(polls_child(data[0], report[1], count[1], POLLERS / POLL_PROCS));
	}
	for (int k = 0; k < POLL_PROCS; k++)
		n += read(count[0], &made, sizeof(made)) == sizeof(made) ? made : 0;
	printf("fs-waiters: %d threads poll one pipe (of %d asked; the process server allows so many)\n", n, POLLERS);
	say("at least 100 polls wait at once", n >= 100 && fs_waits_reach(before.waits + (uint64_t)n));
	write(data[1], "x", 1);
	for (int i = 0; i < n; i++)
		yes += read(report[0], &r, 1) == 1 && r == 'y';
	for (int k = 0; k < POLL_PROCS; k++)
		ok &= waitpid(pid[k], &status, 0) == pid[k] && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	say("one byte wakes every one of them with POLLIN", ok && yes == n);
	close(data[0]);
	close(data[1]);
	close(report[0]);
	close(report[1]);
	close(count[0]);
	close(count[1]);
	say("the server's objects are back after the polls", fs_stats_back(&before));
}

struct reader {
	int fd;
	int got;		/* the byte it read, -1 for none, -2 for EINTR */
};

static void on_usr1(int sig)
{
	(void)sig;
}

static void *read_thread(void *arg)
{
	struct reader *r = arg;
	unsigned char b;
	ssize_t n = read(r->fd, &b, 1);

	r->got = n == 1 ? b : n < 0 && errno == EINTR ? -2 : -1;
	return NULL;
}

/*
 * n readers of fd, each started once the one before waits (base calls
 * waited before the first), so that they wait in the order of their index.
 */
static int start_readers(pthread_t *th, struct reader *r, int n, int fd, uint64_t base)
{
	pthread_attr_t attr;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, STACK);
	for (int i = 0; i < n; i++) {
		r[i] = (struct reader){ fd, -1 };
		if (pthread_create(&th[i], &attr, read_thread, &r[i]) != 0 || !fs_waits_reach(base + (uint64_t)i + 1))
			return 0;
	}
	return 1;
}

static void check_readers_in_order(void)
{
	static pthread_t th[READERS];
	static struct reader r[READERS];
	struct fs_stats before = fs_stats();
	unsigned char bytes[READERS];
	int p[2], ok;

	pipe(p);
	ok = start_readers(th, r, READERS, p[0], before.waits);
	say("100 readers wait on one pipe at once", ok);
	for (int i = 0; i < READERS; i++)
		bytes[i] = (unsigned char)i;
	ok = write(p[1], bytes, READERS) == READERS;
	for (int i = 0; i < READERS; i++) {
		pthread_join(th[i], NULL);
		ok &= r[i].got == i;
	}
	say("each reader gets one byte, in the order they came", ok);
	close(p[0]);
	close(p[1]);
	say("the server's objects are back after the readers", fs_stats_back(&before));
}

static void check_interrupted_readers(void)
{
	static pthread_t th[10];
	static struct reader r[10];
	struct sigaction sa = { .sa_handler = on_usr1 };	/* no SA_RESTART: the read ends with EINTR */
	struct fs_stats before = fs_stats();
	int p[2], ok, left = 0;

	sigaction(SIGUSR1, &sa, NULL);
	pipe(p);
	ok = start_readers(th, r, 10, p[0], before.waits);
	for (int i = 0; i < 10; i += 2)
		pthread_kill(th[i], SIGUSR1);
	for (int i = 0; i < 10; i += 2) {
		pthread_join(th[i], NULL);
		ok &= r[i].got == -2;
	}
	ok &= write(p[1], "abcde", 5) == 5;
	for (int i = 1; i < 10; i += 2) {
		pthread_join(th[i], NULL);
		ok &= r[i].got == "abcde"[i / 2];
	}
	ioctl(p[0], FIONREAD, &left);
	say("readers interrupted while waiting take no byte from the others", ok && left == 0);
	close(p[0]);
	close(p[1]);
	say("the server's objects are back after the interrupted readers", fs_stats_back(&before));
}

/*
 * A child whose threads wait on fd until it is killed, and whose first
 * thread waits in pause() (ppoll of nothing on riscv64, so a poll here).
 */
static int doomed_child(int fd)
{
	static pthread_t th[20];
	static struct reader r[20];

	start_readers(th, r, 20, fd, fs_stats().waits);
	for (;;)
		pause();
	return 0;
}

static void check_killed_waiters(void)
{
	struct fs_stats before = fs_stats();
	int p[2], status, ok;
	pid_t pid;
	char buf[4];

	pipe(p);
	pid = fork();
	if (pid == 0)
		_exit(doomed_child(p[0]));
	ok = fs_waits_reach(before.waits + 21);
	kill(pid, SIGKILL);
	ok &= waitpid(pid, &status, 0) == pid && WIFSIGNALED(status);
	ok &= fs_stats().waits == before.waits;
	ok &= write(p[1], "abc", 3) == 3 && read(p[0], buf, sizeof(buf)) == 3 && !memcmp(buf, "abc", 3);
	say("a process killed with 20 threads reading and one in pause leaves no waiter and takes no byte", ok);
	close(p[0]);
	close(p[1]);
	say("the server's objects are back after the killed process", fs_stats_back(&before));
}

int main(void)
{
	struct fs_stats start = fs_stats();

	setvbuf(stdout, NULL, _IONBF, 0);
	check_many_pipes();
	check_many_polls();
	check_readers_in_order();
	check_interrupted_readers();
	check_killed_waiters();
	say("every object of the run is gone", fs_stats_back(&start));
	return 0;
}
