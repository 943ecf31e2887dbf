/*
 * Pipes: data and end of file between processes, a reader that waits for
 * a late writer, 256 KiB through the 64 KiB pipe (the writer waits too),
 * a ring that grows with bytes wrapped around its end,
 * a big write to a reader that already waits with a big buffer (it takes
 * the whole ring at once; the writer must fill it again, not wait),
 * EAGAIN without blocking, SIGPIPE for a writer without readers, the
 * capacity F_GETPIPE_SZ reports (what bash writes into a pipe whole before
 * it reads: a here-document), and the printf-before-fork demo with stdout
 * on a pipe (fully buffered: twice).
 */
#define _GNU_SOURCE	/* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#define CHECK_NAME "pipes"
#include "user/tests/check.h"

/* Reads until end of file: the byte count, the bytes kept in buf (up to max). */
static long drain(int fd, char *buf, long max, unsigned long *sum)
{
	char chunk[1000];
	long total = 0, n;

	while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
		for (long i = 0; i < n; i++) {
			if (total + i < max)
				buf[total + i] = chunk[i];
			*sum += (unsigned char)chunk[i];
		}
		total += n;
	}
	return total;
}

static void child_writes(int fd[2], const char *text, int delay_ms)
{
	struct timespec t = { 0, delay_ms * 1000000L };

	close(fd[0]);
	if (delay_ms)
		nanosleep(&t, 0);
	write(fd[1], text, strlen(text));
	_exit(0);
}

static void check_data_and_eof(void)
{
	char buf[64] = { 0 };
	unsigned long sum = 0;
	int fd[2], status;

	pipe(fd);
	if (fork() == 0)
		child_writes(fd, "hello through a pipe", 0);
	close(fd[1]);
	say("data then end of file", drain(fd[0], buf, sizeof(buf), &sum) == 20 &&
					     memcmp(buf, "hello through a pipe", 20) == 0);
	close(fd[0]);
	wait(&status);
}

static void check_late_writer(void)
{
	char buf[64];
	int fd[2], status;

	pipe(fd);
	if (fork() == 0)
		child_writes(fd, "late", 80);
	close(fd[1]);
	say("a reader waits for a late writer", read(fd[0], buf, sizeof(buf)) == 4);
	close(fd[0]);
	wait(&status);
}

/* The byte at position i of a stream: 251 is prime, so a piece out of place shows. */
static char stream_byte(long i)
{
	return (char)(i % 251);
}

/* 256 KiB through the 64 KiB pipe in 1000-byte reads: the writer waits, and goes on when room comes. */
static void check_big_transfer(void)
{
	static char big[256 << 10];
	char chunk[1000];
	long total = 0, wrong = 0, n;
	int fd[2], status;

	for (long i = 0; i < (long)sizeof(big); i++)
		big[i] = stream_byte(i);
	pipe(fd);
	if (fork() == 0) {
		close(fd[0]);
		_exit(write(fd[1], big, sizeof(big)) == sizeof(big) ? 0 : 1);
	}
	close(fd[1]);
	while ((n = read(fd[0], chunk, sizeof(chunk))) > 0) {
		for (long i = 0; i < n; i++)
			wrong += chunk[i] != stream_byte(total + i);
		total += n;
	}
	wait(&status);
	say("256 KiB through a 64 KiB pipe, in order", total == (long)sizeof(big) && !wrong && WIFEXITED(status) &&
								  !WEXITSTATUS(status));
	close(fd[0]);
}

/*
 * A ring starts at a page and grows as writes need: bytes that wrap
 * around its end when it grows come out in order.
 */
static void check_ring_grows_in_order(void)
{
	static char out[40000], in[40000];
	const long parts[] = { 3000, 3000, 20000, 14000 };
	long written = 0, got = 0, wrong = 0, n;
	int fd[2], ok = 1;

	for (long i = 0; i < (long)sizeof(out); i++)
		out[i] = stream_byte(i);
	pipe2(fd, O_NONBLOCK);
	for (unsigned k = 0; k < sizeof(parts) / sizeof(parts[0]); k++) {
		ok &= write(fd[1], out + written, (size_t)parts[k]) == parts[k];
		written += parts[k];
		if (k == 0) {	/* the next write wraps around the first page's end */
			ok &= read(fd[0], in, 2000) == 2000;
			got = 2000;
		}
	}
	while ((n = read(fd[0], in + got, sizeof(in) - (size_t)got)) > 0)
		got += n;
	for (long i = 0; i < got; i++)
		wrong += in[i] != stream_byte(i);
	say("a growing ring keeps its bytes in order", ok && got == written && !wrong);
	close(fd[0]);
	close(fd[1]);
}

static void check_big_write_to_waiting_reader(void)
{
	static char big[8000], got[65536];
	struct timespec t = { 0, 100 * 1000000L };
	int fd[2], status;

	memset(big, 'x', sizeof(big));
	pipe(fd);
	if (fork() == 0) {
		long total = 0, n;

		close(fd[1]);
		while ((n = read(fd[0], got, sizeof(got))) > 0)
			total += n;
		_exit(total == (long)sizeof(big) ? 0 : 1);
	}
	close(fd[0]);
	nanosleep(&t, 0);	/* the reader is waiting now */
	alarm(10);		/* a writer and a reader both waiting would hang here */
	say("a big write to a reader that waits", write(fd[1], big, sizeof(big)) == (long)sizeof(big) &&
						     close(fd[1]) == 0 && wait(&status) > 0 && WIFEXITED(status) &&
						     WEXITSTATUS(status) == 0);
	alarm(0);
}

static void check_nonblocking_and_sigpipe(void)
{
	char c;
	int fd[2], status;

	pipe2(fd, O_NONBLOCK);
	say("empty non-blocking read is EAGAIN", read(fd[0], &c, 1) < 0 && errno == EAGAIN);
	close(fd[0]);
	if (fork() == 0) {
		write(fd[1], "x", 1);
		_exit(0);
	}
	wait(&status);
	say("writer without readers dies of SIGPIPE", WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE);
	close(fd[1]);
}

static void check_pipe_size(void)
{
	static char fill[1 << 16];
	int fd[2], size;

	pipe2(fd, O_NONBLOCK);
	size = fcntl(fd[1], F_GETPIPE_SZ);
	say("F_GETPIPE_SZ bytes go in without a reader taking any",
	    size >= 4096 && size <= (int)sizeof(fill) && write(fd[1], fill, (size_t)size) == size &&
		    write(fd[1], fill, 1) < 0 && errno == EAGAIN);
	say("F_SETPIPE_SZ to at most that keeps it, and a file is EBADF",
	    fcntl(fd[0], F_SETPIPE_SZ, 100) == size && fcntl(fd[0], F_GETPIPE_SZ) == size &&
		    fcntl(0, F_GETPIPE_SZ) < 0 && errno == EBADF);
	close(fd[0]);
	close(fd[1]);
}

static void check_printf_fork_into_a_pipe(void)
{
	char buf[4096] = { 0 }, *first;
	unsigned long sum = 0;
	int fd[2], status;

	pipe(fd);
	if (fork() == 0) {
		char *const args[] = { "printf-fork", NULL };

		close(fd[0]);
		dup2(fd[1], 1);
		close(fd[1]);
		execv("/bin/printf-fork", args);
		_exit(127);
	}
	close(fd[1]);
	drain(fd[0], buf, sizeof(buf) - 1, &sum);
	wait(&status);
	first = strstr(buf, "one line before fork");
	say("printf before fork into a pipe comes out twice",
	    strstr(buf, "not a terminal") && first && strstr(first + 1, "one line before fork"));
	close(fd[0]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	check_data_and_eof();
	check_late_writer();
	check_big_transfer();
	check_ring_grows_in_order();
	check_big_write_to_waiting_reader();
	check_nonblocking_and_sigpipe();
	check_pipe_size();
	check_printf_fork_into_a_pipe();
	return 0;
}
