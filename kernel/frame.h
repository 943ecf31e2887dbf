/*
 * Physical page frames: 4 KiB pages of RAM with a reference count.
 *
 * Owner: the frame allocator owns every RAM frame the boot memory map did
 * not reserve. A frame's reference count counts the mappings and kernel
 * objects that hold it: 0 means free (on a zone's free list), and the
 * count going back to 0 is the only way a frame becomes free again.
 * Frames reserved at boot (kernel image, firmware, device tree, initrd,
 * these descriptors) hold one reference forever.
 * Invariant: free + used == total at every moment, and `free` is exactly
 * the length of the free lists.
 * Locking: one hart runs the kernel with interrupts off around these calls;
 * a lock goes here when SMP arrives.
 */
#ifndef KAGE_KERNEL_FRAME_H
#define KAGE_KERNEL_FRAME_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/panic.h"

#define FRAME_SIZE 4096ul
#define FRAME_MAX_ZONES 8

/* One per frame, kept outside the frame so that free frames need no mapping. */
struct frame {
	uint32_t ref;
	uint32_t next;		/* free-list link: index in the zone, FRAME_NIL at the end */
};

struct frame_stats {
	uint64_t total;
	uint64_t free;
	uint64_t used;
};

/* Bytes of descriptors a zone of `size` bytes needs. */
uint64_t frame_desc_bytes(uint64_t size);
/*
 * Adds a page-aligned RAM range whose descriptors live at `desc`
 * (frame_desc_bytes(size) bytes). Every frame starts used with one
 * reference; frame_unref() on a free span at boot hands it out.
 * Returns 0, -ENOSPC (too many zones) or -EINVAL (unaligned, overlapping).
 */
int frame_add_zone(uint64_t base, uint64_t size, struct frame *desc);
/* Takes a free frame with one reference: 0 and *pa, or -ENOMEM. */
int frame_alloc(uint64_t *pa);
void frame_ref_slow(uint64_t pa);

/* The zone last looked up (clone and destroy touch thousands of its frames in a row). */
struct frame_hint {
	uint64_t base, size;
	struct frame *desc;
};
extern struct frame_hint frame_hint;

/* Takes another reference on a used frame; inline for space_clone's loop. */
static inline void frame_ref(uint64_t pa)
{
	uint64_t off = pa - frame_hint.base;
	struct frame *f;

	if (off >= frame_hint.size || (pa & (FRAME_SIZE - 1))) {
		frame_ref_slow(pa);
		return;
	}
	f = &frame_hint.desc[off / FRAME_SIZE];
	kassert(f->ref - 1u < UINT32_MAX - 1u);	/* 0 < ref < UINT32_MAX, in one compare */
	f->ref++;
}
uint32_t frame_unref_slow(uint64_t pa);

/*
 * Drops a reference and returns how many remain; at 0 the frame is free.
 * Inline for a frame that stays in use (destroying a clone drops one
 * reference per shared page).
 */
static inline uint32_t frame_unref(uint64_t pa)
{
	uint64_t off = pa - frame_hint.base;

	if (off < frame_hint.size && !(pa & (FRAME_SIZE - 1))) {
		struct frame *f = &frame_hint.desc[off / FRAME_SIZE];

		if (f->ref > 1)
			return --f->ref;
	}
	return frame_unref_slow(pa);
}
uint32_t frame_refcount(uint64_t pa);

/* Whether a used frame has another reference than one; inline for the walks that ask it of every table (pt_own). */
static inline bool frame_shared(uint64_t pa)
{
	uint64_t off = pa - frame_hint.base;

	if (off < frame_hint.size)
		return frame_hint.desc[off / FRAME_SIZE].ref > 1;
	return frame_refcount(pa) > 1;
}
/* True if pa lies in a managed zone; if all of [pa, pa + len) lies in one. */
bool frame_is_ram(uint64_t pa);
bool frame_range_is_ram(uint64_t pa, uint64_t len);
void frame_get_stats(struct frame_stats *s);
/* Forgets every zone (host tests start each case from nothing). */
void frame_reset(void);

#endif
