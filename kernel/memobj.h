/*
 * Memory objects: a physical range that is not the frame allocator's —
 * device registers, the initramfs, a boot module — which a task holding
 * a handle may map into a space (space_map_phys). The handle's rights
 * decide how: READ maps read-only, WRITE allows writable mappings.
 * Ownership: the range itself belongs to the machine; mappings of it hold
 * no frame references (PTE_PHYS marks them). Reference count (kobj):
 * handles naming it.
 */
#ifndef KAGE_KERNEL_MEMOBJ_H
#define KAGE_KERNEL_MEMOBJ_H

#include <stdint.h>
#include "kernel/kobj.h"

struct memobj {
	struct kobj obj;
	uint64_t base, size;	/* exact, not rounded to pages */
};

/* A new object for [base, base + size) with one reference: 0 or -ENOMEM/-EINVAL. */
int memobj_create(uint64_t base, uint64_t size, struct memobj **out);

#endif
