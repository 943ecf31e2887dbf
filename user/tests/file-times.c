/*
 * File times: stat's atime, mtime and ctime follow the wall clock and
 * Linux's rules for what changes which (writes, truncation, chmod, entries
 * made, removed or renamed; reads change nothing: kage is noatime), and
 * utimensat sets them, with UTIME_NOW, UTIME_OMIT and Linux's refusals;
 * renameat2's RENAME_NOREPLACE. Each check prints "file-times: CHECK ok"
 * or "FAILED"; tests/system/test_linux.py reads them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define NS 1000000000ll

static void check(const char *what, int ok)
{
	printf("file-times: %s %s\n", what, ok ? "ok" : "FAILED");
}

static int64_t ns_of(struct timespec t)
{
	return t.tv_sec * NS + t.tv_nsec;
}

static int64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return ns_of(t);
}

static struct stat st_of(const char *path)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	stat(path, &st);
	return st;
}

/* A pause the clock sees: later times are then strictly later. */
static void pause_a_little(void)
{
	struct timespec t = { 0, 20 * 1000 * 1000 };

	nanosleep(&t, NULL);
}

static void new_and_written(void)
{
	int64_t before = now_ns(), after;
	int fd = open("/tmp/ft", O_CREAT | O_RDWR | O_TRUNC, 0644);
	struct stat a, b;
	char c;

	after = now_ns();
	a = st_of("/tmp/ft");
	check("a new file's three times are now", ns_of(a.st_mtim) >= before && ns_of(a.st_mtim) <= after &&
						       ns_of(a.st_atim) == ns_of(a.st_mtim) &&
						       ns_of(a.st_ctim) == ns_of(a.st_mtim));
	pause_a_little();
	write(fd, "data", 4);
	b = st_of("/tmp/ft");
	check("a write moves mtime and ctime, not atime", ns_of(b.st_mtim) > ns_of(a.st_mtim) &&
							  ns_of(b.st_ctim) == ns_of(b.st_mtim) &&
							  ns_of(b.st_atim) == ns_of(a.st_atim));
	pause_a_little();
	lseek(fd, 0, SEEK_SET);
	read(fd, &c, 1);
	a = st_of("/tmp/ft");
	check("a read changes nothing (noatime)", ns_of(a.st_atim) == ns_of(b.st_atim) &&
						  ns_of(a.st_mtim) == ns_of(b.st_mtim));
	ftruncate(fd, 1);
	b = st_of("/tmp/ft");
	check("ftruncate moves mtime", ns_of(b.st_mtim) > ns_of(a.st_mtim));
	pause_a_little();
	chmod("/tmp/ft", 0600);
	a = st_of("/tmp/ft");
	check("chmod moves ctime only", ns_of(a.st_ctim) > ns_of(b.st_ctim) && ns_of(a.st_mtim) == ns_of(b.st_mtim));
	close(fd);
}

static void set_by_utimensat(void)
{
	struct timespec ts[2] = { { 1000000000, 500 }, { 2000000000, 250000000 } };
	struct stat a, b;
	int fd;

	int r = utimensat(AT_FDCWD, "/tmp/ft", ts, 0);

	a = st_of("/tmp/ft");
	check("utimensat sets atime and mtime to the nanosecond",
	      r == 0 && ns_of(a.st_atim) == 1000000000 * NS + 500 && ns_of(a.st_mtim) == 2000000000 * NS + 250000000);
	check("ctime is now after it", ns_of(a.st_ctim) > 1796000000 * NS - NS * 3600 * 24 * 365 * 30);
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_nsec = UTIME_NOW;
	utimensat(AT_FDCWD, "/tmp/ft", ts, 0);
	b = st_of("/tmp/ft");
	check("UTIME_OMIT keeps atime, UTIME_NOW sets mtime to now",
	      ns_of(b.st_atim) == ns_of(a.st_atim) && now_ns() - ns_of(b.st_mtim) < NS);
	fd = open("/tmp/ft", O_RDONLY);
	ts[0] = (struct timespec){ 7, 0 };
	ts[1] = (struct timespec){ 9, 0 };
	check("futimens on a descriptor", futimens(fd, ts) == 0 && st_of("/tmp/ft").st_mtime == 9 &&
						  st_of("/tmp/ft").st_atime == 7);
	close(fd);
	check("utimensat with NULL times: both now",
	      utimensat(AT_FDCWD, "/tmp/ft", NULL, 0) == 0 && now_ns() - ns_of(st_of("/tmp/ft").st_atim) < NS);
	ts[1].tv_nsec = NS;
	check("a bad tv_nsec: EINVAL", utimensat(AT_FDCWD, "/tmp/ft", ts, 0) < 0 && errno == EINVAL);
	check("bad flags: EINVAL", utimensat(AT_FDCWD, "/tmp/ft", NULL, 0x8000) < 0 && errno == EINVAL);
	check("a missing file: ENOENT", utimensat(AT_FDCWD, "/tmp/none", NULL, 0) < 0 && errno == ENOENT);
	check("a bad pointer: EFAULT", syscall(SYS_utimensat, AT_FDCWD, "/tmp/ft", 8, 0) < 0 && errno == EFAULT);
	check("/proc: EPERM", utimensat(AT_FDCWD, "/proc/self/status", NULL, 0) < 0 && errno == EPERM);
}

static void directories(void)
{
	struct stat d0, d1, e0, e1;

	mkdir("/tmp/ftd", 0755);
	mkdir("/tmp/fte", 0755);
	d0 = st_of("/tmp/ftd");
	pause_a_little();
	close(open("/tmp/ftd/f", O_CREAT | O_WRONLY, 0644));
	d1 = st_of("/tmp/ftd");
	check("a new entry moves its directory's mtime", ns_of(d1.st_mtim) > ns_of(d0.st_mtim));
	pause_a_little();
	e0 = st_of("/tmp/fte");
	rename("/tmp/ftd/f", "/tmp/fte/f");
	d0 = st_of("/tmp/ftd");
	e1 = st_of("/tmp/fte");
	check("rename moves both directories' mtime",
	      ns_of(d0.st_mtim) > ns_of(d1.st_mtim) && ns_of(e1.st_mtim) > ns_of(e0.st_mtim));
	close(open("/tmp/fte/g", O_CREAT | O_WRONLY, 0644));
	check("RENAME_NOREPLACE onto a name in use: EEXIST",
	      syscall(SYS_renameat2, AT_FDCWD, "/tmp/fte/f", AT_FDCWD, "/tmp/fte/g", 1) < 0 && errno == EEXIST);
	check("RENAME_NOREPLACE onto a free name works",
	      syscall(SYS_renameat2, AT_FDCWD, "/tmp/fte/f", AT_FDCWD, "/tmp/fte/h", 1) == 0);
	pause_a_little();
	e0 = st_of("/tmp/fte");
	unlink("/tmp/fte/g");
	check("unlink moves the directory's mtime", ns_of(st_of("/tmp/fte").st_mtim) > ns_of(e0.st_mtim));
	unlink("/tmp/fte/h");
	rmdir("/tmp/ftd");
	rmdir("/tmp/fte");
}

/* Setting the clock reaches the file server: new files carry the new time. */
static void clock_set(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	tv.tv_sec += 86400 * 365;
	settimeofday(&tv, NULL);
	close(open("/tmp/ft2", O_CREAT | O_WRONLY, 0644));
	check("after settimeofday a year on, a new file is a year on",
	      st_of("/tmp/ft2").st_mtime >= tv.tv_sec && st_of("/tmp/ft2").st_mtime < tv.tv_sec + 5);
	tv.tv_sec -= 86400 * 365;
	settimeofday(&tv, NULL);
	unlink("/tmp/ft2");
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	new_and_written();
	set_by_utimensat();
	directories();
	clock_set();
	unlink("/tmp/ft");
	printf("file-times: done\n");
	return 0;
}
