/*
 * mremap as glibc's realloc and programs use it: growing in place, moving
 * when the next pages are taken (the bytes and copy-on-write sharing go
 * along, no copy), shrinking, MREMAP_FIXED over another mapping, and
 * Linux's refusals. Each check prints "mremap: CHECK ok" or "FAILED";
 * tests/system/test_linux.py reads them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096ul

static void check(const char *what, int ok)
{
	printf("mremap: %s %s\n", what, ok ? "ok" : "FAILED");
}

static char *map(void *at, size_t len, int prot, int flags)
{
	char *p = mmap(at, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Whether every page of p holds its own number from `first` on. */
static int pages_hold(const char *p, size_t pages, unsigned first)
{
	for (size_t i = 0; i < pages; i++)
		if ((unsigned char)p[i * PAGE] != (unsigned char)(first + i) || p[i * PAGE + 1] != 'k')
			return 0;
	return 1;
}

static void fill(char *p, size_t pages, unsigned first)
{
	for (size_t i = 0; i < pages; i++) {
		p[i * PAGE] = (char)(first + i);
		p[i * PAGE + 1] = 'k';
	}
}

/* Whether touching p faults: in a child, which SIGSEGV must end. */
static int gone(const volatile char *p)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0)
		_exit(p[0]);
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
}

static void grow_and_move(void)
{
	char *a = map(NULL, 8 * PAGE, PROT_READ | PROT_WRITE, 0), *b, *c;

	fill(a, 4, 1);
	munmap(a + 4 * PAGE, 4 * PAGE);	/* room after the first four pages */
	b = mremap(a, 4 * PAGE, 8 * PAGE, 0);
	check("grows in place into free pages", b == a && pages_hold(b, 4, 1) && b[7 * PAGE] == 0);
	c = map(b + 8 * PAGE, PAGE, PROT_READ, MAP_FIXED);	/* now the next page is taken */
	check("without MREMAP_MAYMOVE, no room after it: ENOMEM",
	      c && mremap(b, 8 * PAGE, 16 * PAGE, 0) == MAP_FAILED && errno == ENOMEM);
	b[7 * PAGE] = 'z';
	a = mremap(b, 8 * PAGE, 16 * PAGE, MREMAP_MAYMOVE);
	check("MREMAP_MAYMOVE moves it with its bytes, zeroes after them",
	      a != MAP_FAILED && a != b && pages_hold(a, 4, 1) && a[7 * PAGE] == 'z' && a[15 * PAGE] == 0);
	check("the old address is gone", gone(b));
	b = mremap(a, 16 * PAGE, 2 * PAGE, 0);
	check("shrinking keeps the start, unmaps the tail",
	      b == a && pages_hold(b, 2, 1) && gone(a + 4 * PAGE));
	munmap(b, 2 * PAGE);
	munmap(c, PAGE);
}

static void fixed_and_shared(void)
{
	char *a = map(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, 0), *t = map(NULL, 8 * PAGE, PROT_READ, 0), *b;
	int status = -1;
	pid_t pid;

	fill(a, 4, 10);
	pid = fork();	/* the pages are shared copy-on-write now */
	if (pid == 0) {
		char *m = mremap(a, 4 * PAGE, 4 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, t);

		m[0] = 99;	/* the moved page is still shared: the parent must not see this */
		_exit(m == t && pages_hold(m + PAGE, 3, 11) ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	check("MREMAP_FIXED over another mapping, in a forked child", WIFEXITED(status) && WEXITSTATUS(status) == 0);
	check("copy-on-write survives the move: the parent's bytes unchanged", pages_hold(a, 4, 10));
	b = mremap(a, 4 * PAGE, 6 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, t);
	check("the read-only target is replaced, writable as the source was",
	      b == t && pages_hold(b, 4, 10) && (b[5 * PAGE] = 1) == 1);
	munmap(t, 8 * PAGE);
}

static void refusals(void)
{
	char *a = map(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, 0);

	check("unaligned old address: EINVAL", mremap(a + 1, PAGE, 2 * PAGE, MREMAP_MAYMOVE) == MAP_FAILED &&
						       errno == EINVAL);
	check("MREMAP_FIXED without MREMAP_MAYMOVE: EINVAL",
	      mremap(a, PAGE, 2 * PAGE, MREMAP_FIXED, a + 8 * PAGE) == MAP_FAILED && errno == EINVAL);
	check("overlapping MREMAP_FIXED target: EINVAL",
	      mremap(a, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, a + PAGE) == MAP_FAILED && errno == EINVAL);
	check("new size 0: EINVAL", mremap(a, PAGE, 0, MREMAP_MAYMOVE) == MAP_FAILED && errno == EINVAL);
	check("unknown flags: EINVAL", mremap(a, PAGE, PAGE, 64) == MAP_FAILED && errno == EINVAL);
	munmap(a, 4 * PAGE);
	check("nothing mapped there: EFAULT", mremap(a, PAGE, 2 * PAGE, MREMAP_MAYMOVE) == MAP_FAILED &&
						      errno == EFAULT);
}

/* realloc of a large block: glibc's mremap path, many times. */
static void realloc_loop(void)
{
	size_t size = 256 << 10;
	char *p = malloc(size);
	int ok = p != NULL;

	memset(p, 7, size);
	for (int i = 0; i < 40 && ok; i++) {
		size_t grown = size + (128 << 10);

		p = realloc(p, grown);
		ok = p && p[0] == 7 && p[size - 1] == 7;
		if (ok)
			memset(p + size, 7, grown - size);
		size = grown;
	}
	check("realloc grows a block to 5.25 MiB forty times, bytes kept", ok);
	free(p);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	grow_and_move();
	fixed_and_shared();
	refusals();
	realloc_loop();
	printf("mremap: done\n");
	return 0;
}
