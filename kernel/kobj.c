#include <stddef.h>
#include "kernel/kobj.h"
#include "kernel/panic.h"

static uint64_t kobj_live[KOBJ_TYPES];

uint64_t kobj_count(enum kobj_type type)
{
	return kobj_live[type];
}

void kobj_init(struct kobj *obj, enum kobj_type type, void (*destroy)(struct kobj *obj))
{
	kassert(type > KOBJ_NONE && type < KOBJ_TYPES && destroy != NULL);
	kobj_live[type]++;
	obj->type = type;
	obj->refs = 1;
	obj->destroy = destroy;
	obj->receivers = 0;
	obj->unreceivable = NULL;
}

void kobj_release(struct kobj *obj)
{
	kobj_live[obj->type]--;
	obj->destroy(obj);
}
