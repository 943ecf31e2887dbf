/*
 * Handle tables (kernel/handle.h). Lookups check the number against the
 * table size before indexing (it comes straight from a user register),
 * then the type, then the rights, so each failure has its own error.
 * Growing takes every piece of memory it needs before it changes the
 * table, so a table that cannot grow is exactly as it was.
 */
#include <stdbool.h>
#include <stddef.h>
#include "kernel/handle.h"
#include "kernel/kalloc.h"
#include "lib/errno.h"
#include "lib/string.h"

_Static_assert(sizeof(struct handle) << HANDLE_PAGE_SHIFT == 4096, "a page of slots is a frame");
_Static_assert((HANDLE_MAX >> HANDLE_PAGE_SHIFT) * sizeof(struct handle *) <= 4096, "the directory fits in a frame");

static uint64_t handle_live;

uint64_t handle_count(void)
{
	return handle_live;
}

static struct handle *handle_slot(const struct handle_table *t, uint32_t i)
{
	if (i < t->nfirst)
		return &t->first[i];
	return &t->dir[i >> HANDLE_PAGE_SHIFT][i & (HANDLE_PAGE_SLOTS - 1)];
}

/* Puts slot i (empty) at the head of the free list. */
static void handle_free_push(struct handle_table *t, uint32_t i)
{
	handle_slot(t, i)->next_free = t->free;
	t->free = i + 1;
}

/* Puts slots [from, to) on the free list, the lowest first out. */
static void handle_free_range(struct handle_table *t, uint32_t from, uint32_t to)
{
	while (to-- > from)
		handle_free_push(t, to);
}

void handle_table_init(struct handle_table *t)
{
	memset(t, 0, sizeof(*t));
	t->max = HANDLE_MAX;
}

/* The first page, twice as big (a frame at most): 0 or -ENOMEM. */
static int handle_grow_first(struct handle_table *t)
{
	uint32_t n = t->nfirst ? t->nfirst * 2 : HANDLE_FIRST_SLOTS, old;
	struct handle *first;

	if (n > t->max)
		n = t->max;
	first = kzalloc(n * sizeof(*first));
	if (!first)
		return -ENOMEM;
	if (t->first) {
		memcpy(first, t->first, t->nfirst * sizeof(*first));
		kfree(t->first, t->nfirst * sizeof(*first));
	}
	t->first = first;
	old = t->nfirst;
	t->nfirst = t->nslots = n;
	handle_free_range(t, old, n);
	return 0;
}

/* Another page of 128 slots, and a bigger directory first if it is full: 0 or -ENOMEM. */
static int handle_grow_page(struct handle_table *t)
{
	uint32_t pages = t->nslots >> HANDLE_PAGE_SHIFT, ndir = t->ndir;
	struct handle **dir = t->dir;
	struct handle *page;

	if (pages >= ndir) {
		ndir = ndir ? ndir * 2 : 4;
		dir = kzalloc(ndir * sizeof(*dir));
		if (!dir)
			return -ENOMEM;
	}
	page = kzalloc(HANDLE_PAGE_SLOTS * sizeof(*page));
	if (!page) {
		if (dir != t->dir)
			kfree(dir, ndir * sizeof(*dir));
		return -ENOMEM;
	}
	if (dir != t->dir) {
		if (t->dir) {
			memcpy(dir, t->dir, t->ndir * sizeof(*dir));
			kfree(t->dir, t->ndir * sizeof(*dir));
		} else {
			dir[0] = t->first;
		}
		t->dir = dir;
		t->ndir = ndir;
	}
	dir[pages] = page;
	t->nslots += HANDLE_PAGE_SLOTS;
	handle_free_range(t, t->nslots - HANDLE_PAGE_SLOTS, t->nslots);
	return 0;
}

/* Room for at least one more handle: 0 or -EMFILE (the table's limit, or no memory). */
static int handle_grow(struct handle_table *t)
{
	int err;

	if (t->nslots >= t->max)
		return -EMFILE;
	if (t->nfirst < HANDLE_PAGE_SLOTS)
		err = handle_grow_first(t);
	else
		err = handle_grow_page(t);
	return err < 0 ? -EMFILE : 0;
}

void handle_table_clear(struct handle_table *t)
{
	uint32_t i, max = t->max;

	for (i = 0; i < t->nslots && t->used; i++)
		if (handle_slot(t, i)->obj)
			handle_close(t, i);
	for (i = 1; i < (t->nslots >> HANDLE_PAGE_SHIFT); i++)
		kfree(t->dir[i], HANDLE_PAGE_SLOTS * sizeof(struct handle));
	if (t->dir)
		kfree(t->dir, t->ndir * sizeof(*t->dir));
	if (t->first)
		kfree(t->first, t->nfirst * sizeof(*t->first));
	handle_table_init(t);
	t->max = max;
}

int handle_install(struct handle_table *t, struct kobj *obj, uint32_t rights, uint64_t badge)
{
	struct handle *s;
	uint32_t i;

	if (!obj || (rights & ~HANDLE_RIGHTS_ALL))
		return -EINVAL;
	if (!t->free && handle_grow(t) < 0)
		return -EMFILE;
	i = t->free - 1;
	s = handle_slot(t, i);
	t->free = s->next_free;
	kobj_get(obj);
	obj->receivers += (rights & HANDLE_RIGHT_RECV) != 0;
	s->obj = obj;
	s->rights = rights;
	s->badge = badge;
	s->next_free = 0;
	t->used++;
	handle_live++;
	return (int)i;
}

int handle_close(struct handle_table *t, int64_t h)
{
	struct handle *s;
	struct kobj *obj;
	bool recv;

	if (h < 0 || h >= (int64_t)t->nslots || !handle_slot(t, (uint32_t)h)->obj)
		return -EBADF;
	s = handle_slot(t, (uint32_t)h);
	obj = s->obj;
	recv = (s->rights & HANDLE_RIGHT_RECV) != 0;
	/* Empty the slot first: destroy may look at this table again. */
	s->obj = NULL;
	s->rights = 0;
	s->badge = 0;
	handle_free_push(t, (uint32_t)h);
	t->used--;
	handle_live--;
	if (recv && --obj->receivers == 0 && obj->unreceivable)
		obj->unreceivable(obj);	/* while this handle's reference still holds it */
	kobj_put(obj);
	return 0;
}

int handle_copy(const struct handle_table *from, int64_t h, struct handle_table *to,
		uint32_t mask, uint64_t badge)
{
	const struct handle *s;
	int err = handle_lookup(from, h, KOBJ_NONE, HANDLE_RIGHT_GRANT, &s);

	if (err < 0)
		return err;
	return handle_install(to, s->obj, s->rights & mask, s->badge ? s->badge : badge);
}
