/*
 * Handle tables: a task's rights-checked references to kernel objects.
 *
 * A handle is a small integer naming a slot. A slot holds one reference
 * to its object (counted in the object's kobj.refs), the rights this
 * handle grants, and a badge the holder cannot read or change — the
 * kernel hands it to the other side of an IPC, which is how a server
 * knows which client calls. Only servers hold handles; a task with an
 * empty table can make no native call but sys_stats (global counts).
 * Ownership: the table belongs to one task and is emptied (every
 * reference dropped) when the task dies. The slot array is storage the
 * caller provides and frees; a table with a grow function may get a
 * bigger array from it (the old one's pointers then go stale, so no slot
 * pointer is kept across an install).
 */
#ifndef KAGE_KERNEL_HANDLE_H
#define KAGE_KERNEL_HANDLE_H

#include <stdint.h>
#include "kernel/kobj.h"
#include "lib/errno.h"

#define HANDLE_RIGHT_READ (1u << 0)	/* inspect: space_read, task_regs get, notif_wait */
#define HANDLE_RIGHT_WRITE (1u << 1)	/* change: space_map, space_write, task_regs set */
#define HANDLE_RIGHT_SEND (1u << 2)	/* ipc_call on an endpoint */
#define HANDLE_RIGHT_RECV (1u << 3)	/* ipc_recv on an endpoint */
#define HANDLE_RIGHT_GRANT (1u << 4)	/* may be copied to another table */
#define HANDLE_RIGHTS_ALL 0x1fu

struct handle {
	struct kobj *obj;	/* NULL: free slot */
	uint32_t rights;
	uint64_t badge;
};

struct handle_table {
	struct handle *slots;
	uint32_t nslots;
	uint32_t used;
	/* Makes room when the table is full (NULL: fixed size): 0 or -ENOMEM. */
	int (*grow)(struct handle_table *t);
};

void handle_table_init(struct handle_table *t, struct handle *slots, uint32_t nslots);
/* Drops every reference the table holds. */
void handle_table_clear(struct handle_table *t);
/*
 * Puts `obj` in the lowest free slot, taking a new reference: the handle
 * number, or -EMFILE when the table is full, -EINVAL for bad rights.
 */
int handle_install(struct handle_table *t, struct kobj *obj, uint32_t rights, uint64_t badge);
/*
 * The slot of handle `h` if it names an object of `type` (KOBJ_NONE: any)
 * and grants every right in `rights`. -EBADF for a number that names
 * nothing, -EINVAL for another type, -EPERM for missing rights.
 */
static inline int handle_lookup(const struct handle_table *t, int64_t h, enum kobj_type type,
				uint32_t rights, const struct handle **out)
{
	const struct handle *s;

	/* The number comes straight from a user register: bounds first. */
	if (h < 0 || h >= (int64_t)t->nslots || !t->slots[h].obj)
		return -EBADF;
	s = &t->slots[h];
	if (type != KOBJ_NONE && s->obj->type != type)
		return -EINVAL;
	if ((s->rights & rights) != rights)
		return -EPERM;
	*out = s;
	return 0;
}
/* Empties slot `h`, dropping its reference: 0 or -EBADF. */
int handle_close(struct handle_table *t, int64_t h);
/*
 * Copies handle `h` of `from` into `to` with rights narrowed to `mask`
 * (never widened) and, when `badge` is non-zero and the source has none,
 * that badge. The source must carry HANDLE_RIGHT_GRANT. The new handle
 * number, or the errors of handle_lookup and handle_install.
 */
int handle_copy(const struct handle_table *from, int64_t h, struct handle_table *to,
		uint32_t mask, uint64_t badge);

#endif
