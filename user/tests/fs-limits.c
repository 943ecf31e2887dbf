/*
 * The rlimits the file server enforces, once the process server tells it
 * (FS_OP_TABLE_LIMIT from prlimit64): RLIMIT_NOFILE raised to 4,096
 * (descriptors past 1,024, listed in /proc/self/fd, polled and
 * selected), lowered again (the open ones stay, new ones are refused as
 * Linux refuses them, and fork passes the limit on); poll's nfds bound
 * by it; and RLIMIT_FSIZE (a write cut short at the limit, then EFBIG
 * and SIGXFSZ, truncate the same, and the signal's default action).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <unistd.h>
#include "user/tests/dirs.h"
#include "user/tests/fs_stats.h"
#define CHECK_NAME "fs-limits"
#include "user/tests/check.h"

#define HIGH 4096
#define FAR 3000
#define LOW 100
#define FSIZE 10000

static volatile int xfsz;

static void on_xfsz(int sig)
{
	(void)sig;
	xfsz++;
}

static int set_limit(int resource, rlim_t cur, rlim_t max)
{
	struct rlimit rl = { cur, max };

	return setrlimit(resource, &rl);
}

/* Opens /dev/null until EMFILE: the last descriptor it got. */
static int open_all(void)
{
	int last = -1;

	for (int fd = open("/dev/null", O_RDWR); fd >= 0; fd = open("/dev/null", O_RDWR))
		last = fd;
	return errno == EMFILE ? last : -1;
}

static void close_from(int first, int last)
{
	for (int fd = first; fd <= last; fd++)
		close(fd);
}

static void check_high_descriptors(void)
{
	static struct pollfd pf[HIGH + 1];
	static uint64_t rd[HIGH / 64];	/* an fd set past FD_SETSIZE, as the kernel takes it */
	char target[64] = { 0 };
	int last, ok = set_limit(RLIMIT_NOFILE, HIGH, HIGH) == 0;

	last = open_all();
	say("RLIMIT_NOFILE 4,096: descriptors up to 4,095, then EMFILE", ok && last == HIGH - 1);
	close(last--);	/* room for opendir's own */
	say("/proc/self/fd lists descriptor 3,000, a link to /dev/null",
	    has_entry("/proc/self/fd", "3000") && readlink("/proc/self/fd/3000", target, sizeof(target)) == 9 &&
	    !strcmp(target, "/dev/null"));
	for (int i = 0; i <= HIGH; i++)
		pf[i] = (struct pollfd){ i < HIGH ? i : -1, POLLIN | POLLOUT, 0 };
	say("poll of 4,097 descriptors is EINVAL, of 4,096 sees each but the closed one",
	    poll(pf, HIGH + 1, 0) < 0 && errno == EINVAL && poll(pf, HIGH, 0) == HIGH && pf[HIGH - 1].revents == POLLNVAL);
	rd[FAR / 64] = 1ull << (FAR % 64);
	say("select sees descriptor 3,000", select(FAR + 1, (fd_set *)rd, NULL, NULL, NULL) == 1 &&
	    rd[FAR / 64] == 1ull << (FAR % 64));
	close_from(3, last);
}

static int lowered_child(void)
{
	struct rlimit rl;

	return getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == LOW && dup2(0, LOW + 50) < 0 && errno == EBADF &&
	       write(FAR, "", 0) == 0 ? 0 : 1;
}

static void check_lowered_limit(void)
{
	int last = open_all(), status, ok;
	pid_t pid;

	ok = last == HIGH - 1 && set_limit(RLIMIT_NOFILE, LOW, HIGH) == 0;
	ok &= write(FAR, "", 0) == 0 && open("/dev/null", O_RDONLY) < 0 && errno == EMFILE;
	ok &= dup2(0, LOW) < 0 && errno == EBADF && fcntl(0, F_DUPFD, LOW) < 0 && errno == EINVAL;
	ok &= close(50) == 0 && open("/dev/null", O_RDONLY) == 50;
	say("lowered to 100: those open stay, new ones as Linux refuses them", ok);
	pid = fork();
	if (pid == 0)
		_exit(lowered_child());
	say("fork passes the limit on, and the descriptors past it", waitpid(pid, &status, 0) == pid &&
	    WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close_from(3, last);
	set_limit(RLIMIT_NOFILE, 1024, HIGH);
}

static int fsize_child(void)
{
	int fd = open("/tmp/fsize-child", O_CREAT | O_TRUNC | O_WRONLY, 0644);
	char buf[64] = { 0 };

	set_limit(RLIMIT_FSIZE, 10, 10);
	write(fd, buf, sizeof(buf));	/* cut short at 10 */
	write(fd, buf, sizeof(buf));	/* at the limit: SIGXFSZ, whose default action ends it */
	return 0;
}

static void check_fsize(void)
{
	static char buf[4000];
	struct sigaction sa = { .sa_handler = on_xfsz };
	int fd = open("/tmp/fsize", O_CREAT | O_TRUNC | O_RDWR, 0644), status, ok;
	pid_t pid;

	sigaction(SIGXFSZ, &sa, NULL);
	ok = fd >= 0 && set_limit(RLIMIT_FSIZE, FSIZE, RLIM_INFINITY) == 0;
	ok &= write(fd, buf, 4000) == 4000 && write(fd, buf, 4000) == 4000 && write(fd, buf, 4000) == 2000;
	say("RLIMIT_FSIZE: a write crossing it is cut short there", ok && xfsz == 0);
	ok = write(fd, buf, 1) < 0 && errno == EFBIG && xfsz == 1;
	ok &= pwrite(fd, buf, 1, FSIZE + 5) < 0 && errno == EFBIG && xfsz == 2 && write(fd, buf, 0) == 0;
	say("a write at the limit is EFBIG, with SIGXFSZ", ok);
	ok = ftruncate(fd, FSIZE + 1) < 0 && errno == EFBIG && xfsz == 3 && ftruncate(fd, FSIZE - 1) == 0;
	say("truncate past the limit is EFBIG, with SIGXFSZ; below it works", ok);
	set_limit(RLIMIT_FSIZE, RLIM_INFINITY, RLIM_INFINITY);
	close(fd);
	unlink("/tmp/fsize");
	signal(SIGXFSZ, SIG_DFL);
	pid = fork();
	if (pid == 0)
		_exit(fsize_child());
	say("SIGXFSZ's default action ends the writer", waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
	    WTERMSIG(status) == SIGXFSZ);
	unlink("/tmp/fsize-child");
}

int main(void)
{
	struct fs_stats before = fs_stats();
	int status;
	pid_t pid;

	setvbuf(stdout, NULL, _IONBF, 0);
	pid = fork();
	if (pid == 0) {
		/* In a child: its table, grown past its first slots, goes with it. */
		check_high_descriptors();
		check_lowered_limit();
		_exit(0);
	}
	waitpid(pid, &status, 0);
	check_fsize();
	say("the server's objects are back where they were", fs_stats_back(&before));
	return 0;
}
