/*
 * Fault isolation, shown: run as pid 1 with "kage.crash=fs" on the
 * kernel command line (servers/protocol.h), it starts a worker that
 * touches no file, then makes the file server write through a null
 * pointer, then tries what still works.
 *
 *   make run KAGE_APPEND="kage.crash=fs rdinit=/bin/isolation"
 *
 * MODE=micro: the file server is a user task; the kernel kills it, its
 * callers get EPIPE, the process server answers file calls with EIO and
 * writes fds 1 and 2 to the kernel console, and everything else goes on.
 * MODE=mono: the same bug runs in the kernel, which panics: nothing
 * after "crashing the file server" is printed. Lines start with
 * "isolation: "; the last one, "isolation: survived", only if every
 * check held (tests/system/test_isolation.py).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "servers/protocol.h"

#define WORKER_STATUS 42

static int failures;

/* One write(2) per line: after the crash each goes to the kernel console as it is. */
static void say(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 1)
		n = (int)sizeof(line) - 1;
	if (write(1, line, (size_t)n) < 0)
		failures++;
}

static void check(int ok, const char *what, const char *detail)
{
	say("isolation: %-44s %s (%s)\n", what, ok ? "ok" : "FAILED", detail);
	failures += !ok;
}

/* Sums for a while, sleeps, and ends with WORKER_STATUS: never a file call. */
static void worker(void)
{
	const struct timespec nap = { 0, 50 * 1000 * 1000 };
	volatile unsigned long sum = 0;

	for (int round = 0; round < 4; round++) {
		for (unsigned long i = 0; i < 200000; i++)
			sum += i;
		nanosleep(&nap, NULL);
	}
	_exit(sum ? WORKER_STATUS : 1);
}

int main(void)
{
	int fd = open("/init", O_RDONLY), status = 0, r, p[2];
	pid_t child, pid = getpid();
	char detail[80];

	say("isolation: pid %d; /init open as fd %d; starting a worker that touches no file\n", pid, fd);
	child = fd < 0 ? -1 : fork();
	if (child < 0) {
		say("isolation: cannot set up: %s\n", strerror(errno));
		return 1;
	}
	if (child == 0)
		worker();
	say("isolation: crashing the file server now (ioctl 0x%x on fd %d)\n", PROTO_IOCTL_CRASH, fd);
	r = ioctl(fd, PROTO_IOCTL_CRASH, 0);
	snprintf(detail, sizeof(detail), "result %d, %s", r, r < 0 ? strerror(errno) : "no error");
	check(r < 0 && errno == EPIPE, "the crashing call fails with EPIPE", detail);

	snprintf(detail, sizeof(detail), "getpid() = %d", (int)getpid());
	check(getpid() == pid, "process calls still work", detail);
	r = open("/init", O_RDONLY);
	snprintf(detail, sizeof(detail), "open = %d, %s", r, r < 0 ? strerror(errno) : "opened");
	check(r < 0 && errno == EIO, "file calls fail cleanly", detail);
	r = pipe(p);
	snprintf(detail, sizeof(detail), "pipe = %d, %s", r, r < 0 ? strerror(errno) : "made");
	check(r < 0 && errno == EIO, "pipes (the file server's) fail cleanly", detail);
	r = fork();
	if (r == 0)
		_exit(0);
	snprintf(detail, sizeof(detail), "fork = %d, %s", r, r < 0 ? strerror(errno) : "forked");
	check(r < 0 && errno == EIO, "fork fails: descriptor tables were the fs's", detail);
	if (r > 0)
		waitpid(r, NULL, 0);
	r = waitpid(child, &status, 0);
	snprintf(detail, sizeof(detail), "pid %d exited with %d", r,
		 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	check(r == child && WIFEXITED(status) && WEXITSTATUS(status) == WORKER_STATUS,
	      "the worker ran to its end and was reaped", detail);
	say(failures ? "isolation: %d checks failed\n" : "isolation: survived\n", failures);
	return failures ? 1 : 0;
}
