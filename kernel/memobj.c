/*
 * Memory objects (kernel/memobj.h): physical ranges, and objects made of
 * frames the kernel allocates.
 *
 * A frame-backed object finds its pages through a radix of frame-sized
 * tables, so its size is bounded by memory alone: a table holds 512
 * physical addresses, one level covers 2 MiB, two 1 GiB, three 512 GiB.
 * Invariants of an owner (an object made by memobj_create_frames):
 *  - `depth` is the fewest levels of tables whose reach covers its
 *    pages; at depth 0 `root` is the object's only frame.
 *  - A table entry is the physical address of the table one level down
 *    or, in the last level, of a page's frame; 0 only past the last page
 *    (or, while being built, for what is not taken yet).
 *  - The owner holds exactly one reference on each frame and table.
 *    Mappings of a frame hold one more each, so a frame lives until it is
 *    neither the owner's nor mapped anywhere; tables are never mapped.
 * Slices hold a reference on their owner, never on its frames: the
 * owner outlives every slice of it.
 */
#include "kernel/memobj.h"
#include "kernel/frame.h"
#include "kernel/kalloc.h"
#include "kernel/memlayout.h"
#include "kernel/riscv.h"
#include "lib/errno.h"
#include "lib/string.h"

#define MEMOBJ_LEVEL_BITS 9	/* a frame of 8-byte entries */
#define MEMOBJ_ENTRIES (1ul << MEMOBJ_LEVEL_BITS)

/* Drops the owner's reference on a subtree: the frame at level 0, a table and what it holds above. */
static void memobj_free_tree(uint64_t pa, unsigned level)
{
	if (!pa)
		return;
	if (level) {
		const uint64_t *table = phys_to_virt(pa);

		for (uint64_t i = 0; i < MEMOBJ_ENTRIES; i++)
			memobj_free_tree(table[i], level - 1);
	}
	frame_unref(pa);
}

static void memobj_destroy(struct kobj *obj)
{
	struct memobj *m = (struct memobj *)obj;

	if (m->owner == m)
		memobj_free_tree(m->root, m->depth);
	else if (m->owner)
		kobj_put(&m->owner->obj);	/* a slice: the frames are its owner's */
	kfree(m, sizeof(*m));
}

int memobj_create(uint64_t base, uint64_t size, struct memobj **out)
{
	struct memobj *m;

	if (size == 0 || base + size < base)
		return -EINVAL;
	m = kzalloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	kobj_init(&m->obj, KOBJ_MEMORY, memobj_destroy);
	m->base = base;
	m->size = size;
	*out = m;
	return 0;
}

/* A zeroed table for entry *e: 0 or -ENOMEM (*e untouched). */
static int memobj_table_new(uint64_t *e)
{
	uint64_t pa;

	if (frame_alloc(&pa) < 0)
		return -ENOMEM;
	memset(phys_to_virt(pa), 0, FRAME_SIZE);
	*e = pa;
	return 0;
}

/*
 * The entry holding page `page`'s frame in owner m, or NULL. Tables
 * missing on the way are made when `make` (building), else they must be
 * there (a page of the object).
 */
static uint64_t *memobj_entry(struct memobj *m, uint64_t page, bool make)
{
	uint64_t *e = &m->root;

	for (unsigned level = m->depth; level > 0; level--) {
		if (!*e && (!make || memobj_table_new(e) < 0))
			return NULL;
		e = (uint64_t *)phys_to_virt(*e) + ((page >> (MEMOBJ_LEVEL_BITS * (level - 1))) & (MEMOBJ_ENTRIES - 1));
	}
	return e;
}

/* Takes a frame for every page of m (tables as needed): 0, or -ENOMEM with what was taken still in m. */
static int memobj_fill(struct memobj *m, uint64_t pages)
{
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t *e = memobj_entry(m, i, true);

		if (!e || frame_alloc(e) < 0)
			return -ENOMEM;
	}
	/* Zeroed only now: a request that does not fit costs no zeroing. */
	for (uint64_t i = 0; i < pages; i++)
		memset(phys_to_virt(*memobj_entry(m, i, false)), 0, FRAME_SIZE);
	return 0;
}

int memobj_create_frames(uint64_t size, struct memobj **out)
{
	struct frame_stats fs;
	struct memobj *m;
	uint64_t pages;
	int err;

	if (size == 0)
		return -EINVAL;
	frame_get_stats(&fs);
	/* More than all of RAM can never fit: refused before anything is taken (and no overflow below). */
	if (size > fs.total * FRAME_SIZE)
		return -ENOMEM;
	pages = (size + FRAME_SIZE - 1) / FRAME_SIZE;
	m = kzalloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	while (pages > 1ul << (MEMOBJ_LEVEL_BITS * m->depth))
		m->depth++;
	err = memobj_fill(m, pages);
	if (err < 0) {
		memobj_free_tree(m->root, m->depth);	/* a partial tree: its empty entries are 0 */
		kfree(m, sizeof(*m));
		return err;
	}
	kobj_init(&m->obj, KOBJ_MEMORY, memobj_destroy);
	m->size = size;
	m->owner = m;
	*out = m;
	return 0;
}

int memobj_slice(struct memobj *m, uint64_t off, uint64_t size, struct memobj **out)
{
	struct memobj *s;

	if (size == 0 || !memobj_range_ok(m, off, size) || (memobj_has_frames(m) && (off & (FRAME_SIZE - 1))))
		return -EINVAL;
	s = kzalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	kobj_init(&s->obj, KOBJ_MEMORY, memobj_destroy);
	s->base = m->base + off;
	s->size = size;
	s->owner = m->owner;
	if (s->owner)
		kobj_get(&s->owner->obj);
	*out = s;
	return 0;
}

uint64_t memobj_frame(const struct memobj *m, uint64_t off)
{
	return *memobj_entry(m->owner, (m->base + off) / FRAME_SIZE, false);
}

bool memobj_is_ram(const struct memobj *m, uint64_t off, uint64_t len)
{
	if (memobj_has_frames(m) || len == 0)
		return true;
	return frame_range_is_ram(m->base + off, len);
}

uint8_t *memobj_bytes(const struct memobj *m, uint64_t off, size_t *avail)
{
	uint64_t pa = m->base + off;

	if (!memobj_has_frames(m)) {
		*avail = m->size - off;	/* a physical range is contiguous in the direct map */
		return phys_to_virt(pa);
	}
	pa = memobj_frame(m, off) + (pa & (FRAME_SIZE - 1));
	*avail = FRAME_SIZE - (pa & (FRAME_SIZE - 1));
	return phys_to_virt(pa);
}
