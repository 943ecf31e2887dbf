/*
 * The frame allocator: per-zone LIFO free lists threaded through the
 * descriptor array. LIFO hands back the most recently freed frame, the one
 * most likely to still be in the cache. Misuse (a reference on a free
 * frame, an address outside every zone) is a kernel bug and panics.
 */
#include "kernel/frame.h"
#include "kernel/panic.h"
#include "lib/errno.h"

#define FRAME_NIL UINT32_MAX

struct frame_zone {
	uint64_t base;
	uint64_t nframes;
	struct frame *desc;
	uint32_t free_head;
};

static struct frame_zone frame_zones[FRAME_MAX_ZONES];
static unsigned frame_nzones;
static uint64_t frame_total;
static uint64_t frame_free;

uint64_t frame_desc_bytes(uint64_t size)
{
	return size / FRAME_SIZE * sizeof(struct frame);
}

static bool frame_zones_overlap(uint64_t base, uint64_t end)
{
	unsigned i;

	for (i = 0; i < frame_nzones; i++) {
		const struct frame_zone *z = &frame_zones[i];

		if (base < z->base + z->nframes * FRAME_SIZE && z->base < end)
			return true;
	}
	return false;
}

int frame_add_zone(uint64_t base, uint64_t size, struct frame *desc)
{
	struct frame_zone *z;
	uint64_t i;

	if (frame_nzones == FRAME_MAX_ZONES)
		return -ENOSPC;
	if ((base | size) & (FRAME_SIZE - 1) || size == 0 || base + size < base ||
	    size / FRAME_SIZE >= FRAME_NIL)
		return -EINVAL;
	if (frame_zones_overlap(base, base + size))
		return -EINVAL;
	z = &frame_zones[frame_nzones++];
	z->base = base;
	z->nframes = size / FRAME_SIZE;
	z->desc = desc;
	z->free_head = FRAME_NIL;
	for (i = 0; i < z->nframes; i++) {
		desc[i].ref = 1;
		desc[i].next = FRAME_NIL;
	}
	frame_total += z->nframes;
	return 0;
}

static bool frame_in_zone(const struct frame_zone *z, uint64_t pa)
{
	return pa - z->base < z->nframes * FRAME_SIZE;	/* pa below base wraps: false */
}

/* Clone and destroy touch thousands of frames of one zone in a row: try the last zone first. */
struct frame_hint frame_hint;

static struct frame_zone *frame_zone_of(uint64_t pa)
{
	unsigned i;

	for (i = 0; i < frame_nzones; i++) {
		struct frame_zone *z = &frame_zones[i];

		if (frame_in_zone(z, pa)) {
			frame_hint.base = z->base;
			frame_hint.size = z->nframes * FRAME_SIZE;
			frame_hint.desc = z->desc;
			return z;
		}
	}
	return 0;
}

static struct frame *frame_desc(uint64_t pa, struct frame_zone **zone)
{
	struct frame_zone *z = frame_zone_of(pa);

	if (!z || (pa & (FRAME_SIZE - 1)))
		panic("frame: %p is not a RAM frame", (void *)pa);
	if (zone)
		*zone = z;
	return &z->desc[(pa - z->base) / FRAME_SIZE];
}

int frame_alloc(uint64_t *pa)
{
	unsigned i;

	for (i = 0; i < frame_nzones; i++) {
		struct frame_zone *z = &frame_zones[i];
		struct frame *f;

		if (z->free_head == FRAME_NIL)
			continue;
		f = &z->desc[z->free_head];
		kassert(f->ref == 0);
		*pa = z->base + (uint64_t)z->free_head * FRAME_SIZE;
		z->free_head = f->next;
		f->next = FRAME_NIL;
		f->ref = 1;
		frame_free--;
		return 0;
	}
	return -ENOMEM;
}

void frame_ref_slow(uint64_t pa)
{
	struct frame *f = frame_desc(pa, 0);

	kassert(f->ref > 0 && f->ref < UINT32_MAX);
	f->ref++;
}

uint32_t frame_unref_slow(uint64_t pa)
{
	struct frame_zone *z;
	struct frame *f = frame_desc(pa, &z);

	kassert(f->ref > 0);
	if (--f->ref)
		return f->ref;
	f->next = z->free_head;
	z->free_head = (uint32_t)((pa - z->base) / FRAME_SIZE);
	frame_free++;
	return 0;
}

uint32_t frame_refcount(uint64_t pa)
{
	return frame_desc(pa, 0)->ref;
}

bool frame_is_ram(uint64_t pa)
{
	return frame_zone_of(pa) != 0;
}

bool frame_range_is_ram(uint64_t pa, uint64_t len)
{
	const struct frame_zone *z = frame_zone_of(pa);

	return z && len <= z->base + z->nframes * FRAME_SIZE - pa;
}

void frame_get_stats(struct frame_stats *s)
{
	s->total = frame_total;
	s->free = frame_free;
	s->used = frame_total - frame_free;
}

void frame_reset(void)
{
	frame_hint.size = 0;
	frame_nzones = 0;
	frame_total = 0;
	frame_free = 0;
}
