/*
 * Hands RAM to the frame allocator at boot: everything in the device
 * tree's memory nodes except what firmware, the kernel image, the device
 * tree blob, the initrd and the tree's reserved regions occupy.
 */
#ifndef KAGE_KERNEL_BOOTMEM_H
#define KAGE_KERNEL_BOOTMEM_H

#include <stdint.h>
#include "kernel/memmap.h"
#include "lib/platform.h"

#define BOOTMEM_MAX_RESERVED (PLATFORM_MAX_RESERVED + 4)

struct bootmem {
	/* RAM the kernel manages: page-aligned, below the direct map's end. */
	struct memrange ram[PLATFORM_MAX_MEM];
	unsigned nram;
	struct memrange reserved[BOOTMEM_MAX_RESERVED];
	const char *reserved_why[BOOTMEM_MAX_RESERVED];
	unsigned nreserved;
};

/* Fills the frame allocator; panics only if no RAM at all can be managed. */
void bootmem_init(struct bootmem *bm, const struct platform *p, uint64_t load_pa,
		  uint64_t dtb_pa, uint64_t dtb_size);

#endif
