/*
 * The boot memory map: which RAM is free once everything that must not be
 * handed out (firmware, kernel image, device tree, initrd, the device
 * tree's reserved regions) is taken away. Pure arithmetic on ranges, so it
 * is tested on the host.
 */
#ifndef KAGE_KERNEL_MEMMAP_H
#define KAGE_KERNEL_MEMMAP_H

#include <stdint.h>

struct memrange {
	uint64_t base;
	uint64_t size;
};

/*
 * Writes to `out` (room for `max`) the page-aligned pieces of the RAM
 * ranges that no reserved range touches: RAM is rounded inward to pages,
 * reserved ranges outward. Returns the number of pieces, sorted by
 * address, or -ENOSPC when they do not fit in `max`.
 */
int memmap_free(const struct memrange *ram, unsigned nram,
		const struct memrange *rsv, unsigned nrsv,
		struct memrange *out, unsigned max);

/*
 * Takes `size` bytes (rounded up to pages) from the end of the largest
 * piece that holds them, shrinking it: where boot-time tables go. Returns
 * the physical address, or 0 if no piece is large enough.
 */
uint64_t memmap_take(struct memrange *pieces, unsigned n, uint64_t size);

#endif
