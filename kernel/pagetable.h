/*
 * Sv39 page-table walking and editing, shared by the kernel's own map and
 * by user address spaces (kernel/space.c). Page-table pages are frames from the
 * frame allocator, reached through the direct map; a table page is owned
 * by the table above it.
 */
#ifndef KAGE_KERNEL_PAGETABLE_H
#define KAGE_KERNEL_PAGETABLE_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/memlayout.h"
#include "kernel/riscv.h"

/* Allocates a zeroed page-table page: 0 and *pa, or -ENOMEM. */
int pt_alloc_table(uint64_t *pa);
/*
 * Maps [va, va + size) to [pa, pa + size) with PTE permission bits `perm`.
 * With `large`, uses 2 MiB and 1 GiB leaves where alignment allows.
 * Fails with -EEXIST if a page is already mapped, -ENOMEM, -EINVAL.
 */
int pt_map(pte_t *root, uint64_t va, uint64_t pa, uint64_t size, uint64_t perm, bool large);
/* Maps one 4 KiB page as pt_map does, adding the tables it had to make to *tables; its table is owned first. */
int pt_map_page(pte_t *root, uint64_t va, uint64_t pa, uint64_t perm, uint64_t *tables);
/*
 * For filling a run of 4 KiB leaves with one walk: the level-0 table for
 * va, made (its tables counted in *tables) and owned as pt_map_page
 * does; *first is va's entry, and the count returned (at least 1) is
 * how many entries from it lie before end within that table. Or
 * -EINVAL, -ENOMEM, -EEXIST (a large page on the way).
 */
int pt_leaf_run(pte_t *root, uint64_t va, uint64_t end, pte_t **first, uint64_t *tables);
/* The leaf entry mapping va and its page size, or NULL. */
pte_t *pt_lookup(pte_t *root, uint64_t va, uint64_t *page_size);
/*
 * pt_lookup for a user space, inline for the copy loops: va's valid
 * 4 KiB leaf, or NULL (nothing there, or a larger leaf on the way, which
 * pt_lookup finds). Three loads, no loop.
 */
static inline pte_t *pt_lookup_page(pte_t *root, uint64_t va)
{
	const uint64_t leaf_or_invalid = PTE_V | PTE_R | PTE_W | PTE_X;
	pte_t e = root[(va >> (PAGE_SHIFT + 18)) & (PT_ENTRIES - 1)];
	pte_t *t;

	if ((e & leaf_or_invalid) != PTE_V)
		return (pte_t *)0;
	t = phys_to_virt(PTE_TO_PA(e));
	e = t[(va >> (PAGE_SHIFT + 9)) & (PT_ENTRIES - 1)];
	if ((e & leaf_or_invalid) != PTE_V)
		return (pte_t *)0;
	t = (pte_t *)phys_to_virt(PTE_TO_PA(e)) + ((va >> PAGE_SHIFT) & (PT_ENTRIES - 1));
	return (*t & PTE_V) ? t : (pte_t *)0;
}
/*
 * The first leaf mapping an address in [va, end), with the address its
 * page starts at in *at, or NULL. Invalid entries are skipped a table
 * at a time, so a walk over a range costs what the tables in it hold,
 * never what the range spans: a few pages in 256 GiB are a few
 * thousand instructions. The range lies in one half of the address
 * space (Sv39 addresses between the halves alias others).
 */
pte_t *pt_next_leaf(pte_t *root, uint64_t va, uint64_t end, uint64_t *at);
/*
 * The leaf after e, a 4 KiB leaf at *at, in a walk of [.., end): the
 * next entry of e's table when it maps the next page, which is the
 * common case a walk over a mapping meets (a tenth of pt_next_leaf's
 * cost); otherwise pt_next_leaf's answer. Only for tables of 4 KiB
 * leaves (every user space's).
 */
static inline pte_t *pt_next_leaf_after(pte_t *root, pte_t *e, uint64_t end, uint64_t *at)
{
	uint64_t next = *at + PAGE_SIZE;

	if (next < end && (next & (PT_ENTRIES * PAGE_SIZE - 1)) && (e[1] & PTE_V)) {
		*at = next;
		return e + 1;
	}
	return next < end ? pt_next_leaf(root, next, end, at) : (pte_t *)0;
}
/*
 * Frees the level-0 and level-1 tables covering [va, end) that map
 * nothing any more (after an unmap): how many went; if any did, the
 * caller must flush the TLB. Never call it on the kernel half.
 */
unsigned pt_prune(pte_t *root, uint64_t va, uint64_t end);
/*
 * Level-0 tables shared between user spaces (a fork shares them rather
 * than copying their leaves; kernel/space.c). A table page's frame
 * reference count is the number of level-1 entries that point at it, so
 * a count above one means another space maps the same leaves; every
 * leaf in a shared table is read-only or copy-on-write (but for pages of
 * physical-range memory objects, PTE_PHYS, which are shared on purpose
 * and hold no reference), and a frame mapped there holds one reference
 * for the table, not one per space.
 * Before a space changes a leaf, the table becomes its own:
 *
 * A level-1 entry may carry PTE_LEAVES_RO: every leaf of its table is
 * read-only or copy-on-write already, so the next fork need not look at
 * them. Every path that may make a leaf writable clears it first (the
 * owning calls below, and pt_map_page).
 *
 * pt_own: the table under level-1 entry *l1 of the tables at root copied
 * for this entry alone if shared (each mapped frame gains a reference for
 * the copy): 1 if it copied (and flushed root's walks, pt_flush_walks), 0
 * if it was its own, -ENOMEM.
 */
int pt_own(pte_t *root, pte_t *l1);
#define PTE_LEAVES_RO PTE_COW	/* a software bit, on a non-leaf level-1 entry */
/*
 * Forgets every cached translation and walk of the tables at root, here
 * and on each hart whose satp holds them, as a table of theirs was
 * unshared (sfence.vma; kernel/space_harts.c, a stub in the host tests).
 */
void pt_flush_walks(const pte_t *root);
/*
 * pt_own of every level-0 table with a leaf in [va, end), and
 * PTE_LEAVES_RO off for every table there: 0, or -ENOMEM (some may be
 * owned already).
 */
int pt_own_range(pte_t *root, uint64_t va, uint64_t end);
/* pt_lookup of a leaf about to be changed: its table owned first (*err -ENOMEM and NULL if that failed). */
pte_t *pt_lookup_own(pte_t *root, uint64_t va, int *err);
/*
 * The two halves of pt_lookup_own, for a caller that decides from the
 * leaf whether it will change it (a fault): pt_lookup_leaf is pt_lookup
 * that also gives the level-1 entry above the leaf's table (NULL for a
 * large leaf); pt_own_leaf owns that table and gives the leaf's entry
 * in it, as pt_lookup_own does.
 */
pte_t *pt_lookup_leaf(pte_t *root, uint64_t va, pte_t **l1);
pte_t *pt_own_leaf(pte_t *root, pte_t *l1, uint64_t va, int *err);
/* Ensures the level-1 table under root entry `index` exists (shared kernel tables). */
int pt_ensure_l1(pte_t *root, unsigned index);

#endif
