/*
 * File data: the bytes of a file written since boot (and of /proc's open
 * files) in heap pages, found by page number in the node's radix tree.
 * A page that was never written is a hole: it reads as zeros and takes
 * no memory, so a file may be sparse and of any size up to free memory.
 *
 * When memory runs out a write stops where it is and says how much it
 * wrote (ENOSPC when nothing, tmpfs's answer); what it took for the
 * page it could not finish is given back, so the file stays as it was
 * past the count. Invariants: no page lies wholly at or past the size
 * (truncate frees them, writes add them only under the size they set),
 * and the bytes of the last page past the size are zero, so growing a
 * file again shows zeros there.
 */
#include "lib/errno.h"
#include "lib/heap.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/fs/fs_impl.h"

#define FS_PAGE 4096ul
#define FS_ZEROS (16ul << 10)	/* a hole is copied out from this many zeros at a time */

static const uint8_t fs_zeros[FS_ZEROS];

static uint64_t fs_min(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* A page leaves its node (arg). */
static void fs_page_drop(void *page, void *arg)
{
	((struct fs_node *)arg)->npages--;
	heap_free(&fs_heap, page);
}

long fs_own(struct fs_node *n)
{
	for (uint64_t i = 0; n->archive && i * FS_PAGE < n->size; i++) {
		uint64_t chunk = fs_min(FS_PAGE, n->size - i * FS_PAGE);
		uint8_t *p = heap_alloc(&fs_heap, FS_PAGE);

		if (!p || fs_radix_set(&n->pages, &fs_heap, i, p) < 0) {
			heap_free(&fs_heap, p);
			fs_radix_cut(&n->pages, &fs_heap, 0, fs_page_drop, n);
			return -ENOSPC;
		}
		n->npages++;
		memcpy(p, n->archive + i * FS_PAGE, chunk);
		memset(p + chunk, 0, FS_PAGE - chunk);
	}
	n->archive = NULL;
	return 0;
}

/* Where the bytes at pos come from, and how many of them (at most max) come from there in one piece. */
static const uint8_t *fs_source(const struct fs_node *n, uint64_t pos, uint64_t max, uint64_t *chunk)
{
	uint64_t index = pos / FS_PAGE, poff = pos % FS_PAGE, next = index + 1;
	const uint8_t *p;

	if (n->archive) {
		*chunk = max;
		return n->archive + pos;
	}
	p = fs_radix_get(&n->pages, index);
	if (p) {
		*chunk = fs_min(max, FS_PAGE - poff);
		return p + poff;
	}
	/* A hole: zeros up to the next page with data, the end, or what the zeros cover. */
	*chunk = fs_min(max, FS_ZEROS);
	if (fs_radix_next(&n->pages, &next))
		*chunk = fs_min(*chunk, next * FS_PAGE - pos);
	return fs_zeros;
}

long fs_data_read(uint64_t token, const struct fs_node *n, uint64_t off, uint64_t buf, uint64_t len)
{
	uint64_t done = 0, chunk;
	const uint8_t *src;

	if (off >= n->size)
		return 0;
	len = fs_min(fs_min(len, n->size - off), KAGE_COPY_MAX);
	while (done < len) {
		src = fs_source(n, off + done, len - done, &chunk);
		if (native_caller_write(token, buf + done, src, chunk) < 0)
			return done ? (long)done : -EFAULT;
		done += chunk;
	}
	return (long)done;
}

long fs_zeros_read(uint64_t token, uint64_t buf, uint64_t len)
{
	uint64_t done = 0, chunk;

	len = fs_min(len, KAGE_COPY_MAX);
	while (done < len) {
		chunk = fs_min(len - done, FS_ZEROS);
		if (native_caller_write(token, buf + done, fs_zeros, chunk) < 0)
			return done ? (long)done : -EFAULT;
		done += chunk;
	}
	return (long)done;
}

void fs_data_peek(const struct fs_node *n, uint64_t off, void *dst, uint64_t len)
{
	uint64_t done = 0, chunk;

	while (done < len) {
		const uint8_t *src = fs_source(n, off + done, len - done, &chunk);

		memcpy((uint8_t *)dst + done, src, chunk);
		done += chunk;
	}
}

/* Writes chunk bytes from the caller's va into page `index` at poff, which it makes if missing: 0 or -errno. */
static long fs_write_page(struct fs_node *n, uint64_t token, uint64_t va, uint64_t index, uint64_t poff,
			  uint64_t chunk)
{
	uint8_t *p = fs_radix_get(&n->pages, index);

	if (p)
		return native_caller_read(token, va, p + poff, chunk) < 0 ? -EFAULT : 0;
	p = heap_alloc(&fs_heap, FS_PAGE);
	if (!p)
		return -ENOSPC;
	memset(p, 0, poff);
	memset(p + poff + chunk, 0, FS_PAGE - poff - chunk);
	if (native_caller_read(token, va, p + poff, chunk) < 0) {
		heap_free(&fs_heap, p);
		return -EFAULT;
	}
	if (fs_radix_set(&n->pages, &fs_heap, index, p) < 0) {
		heap_free(&fs_heap, p);
		return -ENOSPC;
	}
	n->npages++;
	return 0;
}

long fs_data_write(struct fs_node *n, uint64_t token, uint64_t va, uint64_t off, uint64_t len)
{
	uint64_t done = 0;
	long err = 0;

	while (done < len) {
		uint64_t pos = off + done, poff = pos % FS_PAGE, chunk = fs_min(FS_PAGE - poff, len - done);

		err = fs_write_page(n, token, va + done, pos / FS_PAGE, poff, chunk);
		if (err < 0)
			break;
		done += chunk;
	}
	if (done && off + done > n->size)
		n->size = off + done;
	if (done)
		fs_touch(n, FS_TIME_MC);
	return done ? (long)done : err;
}

long fs_truncate(struct fs_node *n, uint64_t size)
{
	uint8_t *last;
	long err;

	if (n->archive && !size)
		n->archive = NULL;	/* nothing of it stays: no copy to make */
	err = fs_own(n);
	if (err < 0)
		return err;
	if (size < n->size) {
		fs_radix_cut(&n->pages, &fs_heap, (size + FS_PAGE - 1) / FS_PAGE, fs_page_drop, n);
		last = size % FS_PAGE ? fs_radix_get(&n->pages, size / FS_PAGE) : NULL;
		if (last)
			memset(last + size % FS_PAGE, 0, FS_PAGE - size % FS_PAGE);
	}
	n->size = size;
	fs_touch(n, FS_TIME_MC);
	return 0;
}

void fs_data_free(struct fs_node *n)
{
	fs_radix_cut(&n->pages, &fs_heap, 0, fs_page_drop, n);
	n->archive = NULL;
	n->size = 0;
}

long fs_data_put(struct fs_node *n, const void *src, uint64_t len)
{
	for (uint64_t off = 0; off < len; off += FS_PAGE) {
		uint64_t chunk = fs_min(FS_PAGE, len - off);
		uint8_t *p = heap_zalloc(&fs_heap, FS_PAGE);

		if (!p || fs_radix_set(&n->pages, &fs_heap, off / FS_PAGE, p) < 0) {
			heap_free(&fs_heap, p);
			fs_data_free(n);
			return -ENOSPC;
		}
		n->npages++;
		memcpy(p, (const uint8_t *)src + off, chunk);
	}
	n->size = len;
	return 0;
}

long fs_data_fill(struct fs_node *n, uint64_t token, uint64_t va, uint64_t len)
{
	long r = len ? fs_data_write(n, token, va, 0, len) : 0;

	if (r >= 0 && (uint64_t)r == len)
		return 0;
	fs_data_free(n);
	return r == -EFAULT ? -EFAULT : -ENOMEM;
}

long fs_resize(const struct fs_call_ctx *c, struct fs_node *n, uint64_t size)
{
	if (size > c->t->fsize)
		return FS_SIGXFSZ;	/* as Linux's truncate past RLIMIT_FSIZE */
	return size > FS_SIZE_MAX ? -EFBIG : fs_truncate(n, size);
}

/*
 * n's bytes as a memory object, a new handle here: a slice of the
 * initramfs while they are still there, else a copy into fresh frames
 * (the file's own pages are this server's, and change). *page_off: where
 * the file starts in the object's first page. A hole is zeros there too.
 */
long fs_node_pages(const struct fs_node *n, uint64_t *page_off)
{
	uint64_t i = 0;
	long mem, err;

	if (n->archive)
		return fs_archive_slice(n, page_off);
	*page_off = 0;
	mem = native_mem_create(n->size);
	for (const uint8_t *p = fs_radix_next(&n->pages, &i); mem >= 0 && p && i * FS_PAGE < n->size;
	     i++, p = fs_radix_next(&n->pages, &i)) {
		err = native_mem_write(mem, i * FS_PAGE, p, fs_min(FS_PAGE, n->size - i * FS_PAGE));
		if (err < 0) {
			native_handle_close(mem);
			mem = err;
		}
	}
	return mem;
}
