#include "kernel/kalloc.h"
#include "kernel/frame.h"
#include "kernel/memlayout.h"
#include "kernel/panic.h"
#include "lib/string.h"

#define KALLOC_CLASSES 7	/* 32, 64, ... 2048 */

struct kalloc_slab {
	struct kalloc_slab *prev, *next;	/* the partial list of its class */
	void *free;				/* first free slot; each holds the next */
	uint32_t used;
	uint32_t size;
};

static struct kalloc_slab *kalloc_partial[KALLOC_CLASSES];
static uint64_t kalloc_bytes, kalloc_frames;	/* what kalloc_usage reports */

void kalloc_usage(uint64_t *bytes, uint64_t *frames)
{
	*bytes = kalloc_bytes;
	*frames = kalloc_frames;
}

static unsigned kalloc_class(size_t size)
{
	unsigned c = 0;

	while ((size_t)KALLOC_MIN << c < size)
		c++;
	return c;
}

static void kalloc_unlink(struct kalloc_slab *s, unsigned c)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		kalloc_partial[c] = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->prev = s->next = NULL;
}

static void kalloc_link(struct kalloc_slab *s, unsigned c)
{
	s->prev = NULL;
	s->next = kalloc_partial[c];
	if (s->next)
		s->next->prev = s;
	kalloc_partial[c] = s;
}

static struct kalloc_slab *kalloc_grow(unsigned c)
{
	uint32_t size = (uint32_t)KALLOC_MIN << c;
	struct kalloc_slab *s;
	uint64_t pa, off;

	if (frame_alloc(&pa) < 0)
		return NULL;
	kalloc_frames++;
	s = phys_to_virt(pa);
	s->used = 0;
	s->size = size;
	s->free = NULL;
	/* Slots after the header, threaded from the top so the lowest goes first. */
	for (off = FRAME_SIZE - size; off >= (sizeof(*s) + size - 1) / size * size; off -= size) {
		*(void **)((uint8_t *)s + off) = s->free;
		s->free = (uint8_t *)s + off;
	}
	kalloc_link(s, c);
	return s;
}

void *kzalloc(size_t size)
{
	struct kalloc_slab *s;
	unsigned c;
	uint64_t pa;
	void *p;

	if (size > KALLOC_MAX) {
		if (size > FRAME_SIZE || frame_alloc(&pa) < 0)
			return NULL;
		kalloc_frames++;
		kalloc_bytes += FRAME_SIZE;
		p = phys_to_virt(pa);
		memset(p, 0, FRAME_SIZE);
		return p;
	}
	c = kalloc_class(size);
	s = kalloc_partial[c] ? kalloc_partial[c] : kalloc_grow(c);
	if (!s)
		return NULL;
	p = s->free;
	s->free = *(void **)p;
	s->used++;
	kalloc_bytes += s->size;
	if (!s->free)
		kalloc_unlink(s, c);
	memset(p, 0, s->size);
	return p;
}

void kfree(void *p, size_t size)
{
	struct kalloc_slab *s = (struct kalloc_slab *)((uint64_t)p & ~(FRAME_SIZE - 1));
	unsigned c;

	if (size > KALLOC_MAX) {
		frame_unref(virt_to_phys(p));
		kalloc_frames--;
		kalloc_bytes -= FRAME_SIZE;
		return;
	}
	c = kalloc_class(size);
	kassert(s->size == (uint32_t)KALLOC_MIN << c && s->used > 0);
	if (!s->free)
		kalloc_link(s, c);	/* was full: it has room again */
	*(void **)p = s->free;
	s->free = p;
	kalloc_bytes -= s->size;
	if (--s->used == 0) {
		kalloc_unlink(s, c);
		frame_unref(virt_to_phys(s));
		kalloc_frames--;
	}
}
