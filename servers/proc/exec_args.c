/*
 * execve's argument and environment vectors, read from the caller's
 * memory through two windows of up to 512 bytes, one for the pointers
 * and one for the strings. A vector and its strings mostly lie on a few pages (a shell
 * passes some 300 environment strings, allocated together), so the
 * copies are one per page touched, where reading each pointer and then
 * each string 64 bytes at a time made two or more native calls per
 * string: a trap each in micro, a million of them in the ash suite's
 * runs. A window never reads past the page holding the next byte needed,
 * so an unmapped page after a vector or a string is met exactly where a
 * byte-wise read would meet it: -EFAULT, nothing else.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/proc/exec.h"

/*
 * A window's size: 64 pointers, or a dozen typical environment strings,
 * per copy; a whole page would cost more to copy than it saves when a
 * program passes three arguments.
 */
#define EXEC_WINDOW 512

/* Copied bytes of the caller's memory: [va, va + len), within one page. */
struct exec_window {
	uint64_t va;
	uint64_t len;		/* 0: holds nothing */
	uint8_t bytes[EXEC_WINDOW];
};

/* Makes w hold the byte at va and up to EXEC_WINDOW after it on its page: 0, or -EFAULT. */
static int exec_window_at(const struct process *p, struct exec_window *w, uint64_t va)
{
	if (va >= w->va && va - w->va < w->len)
		return 0;
	w->va = va;
	w->len = PAGE - (va & (PAGE - 1));
	if (w->len > EXEC_WINDOW)
		w->len = EXEC_WINDOW;
	if (native_space_read(p->space, va, w->bytes, w->len) < 0) {
		w->len = 0;
		return -EFAULT;
	}
	return 0;
}

/* The NUL-terminated string at va into buf (max bytes with its NUL): its length, -EFAULT or -ENAMETOOLONG. */
static long exec_window_string(const struct process *p, struct exec_window *w, uint64_t va, char *buf,
			       size_t max)
{
	size_t n = 0;

	while (n < max) {
		const uint8_t *from, *nul;
		size_t avail, take;

		if (exec_window_at(p, w, va + n) < 0)
			return -EFAULT;
		from = w->bytes + (va + n - w->va);
		avail = w->len - (va + n - w->va);
		if (avail > max - n)
			avail = max - n;
		nul = memchr(from, 0, avail);
		take = nul ? (size_t)(nul - from) : avail;
		memcpy(buf + n, from, take);
		n += take;
		if (nul) {
			buf[n] = 0;
			return (long)n;
		}
	}
	return -ENAMETOOLONG;
}

/* The pointer at va (8 bytes; an unaligned one may cross a page, so it is read as it stands). */
static int exec_window_pointer(const struct process *p, struct exec_window *w, uint64_t va, uint64_t *ptr)
{
	if (va & 7)
		return native_space_read(p->space, va, ptr, sizeof(*ptr)) < 0 ? -EFAULT : 0;
	if (exec_window_at(p, w, va) < 0)
		return -EFAULT;
	memcpy(ptr, w->bytes + (va - w->va), sizeof(*ptr));
	return 0;
}

long exec_args(const struct process *p, uint64_t va, const char *v[], char **pool, char *end)
{
	static struct exec_window ptrs, strs;	/* a kilobyte: kept off the server's stack */
	uint64_t ptr;
	int n = 0;
	long len;

	ptrs.len = strs.len = 0;	/* the caller's memory may have changed since the last execve */
	for (; va; va += 8, n++) {
		if (exec_window_pointer(p, &ptrs, va, &ptr) < 0)
			return -EFAULT;
		if (!ptr)
			break;
		if (n == PROC_ARGS_MAX)
			return -E2BIG;
		len = exec_window_string(p, &strs, ptr, *pool, (size_t)(end - *pool));
		if (len < 0)
			return len == -ENAMETOOLONG ? -E2BIG : len;
		v[n] = *pool;
		*pool += len + 1;
	}
	v[n] = 0;
	return 0;
}
