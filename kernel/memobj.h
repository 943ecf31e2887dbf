/*
 * Memory objects: bytes a task holding a handle may map into a space
 * (space_map_phys) or copy into one (mem_read). The handle's rights
 * decide how: READ maps read-only and copies out, WRITE allows writable
 * mappings and mem_write. Two kinds:
 *
 *  - A physical range that is not the frame allocator's: device
 *    registers, the initramfs, a boot module. The range belongs to the
 *    machine; mappings of it hold no frame references (PTE_PHYS marks
 *    them). `base` is its exact physical address, not rounded to pages.
 *  - Frames (mem_create): zeroed frames the object owns, found through a
 *    radix of frame-sized tables (memobj.c states its invariants). They
 *    are mapped as ordinary pages, each mapping holding a frame
 *    reference, so a frame outlives the object while any space maps it.
 *    A slice names part of another object's frames: `owner` is the
 *    object that holds them (itself for the one mem_create made), and
 *    `base` the slice's first byte among the owner's pages, always on a
 *    page boundary.
 *
 * Reference count (kobj): handles naming it, plus one per slice whose
 * owner it is. Dropping the last frees the object and, for an owner, its
 * reference on every frame and table.
 */
#ifndef KAGE_KERNEL_MEMOBJ_H
#define KAGE_KERNEL_MEMOBJ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel/kobj.h"

struct memobj {
	struct kobj obj;
	uint64_t base, size;	/* the bytes it names: see above */
	struct memobj *owner;	/* frames: who holds them (a reference unless itself); NULL: a physical range */
	uint64_t root;		/* owner only: the radix's root (a table, or the one frame at depth 0) */
	unsigned depth;		/* owner only: levels of tables above the frames */
};

/* A new object for the physical range [base, base + size) with one reference: 0 or -ENOMEM/-EINVAL. */
int memobj_create(uint64_t base, uint64_t size, struct memobj **out);
/*
 * A new object of `size` bytes (whole zeroed frames) with one reference:
 * 0, -EINVAL for size 0, -ENOMEM (more than all of RAM is refused before
 * anything is taken; any other failure gives back every frame taken).
 */
int memobj_create_frames(uint64_t size, struct memobj **out);
/*
 * A new object with one reference naming bytes [off, off + size) of m,
 * sharing m's frames or range. -EINVAL for size 0, a range past m's end,
 * or (frames) an offset not on a page boundary; -ENOMEM.
 */
int memobj_slice(struct memobj *m, uint64_t off, uint64_t size, struct memobj **out);

static inline bool memobj_has_frames(const struct memobj *m)
{
	return m->owner != NULL;
}

/* True if [off, off + len) lies within m (len 0 included). */
static inline bool memobj_range_ok(const struct memobj *m, uint64_t off, uint64_t len)
{
	return off <= m->size && len <= m->size - off;
}

/* Frames: the frame holding byte `off` of m (off within m's whole pages). */
uint64_t memobj_frame(const struct memobj *m, uint64_t off);
/* True if every byte of [off, off + len) is RAM, reachable through the direct map (not a device). */
bool memobj_is_ram(const struct memobj *m, uint64_t off, uint64_t len);
/*
 * The kernel address of byte `off` of m, which must be RAM, and in *avail
 * how many bytes lie there in a row: up to the end of a physical range's
 * object, of a frame-backed object's page.
 */
uint8_t *memobj_bytes(const struct memobj *m, uint64_t off, size_t *avail);

#endif
