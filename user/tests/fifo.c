/*
 * Named pipes in the file server's tree, checked against Linux's rules:
 * mknodat's types and refusals (a FIFO, a regular file, a socket's name;
 * devices and directories refused), a reader's and a writer's open
 * waiting for the other end across fork (seen waiting in the file
 * server's count of waiting calls, never by time), O_NONBLOCK and O_RDWR,
 * end of file, EPIPE and SIGPIPE, an open interrupted by a signal (EINTR,
 * and with SA_RESTART going on), an unlinked FIFO still working and
 * opened again through /proc/self/fd, poll's hang-up, and a pipe's read
 * end opened for writing through /proc.
 *
 * Everything happens in /tmp/f, removed at the end; the file server's
 * objects come back to where they were (user/tests/fs_stats.h).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include "user/tests/dirs.h"
#include "user/tests/fs_stats.h"
#define CHECK_NAME "fifo"
#include "user/tests/check.h"

static char *volatile bad_pointer = (char *)8;	/* never mapped: the first page is not */
#define BAD_POINTER bad_pointer

#define FIFO "/tmp/f/fifo"

/* Whether a child's end came: it exited 0. */
static int child_ok(pid_t pid)
{
	int status;

	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Reads fd to its end: whether it read exactly text. */
static int drains(int fd, const char *text)
{
	char buf[128];
	long n, total = 0;

	while ((n = read(fd, buf + total, sizeof(buf) - 1 - (size_t)total)) > 0)
		total += n;
	buf[total] = 0;
	return n == 0 && strcmp(buf, text) == 0;
}

static void fifo_make(void)
{
	struct stat st;

	umask(022);
	say("mkfifo and mknod S_IFIFO: S_IFIFO, DT_FIFO, the umask taken off",
	    mkfifo(FIFO, 0666) == 0 && stat(FIFO, &st) == 0 && S_ISFIFO(st.st_mode) && (st.st_mode & 0777) == 0644 &&
	    st.st_size == 0 && mknod("/tmp/f/fifo2", S_IFIFO | 0600, 0) == 0 && entry_type("/tmp/f", "fifo2") == DT_FIFO);
	say("mknod S_IFREG, and no type, make empty files",
	    mknod("/tmp/f/reg", S_IFREG | 0644, 0) == 0 && stat("/tmp/f/reg", &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size == 0 && mknod("/tmp/f/reg0", 0600, 0) == 0 && stat("/tmp/f/reg0", &st) == 0 &&
	    S_ISREG(st.st_mode));
	say("mknod: devices and directories EPERM, a bad type EINVAL, a name taken EEXIST",
	    fails(mknod("/tmp/f/null", S_IFCHR | 0600, makedev(1, 3)), EPERM) &&
	    fails(mknod("/tmp/f/blk", S_IFBLK | 0600, makedev(8, 0)), EPERM) &&
	    fails(mknod("/tmp/f/dir", S_IFDIR | 0755, 0), EPERM) && fails(mknod("/tmp/f/bad", S_IFMT | 0600, 0), EINVAL) &&
	    fails(mkfifo(FIFO, 0600), EEXIST) && fails(mknod("/tmp/f/file", S_IFCHR | 0600, 0), EEXIST));
	say("mknod: no directory ENOENT, bad pointer EFAULT, in /proc EACCES",
	    fails(mkfifo("/tmp/f/none/f", 0600), ENOENT) && fails(mkfifo(BAD_POINTER, 0600), EFAULT) &&
	    fails(mkfifo("/proc/self/f", 0600), EACCES));
	say("a socket's name opens as ENXIO",
	    mknod("/tmp/f/sock", S_IFSOCK | 0600, 0) == 0 && stat("/tmp/f/sock", &st) == 0 && S_ISSOCK(st.st_mode) &&
	    fails(open("/tmp/f/sock", O_RDONLY), ENXIO));
}

/* A child that waits until the parent's open waits in the file server, then opens the other end. */
static pid_t other_end_after_wait(uint64_t waits, int flags, const char *text)
{
	pid_t pid = fork();
	int fd;

	if (pid)
		return pid;
	if (!fs_waits_reach(waits + 1))
		_exit(2);
	fd = open(FIFO, flags);
	if (flags == O_WRONLY)
		_exit(fd >= 0 && write(fd, text, strlen(text)) == (long)strlen(text) ? 0 : 1);
	_exit(fd >= 0 && drains(fd, text) ? 0 : 1);
}

static void fifo_blocking_opens(void)
{
	uint64_t waits = fs_stats().waits;
	pid_t pid = other_end_after_wait(waits, O_WRONLY, "to a waiting reader");
	int fd = open(FIFO, O_RDONLY);

	say("a reader's open waits for a writer, and reads what it wrote to the end",
	    fd >= 0 && drains(fd, "to a waiting reader") && close(fd) == 0 && child_ok(pid));
	pid = other_end_after_wait(waits, O_RDONLY, "to a late reader");
	fd = open(FIFO, O_WRONLY);
	say("a writer's open waits for a reader",
	    fd >= 0 && write(fd, "to a late reader", 16) == 16 && close(fd) == 0 && child_ok(pid));
}

static void fifo_nonblocking_opens(void)
{
	char buf[8];
	int rd, wr, rw;

	rd = open(FIFO, O_RDONLY | O_NONBLOCK);
	say("O_RDONLY|O_NONBLOCK opens at once, and reads 0 with no writer", rd >= 0 && read(rd, buf, sizeof(buf)) == 0);
	close(rd);
	say("O_WRONLY|O_NONBLOCK with no reader: ENXIO", fails(open(FIFO, O_WRONLY | O_NONBLOCK), ENXIO));
	rd = open(FIFO, O_RDONLY | O_NONBLOCK);
	wr = open(FIFO, O_WRONLY | O_NONBLOCK);
	say("O_WRONLY|O_NONBLOCK with a reader opens",
	    rd >= 0 && wr >= 0 && write(wr, "ab", 2) == 2 && read(rd, buf, sizeof(buf)) == 2 && memcmp(buf, "ab", 2) == 0);
	say("the last writer's close is the end of file", write(wr, "cd", 2) == 2 && close(wr) == 0 &&
							      read(rd, buf, sizeof(buf)) == 2 && read(rd, buf, sizeof(buf)) == 0);
	close(rd);
	rw = open(FIFO, O_RDWR);
	say("O_RDWR never waits, and is both ends",
	    rw >= 0 && write(rw, "xyz", 3) == 3 && read(rw, buf, sizeof(buf)) == 3 && memcmp(buf, "xyz", 3) == 0 &&
	    close(rw) == 0);
}

static void fifo_broken(void)
{
	char c = 'x';
	int rd = open(FIFO, O_RDONLY | O_NONBLOCK), wr = open(FIFO, O_WRONLY | O_NONBLOCK), status;
	pid_t pid;

	signal(SIGPIPE, SIG_IGN);
	say("a write with no reader left: EPIPE", close(rd) == 0 && fails(write(wr, &c, 1), EPIPE));
	signal(SIGPIPE, SIG_DFL);
	pid = fork();
	if (pid == 0)
		_exit(write(wr, &c, 1) < 0 ? 3 : 4);
	say("and SIGPIPE, as a pipe's", waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
					    WTERMSIG(status) == SIGPIPE);
	close(wr);
}

static void on_usr1(int sig)
{
	(void)sig;
}

/* A child whose open of the FIFO for reading waits; a signal reaches it there. */
static pid_t reader_to_interrupt(int restart)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = restart ? SA_RESTART : 0 };
	pid_t pid = fork();
	int fd;

	if (pid)
		return pid;
	sigaction(SIGUSR1, &sa, NULL);
	fd = open(FIFO, O_RDONLY);
	if (!restart)
		_exit(fd < 0 && errno == EINTR ? 0 : 1);
	_exit(fd >= 0 && drains(fd, "after the handler") ? 0 : 1);
}

static void fifo_interrupted(void)
{
	struct fs_stats before = fs_stats();
	pid_t pid = reader_to_interrupt(0);
	int fd;

	say("an open that waits, interrupted by a signal: EINTR",
	    fs_waits_reach(before.waits + 1) && kill(pid, SIGUSR1) == 0 && child_ok(pid));
	say("and nothing of it is left", fs_stats_back(&before));
	pid = reader_to_interrupt(1);
	fd = fs_waits_reach(before.waits + 1) && kill(pid, SIGUSR1) == 0 ? open(FIFO, O_WRONLY) : -1;
	say("with SA_RESTART the open goes on after the handler",
	    fd >= 0 && write(fd, "after the handler", 17) == 17 && close(fd) == 0 && child_ok(pid));
}

static void fifo_unlinked_and_reopened(void)
{
	char path[64], buf[8];
	struct pollfd pfd;
	int rw = open(FIFO, O_RDWR), wr, quiet;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", rw);
	wr = unlink(FIFO) == 0 ? open(path, O_WRONLY) : -1;
	say("an unlinked FIFO's ends go on working, and open again through /proc",
	    rw >= 0 && wr >= 0 && fails(stat(FIFO, &(struct stat){ 0 }), ENOENT) && write(wr, "un", 2) == 2 &&
	    read(rw, buf, sizeof(buf)) == 2 && memcmp(buf, "un", 2) == 0 && fcntl(wr, F_GETFL) == O_WRONLY);
	close(wr);
	close(rw);
	mkfifo(FIFO, 0600);
	pfd = (struct pollfd){ .fd = open(FIFO, O_RDONLY | O_NONBLOCK), .events = POLLIN };
	quiet = poll(&pfd, 1, 0) == 0;
	wr = open(FIFO, O_WRONLY);
	quiet = quiet && wr >= 0 && poll(&pfd, 1, 0) == 0;
	say("poll of a reader: no POLLHUP before a writer came, POLLHUP after it went",
	    quiet && close(wr) == 0 && poll(&pfd, 1, 0) == 1 && pfd.revents == POLLHUP);
	close(pfd.fd);
}

static void pipe_reopened(void)
{
	char path[64], buf[8];
	int p[2], wr;

	if (pipe(p) < 0)
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0]);
	wr = open(path, O_WRONLY);
	say("a pipe's read end opened for writing through /proc: a write end of the same pipe",
	    wr >= 0 && fcntl(wr, F_GETFL) == O_WRONLY && write(wr, "w", 1) == 1 && read(p[0], buf, 1) == 1 &&
	    buf[0] == 'w' && fails(open(path, O_RDONLY | O_DIRECTORY), ENOTDIR));
	say("its end of file comes when both write ends are closed",
	    close(p[1]) == 0 && write(wr, "v", 1) == 1 && read(p[0], buf, sizeof(buf)) == 1 && close(wr) == 0 &&
	    read(p[0], buf, sizeof(buf)) == 0 && close(p[0]) == 0);
}

/* Removes dir (which holds no directory) and everything in it: whether all went. */
static int remove_dir(const char *dir)
{
	char path[PATH_MAX];
	DIR *d = opendir(dir);
	struct dirent *e;
	int ok = d != NULL;

	while (d && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		ok &= unlink(path) == 0;
	}
	if (d)
		closedir(d);
	return ok && rmdir(dir) == 0;
}

int main(void)
{
	struct fs_stats before;
	int fd;

	setvbuf(stdout, NULL, _IONBF, 0);
	before = fs_stats();
	fd = mkdir("/tmp/f", 0755) == 0 ? open("/tmp/f/file", O_WRONLY | O_CREAT, 0644) : -1;
	if (fd < 0 || close(fd) < 0)
		printf("fifo: cannot make /tmp/f: %s\n", strerror(errno));
	fifo_make();
	fifo_blocking_opens();
	fifo_nonblocking_opens();
	fifo_broken();
	fifo_interrupted();
	fifo_unlinked_and_reopened();
	pipe_reopened();
	say("the directory and its FIFOs removed", remove_dir("/tmp/f"));
	say("every node, description and byte back", fs_stats_back(&before));
	return 0;
}
