/*
 * Reading a space's mappings out as ranges (space_ranges: the kernel's
 * part of /proc/N/maps). Nothing changes here: the space's two records
 * of what it maps are read side by side, one piece at a time.
 *
 * Invariants it relies on: inside a region every leaf has the region's
 * permissions (space_map, space_protect and the faults keep them so), so
 * a region is one piece and its leaves are never looked at; a leaf
 * outside every region is a page mapped as it is (a memory object's, a
 * boot module's segment), one piece with the access the program has to
 * it (a copy-on-write page is writable); a page table is freed with its
 * last leaf, so pt_next_leaf, which skips what is empty, finds the next
 * piece within a few tables' entries.
 *
 * Pieces that touch with the same access (and the same sharing) join, as
 * Linux merges its VMAs. Each piece is one step of a fixed budget
 * (KAGE_RANGES_STEPS), so no call's work grows with what its caller
 * chooses: a walk cut by the budget ends its last range there, and the
 * next call, from that end, goes on with a range the caller joins to it.
 */
#include "kernel/frame.h"
#include "kernel/memlayout.h"
#include "kernel/pagetable.h"
#include "kernel/space.h"

_Static_assert(KAGE_PROT_READ == PTE_R && KAGE_PROT_WRITE == PTE_W && KAGE_PROT_EXEC == PTE_X,
	       "ranges report the PTE bits as protections");

/* A walk: the range being built, what was handed out, and the budget spent. */
struct space_walk {
	struct kage_range cur;		/* cur.end == 0: none yet */
	uint64_t done;			/* ranges handed to emit */
	unsigned steps;
	int (*emit)(void *ctx, const struct kage_range *r);
	void *ctx;
};

/* The access a program has to the page of leaf e: 0 for a page protected to no access. */
static uint32_t space_leaf_prot(pte_t e)
{
	uint32_t prot = (uint32_t)(e & (PTE_R | PTE_W | PTE_X));

	if (!(e & PTE_U))
		return 0;
	if (!(e & PTE_PHYS) && (e & PTE_COW))
		prot |= PTE_W;	/* its first store copies the page: writable as far as the program knows */
	return prot;
}

/*
 * A leaf outside every region: a page mapped directly, shared when its
 * stores reach memory others see (a device's, or a frame another mapping
 * holds: a writable mapping of a memory object; a copy-on-write page has
 * no PTE_W).
 */
static uint32_t space_leaf_kind(pte_t e)
{
	uint32_t kind = KAGE_RANGE_DIRECT;

	if ((e & PTE_W) && (e & PTE_U) && ((e & PTE_PHYS) || frame_refcount(PTE_TO_PA(e)) > 1))
		kind |= KAGE_RANGE_SHARED;
	return kind;
}

/* Hands the range built so far to emit: 0, or emit's error. */
static int space_walk_flush(struct space_walk *w)
{
	int err;

	if (!w->cur.end)
		return 0;
	err = w->emit(w->ctx, &w->cur);
	if (err < 0)
		return err;
	w->done++;
	w->cur.end = 0;
	return 0;
}

/* Adds one piece: joined to the range being built, or starting the next one. */
static int space_walk_add(struct space_walk *w, uint64_t start, uint64_t end, uint32_t prot, uint32_t kind)
{
	struct kage_range *c = &w->cur;
	int err;

	w->steps++;
	if (c->end == start && c->prot == prot && (c->kind & KAGE_RANGE_SHARED) == (kind & KAGE_RANGE_SHARED)) {
		c->end = end;
		c->kind |= kind;
		return 0;
	}
	err = space_walk_flush(w);
	*c = (struct kage_range){ .start = start, .end = end, .prot = prot, .kind = kind };
	return err;
}

/*
 * The next piece at or after *va: the first leaf before the next region
 * that starts after *va, or that region (from *va if it holds it). 0 and
 * *va past it, 1 when nothing is left, or emit's error.
 */
static int space_walk_step(const struct space *s, struct space_walk *w, uint64_t *va)
{
	const struct region *r = region_first_in(&s->regions, *va, USER_TOP);
	uint64_t gap_end = USER_TOP, at;
	uint32_t kind;
	pte_t *e = NULL;

	if (r)
		gap_end = r->start > *va ? r->start : *va;	/* *va inside r: no gap before it */
	if (*va < gap_end)
		e = pt_next_leaf(s->root, *va, gap_end, &at);
	if (e) {
		*va = at + PAGE_SIZE;
		return space_walk_add(w, at, *va, space_leaf_prot(*e), space_leaf_kind(*e));
	}
	if (!r)
		return 1;
	at = r->start > *va ? r->start : *va;
	*va = r->end;
	kind = KAGE_RANGE_ZERO_FILL;
	if (r->obj)
		kind = KAGE_RANGE_OBJECT;
	return space_walk_add(w, at, r->end, (uint32_t)r->perm, kind);
}

int64_t space_ranges(const struct space *s, uint64_t from, uint64_t max,
		     int (*emit)(void *ctx, const struct kage_range *r), void *ctx)
{
	struct space_walk w = { .emit = emit, .ctx = ctx };
	uint64_t va = from & ~(uint64_t)(PAGE_SIZE - 1);
	int err = 0;

	/* A range still being built when max are out is left for the next call, which starts there. */
	while (va < USER_TOP && w.done < max && w.steps < KAGE_RANGES_STEPS && err == 0)
		err = space_walk_step(s, &w, &va);
	if (err >= 0 && w.done < max)
		err = space_walk_flush(&w);
	return err < 0 ? err : (int64_t)w.done;
}
