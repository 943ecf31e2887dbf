/*
 * mmap of a file descriptor. The file server hands over the file's pages
 * as a memory object (a snapshot of its bytes at the call), and the
 * mapping becomes a region backed by it (files_map_lazy): nothing is
 * mapped until a page is touched, as on Linux. A read-only mapping's
 * whole pages are the object's own, so every process mapping a library
 * shares its text; any other page is the process's own copy, made at its
 * first touch. That is exactly MAP_PRIVATE: stores reach only the
 * process's own pages, and later changes to the file do not show (Linux
 * leaves that unspecified for pages the process has not written). Bytes
 * past the end of the file read as zero, in its last page as on Linux
 * and in whole pages beyond it too (where Linux would raise SIGBUS). A
 * file that does not start on a page of its object, or a PROT_NONE
 * mapping, is copied at once into a fresh region instead.
 *
 * MAP_SHARED without PROT_WRITE is the same: it differs from Linux only
 * when the file changes while mapped. A writable MAP_SHARED mapping would
 * have to carry stores back to the file, which needs a pager: -ENODEV, as
 * Linux answers for files that cannot be mapped that way.
 *
 * mremap is the kernel's space_remap: a mapping grows where it is, or its
 * pages move, frames and all, never copied. A file's mapping grows with
 * zeroed pages (Linux would map more of the file) and moves with the
 * file's bytes, and MREMAP_DONTUNMAP is -EINVAL.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "servers/proc/exec.h"
#include "servers/proc/limits.h"

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

/* Whether RLIMIT_DATA counts the mapping: private and writable, as Linux's data_vm. */
static int mmap_data(uint64_t flags, uint64_t prot)
{
	return (flags & MAP_TYPE) == MAP_PRIVATE && (prot & PROT_WRITE);
}

/* 0 when nothing is mapped in [va, va + len), -EEXIST when something is. */
static long mmap_range_free(const struct process *p, uint64_t va, uint64_t len)
{
	struct kage_range r;
	long n = native_space_ranges(p->space, va, &r, 1);

	if (n < 0)
		return n;
	return n == 1 && r.start < va + len && r.end > va ? -EEXIST : 0;
}

/*
 * Where the mapping goes: addr with MAP_FIXED (what was there is gone) or
 * MAP_FIXED_NOREPLACE (-EEXIST if anything is there), else below the last
 * one (a hint is taken as Linux may: not at all).
 */
long mmap_place(struct process *p, uint64_t addr, uint64_t len, uint64_t flags, uint64_t *va)
{
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if ((addr & (PAGE - 1)) || addr + len < addr)
			return -EINVAL;
		*va = addr;
		if (flags & MAP_FIXED_NOREPLACE)	/* even with MAP_FIXED, as Linux's */
			return mmap_range_free(p, addr, len);
		return linux_munmap(p, addr, len) < 0 ? -ENOMEM : 0;
	}
	if (len > p->mmap_next)
		return -ENOMEM;
	*va = p->mmap_next - len;
	return 0;
}

/* After a mapping at va: the next one without an address goes below it, unless it was put where asked. */
void mmap_placed(struct process *p, uint64_t va, uint64_t flags)
{
	if (!(flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)))
		p->mmap_next = va;
}

/*
 * Maps len bytes at va with the file's bytes from off (at first touch
 * where they can be, else copied now); on failure nothing stays mapped.
 */
static long mmap_fill(struct process *p, uint64_t va, uint64_t len, unsigned kprot, const struct files_pages *fp,
		      uint64_t off)
{
	uint64_t lazy = files_map_lazy(p->space, va, fp, off, len, kprot);
	long err = 0;

	if (len > lazy)
		err = native_space_map(p->space, va + lazy, len - lazy, kprot ? kprot : KAGE_PROT_READ);
	if (err < 0) {
		if (lazy)
			native_space_unmap(p->space, va, lazy);	/* only ours: -EEXIST means another's is there */
		return err == -EEXIST ? -ENOMEM : err;
	}
	err = files_copy(fp, off + lazy, p->space, va + lazy, len - lazy);
	if (err == 0 && !kprot && len > lazy)
		err = native_space_protect(p->space, va + lazy, len - lazy, 0);	/* PROT_NONE, filled all the same */
	if (err < 0)
		native_space_unmap(p->space, va, len);
	return err;
}

/* mmap(addr, length, prot, flags, fd, offset) without MAP_ANONYMOUS. */
long mmap_file(struct process *p, const uint64_t *a)
{
	uint64_t len = (a[1] + PAGE - 1) & ~(PAGE - 1), prot = a[2], flags = a[3], off = a[5], va = 0;
	uint64_t type = flags & MAP_TYPE;
	struct files_pages fp;
	uint32_t open_flags;
	long err;

	if (off & (PAGE - 1))
		return -EINVAL;
	err = files_fd_open(p, (int)a[4], &fp, &open_flags);
	if (err < 0)
		return err;
	if (!a[1] || len < a[1] || (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE))
		err = -EINVAL;
	else if (off + len < off)
		err = -EOVERFLOW;
	else
		err = mmap_access(flags, prot, open_flags);
	if (err == 0)
		err = limits_may_map(p, len, mmap_data(flags, prot) ? len : 0);
	if (err == 0)
		err = mmap_place(p, a[0], len, flags, &va);
	if (err == 0)
		err = mmap_fill(p, va, len, linux_prot(prot), &fp, off);
	files_close(&fp);
	if (err < 0)
		return err;
	mmap_placed(p, va, flags);
	linux_vm_account(p, (int64_t)len, mmap_data(flags, prot) ? (int64_t)len : 0);
	return (long)va;
}

/* Linux's refusals before anything is looked at. */
static long mmap_remap_check(const uint64_t *a, uint64_t old_size, uint64_t new_size)
{
	uint64_t flags = a[3];

	if ((a[0] & (PAGE - 1)) || (flags & ~(uint64_t)(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && (!(flags & MREMAP_MAYMOVE) || (a[4] & (PAGE - 1))))
		return -EINVAL;
	if ((flags & MREMAP_DONTUNMAP) || !new_size || new_size < a[2] || old_size < a[1])
		return -EINVAL;
	/* old_size 0 duplicates a shared mapping; kage's mappings are private. */
	return old_size ? 0 : -EINVAL;
}

/* The mapping at old, old_size long, made new_size long at to (to == old: in place). */
static long mmap_remap_to(struct process *p, uint64_t old, uint64_t old_size, uint64_t to, uint64_t new_size)
{
	long err;

	if (new_size > old_size) {
		err = limits_may_map(p, new_size - old_size, new_size - old_size);
		if (err < 0)
			return err;
	}
	err = native_space_remap(p->space, old, old_size, to, new_size);
	if (err < 0)
		return err;
	linux_vm_account(p, (int64_t)(new_size - old_size), (int64_t)(new_size - old_size));
	return (long)to;
}

long mmap_remap(struct process *p, const uint64_t *a)
{
	uint64_t old = a[0], old_size = (a[1] + PAGE - 1) & ~(PAGE - 1), new_size = (a[2] + PAGE - 1) & ~(PAGE - 1);
	uint64_t flags = a[3], to = a[4];
	long err = mmap_remap_check(a, old_size, new_size);

	if (err < 0)
		return err;
	if ((flags & MREMAP_FIXED) && to < old + old_size && old < to + new_size)
		return -EINVAL;
	if (new_size < old_size) {	/* the tail goes first, wherever the rest ends up */
		err = linux_munmap(p, old + new_size, old_size - new_size);
		if (err < 0)
			return err;
		old_size = new_size;
	}
	if (flags & MREMAP_FIXED) {
		linux_munmap(p, to, new_size);
		return mmap_remap_to(p, old, old_size, to, new_size);
	}
	err = mmap_remap_to(p, old, old_size, old, new_size);
	if (err != -EEXIST)
		return err;
	if (!(flags & MREMAP_MAYMOVE) || new_size > p->mmap_next)
		return -ENOMEM;
	err = mmap_remap_to(p, old, old_size, p->mmap_next - new_size, new_size);
	if (err >= 0)
		p->mmap_next = (uint64_t)err;
	return err == -EEXIST ? -ENOMEM : err;
}
