/*
 * Region sets: the address ranges a space may use, each with its
 * permissions, kept sorted and disjoint. Pure bookkeeping (no page
 * tables), so it is tested on the host; kernel/space.c fills pages in.
 */
#ifndef KAGE_KERNEL_REGION_H
#define KAGE_KERNEL_REGION_H

#include <stdint.h>

#define REGION_MAX 64

struct region {
	uint64_t start, end;	/* page-aligned, end exclusive */
	uint64_t perm;		/* PTE_R | PTE_W | PTE_X */
};

struct region_set {
	struct region r[REGION_MAX];
	unsigned n;
};

/* The region containing va, or NULL. */
const struct region *region_find(const struct region_set *rs, uint64_t va);
/* Adds [start, end): 0, -EINVAL (empty or reversed), -EEXIST (overlap), -ENOMEM (full). */
int region_add(struct region_set *rs, uint64_t start, uint64_t end, uint64_t perm);
/*
 * Takes [start, end) out of every region, trimming or splitting them:
 * 0, -EINVAL, or -ENOMEM when a split needs a slot the set does not have
 * (then nothing changed).
 */
int region_remove(struct region_set *rs, uint64_t start, uint64_t end);

/*
 * Gives every part of [start, end) that lies in a region the permissions
 * `perm`, splitting regions at the ends: 0, -EINVAL, or -ENOMEM when a
 * split finds the set full (regions split so far keep their old
 * permissions, which changes nothing).
 */
int region_protect(struct region_set *rs, uint64_t start, uint64_t end, uint64_t perm);

#endif
