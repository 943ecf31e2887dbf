/*
 * The common head of every kernel object a handle can name (spaces, tasks,
 * endpoints, notifications, memory ranges, interrupts).
 *
 * Ownership: an object lives while its reference count is non-zero. The
 * count counts handles naming it plus kernel-internal holders (a task's
 * space, a blocked task's endpoint); whoever drops the last reference runs
 * the type's destroy function, which frees the object and drops what it
 * holds in turn.
 * Locking: one hart runs the kernel with interrupts off; a lock joins the
 * count when SMP arrives.
 */
#ifndef KAGE_KERNEL_KOBJ_H
#define KAGE_KERNEL_KOBJ_H

#include <stdint.h>
#include "kernel/panic.h"

enum kobj_type {
	KOBJ_NONE = 0,
	KOBJ_SPACE,
	KOBJ_TASK,
	KOBJ_ENDPOINT,
	KOBJ_NOTIFICATION,
	KOBJ_MEMORY,		/* a physical range or frames to map or copy (kernel/memobj.h) */
	KOBJ_IRQ,
	KOBJ_TYPES
};

struct kobj {
	enum kobj_type type;
	uint32_t refs;
	void (*destroy)(struct kobj *obj);
	/*
	 * Handles naming it with the receive right (kernel/handle.c), and
	 * what to do when the last one goes (endpoints: answer the callers
	 * that nobody can receive any more; NULL: nothing).
	 */
	uint32_t receivers;
	void (*unreceivable)(struct kobj *obj);
};

/* Starts an object's life with one reference, held by its creator. */
void kobj_init(struct kobj *obj, enum kobj_type type, void (*destroy)(struct kobj *obj));
/* Counts an object as gone and runs its destroy function. */
void kobj_release(struct kobj *obj);

/* Inline: IPC takes and drops references on its fast path. */
static inline void kobj_get(struct kobj *obj)
{
	kassert(obj->refs > 0 && obj->refs < UINT32_MAX);
	obj->refs++;
}

/* Drops a reference; the last one destroys the object. */
static inline void kobj_put(struct kobj *obj)
{
	kassert(obj->refs > 0);
	if (--obj->refs == 0)
		kobj_release(obj);
}
/* Objects of a type that exist now (sys_stats; the leak checks rely on it). */
uint64_t kobj_count(enum kobj_type type);

#endif
