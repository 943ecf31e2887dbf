/*
 * Handle tables. Lookups check the number against the table size before
 * indexing (it comes straight from a user register), then the type, then
 * the rights, so each failure has its own error.
 */
#include <stdbool.h>
#include <stddef.h>
#include "kernel/handle.h"
#include "lib/errno.h"

void handle_table_init(struct handle_table *t, struct handle *slots, uint32_t nslots)
{
	uint32_t i;

	t->slots = slots;
	t->nslots = nslots;
	t->used = 0;
	t->grow = NULL;
	for (i = 0; i < nslots; i++) {
		slots[i].obj = NULL;
		slots[i].rights = 0;
		slots[i].badge = 0;
	}
}

void handle_table_clear(struct handle_table *t)
{
	uint32_t i;

	for (i = 0; i < t->nslots && t->used; i++)
		if (t->slots[i].obj)
			handle_close(t, i);
}

int handle_install(struct handle_table *t, struct kobj *obj, uint32_t rights, uint64_t badge)
{
	uint32_t i;

	if (!obj || (rights & ~HANDLE_RIGHTS_ALL))
		return -EINVAL;
	if (t->used == t->nslots && (!t->grow || t->grow(t) < 0))
		return -EMFILE;
	for (i = 0; i < t->nslots; i++) {
		struct handle *s = &t->slots[i];

		if (s->obj)
			continue;
		kobj_get(obj);
		obj->receivers += (rights & HANDLE_RIGHT_RECV) != 0;
		s->obj = obj;
		s->rights = rights;
		s->badge = badge;
		t->used++;
		return (int)i;
	}
	return -EMFILE;
}

int handle_close(struct handle_table *t, int64_t h)
{
	struct handle *s;
	struct kobj *obj;
	bool recv;

	if (h < 0 || h >= (int64_t)t->nslots || !t->slots[h].obj)
		return -EBADF;
	s = &t->slots[h];
	obj = s->obj;
	recv = (s->rights & HANDLE_RIGHT_RECV) != 0;
	/* Empty the slot first: destroy may look at this table again. */
	s->obj = NULL;
	s->rights = 0;
	s->badge = 0;
	t->used--;
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
