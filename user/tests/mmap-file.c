/*
 * mmap of files: a private copy of a file written at run time and of one
 * still in the initramfs, stores that stay in the copy, offsets, the
 * zeros past the end of the file, MAP_FIXED over part of a mapping,
 * munmap and mprotect of parts, and the errors for what cannot be mapped.
 * Read-only pages of an initramfs file, mapped or exec'd, are shared from
 * the archive: free memory barely moves for a 1 MB file.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#define CHECK_NAME "mmap-file"
#include "user/tests/check.h"

#define PAGE 4096
#define DATA "/tmp/mmap-data"
#define PAGES 20		/* more than one 64 KiB piece of the server's copy */
#define SIZE (PAGES * PAGE + 100)	/* and a bit of one more page */
#define SPAN ((PAGES + 1) * PAGE)

static char file[SIZE];

static int make_file(void)
{
	int fd = open(DATA, O_RDWR | O_CREAT | O_TRUNC, 0644);

	for (int i = 0; i < SIZE; i++)
		file[i] = (char)('a' + (i / 7 + i / PAGE) % 26);
	if (fd < 0 || write(fd, file, SIZE) != SIZE)
		return -1;
	return fd;
}

static int zeros(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* A child stores into p: 1 if it died of SIGSEGV, as a store to a read-only page must. */
static int store_faults(char *p)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		*(volatile char *)p = 1;
		_exit(0);
	}
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
}

static void private_copies(int fd)
{
	char back[16], *m = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0), *o;

	say("private mapping has the file's bytes", m != MAP_FAILED && memcmp(m, file, SIZE) == 0);
	say("past the end of the file, the last page is zero", zeros(m + SIZE, SPAN - SIZE));
	memcpy(m + 10, "changed", 7);
	say("a store changes the copy only",
	    pread(fd, back, 7, 10) == 7 && memcmp(back, file + 10, 7) == 0 && memcmp(m + 10, "changed", 7) == 0);
	pwrite(fd, "later", 5, 100);
	say("a later write to the file does not reach the copy", memcmp(m + 100, file + 100, 5) == 0);
	pwrite(fd, file + 100, 5, 100);
	o = mmap(NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE, fd, 2 * PAGE);
	say("an offset mapping starts at that byte of the file", o != MAP_FAILED && memcmp(o, file + 2 * PAGE, 2 * PAGE) == 0);
	say("a read-only mapping cannot be written", store_faults(o));
	munmap(o, 2 * PAGE);
	o = mmap(NULL, SPAN + 2 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	say("whole pages past the end read as zero (Linux: SIGBUS)", o != MAP_FAILED && zeros(o + SPAN, 2 * PAGE));
	munmap(o, SPAN + 2 * PAGE);
	say("munmap of the middle page leaves the others",
	    munmap(m + PAGE, PAGE) == 0 && m[0] == file[0] && m[2 * PAGE] == file[2 * PAGE]);
	say("mprotect of one page to read-only",
	    mprotect(m + 2 * PAGE, PAGE, PROT_READ) == 0 && store_faults(m + 2 * PAGE) && !store_faults(m));
	munmap(m, SPAN);
}

static void fixed_over_part(int fd)
{
	char *a = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *f;

	memset(a, 'A', 4 * PAGE);
	f = mmap(a + 2 * PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, PAGE);
	say("MAP_FIXED puts the file page exactly there", f == a + 2 * PAGE && memcmp(f, file + PAGE, PAGE) == 0);
	say("the pages around it are as they were", a[PAGE] == 'A' && a[3 * PAGE] == 'A' && a[4 * PAGE - 1] == 'A');
	f = mmap(a + PAGE, PAGE, PROT_NONE, MAP_PRIVATE | MAP_FIXED, fd, 0);
	say("PROT_NONE, then mprotect, shows the file's bytes",
	    f == a + PAGE && mprotect(f, PAGE, PROT_READ) == 0 && memcmp(f, file, PAGE) == 0);
	munmap(a, 4 * PAGE);
}

static void from_the_initramfs(void)
{
	int fd = open("/tests/elf/ok.elf", O_RDONLY);
	char *m = mmap(NULL, 132, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	char *s = mmap(NULL, 132, PROT_READ, MAP_SHARED, fd, 0);

	say("a file of the initramfs maps", m != MAP_FAILED && memcmp(m, "\177ELF", 4) == 0 && zeros(m + 132, 64));
	say("MAP_SHARED read-only maps the same bytes", s != MAP_FAILED && memcmp(s, m, 132) == 0);
	munmap(m, 132);
	munmap(s, 132);
	close(fd);
}

static long mem_free_kb(void)
{
	char buf[512] = { 0 };
	int fd = open("/proc/meminfo", O_RDONLY);
	const char *at;

	read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return (at = strstr(buf, "MemFree:")) ? strtol(at + 8, NULL, 10) : -1;
}

/* BusyBox, about 1 MB, mapped read-only and run: neither costs a copy of it. */
static void shared_from_the_initramfs(void)
{
	static char page[PAGE];
	int fd = open("/bin/busybox", O_RDONLY), status;
	struct stat st;
	long before, after, mid;
	char *m;
	pid_t pid;

	fstat(fd, &st);
	mid = (st.st_size / 2) & ~(long)(PAGE - 1);
	before = mem_free_kb();
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	after = mem_free_kb();
	say("a 1 MB read-only mapping of an initramfs file costs no copy",
	    m != MAP_FAILED && st.st_size > 500000 && before - after < st.st_size / 1024 / 4 &&
		    pread(fd, page, PAGE, mid) == PAGE && memcmp(m + mid, page, PAGE) == 0);
	say("its last page is zero past the end of the file",
	    m != MAP_FAILED && zeros(m + st.st_size, (size_t)(PAGE - st.st_size % PAGE) % PAGE));
	munmap(m, (size_t)st.st_size);
	close(fd);
	before = mem_free_kb();
	pid = fork();
	if (pid == 0) {
		execl("/bin/busybox", "sleep", "5", (char *)NULL);
		_exit(127);
	}
	usleep(300000);
	after = mem_free_kb();
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	say("a running program shares its text with the archive", before - after < st.st_size / 1024 / 2 &&
								   WIFSIGNALED(status));
}

/*
 * A read-only mapping of an initramfs file, read (its pages the archive's
 * own), then made writable: a store goes to the process's own copy, as in
 * Linux's private mapping, and neither the file nor another mapping sees it.
 */
static void writable_after_reading(void)
{
	int fd = open("/bin/busybox", O_RDONLY);
	char *m = mmap(NULL, 64 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	char *other = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	char byte = 0, at40 = 0;
	int ok = m != MAP_FAILED && other != MAP_FAILED && m[1] == 'E';

	if (ok)
		at40 = *(volatile char *)(m + 40 * PAGE + 1);	/* pages 0-15 and 32-47 mapped, 50 not */
	ok = ok && mprotect(m, 64 * PAGE, PROT_READ | PROT_WRITE) == 0;
	if (ok) {
		m[1] = 'x';
		m[40 * PAGE + 1] = (char)(at40 + 1);
		m[50 * PAGE] = 'y';
	}
	say("a read mapping of the archive made writable takes stores",
	    ok && m[1] == 'x' && m[2] == 'L' && m[40 * PAGE + 1] == (char)(at40 + 1) && m[50 * PAGE] == 'y');
	say("the stores reach neither the file nor another mapping",
	    ok && other[1] == 'E' && pread(fd, &byte, 1, 1) == 1 && byte == 'E');
	munmap(m, 64 * PAGE);
	munmap(other, PAGE);
	close(fd);
}

/* Whether an mmap failed with err. */
static int map_fails(void *r, int err)
{
	return r == MAP_FAILED && errno == err;
}

static void refusals(int fd)
{
	int pipefd[2], dir = open("/tmp", O_RDONLY | O_DIRECTORY), wr = open(DATA, O_WRONLY);

	pipe(pipefd);
	say("EBADF for fd -1 without MAP_ANONYMOUS", map_fails(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, -1, 0), EBADF));
	say("EBADF for a closed descriptor", map_fails(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, 40, 0), EBADF));
	say("ENODEV for a directory", map_fails(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, dir, 0), ENODEV));
	say("ENODEV for a pipe", map_fails(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, pipefd[0], 0), ENODEV));
	say("ENODEV for the console", map_fails(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, 1, 0), ENODEV));
	say("EINVAL for an offset off a page", map_fails(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 100), EINVAL));
	say("EINVAL for length 0", map_fails(mmap(NULL, 0, PROT_READ, MAP_PRIVATE, fd, 0), EINVAL));
	say("EINVAL without MAP_PRIVATE or MAP_SHARED", map_fails(mmap(NULL, PAGE, PROT_READ, 0, fd, 0), EINVAL));
	say("EACCES for a write-only descriptor", map_fails(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, wr, 0), EACCES));
	say("ENODEV for a writable MAP_SHARED mapping",
	    map_fails(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), ENODEV));
	close(pipefd[0]);
	close(pipefd[1]);
	close(dir);
	close(wr);
}

int main(void)
{
	int fd;

	setvbuf(stdout, NULL, _IONBF, 0);
	fd = make_file();
	if (fd < 0) {
		printf("mmap-file: cannot write %s: %s\n", DATA, strerror(errno));
		return 1;
	}
	private_copies(fd);
	fixed_over_part(fd);
	from_the_initramfs();
	shared_from_the_initramfs();
	writable_after_reading();
	refusals(fd);
	close(fd);
	unlink(DATA);
	printf("mmap-file: done\n");
	return 0;
}
