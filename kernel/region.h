/*
 * Region sets: the address ranges a space may use, each with its
 * permissions, kept sorted and disjoint in a balanced tree (kernel/avl.h)
 * of regions from kzalloc. Pure bookkeeping (no page tables), so it is
 * tested on the host; kernel/space.c and kernel/srvmem.c fill pages in.
 * A region's pages come on first touch: zeroed frames, or the frames of
 * the memory object it is backed by (a file mapped with mmap).
 *
 * Ownership: a set owns its regions; region_set_clear gives them back.
 * A region backed by an object holds one reference on it, dropped with
 * the region; a split gives each part its own.
 * Invariants: regions are page-aligned, non-empty and disjoint; two
 * regions that touch differ in permissions or backing (adding or
 * protecting merges them otherwise: a backed region merges only with
 * the same object's next pages), so a set never holds more regions than
 * it must. Only memory bounds their number; a search is O(log n). A call
 * that fails changes nothing: what a split needs is taken first.
 */
#ifndef KAGE_KERNEL_REGION_H
#define KAGE_KERNEL_REGION_H

#include <stdint.h>
#include "kernel/avl.h"
#include "kernel/memobj.h"

struct region {
	struct avl_node node;	/* in its set's tree, by address */
	uint64_t start, end;	/* page-aligned, end exclusive */
	uint64_t perm;		/* PTE_R | PTE_W | PTE_X */
	struct memobj *obj;	/* NULL: zero-fill; else its pages, from page `off` on, back the region */
	uint64_t off;		/* page-aligned, the object's byte at `start` (with obj only) */
};

struct region_set {
	struct avl_tree tree;
	uint64_t n;		/* regions in the set */
	uint64_t max;		/* regions it may hold (0: only memory bounds it) */
};

/*
 * What a space's set may hold: Linux's vm.max_map_count default, so a
 * program gets ENOMEM from mmap, mprotect or munmap where Linux's would.
 */
#define REGION_SPACE_MAX 65530

/* The region containing va, or NULL. */
const struct region *region_find(const struct region_set *rs, uint64_t va);
/* The first region with a byte in [start, end), or NULL. */
const struct region *region_first_in(const struct region_set *rs, uint64_t start, uint64_t end);
/*
 * Adds [start, end), merged with a neighbour it touches that has the
 * same permissions: 0, -EINVAL (empty or reversed), -EEXIST (overlap),
 * -ENOMEM (no memory for a region, or the set holds rs->max already).
 */
int region_add(struct region_set *rs, uint64_t start, uint64_t end, uint64_t perm);
/*
 * region_add of a range backed by obj's pages from byte `off` (page-
 * aligned; the caller checked that they exist): the region takes its
 * own reference on obj. The same errors.
 */
int region_add_backed(struct region_set *rs, uint64_t start, uint64_t end, uint64_t perm, struct memobj *obj,
		      uint64_t off);
/*
 * Takes [start, end) out of every region, trimming or splitting them:
 * 0, -EINVAL, or -ENOMEM when a split finds no memory or the set is at
 * rs->max (nothing changed).
 */
int region_remove(struct region_set *rs, uint64_t start, uint64_t end);
/*
 * Gives every part of [start, end) that lies in a region the permissions
 * `perm`, splitting regions at the ends and merging what then touches
 * with equal permissions: 0, -EINVAL, or -ENOMEM (no memory for a split,
 * or the splits would pass rs->max: nothing changed).
 */
int region_protect(struct region_set *rs, uint64_t start, uint64_t end, uint64_t perm);
/* Makes the empty set dst a copy of src: 0, or -ENOMEM with dst left empty. */
int region_set_clone(struct region_set *dst, const struct region_set *src);
/* Frees every region: the set is empty again. */
void region_set_clear(struct region_set *rs);
/* Regions in every set (sys_stats: leak checks). */
uint64_t region_count(void);

#endif
