/*
 * File locks as SQLite and its kind use them, against Linux's semantics:
 * POSIX record locks (fcntl F_SETLK, F_SETLKW, F_GETLK) between
 * processes, with ranges split and merged, EDEADLK, release at any close
 * and at exit, and a wait a signal interrupts; open-file-description
 * locks (F_OFD_*) and flock, owned by the description; then fsync and its
 * kin, and statfs. Each part checks the file server's objects back where
 * they were; waits are seen through its count of waiting calls, never
 * through time (user/tests/fs_stats.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include "user/tests/fs_stats.h"
#define CHECK_NAME "locks"
#include "user/tests/check.h"

#define FILE_PATH "/tmp/locks"
#define TMPFS_MAGIC 0x01021994
#define PROC_SUPER_MAGIC 0x9fa0

/* F_SETLK-style call of cmd on fd: the result, errno in *err. */
static int lock(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };

	return fcntl(fd, cmd, &fl);
}

/* F_GETLK of [start, start + len): what blocks a write lock there. */
static struct flock who_blocks(int fd, int cmd, off_t start, off_t len)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start, .l_len = len };

	if (fcntl(fd, cmd, &fl) < 0)
		fl.l_type = -1;
	return fl;
}

/* Runs fn(fd) in a child with its own descriptor of the file: its exit status (0 is success). */
static int in_child(int (*fn)(int fd))
{
	int status, fd;
	pid_t pid = fork();

	if (pid == 0) {
		fd = open(FILE_PATH, O_RDWR);
		_exit(fd >= 0 && fn(fd) ? 0 : 1);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}

static int child_sees_range(int fd)
{
	struct flock fl = who_blocks(fd, F_GETLK, 0, 0);

	return lock(fd, F_SETLK, F_WRLCK, 50, 10) < 0 && errno == EAGAIN && fl.l_type == F_WRLCK &&
	       fl.l_start == 0 && fl.l_len == 100 && fl.l_pid == getppid() && lock(fd, F_SETLK, F_RDLCK, 100, 10) == 0;
}

static int child_sees_hole(int fd)
{
	struct flock fl = who_blocks(fd, F_GETLK, 45, 0);

	return lock(fd, F_SETLK, F_WRLCK, 40, 20) == 0 && fl.l_start == 60 && fl.l_len == 40 &&
	       lock(fd, F_SETLK, F_WRLCK, 39, 2) < 0 && errno == EAGAIN;
}

static int child_finds_unlocked(int fd)
{
	return lock(fd, F_SETLK, F_WRLCK, 0, 0) == 0;
}

static int child_finds_locked(int fd)
{
	return lock(fd, F_SETLK, F_RDLCK, 0, 1) < 0 && errno == EAGAIN;
}

/* The arguments Linux refuses. */
static int bad_arguments(int fd)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = 7 };
	int ro = open(FILE_PATH, O_RDONLY), ok;

	ok = fcntl(fd, F_SETLK, &fl) < 0 && errno == EINVAL;
	fl = (struct flock){ .l_type = 9, .l_whence = SEEK_SET };
	ok &= fcntl(fd, F_SETLK, &fl) < 0 && errno == EINVAL;
	ok &= lock(fd, F_SETLK, F_WRLCK, -1, 1) < 0 && errno == EINVAL;
	ok &= lock(fd, F_SETLK, F_WRLCK, 10, -20) < 0 && errno == EINVAL;
	ok &= lock(ro, F_SETLK, F_WRLCK, 0, 1) < 0 && errno == EBADF && lock(ro, F_SETLK, F_RDLCK, 0, 1) == 0;
	fl = (struct flock){ .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_pid = 1 };
	ok &= fcntl(fd, F_OFD_SETLK, &fl) < 0 && errno == EINVAL;
	ok &= fcntl(fd, F_GETLK, (void *)8) < 0 && errno == EFAULT;
	ok &= lock(99, F_SETLK, F_WRLCK, 0, 1) < 0 && errno == EBADF;
	close(ro);
	return ok & (lock(fd, F_SETLK, F_UNLCK, 0, 0) == 0);
}

static void check_record_locks(int fd)
{
	struct fs_stats before = fs_stats();

	say("a write lock of [0, 100) is seen by another process, which cannot take [50, 60)",
	    lock(fd, F_SETLK, F_WRLCK, 0, 100) == 0 && in_child(child_sees_range) == 0);
	say("unlocking [40, 60) splits it in two", lock(fd, F_SETLK, F_UNLCK, 40, 20) == 0 &&
	    in_child(child_sees_hole) == 0);
	say("its own locks never block a process: [0, 100) becomes a read lock, then a write lock again",
	    lock(fd, F_SETLK, F_RDLCK, 0, 100) == 0 && lock(fd, F_SETLK, F_WRLCK, 0, 100) == 0 &&
	    who_blocks(fd, F_GETLK, 0, 0).l_type == F_UNLCK);
	say("bad arguments are EINVAL, EBADF and EFAULT as on Linux", bad_arguments(fd));
	say("closing any descriptor of the file releases the process's locks",
	    lock(fd, F_SETLK, F_WRLCK, 0, 0) == 0 && in_child(child_finds_locked) == 0 &&
	    close(open(FILE_PATH, O_RDONLY)) == 0 && in_child(child_finds_unlocked) == 0);
	say("the server's objects are back after the record locks", fs_stats_back(&before));
}

/* A child that takes [0, 1) with F_SETLKW once the parent lets go: 0 when it got it. */
static int child_waits(int fd)
{
	return lock(fd, F_SETLKW, F_WRLCK, 0, 1) == 0 ? 0 : 1;
}

static int parent_only = -1;	/* a descriptor start_child's child closes: its description is the parent's alone */

static pid_t start_child(int (*fn)(int fd))
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open(FILE_PATH, O_RDWR);

		if (parent_only >= 0)
			close(parent_only);

		_exit(fd >= 0 ? fn(fd) : 3);
	}
	return pid;
}

static int reaped(pid_t pid, int want)
{
	int status;

	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == want;
}

static void on_usr1(int sig)
{
	(void)sig;
}

static int cycle_pipe = -1;	/* the write end the child of the cycle says "I hold [1, 2)" on */

/* The child holds [1, 2), says so, then waits for [0, 1): the parent's F_SETLKW of [1, 2) would deadlock. */
static int child_in_cycle(int fd)
{
	static const char go = 'g';

	if (lock(fd, F_SETLK, F_WRLCK, 1, 1) < 0 || write(cycle_pipe, &go, 1) != 1)
		return 4;
	return lock(fd, F_SETLKW, F_WRLCK, 0, 1) == 0 ? 0 : 1;
}

/* A child waiting in F_SETLKW, interrupted by a handled signal without SA_RESTART: EINTR. */
static int child_interrupted(int fd)
{
	struct sigaction sa = { .sa_handler = on_usr1 };

	sigaction(SIGUSR1, &sa, NULL);
	return lock(fd, F_SETLKW, F_WRLCK, 0, 1) < 0 && errno == EINTR ? 0 : 1;
}

static void check_waits(int fd)
{
	struct fs_stats before = fs_stats();
	int p[2], ok;
	char c;
	pid_t pid;

	ok = lock(fd, F_SETLK, F_WRLCK, 0, 1) == 0;
	pid = start_child(child_waits);
	ok &= fs_waits_reach(before.waits + 1) && lock(fd, F_SETLK, F_UNLCK, 0, 1) == 0 && reaped(pid, 0);
	say("F_SETLKW waits until the lock is let go, then takes it", ok);

	ok = pipe(p) == 0 && lock(fd, F_SETLK, F_WRLCK, 0, 1) == 0;
	cycle_pipe = p[1];
	pid = start_child(child_in_cycle);
	ok &= read(p[0], &c, 1) == 1 && fs_waits_reach(before.waits + 1);
	ok &= lock(fd, F_SETLKW, F_WRLCK, 1, 1) < 0 && errno == EDEADLK;
	ok &= lock(fd, F_SETLK, F_UNLCK, 0, 1) == 0 && reaped(pid, 0);
	close(p[0]), close(p[1]);
	say("a wait that would close a cycle is EDEADLK, and the other side goes on", ok);

	ok = lock(fd, F_SETLK, F_WRLCK, 0, 1) == 0;
	pid = start_child(child_interrupted);
	ok &= fs_waits_reach(before.waits + 1) && kill(pid, SIGUSR1) == 0 && reaped(pid, 0);
	ok &= fs_waits_reach(before.waits);
	say("a signal interrupts F_SETLKW with EINTR, and the wait goes", ok);

	pid = start_child(child_waits);
	ok = fs_waits_reach(before.waits + 1) && kill(pid, SIGKILL) == 0 && waitpid(pid, NULL, 0) == pid;
	ok &= fs_waits_reach(before.waits) && lock(fd, F_SETLK, F_UNLCK, 0, 0) == 0;
	say("a waiter killed while it waits leaves nothing behind", ok);
	say("the server's objects are back after the waits", fs_stats_back(&before));
}

/* The exiting child's lock goes with it. */
static int child_locks_and_exits(int fd)
{
	return lock(fd, F_SETLK, F_WRLCK, 0, 0) == 0;
}

static void check_exit_and_ofd(int fd)
{
	struct fs_stats before = fs_stats();
	int a = open(FILE_PATH, O_RDWR), b = open(FILE_PATH, O_RDWR), ok;
	struct flock fl;

	say("a process's locks go when it exits", in_child(child_locks_and_exits) == 0 &&
	    lock(fd, F_SETLK, F_WRLCK, 0, 0) == 0 && lock(fd, F_SETLK, F_UNLCK, 0, 0) == 0);
	ok = lock(a, F_OFD_SETLK, F_WRLCK, 0, 10) == 0 && lock(b, F_OFD_SETLK, F_RDLCK, 5, 1) < 0 && errno == EAGAIN;
	fl = who_blocks(b, F_OFD_GETLK, 0, 0);
	ok &= fl.l_type == F_WRLCK && fl.l_pid == -1 && fl.l_len == 10;
	ok &= lock(fd, F_SETLK, F_WRLCK, 0, 1) < 0 && errno == EAGAIN;
	say("OFD locks: two descriptions of one process conflict, and with POSIX locks", ok);
	ok = close(a) == 0 && lock(b, F_OFD_SETLK, F_WRLCK, 0, 10) == 0 && close(b) == 0;
	say("an OFD lock goes with its description", ok && in_child(child_finds_unlocked) == 0);
	say("the server's objects are back after the OFD locks", fs_stats_back(&before));
}

static int child_flocks_shared(int fd)
{
	return flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
}

static int child_flock_waits(int fd)
{
	return flock(fd, LOCK_EX) == 0 ? 0 : 1;
}

static void check_flock(int fd)
{
	struct fs_stats before = fs_stats();
	int a = open(FILE_PATH, O_RDWR), ok;
	pid_t pid;

	ok = flock(a, LOCK_EX) == 0 && in_child(child_flocks_shared) == 0;
	ok &= lock(fd, F_SETLK, F_WRLCK, 0, 0) == 0 && lock(fd, F_SETLK, F_UNLCK, 0, 0) == 0;
	say("flock: an exclusive lock refuses another description, and ignores record locks", ok);
	ok = flock(a, LOCK_SH) == 0 && flock(a, LOCK_EX | LOCK_NB) == 0 && flock(a, LOCK_UN) == 0;
	ok &= flock(a, 3) < 0 && errno == EINVAL;
	say("flock converts between shared and exclusive, and refuses a bad operation", ok);
	ok = flock(a, LOCK_EX) == 0;
	parent_only = a;
	pid = start_child(child_flock_waits);
	parent_only = -1;
	ok &= fs_waits_reach(before.waits + 1) && close(a) == 0 && reaped(pid, 0);
	say("a waiting flock gets the lock when the holder's description closes", ok);
	say("the server's objects are back after flock", fs_stats_back(&before));
}

static void check_sync(int fd)
{
	int p[2], ok = pipe(p) == 0, null;

	ok &= fsync(fd) == 0 && fdatasync(fd) == 0 && syncfs(fd) == 0;
	ok &= fsync(p[0]) < 0 && errno == EINVAL && fsync(77) < 0 && errno == EBADF;
	null = open("/dev/null", O_WRONLY);
	ok &= fsync(null) < 0 && errno == EINVAL && sync_file_range(null, 0, 0, 0) < 0 && errno == ESPIPE;
	close(null);
	ok &= sync_file_range(fd, 0, 4096, SYNC_FILE_RANGE_WRITE) == 0;
	ok &= sync_file_range(fd, 0, 4096, 8) < 0 && errno == EINVAL;
	ok &= sync_file_range(fd, -1, 4096, 0) < 0 && errno == EINVAL;
	ok &= sync_file_range(p[1], 0, 0, 0) < 0 && errno == ESPIPE;
	sync();
	close(p[0]), close(p[1]);
	say("fsync, fdatasync, syncfs, sync and sync_file_range answer, and check their arguments", ok);
}

/* Writes 4 MiB to a new file: whether it did. */
static int write_4mib(const char *path)
{
	static char page[4096];
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644), ok = fd >= 0;

	memset(page, 'x', sizeof(page));
	for (int i = 0; i < 1024 && ok; i++)
		ok = write(fd, page, sizeof(page)) == (ssize_t)sizeof(page);
	close(fd);
	return ok;
}

static void check_statfs(int fd)
{
	struct statfs a, b, c;
	int ok;

	ok = statfs("/", &a) == 0 && a.f_type == TMPFS_MAGIC && a.f_bsize == 4096 && a.f_namelen == 255 &&
	     a.f_bfree > 0 && a.f_bavail == a.f_bfree && a.f_blocks > a.f_bfree && a.f_files > a.f_ffree;
	printf("locks: statfs of /: %lu blocks of %ld bytes, %lu free; %lu inodes, %lu free\n",
	       (unsigned long)a.f_blocks, (long)a.f_bsize, (unsigned long)a.f_bfree, (unsigned long)a.f_files,
	       (unsigned long)a.f_ffree);
	say("statfs: a tmpfs of real totals", ok);
	ok = write_4mib("/tmp/statfs-big") && fstatfs(fd, &b) == 0 && b.f_bfree + 1024 <= a.f_bfree;
	ok &= unlink("/tmp/statfs-big") == 0;
	say("a 4 MiB file takes at least 1,024 free blocks, as fstatfs sees", ok);
	ok = statfs("/proc", &c) == 0 && c.f_type == PROC_SUPER_MAGIC && statfs("/proc/self", &c) == 0 &&
	     c.f_type == PROC_SUPER_MAGIC;
	ok &= statfs("/no/such", &c) < 0 && errno == ENOENT && statfs("/", (void *)8) < 0 && errno == EFAULT;
	say("statfs of /proc is procfs; a missing path is ENOENT, a bad buffer EFAULT", ok);
}

int main(void)
{
	struct fs_stats start;
	int fd;

	setvbuf(stdout, NULL, _IONBF, 0);
	start = fs_stats();
	fd = open(FILE_PATH, O_CREAT | O_TRUNC | O_RDWR, 0644);
	if (fd < 0) {
		printf("locks: cannot make %s: %s\n", FILE_PATH, strerror(errno));
		return 1;
	}
	check_record_locks(fd);
	check_waits(fd);
	check_exit_and_ofd(fd);
	check_flock(fd);
	check_sync(fd);
	check_statfs(fd);
	close(fd);
	unlink(FILE_PATH);
	say("every object of the run is gone", fs_stats_back(&start));
	return 0;
}
