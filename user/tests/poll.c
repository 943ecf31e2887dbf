/*
 * poll (ppoll) and select (pselect6) on pipes and files: readiness both
 * ways, a timeout that lasts about its time, a poll woken by a late
 * writer, POLLHUP, POLLERR and POLLNVAL, select's sets, EBADF and its
 * timeout counting down, and waiters killed while they wait: a dead
 * reader or poller takes nothing from the pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void say(const char *what, int ok)
{
	printf("poll: %s %s\n", what, ok ? "ok" : "FAILED");
	fflush(stdout);
}

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* A child that sleeps ms, then writes one byte (or none) to fd[1] and exits. */
static pid_t late_writer(int fd[2], int ms, int write_it)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct timespec t = { 0, ms * 1000000L };

		close(fd[0]);
		nanosleep(&t, 0);
		if (write_it)
			write(fd[1], "!", 1);
		_exit(0);
	}
	return pid;
}

static void check_pipe_states(void)
{
	struct pollfd p[2];
	int fd[2];
	char c;

	pipe(fd);
	p[0] = (struct pollfd){ .fd = fd[0], .events = POLLIN };
	p[1] = (struct pollfd){ .fd = fd[1], .events = POLLOUT };
	say("an empty pipe is not readable, its write end is writable",
	    poll(p, 2, 0) == 1 && p[0].revents == 0 && p[1].revents == POLLOUT);
	write(fd[1], "x", 1);
	say("data makes the read end readable", poll(p, 1, 0) == 1 && p[0].revents == POLLIN);
	read(fd[0], &c, 1);
	close(fd[1]);
	say("POLLHUP once the writer has closed", poll(p, 1, 0) == 1 && p[0].revents == POLLHUP);
	close(fd[0]);
	pipe(fd);
	close(fd[0]);
	p[1].fd = fd[1];
	say("POLLERR on a write end without readers", poll(&p[1], 1, 0) == 1 && (p[1].revents & POLLERR));
	close(fd[1]);
	p[0] = (struct pollfd){ .fd = fd[1], .events = POLLIN };
	p[1] = (struct pollfd){ .fd = -1, .events = POLLIN, .revents = 7 };
	say("POLLNVAL for a closed descriptor, a negative one is skipped",
	    poll(p, 2, 0) == 1 && p[0].revents == POLLNVAL && p[1].revents == 0);
}

static void check_waiting(void)
{
	struct pollfd p;
	int fd[2], status;
	long t0, dt;
	pid_t pid;

	pipe(fd);
	p = (struct pollfd){ .fd = fd[0], .events = POLLIN };
	t0 = now_ms();
	say("a poll of an empty pipe times out", poll(&p, 1, 200) == 0 && p.revents == 0);
	dt = now_ms() - t0;
	printf("poll: the 200 ms timeout took %ld ms\n", dt);
	say("the timeout lasted about its time", dt >= 195 && dt < 2000);
	pid = late_writer(fd, 100, 1);
	t0 = now_ms();
	say("a waiting poll wakes for a late writer", poll(&p, 1, 5000) == 1 && p.revents == POLLIN);
	dt = now_ms() - t0;
	say("it woke when the data came, not at its timeout", dt >= 50 && dt < 2000);
	waitpid(pid, &status, 0);
	close(fd[0]);
	close(fd[1]);
	pipe(fd);
	p.fd = fd[0];
	pid = late_writer(fd, 100, 0);
	close(fd[1]);
	say("a waiting poll wakes with POLLHUP when the last writer closes", poll(&p, 1, -1) == 1 && p.revents == POLLHUP);
	waitpid(pid, &status, 0);
	close(fd[0]);
}

static void check_files(void)
{
	struct pollfd p = { .fd = open("/bin/poll", O_RDONLY), .events = POLLIN | POLLOUT };

	say("a regular file is always ready", poll(&p, 1, -1) == 1 && p.revents == (POLLIN | POLLOUT));
	close(p.fd);
}

static void check_select(void)
{
	struct timeval tv = { 0, 150000 };
	fd_set rd, wr;
	int fd[2], status;
	pid_t pid;

	pipe(fd);
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(fd[0], &rd);
	FD_SET(fd[1], &wr);
	say("select: the write end is ready, the empty read end is not",
	    select(fd[1] + 1, &rd, &wr, NULL, NULL) == 1 && !FD_ISSET(fd[0], &rd) && FD_ISSET(fd[1], &wr));
	FD_ZERO(&rd);
	FD_SET(fd[0], &rd);
	say("select times out with its sets cleared and its time used up",
	    select(fd[0] + 1, &rd, NULL, NULL, &tv) == 0 && !FD_ISSET(fd[0], &rd) && tv.tv_sec == 0 &&
		    tv.tv_usec == 0);
	FD_SET(fd[0], &rd);
	pid = late_writer(fd, 100, 1);
	say("select waits for a late writer", select(fd[0] + 1, &rd, NULL, NULL, NULL) == 1 && FD_ISSET(fd[0], &rd));
	waitpid(pid, &status, 0);
	close(fd[0]);
	close(fd[1]);
	FD_ZERO(&rd);
	FD_SET(fd[0], &rd);
	errno = 0;
	say("select on a closed descriptor is EBADF", select(fd[0] + 1, &rd, NULL, NULL, NULL) == -1 && errno == EBADF);
}

/* A child that waits on the pipe (a read, or a poll) until it is killed; the bytes written then stay. */
static void check_killed_waiter(int by_poll)
{
	struct pollfd p;
	struct timespec t = { 0, 100000000 };
	int fd[2], status;
	char c = 0;
	pid_t pid;

	pipe(fd);
	p = (struct pollfd){ .fd = fd[0], .events = POLLIN };
	pid = fork();
	if (pid == 0) {
		if (by_poll)
			poll(&p, 1, -1);
		else
			read(fd[0], &c, 1);
		_exit(0);
	}
	nanosleep(&t, 0);	/* the child is waiting by now */
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	write(fd[1], "z", 1);
	say(by_poll ? "a poller killed while waiting leaves the pipe to others"
		    : "a reader killed while waiting takes nothing from the pipe",
	    WIFSIGNALED(status) && poll(&p, 1, 1000) == 1 && read(fd[0], &c, 1) == 1 && c == 'z');
	close(fd[0]);
	close(fd[1]);
}

int main(void)
{
	check_pipe_states();
	check_waiting();
	check_files();
	check_select();
	check_killed_waiter(0);
	check_killed_waiter(1);
	return 0;
}
