#include "kernel/pagetable.h"
#include "kernel/frame.h"
#include "kernel/memlayout.h"
#include "lib/errno.h"
#include "lib/string.h"

#define PT_LEVELS 3

static unsigned pt_index(uint64_t va, int level)
{
	return (va >> (PAGE_SHIFT + 9 * level)) & (PT_ENTRIES - 1);
}

static uint64_t pt_level_size(int level)
{
	return 1ul << (PAGE_SHIFT + 9 * level);
}

static pte_t *pt_table(pte_t pte)
{
	return phys_to_virt(PTE_TO_PA(pte));
}

int pt_alloc_table(uint64_t *pa)
{
	int err = frame_alloc(pa);

	if (err < 0)
		return err;
	memset(phys_to_virt(*pa), 0, PAGE_SIZE);
	return 0;
}

/* pt_own without the flush: 1 if it copied, 0 if the table was its own, -ENOMEM. */
static int pt_unshare(pte_t *l1)
{
	const pte_t *from = pt_table(*l1);
	uint64_t pa;
	pte_t *to;

	if (!frame_shared(PTE_TO_PA(*l1)))
		return 0;
	if (frame_alloc(&pa) < 0)
		return -ENOMEM;
	to = phys_to_virt(pa);
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		pte_t e = from[i];

		to[i] = e;
		if ((e & (PTE_V | PTE_PHYS)) == PTE_V)
			frame_ref(PTE_TO_PA(e));	/* now mapped by two tables */
	}
	frame_unref(PTE_TO_PA(*l1));	/* not the last: another space still has it */
	*l1 = PTE_FROM_PA(pa) | PTE_V;
	return 1;
}

int pt_own(pte_t *root, pte_t *l1)
{
	int r = pt_unshare(l1);

	if (r > 0)
		pt_flush_walks(root);	/* no cached walk may still go through the shared table */
	return r;
}

/* Whether level-0 table t, for the 2 MiB at mb, is shared and has a valid entry in [va, end). */
static bool pt_shared_with_leaf(const pte_t *t, uint64_t mb, uint64_t va, uint64_t end)
{
	uint64_t from = va > mb ? va : mb, to = end < mb + pt_level_size(1) ? end : mb + pt_level_size(1);

	if (!frame_shared(virt_to_phys(t)))
		return false;	/* its own already: nothing to do */
	for (unsigned i = pt_index(from, 0); i <= pt_index(to - 1, 0); i++)
		if (t[i] & PTE_V)
			return true;
	return false;
}

/* A step of pt_each_l1, on the level-1 entry e1 for the 2 MiB at mb, in a walk of [va, end). */
typedef long (*pt_l1_fn)(pte_t *e1, uint64_t mb, uint64_t va, uint64_t end);

/*
 * Calls fn for each level-1 entry that points at a table in [va, end),
 * and then done(e2), if given, for each level-2 entry on the way; stops
 * at fn's first negative answer and returns it, or else the sum of the
 * answers. Inline, so that each caller's steps are direct calls: unmap
 * and protect take this walk.
 */
static inline __attribute__((always_inline)) long pt_each_l1(pte_t *root, uint64_t va, uint64_t end, pt_l1_fn fn,
							     long (*done)(pte_t *e2))
{
	uint64_t gb, mb, gsize = pt_level_size(2), msize = pt_level_size(1);
	long sum = 0, r;

	for (gb = va & ~(gsize - 1); gb < end; gb += gsize) {
		pte_t *e2 = &root[pt_index(gb, 2)];

		if (!(*e2 & PTE_V) || PTE_LEAF(*e2))
			continue;
		for (mb = gb > (va & ~(msize - 1)) ? gb : va & ~(msize - 1); mb < end && mb < gb + gsize; mb += msize) {
			pte_t *e1 = &pt_table(*e2)[pt_index(mb, 1)];

			if (!(*e1 & PTE_V) || PTE_LEAF(*e1))
				continue;
			r = fn(e1, mb, va, end);
			if (r < 0)
				return r;
			sum += r;
		}
		if (done)
			sum += done(e2);
	}
	return sum;
}

/*
 * pt_own_range's step: the table under e1 made this space's own if it is
 * shared and has a leaf in [va, end); 1 if it was copied. The walks are
 * flushed once, after the range.
 */
static long pt_own_if_used(pte_t *e1, uint64_t mb, uint64_t va, uint64_t end)
{
	*e1 &= ~PTE_LEAVES_RO;
	if (!pt_shared_with_leaf(pt_table(*e1), mb, va, end))
		return 0;
	return pt_unshare(e1) < 0 ? -ENOMEM : 1;
}

int pt_own_range(pte_t *root, uint64_t va, uint64_t end)
{
	long copied = pt_each_l1(root, va, end, pt_own_if_used, NULL);

	if (copied != 0)
		pt_flush_walks(root);	/* after a failure too: the tables copied before it */
	return copied < 0 ? -ENOMEM : 0;
}

/*
 * The table at `level` for va, creating intermediate tables on the way
 * (counted in *made); with `own`, a level-0 table another space shares
 * becomes this one's own first (a user space's tables, pt_own).
 */
static int pt_descend(pte_t *root, uint64_t va, int level, pte_t **table, uint64_t *made, bool own)
{
	pte_t *t = root;
	int l;

	for (l = PT_LEVELS - 1; l > level; l--) {
		pte_t *e = &t[pt_index(va, l)];

		if (own && l == 1 && (*e & PTE_V) && !PTE_LEAF(*e)) {
			*e &= ~PTE_LEAVES_RO;
			if (pt_own(root, e) < 0)
				return -ENOMEM;
		}
		if (!(*e & PTE_V)) {
			uint64_t pa;
			int err = pt_alloc_table(&pa);

			if (err < 0)
				return err;
			*e = PTE_FROM_PA(pa) | PTE_V;
			(*made)++;
		} else if (PTE_LEAF(*e)) {
			return -EEXIST;
		}
		t = pt_table(*e);
	}
	*table = t;
	return 0;
}

static int pt_leaf_level(uint64_t va, uint64_t pa, uint64_t left, bool large)
{
	int level;

	for (level = large ? PT_LEVELS - 1 : 0; level > 0; level--) {
		uint64_t sz = pt_level_size(level);

		if (((va | pa) & (sz - 1)) == 0 && left >= sz)
			break;
	}
	return level;
}

/* pt_map, counting the tables it makes in *made. */
static int pt_map_counted(pte_t *root, uint64_t va, uint64_t pa, uint64_t size, uint64_t perm, bool large,
			  uint64_t *made)
{
	if ((va | pa | size) & (PAGE_SIZE - 1) || !(perm & (PTE_R | PTE_X)))
		return -EINVAL;
	while (size) {
		int level = pt_leaf_level(va, pa, size, large);
		pte_t *t, *e;
		int err = pt_descend(root, va, level, &t, made, false);

		if (err < 0)
			return err;
		e = &t[pt_index(va, level)];
		if (*e & PTE_V)
			return -EEXIST;
		*e = PTE_FROM_PA(pa) | perm | PTE_V | PTE_A | PTE_D;
		va += pt_level_size(level);
		pa += pt_level_size(level);
		size -= pt_level_size(level);
	}
	return 0;
}

int pt_map(pte_t *root, uint64_t va, uint64_t pa, uint64_t size, uint64_t perm, bool large)
{
	uint64_t made = 0;

	return pt_map_counted(root, va, pa, size, perm, large, &made);
}

/* One 4 KiB leaf: a space's every page goes through here (demand faults), so no size loop. */
int pt_map_page(pte_t *root, uint64_t va, uint64_t pa, uint64_t perm, uint64_t *tables)
{
	pte_t *t, *e;
	int err;

	if ((va | pa) & (PAGE_SIZE - 1) || !(perm & (PTE_R | PTE_X)))
		return -EINVAL;
	err = pt_descend(root, va, 0, &t, tables, true);
	if (err < 0)
		return err;
	e = &t[pt_index(va, 0)];
	if (*e & PTE_V)
		return -EEXIST;
	*e = PTE_FROM_PA(pa) | perm | PTE_V | PTE_A | PTE_D;
	return 0;
}

int pt_leaf_run(pte_t *root, uint64_t va, uint64_t end, pte_t **first, uint64_t *tables)
{
	uint64_t table_end = (va | (pt_level_size(1) - 1)) + 1;
	pte_t *t;
	int err;

	if ((va & (PAGE_SIZE - 1)) || end <= va)
		return -EINVAL;
	err = pt_descend(root, va, 0, &t, tables, true);
	if (err < 0)
		return err;
	*first = &t[pt_index(va, 0)];
	return (int)(((end < table_end ? end : table_end) - va + PAGE_SIZE - 1) / PAGE_SIZE);
}

/* The valid level-1 entry on va's way, or NULL. */
static pte_t *pt_lookup_l1(pte_t *root, uint64_t va)
{
	pte_t *e2 = &root[pt_index(va, 2)], *e1;

	if (!(*e2 & PTE_V) || PTE_LEAF(*e2))
		return NULL;
	e1 = &pt_table(*e2)[pt_index(va, 1)];
	return (*e1 & PTE_V) ? e1 : NULL;
}

pte_t *pt_lookup(pte_t *root, uint64_t va, uint64_t *page_size)
{
	pte_t *t = root;
	int l;

	for (l = PT_LEVELS - 1; l >= 0; l--) {
		pte_t *e = &t[pt_index(va, l)];

		if (!(*e & PTE_V))
			return 0;
		if (PTE_LEAF(*e)) {
			if (page_size)
				*page_size = pt_level_size(l);
			return e;
		}
		t = pt_table(*e);
	}
	return 0;
}

pte_t *pt_lookup_leaf(pte_t *root, uint64_t va, pte_t **l1)
{
	pte_t *e1 = pt_lookup_l1(root, va), *e0;

	*l1 = NULL;
	if (!e1 || PTE_LEAF(*e1))
		return e1;
	*l1 = e1;
	e0 = &pt_table(*e1)[pt_index(va, 0)];
	return (*e0 & PTE_V) ? e0 : NULL;
}

/* pt_own_leaf, inline for pt_lookup_own (every kernel write into user memory). */
static inline pte_t *pt_own_entry(pte_t *root, pte_t *l1, uint64_t va, int *err)
{
	pte_t *e0;

	*err = 0;
	*l1 &= ~PTE_LEAVES_RO;
	/* The table is nearly always this space's own already: asked inline before pt_own's call. */
	if (frame_shared(PTE_TO_PA(*l1)) && pt_own(root, l1) < 0) {
		*err = -ENOMEM;
		return NULL;
	}
	e0 = &pt_table(*l1)[pt_index(va, 0)];
	return (*e0 & PTE_V) ? e0 : NULL;
}

pte_t *pt_lookup_own(pte_t *root, uint64_t va, int *err)
{
	pte_t *e1 = pt_lookup_l1(root, va);

	*err = 0;
	if (!e1 || PTE_LEAF(*e1))
		return e1;
	return pt_own_entry(root, e1, va, err);
}

pte_t *pt_own_leaf(pte_t *root, pte_t *l1, uint64_t va, int *err)
{
	return pt_own_entry(root, l1, va, err);
}

pte_t *pt_next_leaf(pte_t *root, uint64_t va, uint64_t end, uint64_t *at)
{
	while (va < end) {
		pte_t *t = root;
		int l = PT_LEVELS - 1;
		unsigned i = pt_index(va, l);
		uint64_t size;

		/* Down to the first invalid entry on va's way, or its leaf. */
		while (t[i] & PTE_V) {
			if (PTE_LEAF(t[i])) {
				*at = va & ~(pt_level_size(l) - 1);
				return &t[i];
			}
			t = pt_table(t[i]);
			i = pt_index(va, --l);
		}
		/* Past that entry and the invalid ones after it in the same table, in one go. */
		size = pt_level_size(l);
		va &= ~(size - 1);
		do {
			if (va + size < va)
				return NULL;	/* the end of the address space */
			va += size;
		} while (++i < PT_ENTRIES && !(t[i] & PTE_V) && va < end);
	}
	return NULL;
}

int pt_ensure_l1(pte_t *root, unsigned index)
{
	uint64_t pa;
	int err;

	if (root[index] & PTE_V)
		return 0;
	err = pt_alloc_table(&pa);
	if (err < 0)
		return err;
	root[index] = PTE_FROM_PA(pa) | PTE_V;
	return 0;
}

/* Eight entries per test: an emptied table is read whole, and this halves the work. */
static bool pt_empty(const pte_t *t)
{
	for (unsigned i = 0; i < PT_ENTRIES; i += 8) {
		pte_t any = t[i] | t[i + 1] | t[i + 2] | t[i + 3] | t[i + 4] | t[i + 5] | t[i + 6] | t[i + 7];

		if (any & PTE_V)
			return false;
	}
	return true;
}

/* Frees the table under *e if nothing in it is valid: 1 if it did, else 0. */
static long pt_free_if_empty(pte_t *e)
{
	if (!(*e & PTE_V) || PTE_LEAF(*e) || !pt_empty(pt_table(*e)))
		return 0;
	frame_unref(PTE_TO_PA(*e));
	*e = 0;
	return 1;
}

/* pt_prune's step for a level-1 entry. */
static long pt_prune_l1(pte_t *e1, uint64_t mb, uint64_t va, uint64_t end)
{
	(void)mb;
	(void)va;
	(void)end;
	return pt_free_if_empty(e1);
}

unsigned pt_prune(pte_t *root, uint64_t va, uint64_t end)
{
	return (unsigned)pt_each_l1(root, va, end, pt_prune_l1, pt_free_if_empty);
}
