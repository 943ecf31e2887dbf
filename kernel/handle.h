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
 * reference dropped, its memory freed) when the task dies. Its slots live
 * in memory from kzalloc: a first page that starts at 8 slots and doubles
 * up to a frame of 128, then frames of 128 slots found through a
 * directory (one frame of 512 pointers: 65,536 handles at most). A slot
 * is 32 bytes, so finding one is shifts and masks; handles 0-127, the
 * ones every server uses on every call, are one load away.
 * Invariants: a free slot is on the table's free list (the last freed
 * comes out first; a new table hands out 0, 1, 2, ... in order); growing
 * may move the first page, so no slot pointer is kept across an install.
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

#define HANDLE_PAGE_SHIFT 7
#define HANDLE_PAGE_SLOTS (1u << HANDLE_PAGE_SHIFT)	/* a frame of slots */
#define HANDLE_FIRST_SLOTS 8				/* the first page's first size */
#define HANDLE_MAX 65536				/* a directory frame of pages */

struct handle {
	struct kobj *obj;	/* NULL: free slot */
	uint32_t rights;
	uint32_t next_free;	/* a free slot: the next free one's number + 1, 0 at the end */
	uint64_t badge;
	uint64_t unused;	/* 32 bytes: a slot's place is a shift */
};

struct handle_table {
	struct handle *first;	/* slots 0 .. nfirst - 1 */
	uint32_t nfirst;	/* 0, 8, 16, ... 128 */
	uint32_t used;
	uint32_t nslots;	/* nfirst, then 128 per page of dir */
	uint32_t free;		/* the first free slot's number + 1, 0 when none */
	uint32_t max;		/* the most slots it may grow to (HANDLE_MAX) */
	uint32_t ndir;		/* pages dir has room for */
	struct handle **dir;	/* page n holds slots 128 n ... (page 0 is first); NULL below 129 slots */
};

/* An empty table, which takes no memory until its first install. */
void handle_table_init(struct handle_table *t);
/* Drops every reference the table holds and frees its memory. */
void handle_table_clear(struct handle_table *t);
/*
 * Puts `obj` in a free slot, taking a new reference: the handle number,
 * or -EMFILE when the table has `max` slots in use or no memory to grow,
 * -EINVAL for bad rights.
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
	if (__builtin_expect((uint64_t)h < t->nfirst, 1))
		s = &t->first[h];
	else if ((uint64_t)h < t->nslots)
		s = &t->dir[(uint64_t)h >> HANDLE_PAGE_SHIFT][h & (HANDLE_PAGE_SLOTS - 1)];
	else
		return -EBADF;
	if (!s->obj)
		return -EBADF;
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
/* Handles installed in every table (sys_stats: leak checks). */
uint64_t handle_count(void);

#endif
