/*
 * mmap of a file descriptor. There is no page cache to share pages
 * from, so a mapping gets its own copy of the file's bytes as they are
 * at the time of the call, copied in by this server (from the mapped
 * initramfs when the bytes are still there, else read from the file
 * server). That is exactly MAP_PRIVATE: stores reach only the copy, and
 * later changes to the file do not show (Linux leaves that unspecified
 * for pages the process has not written). Bytes past the end of the file
 * read as zero, in its last page as on Linux and in whole pages beyond it
 * too (where Linux would raise SIGBUS).
 *
 * MAP_SHARED without PROT_WRITE is the same copy: it differs from Linux
 * only when the file changes while mapped. A writable MAP_SHARED mapping
 * would have to carry stores back to the file, which needs a pager:
 * -ENODEV, as Linux answers for files that cannot be mapped that way.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "servers/proc/exec.h"

#define MMAP_CHUNK 65536ul

/* A file written at run time comes through here on its way to the process. */
static uint8_t mmap_buf[MMAP_CHUNK];

/* Linux PROT_* bits to kage's: write implies read, as on RISC-V's page tables. */
static unsigned mmap_prot(uint64_t prot)
{
	unsigned k = 0;

	if (prot & PROT_READ)
		k |= KAGE_PROT_READ;
	if (prot & PROT_WRITE)
		k |= KAGE_PROT_WRITE | KAGE_PROT_READ;
	if (prot & PROT_EXEC)
		k |= KAGE_PROT_EXEC;
	return k;
}

/* One piece of the copy: bytes moved (> 0), 0 when the file ended early, or a negative errno. */
static long mmap_piece(long space, uint64_t va, const struct files_exe *fe, uint64_t off, uint64_t len)
{
	long r;

	if (fe->data) {
		len = len < KAGE_COPY_MAX ? len : KAGE_COPY_MAX;
		r = native_space_write(space, va, fe->data + off, len);
		return r < 0 ? r : (long)len;
	}
	r = files_read(fe, off, mmap_buf, len < MMAP_CHUNK ? len : MMAP_CHUNK);
	if (r > 0 && native_space_write(space, va, mmap_buf, (uint64_t)r) < 0)
		return -ENOMEM;	/* the region is mapped: only a missing frame fails */
	return r;
}

/* Copies the file's bytes [off, off + len) to va; what lies beyond its end stays zero. */
static long mmap_fill(long space, uint64_t va, const struct files_exe *fe, uint64_t off, uint64_t len)
{
	uint64_t done = 0;
	long r = 1;

	if (off >= fe->size)
		return 0;
	if (len > fe->size - off)
		len = fe->size - off;
	while (done < len && r > 0) {
		r = mmap_piece(space, va + done, fe, off + done, len - done);
		if (r > 0)
			done += (uint64_t)r;
	}
	return r < 0 ? r : 0;	/* a file that shrank meanwhile leaves zeros */
}

/* Linux's refusals that depend on the descriptor: reading needs read access, shared writing a pager. */
static long mmap_access(uint64_t flags, uint64_t prot, uint32_t open_flags)
{
	int shared = (flags & MAP_TYPE) != MAP_PRIVATE;

	if ((open_flags & O_ACCMODE) == O_WRONLY)
		return -EACCES;
	if (shared && (prot & PROT_WRITE) && (open_flags & O_ACCMODE) != O_RDWR)
		return -EACCES;
	return shared && (prot & PROT_WRITE) ? -ENODEV : 0;
}

/* Where the mapping goes: addr with MAP_FIXED (what was there is gone), else below the last one. */
static long mmap_place(struct process *p, uint64_t addr, uint64_t len, uint64_t flags, uint64_t *va)
{
	if (flags & MAP_FIXED) {
		if (addr & (PAGE - 1))
			return -EINVAL;
		*va = addr;
		return native_space_unmap(p->space, addr, len) < 0 ? -ENOMEM : 0;
	}
	if (len > p->mmap_next)
		return -ENOMEM;
	*va = p->mmap_next - len;
	return 0;
}

/*
 * Maps len bytes at va with the file's bytes from off; on failure nothing
 * stays mapped there. Read-only pages wholly inside a file of the
 * initramfs are shared from it (a library's text); the rest is a copy.
 */
static long mmap_copy(struct process *p, uint64_t va, uint64_t len, unsigned kprot, const struct files_exe *fe,
		      uint64_t off)
{
	uint64_t whole = fe->data && off < fe->size ? (fe->size - off) & ~(PAGE - 1) : 0, shared = 0;
	long err = 0;

	if (whole)
		shared = files_map_shared(p->space, va, fe->data + off, whole < len ? whole : len, kprot);
	if (len > shared)
		err = native_space_map(p->space, va + shared, len - shared, kprot ? kprot : KAGE_PROT_READ);
	if (err < 0) {
		if (shared)
			native_space_unmap(p->space, va, shared);	/* only ours: -EEXIST means another's is there */
		return err == -EEXIST ? -ENOMEM : err;
	}
	err = mmap_fill(p->space, va + shared, fe, off + shared, len - shared);
	if (err == 0 && !kprot && len > shared)
		err = native_space_protect(p->space, va + shared, len - shared, 0);	/* PROT_NONE, filled all the same */
	if (err < 0)
		native_space_unmap(p->space, va, len);
	return err;
}

/* mmap(addr, length, prot, flags, fd, offset) without MAP_ANONYMOUS. */
long mmap_file(struct process *p, const uint64_t *a)
{
	uint64_t len = (a[1] + PAGE - 1) & ~(PAGE - 1), prot = a[2], flags = a[3], off = a[5], va = 0;
	uint64_t type = flags & MAP_TYPE;
	struct files_exe fe;
	uint32_t open_flags;
	long err;

	if (off & (PAGE - 1))
		return -EINVAL;
	err = files_fd_open(p, (int)a[4], &fe, &open_flags);
	if (err < 0)
		return err;
	if (!a[1] || len < a[1] || (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE))
		err = -EINVAL;
	else if (off + len < off)
		err = -EOVERFLOW;
	else
		err = mmap_access(flags, prot, open_flags);
	if (err == 0)
		err = mmap_place(p, a[0], len, flags, &va);
	if (err == 0)
		err = mmap_copy(p, va, len, mmap_prot(prot), &fe, off);
	files_exec_close(&fe);
	if (err < 0)
		return err;
	if (!(flags & MAP_FIXED))
		p->mmap_next = va;
	return (long)va;
}
