#include "kernel/memobj.h"
#include "kernel/frame.h"
#include "kernel/kalloc.h"
#include "lib/errno.h"

static void memobj_destroy(struct kobj *obj)
{
	kfree(obj, sizeof(struct memobj));
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
