/*
 * The calls on a space's ranges: declaring zero-fill regions (populated
 * at once if asked), mapping memory objects, unmapping and protecting.
 * They walk the page tables with pt_next_leaf, which skips empty
 * subtrees, so each costs the pages and tables present in its range and
 * the regions it touches, never the length of the range.
 */
#include <stdbool.h>
#include "kernel/frame.h"
#include "kernel/memlayout.h"
#include "kernel/memobj.h"
#include "kernel/pagetable.h"
#include "kernel/panic.h"
#include "kernel/region.h"
#include "kernel/space.h"
#include "lib/errno.h"
#include "lib/string.h"

/* Takes the page mapped by leaf *e at va away, dropping its frame reference. */
static void space_drop_page(struct space *s, pte_t *e, uint64_t va)
{
	if (!(*e & PTE_PHYS)) {
		frame_unref(PTE_TO_PA(*e));
		s->pages--;
	}
	*e = 0;
	space_flush_local(va);	/* other harts: once for the range (space_drop_range) */
}

/* Drops every page in [va, end) and the tables that leaves empty: work in proportion to what was there. */
static void space_drop_range(struct space *s, uint64_t va, uint64_t end)
{
	uint64_t at;
	unsigned freed;

	/*
	 * The tables with leaves here are this space's own already:
	 * space_unmap owned them first, and every other caller drops pages it
	 * has just mapped where nothing was (pt_map_page owned their tables).
	 */
	if (pt_own_range(s->root, va, end) < 0)
		panic("space_drop_range: a table in [0x%lx, 0x%lx) was still shared", va, end);
	for (pte_t *e = pt_next_leaf(s->root, va, end, &at); e; e = pt_next_leaf_after(s->root, e, end, &at))
		space_drop_page(s, e, at);
	freed = pt_prune(s->root, va, end);
	s->tables -= freed;
	/*
	 * The frames went back before the other harts forgot them: safe, as
	 * nothing is allocated before this returns, and every frame is
	 * cleared or filled when it is handed out again.
	 */
	if (freed)
		space_flush_all(s);
	else if (s->live & ~hart_self()->bit)
		space_flush_harts(s->live & ~hart_self()->bit, va, end - va);
}

static bool space_range_ok(uint64_t va, uint64_t size)
{
	return !((va | size) & (PAGE_SIZE - 1)) && size && va < USER_TOP && size <= USER_TOP - va;
}

/* Zeroed frames for every page of [va, end), none mapped yet: 0, or -ENOMEM with some mapped. */
static int space_populate_range(struct space *s, uint64_t va, uint64_t end, uint64_t perm)
{
	struct frame_stats fs;

	frame_get_stats(&fs);
	if ((end - va) / PAGE_SIZE > fs.free)
		return -ENOMEM;	/* can never fit: refused before any work */
	for (; va < end; va += PAGE_SIZE) {
		int err = space_zero_page(s, va, perm);

		if (err < 0)
			return err;
	}
	return 0;
}

int space_map(struct space *s, uint64_t va, uint64_t size, uint64_t perm)
{
	uint64_t at, populate = perm & SPACE_POPULATE;
	int err;

	perm &= ~SPACE_POPULATE;
	if (!space_range_ok(va, size) || !(perm & (PTE_R | PTE_X)) || (perm & ~(PTE_R | PTE_W | PTE_X)))
		return -EINVAL;
	if (pt_next_leaf(s->root, va, va + size, &at))
		return -EEXIST;
	if (!populate)
		return region_add(&s->regions, va, va + size, perm);
	/*
	 * All or nothing: the pages first, the region last, so that a failure
	 * takes back only pages (a region merged with a neighbour could need
	 * memory to be cut out again).
	 */
	if (region_first_in(&s->regions, va, va + size))
		return -EEXIST;
	err = space_populate_range(s, va, va + size, perm);
	if (err == 0)
		err = region_add(&s->regions, va, va + size, perm);
	if (err < 0)
		space_drop_range(s, va, va + size);
	else if (perm & PTE_X)
		space_icache_sync(s);
	return err;
}

int space_unmap(struct space *s, uint64_t va, uint64_t size)
{
	int err;

	if (!space_range_ok(va, size))
		return -EINVAL;
	err = pt_own_range(s->root, va, va + size);	/* the one step that may fail, before any change */
	if (err < 0)
		return err;
	err = region_remove(&s->regions, va, va + size);
	if (err < 0)
		return err;
	space_drop_range(s, va, va + size);
	return 0;
}

/* True if no page and no region lies in [va, va + size). */
static bool space_range_free(struct space *s, uint64_t va, uint64_t size)
{
	uint64_t at;

	return !pt_next_leaf(s->root, va, va + size, &at) && !region_first_in(&s->regions, va, va + size);
}

/* The checks every mapping of a memory object passes: a user range, some access, writable only if allowed. */
static bool space_object_map_ok(uint64_t va, uint64_t size, uint64_t perm, bool may_write)
{
	return space_range_ok(va, size) && (perm & (PTE_R | PTE_X)) && !(perm & ~(PTE_R | PTE_W | PTE_X)) &&
	       (!(perm & PTE_W) || may_write);
}

/*
 * Fills [va, va + size), where nothing is mapped, a table's run of
 * leaves at a time: page i gets the physical page from + i pages
 * (m NULL: PTE_PHYS, no reference, not counted in s->pages), or the
 * frame at offset from + i pages of memory object m (a reference each).
 * 0, or pt_leaf_run's error (-ENOMEM) with nothing left mapped.
 */
static int space_fill(struct space *s, uint64_t va, uint64_t size, const struct memobj *m, uint64_t from,
		      uint64_t perm)
{
	uint64_t done = 0;

	perm |= PTE_U | PTE_V | PTE_A | PTE_D | (m ? 0 : PTE_PHYS);
	while (done < size) {
		pte_t *e;
		int n = pt_leaf_run(s->root, va + done, va + size, &e, &s->tables);

		if (n < 0) {
			space_drop_range(s, va, va + done + PAGE_SIZE);	/* with any table made for nothing */
			return n;
		}
		for (int i = 0; i < n; i++, done += PAGE_SIZE) {
			uint64_t frame = m ? memobj_frame(m, from + done) : from + done;

			if (e[i] & PTE_V)
				panic("space_fill: 0x%lx mapped in a range found free", va + done);
			e[i] = PTE_FROM_PA(frame) | perm;
			if (m) {
				frame_ref(frame);
				s->pages++;
			}
		}
	}
	if (perm & PTE_X)
		space_icache_sync(s);
	return 0;
}

int space_map_phys(struct space *s, uint64_t va, uint64_t pa, uint64_t size, uint64_t perm,
		   bool may_write)
{
	if (!space_object_map_ok(va, size, perm, may_write) || (pa & (PAGE_SIZE - 1)))
		return -EINVAL;
	if (!space_range_free(s, va, size))
		return -EEXIST;
	if (may_write)
		perm |= PTE_MAYWRITE;
	return space_fill(s, va, size, NULL, pa, perm);
}

int space_map_frames(struct space *s, uint64_t va, const struct memobj *m, uint64_t off, uint64_t size,
		     uint64_t perm, bool may_write)
{
	if (!space_object_map_ok(va, size, perm, may_write))
		return -EINVAL;
	if (!space_range_free(s, va, size))
		return -EEXIST;
	return space_fill(s, va, size, m, off, perm);
}

int space_map_object(struct space *s, uint64_t va, struct memobj *m, uint64_t off, uint64_t size, uint64_t perm)
{
	/* Stores go to copies, never to m: writable with any handle. Copies read m through the direct map. */
	if (!space_object_map_ok(va, size, perm, true) || (!memobj_has_frames(m) && !memobj_is_ram(m, 0, m->size)))
		return -EINVAL;
	if (!space_range_free(s, va, size))
		return -EEXIST;
	return region_add_backed(&s->regions, va, va + size, perm, m, off);
}

/*
 * Linux's fault_around_bytes: a program that reads a mapped file reads
 * on, so one fault maps the pages around it too, at the cost of one
 * table walk rather than one fault each.
 */
#define SPACE_FAULT_AROUND (16 * PAGE_SIZE)

/* The physical page of m at `off`, counted as sys_space_map_phys counts (from the page holding m's base). */
static uint64_t space_object_pa(const struct memobj *m, uint64_t off)
{
	if (memobj_has_frames(m))
		return memobj_frame(m, off);
	return (m->base & ~(PAGE_SIZE - 1)) + off;
}

/* Where m's bytes end, counted the same way. */
static uint64_t space_object_end(const struct memobj *m)
{
	return (m->base & (PAGE_SIZE - 1)) + m->size;
}

/* A private copy of r's page at va: m's bytes, zeros past its end. */
static int space_object_copy(struct space *s, const struct region *r, uint64_t va)
{
	uint64_t off = r->off + (va - r->start), end = space_object_end(r->obj), n = end - off, pa;
	uint8_t *d;
	int err;

	if (frame_alloc(&pa) < 0)
		return -ENOMEM;
	d = phys_to_virt(pa);
	n = n < PAGE_SIZE ? n : PAGE_SIZE;
	memcpy(d, phys_to_virt(space_object_pa(r->obj, off)), n);
	memset(d + n, 0, PAGE_SIZE - n);
	err = space_set_page(s, va, pa, r->perm | PTE_U);
	if (err < 0)
		frame_unref(pa);
	return err;
}

/* r's pages in [lo, hi), one table's, that are not mapped yet: m's own, never writable. */
static int space_object_share(struct space *s, const struct region *r, uint64_t lo, uint64_t hi)
{
	uint64_t perm = r->perm | PTE_U | PTE_V | PTE_A | PTE_D;
	bool frames = memobj_has_frames(r->obj);
	pte_t *e;
	int n = pt_leaf_run(s->root, lo, hi, &e, &s->tables);

	if (n < 0)
		return n;
	if (!frames)
		perm |= PTE_PHYS;	/* a physical range's pages hold no references */
	for (int i = 0; i < n; i++) {
		uint64_t pa;

		if (e[i] & PTE_V)
			continue;	/* touched already */
		pa = space_object_pa(r->obj, r->off + (lo - r->start) + (uint64_t)i * PAGE_SIZE);
		e[i] = PTE_FROM_PA(pa) | perm;
		if (frames) {
			frame_ref(pa);
			s->pages++;
		}
	}
	return 0;
}

int space_object_fault(struct space *s, const struct region *r, uint64_t va)
{
	uint64_t lo = va & ~(SPACE_FAULT_AROUND - 1), hi = lo + SPACE_FAULT_AROUND;
	uint64_t whole = r->start + (space_object_end(r->obj) - r->off);	/* m's whole pages end below this */

	if (!(r->perm & (PTE_R | PTE_X)))
		return -EFAULT;
	whole &= ~(PAGE_SIZE - 1);
	if ((r->perm & PTE_W) || va >= whole)
		return space_object_copy(s, r, va);	/* writable, or the page m ends in */
	lo = lo > r->start ? lo : r->start;
	hi = hi < r->end ? hi : r->end;
	hi = hi < whole ? hi : whole;
	return space_object_share(s, r, lo, hi);	/* one table holds the whole aligned window */
}

/* The leaf *e with user permissions `perm` (0: no access), keeping sharing safe. */
static pte_t space_leaf_protect(pte_t e, uint64_t perm)
{
	pte_t base = e & ~(PTE_R | PTE_W | PTE_X | PTE_U);
	/* No access ends a COW mark; on a memory object's page that bit is PTE_MAYWRITE, which stays. */
	pte_t unmark = (e & PTE_PHYS) ? 0 : PTE_COW;

	if (!perm)
		return (base & ~unmark) | PTE_R;	/* not PTE_U: no user access */
	if ((e & PTE_PHYS) && !(e & PTE_MAYWRITE))
		perm &= ~PTE_W;	/* a read-only handle's mapping never becomes writable */
	if (e & PTE_PHYS)
		return base | PTE_U | perm;
	base &= ~PTE_COW;
	if (!(perm & PTE_W))
		return base | PTE_U | perm;
	/* Writable again: a frame others still map must be copied on the first write. */
	if (frame_refcount(PTE_TO_PA(e)) > 1)
		return base | PTE_U | (perm & ~PTE_W) | PTE_COW;
	return base | PTE_U | perm;
}

/*
 * Whether leaf e at va, a physical range's page (never written), goes
 * when the range becomes `perm`: it lies in a region backed by an
 * object, made writable, whose pages are private copies once written
 * (space_object_fault), as Linux's private file mapping made writable.
 */
static bool space_leaf_becomes_copy(const struct space *s, pte_t e, uint64_t va, uint64_t perm)
{
	const struct region *r;

	if (!(perm & PTE_W) || !(e & PTE_PHYS) || (e & PTE_MAYWRITE))
		return false;
	r = region_find(&s->regions, va);
	return r && r->obj;
}

int space_protect(struct space *s, uint64_t va, uint64_t size, uint64_t perm)
{
	uint64_t at;
	int err;

	if (!space_range_ok(va, size) || (perm & ~(PTE_R | PTE_W | PTE_X)))
		return -EINVAL;
	if (perm == PTE_W)
		perm |= PTE_R;	/* Sv39 has no write-only pages */
	err = pt_own_range(s->root, va, va + size);
	if (err == 0)
		err = region_protect(&s->regions, va, va + size, perm);
	if (err < 0)
		return err;
	for (pte_t *e = pt_next_leaf(s->root, va, va + size, &at); e;
	     e = pt_next_leaf_after(s->root, e, va + size, &at)) {
		if (space_leaf_becomes_copy(s, *e, at, perm))
			*e = 0;	/* its next touch copies it; a physical page holds no reference */
		else
			*e = space_leaf_protect(*e, perm);
		space_flush_local(at);
	}
	if (s->live & ~hart_self()->bit)
		space_flush_harts(s->live & ~hart_self()->bit, va, size);
	if (perm & PTE_X)
		space_icache_sync(s);	/* what the program wrote there may be run now */
	return 0;
}

/* Moves every leaf of [from, from + size) to the same offset at to, a range without leaves. */
static int space_move_leaves(struct space *s, uint64_t from, uint64_t to, uint64_t size)
{
	uint64_t at;

	for (pte_t *e = pt_next_leaf(s->root, from, from + size, &at); e;
	     e = pt_next_leaf_after(s->root, e, from + size, &at)) {
		/* The leaf's own bits go along: COW marks, no-access protection, A and D. */
		int err = pt_map_page(s->root, to + (at - from), PTE_TO_PA(*e), *e & PTE_FLAG_MASK & ~PTE_V,
				      &s->tables);

		if (err < 0)
			return err;
		*e = 0;
		space_flush(s, at);	/* a move is rare: each page as it goes */
	}
	return 0;
}

/*
 * Takes the leaves of a move that failed back where they were (their
 * tables are still there) and frees the tables made for them.
 */
static void space_move_back(struct space *s, uint64_t from, uint64_t to, uint64_t size)
{
	int err = space_move_leaves(s, to, from, size);

	if (err < 0)
		panic("space_remap: moving pages back to tables they left failed (%d)", err);
	s->tables -= pt_prune(s->root, to, to + size);
}

/*
 * The regions of a move at `to`: the moved range's, with its backing
 * (obj from byte off, or zero-fill), and zero-fill for what it grows by.
 * All or nothing: [to, to + new_size) was free, so taking the first back
 * out trims or frees a region and never needs a split.
 */
static int space_move_regions(struct space *s, uint64_t to, uint64_t size, uint64_t new_size, uint64_t perm,
			      struct memobj *obj, uint64_t off)
{
	int err = region_add_backed(&s->regions, to, to + size, perm, obj, off);

	if (err < 0 || new_size == size)
		return err;
	err = region_add(&s->regions, to + size, to + new_size, perm);
	if (err < 0)
		(void)region_remove(&s->regions, to, to + size);
	return err;
}

/*
 * The move of space_remap: leaves first (undone on failure), then the
 * regions. r holds [from, from + size); its object, if any, is held here
 * too, since taking the range out of r may drop r's reference.
 */
static int space_move(struct space *s, uint64_t from, uint64_t size, uint64_t to, uint64_t new_size,
		      const struct region *r)
{
	uint64_t perm = r->perm, off = r->off + (from - r->start);
	struct memobj *obj = r->obj;
	int err = pt_own_range(s->root, from, from + size);	/* the leaves leave their tables */

	if (err < 0)
		return err;
	if (obj)
		kobj_get(&obj->obj);
	err = space_move_leaves(s, from, to, size);
	if (err == 0)
		err = region_remove(&s->regions, from, from + size);	/* -ENOMEM only to split a region */
	if (err < 0) {
		space_move_back(s, from, to, size);
		goto out;
	}
	err = space_move_regions(s, to, size, new_size, perm, obj, off);
	if (err < 0) {
		/*
		 * Re-adding what was just removed merges with what the removal
		 * left, or takes the region it freed: it needs no new memory.
		 */
		if (region_add_backed(&s->regions, from, from + size, perm, obj, off) < 0)
			panic("space_remap: the region just removed cannot be put back");
		space_move_back(s, from, to, size);
		goto out;
	}
	s->tables -= pt_prune(s->root, from, from + size);
	space_flush_all(s);
out:
	if (obj)
		kobj_put(&obj->obj);
	return err;
}

/* More of a region where it ends: zero-fill, with its permissions, none included. */
static int space_grow(struct space *s, uint64_t va, uint64_t size, uint64_t perm)
{
	int err;

	if (perm)
		return space_map(s, va, size, perm);
	err = space_map(s, va, size, PTE_R);
	if (err == 0)
		err = space_protect(s, va, size, 0);
	if (err < 0 && err != -EEXIST)
		space_unmap(s, va, size);	/* what the failed protection left, if anything */
	return err;
}

int space_remap(struct space *s, uint64_t from, uint64_t size, uint64_t to, uint64_t new_size)
{
	const struct region *r;

	if (!space_range_ok(from, size) || !space_range_ok(to, new_size) || new_size < size)
		return -EINVAL;
	r = region_find(&s->regions, from);
	if (!r || r->end < from + size)
		return -EFAULT;
	if (to == from)	/* grown where it is */
		return new_size == size ? 0 : space_grow(s, from + size, new_size - size, r->perm);
	if (to < from + size && from < to + new_size)
		return -EINVAL;
	if (!space_range_free(s, to, new_size))
		return -EEXIST;
	return space_move(s, from, size, to, new_size, r);
}
