/*
 * Address spaces: an Sv39 root table whose user half (entries 0-255)
 * belongs to the space and whose kernel half is a copy of the kernel's
 * root entries, fixed at boot (kernel/kmap.h), so that traps need no
 * satp switch.
 * Ownership: the space owns its root and level-1 tables; a level-0
 * table may be shared with the spaces forked from it or with it, and is
 * held by one reference per level-1 entry naming it (kernel/pagetable.h:
 * every leaf of a shared table is read-only or copy-on-write, and a
 * space copies the table before it changes a leaf there). Each leaf of a
 * table holds one reference on its frame. Reference count (kobj): tasks running
 * in the space and handles naming it; the last put frees every frame and
 * table.
 * Invariant: user leaves are 4 KiB pages with PTE_U (a leaf without
 * PTE_U is a page protected to no access); no kernel address is ever
 * mapped with PTE_U. Pages of a physical-range memory object carry
 * PTE_PHYS and no frame reference. A page shared copy-on-write is mapped
 * without PTE_W and with PTE_COW in every space that shares it, and its
 * frame's reference count counts the tables that map it. A frame-backed memory
 * object's pages are ordinary leaves (the object holds one more
 * reference on each frame), so the only writable leaves whose frame has
 * other references are writable mappings of such an object: stores there,
 * the kernel's copies included, reach the object.
 */
#ifndef KAGE_KERNEL_SPACE_H
#define KAGE_KERNEL_SPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel/counters.h"
#include "kernel/hart.h"
#include "kernel/kobj.h"
#include "kernel/region.h"
#include "kernel/riscv.h"
#include "kernel/uaccess.h"
#include "lib/errno.h"
#include "lib/kage_abi.h"

struct space {
	struct kobj obj;
	pte_t *root;
	uint64_t root_pa;
	uint64_t satp;		/* what satp holds while it is active: made once, loaded at every switch */
	struct region_set regions;	/* zero-fill memory, populated on first touch */
	/* Kept as pages come and go, never counted by a walk (space_stat, sys_stats). */
	uint64_t pages;		/* user leaves holding a frame reference: all but physical ranges' */
	uint64_t tables;	/* page-table frames, the root included */
	uint64_t live;		/* the harts whose satp holds it, by index (kernel/hart.h) */
};

/* A new empty space with one reference: 0 or -ENOMEM. */
int space_create(struct space **out);
/*
 * Maps fresh zeroed frames at [va, va + size) (page-aligned, user half)
 * with PTE_R/W/X bits `perm`. -EINVAL, -EEXIST or -ENOMEM; on error the
 * pages mapped so far stay mapped and go with the space.
 */
int space_map_anon(struct space *s, uint64_t va, uint64_t size, uint64_t perm);
/* space_map flag: every page gets its frame now (KAGE_MAP_POPULATE). */
#define SPACE_POPULATE (1ul << 10)

/*
 * Declares [va, va + size) as zero-fill memory with permissions `perm`;
 * pages arrive on first touch, or at once with SPACE_POPULATE in `perm`.
 * -EINVAL (unaligned, empty, outside user space, no permission), -EEXIST
 * (overlaps a region or a mapped page), -ENOMEM (no memory for the
 * region, or no frame for a populated page: then nothing is mapped).
 * Populating costs a frame per page, so free memory bounds its work.
 */
int space_map(struct space *s, uint64_t va, uint64_t size, uint64_t perm);
/*
 * mremap's part: the region holding all of [from, from + size) grows to
 * new_size (no smaller than size) at `to`. Where to == from, zero-fill
 * pages with the region's permissions join its end (-EEXIST if anything
 * is there); elsewhere its pages and permissions move to the free range
 * [to, to + new_size) as they are, frames, copy-on-write marks and all,
 * with zero-fill after them. 0, -EINVAL (bad or overlapping ranges),
 * -EFAULT (no one region holds the old range), -EEXIST (the new range is
 * in use), -ENOMEM (nothing changed). Costs the pages present.
 */
int space_remap(struct space *s, uint64_t from, uint64_t size, uint64_t to, uint64_t new_size);
/*
 * Removes regions and pages in [va, va + size), releasing their frames:
 * 0 or -EINVAL, or -ENOMEM when a region must be split and there is no
 * memory for that (then nothing changed). Its cost follows the pages
 * mapped and the regions there, not the size of the range; so do
 * space_protect's and the checks of every map call.
 */
int space_unmap(struct space *s, uint64_t va, uint64_t size);
/*
 * Reads out what s maps from `from` on (lib/kage_abi.h, struct
 * kage_range): each range goes to emit, at most max of them and at most
 * KAGE_RANGES_STEPS pieces looked at (kernel/space_ranges.c). How many
 * went, 0 when nothing is mapped from there on, or emit's error (the
 * ranges before it went).
 */
int64_t space_ranges(const struct space *s, uint64_t from, uint64_t max,
		     int (*emit)(void *ctx, const struct kage_range *r), void *ctx);
/*
 * Copies into mapped user pages (ignoring their write permission): 0, or
 * -EFAULT (not mapped), or -ENOMEM (mapped, but no frame for a page yet).
 */
int space_write(struct space *s, uint64_t va, const void *src, size_t len);
/*
 * Copies len bytes from src's readable pages at sva to dst's pages at dva
 * (only pages dst's own code may write if `as_user`), page by page
 * through the direct map: 0, -EFAULT or -ENOMEM as space_write (what was
 * copied before stays). A NULL space stands for kernel memory: dva or sva
 * is then a kernel pointer (servers in the kernel, MODE=mono).
 */
int space_transfer(struct space *dst, uint64_t dva, struct space *src, uint64_t sva, size_t len,
		   bool as_user);

/*
 * space_transfer between another space, other at va, and the running
 * space, self at here, into other or out of it: self's side through the
 * running page table (kernel/uaccess.h) instead of a walk a page. as_user
 * is for whichever side is written; resume is the running task's
 * uaccess_sp. A page self has not touched, or may not write as it is
 * (copy-on-write, or read-only without as_user), goes through
 * space_transfer. 0, or -EFAULT / -ENOMEM as space_transfer.
 */
int space_transfer_here(struct space *other, uint64_t va, struct space *self, uint64_t here, size_t len,
			bool into_other, bool as_user, uint64_t *resume);
/*
 * The same between kernel memory at kva and the running space: one copy,
 * as a monolithic kernel's copy_to_user; inline, as it is every copy a
 * server in the kernel makes for its caller.
 */
static inline int space_kernel_here(uint64_t kva, struct space *self, uint64_t here, size_t len, bool into_kernel,
				    bool as_user, uint64_t *resume)
{
	if (!uaccess_range_ok(here, len))
		return -EFAULT;
	if (into_kernel && uaccess_copy(resume, (void *)kva, (const void *)here, len) == 0)
		return 0;
	if (!into_kernel && uaccess_copy(resume, (void *)here, (const void *)kva, len) == 0)
		return 0;
	if (into_kernel)
		return space_transfer(NULL, kva, self, here, len, as_user);
	return space_transfer(self, here, NULL, kva, len, as_user);
}
/* Copies out of mapped, readable user pages: 0 or -EFAULT. */
int space_read(struct space *s, uint64_t va, void *dst, size_t len);
/* Copies into user pages the user may write (a system call's result): 0 or -EFAULT. */
int space_copy_out(struct space *s, uint64_t va, const void *src, size_t len);
/*
 * A new space sharing every user page of `src` copy-on-write (read-only
 * pages are simply shared). Costs page tables only. 0 or -ENOMEM (nothing
 * changed in src beyond write-protection, and no frame leaked).
 */
int space_clone(struct space *src, struct space **out);
/*
 * Resolves a fault at va for an access needing `access` (PTE_R, PTE_W or
 * PTE_X): a write to a copy-on-write page gets its own frame (or its
 * write permission back when no one else shares it); a first touch inside
 * a region that allows the access gets a zeroed frame. 0 when the access
 * can be retried, -EFAULT when it is a real fault, -ENOMEM.
 */
int space_fault(struct space *s, uint64_t va, uint64_t access);
/*
 * Maps the physical range [pa, pa + size) of a memory object at va with
 * permissions `perm`; writable only if `may_write`. The pages hold no
 * frame references and are shared, never copied, by space_clone.
 * -EINVAL, -EEXIST (a page or region is there), -ENOMEM.
 */
int space_map_phys(struct space *s, uint64_t va, uint64_t pa, uint64_t size, uint64_t perm,
		   bool may_write);
struct memobj;
/*
 * Maps the frames of memory object m from its byte `off` (page-aligned)
 * at va, `size` bytes, with permissions `perm` (writable only if
 * `may_write`). Each page is an ordinary leaf holding a frame reference,
 * so space_clone, space_protect and space_fault treat it as any page: a
 * read-only mapping made writable, or a writable one after space_clone,
 * becomes copy-on-write and its first store copies the page, leaving the
 * object as it was. -EINVAL, -EEXIST (a page or region is there), -ENOMEM.
 */
int space_map_frames(struct space *s, uint64_t va, const struct memobj *m, uint64_t off, uint64_t size,
		     uint64_t perm, bool may_write);
/*
 * Declares [va, va + size) a region backed by memory object m from its
 * page `off` (counted as sys_space_map_phys counts), with permissions
 * `perm`; no page is mapped now. Its pages arrive at their first touch
 * (space_object_fault): m's own page where the region is read-only and
 * the page lies wholly in m, else a private copy, zeroed past m's end.
 * Stores never reach m, so any handle may map it writable. The region
 * holds a reference on m until its last part goes. -EINVAL (as
 * space_map_frames, or m a device's registers), -EEXIST, -ENOMEM.
 */
int space_map_object(struct space *s, uint64_t va, struct memobj *m, uint64_t off, uint64_t size, uint64_t perm);
/*
 * Changes the permissions of regions and pages in [va, va + size) to
 * `perm` (0: no access, the contents kept). A page shared with another
 * space becomes copy-on-write rather than writable. -EINVAL or -ENOMEM.
 */
int space_protect(struct space *s, uint64_t va, uint64_t size, uint64_t perm);
/*
 * The page-level steps kernel/space.c and kernel/space_map.c share.
 * space_set_page maps pa at the user page va with PTE bits perm (the
 * frame reference is the caller's to give): 0, -ENOMEM, -EEXIST.
 * space_zero_page maps a zeroed frame there with user permissions perm:
 * 0, -ENOMEM, or -EFAULT when something is mapped there already.
 */
int space_set_page(struct space *s, uint64_t va, uint64_t pa, uint64_t perm);
int space_zero_page(struct space *s, uint64_t va, uint64_t perm);
struct region;
/*
 * The first touch of page va in r, a region backed by a memory object
 * (space_map_object): a copy of the page, or the object's page itself
 * with its untouched neighbours in the aligned SPACE_FAULT_AROUND window.
 * 0, -EFAULT (r allows no access), -ENOMEM.
 */
int space_object_fault(struct space *s, const struct region *r, uint64_t va);

/*
 * The harts in `harts` (by index) forget their cached translations of
 * [va, va + size), size SPACE_FLUSH_ALL for all: through SBI, returning
 * when they have.
 */
void space_flush_harts(uint64_t harts, uint64_t va, uint64_t size);
#define SPACE_FLUSH_ALL UINT64_MAX

/* This hart forgets va's translation (a loop over many pages, which flushes other harts once after). */
static inline void space_flush_local(uint64_t va)
{
	__asm__ volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
}

/*
 * RISC-V may cache a translation even after its PTE changed, more or less
 * permissive: this hart forgets va's, and so does every other hart whose
 * satp holds s (a thread of the same program, or a hart waiting for the
 * kernel lock), before the change counts as made.
 */
static inline void space_flush(const struct space *s, uint64_t va)
{
	const struct hart *h = hart_self();

	__asm__ volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
	if (__builtin_expect(h->smp, 0) && (s->live & ~h->bit))
		space_flush_harts(s->live & ~h->bit, va, PAGE_SIZE);
}

/* space_flush for every address of s. */
void space_flush_all(const struct space *s);
void space_switch(struct space *s);

/* satp to s on hart h, with the flush: all a switch is with one hart (space_switch does the rest). */
static inline __attribute__((always_inline)) void space_load(struct hart *h, struct space *s)
{
	h->satp_writes++;
	h->space = s;
	csr_write(satp, s->satp);
	sfence_vma_all();
}

/* Makes s the hart's address space; inline, as IPC between tasks of one space needs no switch. */
static inline __attribute__((always_inline)) void space_activate(struct space *s)
{
	if (hart_self()->space != s)
		space_switch(s);
}
/* Whether s is the hart's address space now. */
static inline bool space_is_active(const struct space *s)
{
	return hart_self()->space == s;
}
/* Hart h goes back to the kernel's own tables (an idle hart, space_destroy). */
void space_deactivate(struct hart *h);
/* s is ending: every other hart whose satp holds it drops it (harts waiting for the kernel lock). */
void space_evict(struct space *s);
/*
 * membarrier (lib/kage_abi.h, space_barrier): every other hart running a
 * task of s (any user task when s is NULL) in user mode is made to enter
 * the kernel, which it does with a release of on_cpu, and the caller
 * waits for each; a fence then orders the caller's own accesses. Harts in
 * the kernel or idle need nothing: they pass the kernel lock after us.
 */
void space_barrier(const struct space *s);
/* Harts space_barrier found running a task it covers, since boot (sys_stats). */
extern uint64_t space_barrier_harts;

/*
 * New instructions may be in memory that s maps executable (a page filled,
 * copied, or made executable; s NULL: anywhere, riscv_flush_icache).
 * RISC-V fetches see stores only after a fence.i on the fetching hart,
 * and a frame's old code may still be in a hart's instruction cache: this
 * hart fences now, the harts whose satp holds s fence before this returns
 * (SBI), and every other hart before it next takes a space (space_switch).
 * QEMU keeps fetches coherent by itself; a U74 (VisionFive 2, Unmatched)
 * does not.
 */
void space_icache_sync(const struct space *s);
extern uint64_t space_icache_syncs;
uint64_t space_count(void);
/* Frames the space holds: its page tables and the frames its pages map (shared ones counted in each). */
static inline uint64_t space_pages(const struct space *s)
{
	return s->pages + s->tables;
}
/* What the space holds now: its counts, never a walk (space_stat). */
static inline void space_stat(const struct space *s, struct kage_space_stat *st)
{
	st->pages = s->pages;
	st->tables = s->tables;
	st->regions = s->regions.n;
}

#endif
