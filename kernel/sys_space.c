/* Native calls on spaces (lib/kage_abi.h); handles are checked for type and rights first. */
#include <stdbool.h>
#include "kernel/counters.h"
#include "kernel/ipc.h"
#include "kernel/kserver.h"
#include "kernel/memobj.h"
#include "kernel/space.h"
#include "kernel/sys.h"
#include "kernel/sys_copy.h"
#include "lib/errno.h"
#include "lib/kage_abi.h"

_Static_assert(KAGE_PROT_READ == PTE_R && KAGE_PROT_WRITE == PTE_W && KAGE_PROT_EXEC == PTE_X,
	       "space_map passes protections through as PTE bits");
_Static_assert(KAGE_MAP_POPULATE == SPACE_POPULATE, "space_map passes its populate flag through");
_Static_assert((KAGE_MAP_LAZY & (KAGE_PROT_READ | KAGE_PROT_WRITE | KAGE_PROT_EXEC | KAGE_MAP_POPULATE)) == 0,
	       "space_map_phys's lazy flag is no permission");

int64_t sys_space_create(struct task *t, struct trapframe *tf)
{
	struct space *s;
	int err = space_create(&s);

	(void)tf;
	return err < 0 ? err : sys_install_new(t, &s->obj);
}

int64_t sys_space_clone(struct task *t, struct trapframe *tf)
{
	struct space *s, *copy;
	int64_t err = sys_object(t, tf->a0, KOBJ_SPACE, HANDLE_RIGHT_READ, &s);

	if (err < 0)
		return err;
	err = space_clone(s, &copy);
	if (err < 0)
		return err;
	return sys_install_new(t, &copy->obj);
}

/* The space a copy works on: a handle's, or (KAGE_COPY_CALLER) that of the call named by a token. */
static int64_t sys_copy_space(struct task *t, struct trapframe *tf, bool write, struct space **s)
{
	if (!(tf->a4 & KAGE_COPY_CALLER))
		return sys_object(t, tf->a0, KOBJ_SPACE, write ? HANDLE_RIGHT_WRITE : HANDLE_RIGHT_READ, s);
	return sys_caller_space(t, tf->a0, s);
}

/* Copies between the caller's memory and another space. */
static int64_t sys_space_copy(struct task *t, struct trapframe *tf, bool write)
{
	bool as_user = (tf->a4 & (KAGE_COPY_AS_USER | KAGE_COPY_CALLER)) != 0;
	struct space *s;
	int64_t err;

	if (tf->a3 > KAGE_COPY_MAX || (tf->a4 & ~(uint64_t)(KAGE_COPY_AS_USER | KAGE_COPY_CALLER)))
		return -EINVAL;
	err = sys_copy_space(t, tf, write, &s);
	if (err < 0)
		return err;
	return sys_copy_with(t, kserver_task(t) ? NULL : t->space, s, tf->a1, tf->a2, tf->a3, write, as_user);
}

int64_t sys_space_read(struct task *t, struct trapframe *tf)
{
	return sys_space_copy(t, tf, false);
}

int64_t sys_space_write(struct task *t, struct trapframe *tf)
{
	return sys_space_copy(t, tf, true);
}

int64_t sys_space_map(struct task *t, struct trapframe *tf)
{
	struct space *s;
	int64_t err = sys_object(t, tf->a0, KOBJ_SPACE, HANDLE_RIGHT_WRITE, &s);

	return err < 0 ? err : space_map(s, tf->a1, tf->a2, tf->a3);
}

int64_t sys_space_unmap(struct task *t, struct trapframe *tf)
{
	struct space *s;
	int64_t err = sys_object(t, tf->a0, KOBJ_SPACE, HANDLE_RIGHT_WRITE, &s);

	return err < 0 ? err : space_unmap(s, tf->a1, tf->a2);
}

int64_t sys_space_protect(struct task *t, struct trapframe *tf)
{
	struct space *s;
	int64_t err = sys_object(t, tf->a0, KOBJ_SPACE, HANDLE_RIGHT_WRITE, &s);

	return err < 0 ? err : space_protect(s, tf->a1, tf->a2, tf->a3);
}

int64_t sys_space_remap(struct task *t, struct trapframe *tf)
{
	struct space *s;
	int64_t err = sys_object(t, tf->a0, KOBJ_SPACE, HANDLE_RIGHT_WRITE, &s);

	return err < 0 ? err : space_remap(s, tf->a1, tf->a2, tf->a3, tf->a4);
}

/* Fills as much of struct kage_space_stat as the caller's size asks for: the bytes filled. */
int64_t sys_space_stat(struct task *t, struct trapframe *tf)
{
	struct kage_space_stat st;
	uint64_t len = tf->a2 < sizeof(st) ? tf->a2 : sizeof(st);
	struct space *s;
	int64_t err;

	if (kserver_task(t) && tf->a0 == KAGE_HANDLE_SELF_SPACE) {
		kserver_window_stat(&st);	/* MODE=mono: a server's own memory is the server window */
	} else {
		err = sys_object(t, tf->a0, KOBJ_SPACE, HANDLE_RIGHT_READ, &s);
		if (err < 0)
			return err;
		space_stat(s, &st);
	}
	err = sys_copy_out(t, tf->a1, &st, len);
	return err < 0 ? err : (int64_t)len;
}

/* Where space_ranges puts each range: the caller's array, in order. */
struct sys_ranges_out {
	struct task *t;
	uint64_t at;
};

static int sys_range_out(void *ctx, const struct kage_range *r)
{
	struct sys_ranges_out *o = ctx;
	int err = sys_copy_out(o->t, o->at, r, sizeof(*r));

	o->at += sizeof(*r);
	return err;
}

/* space_ranges: a3 ranges at most into the caller's array at a2 (-EFAULT for a bad one); how many. */
int64_t sys_space_ranges(struct task *t, struct trapframe *tf)
{
	struct sys_ranges_out o = { .t = t, .at = tf->a2 };
	struct space *s;
	int64_t err = sys_object(t, tf->a0, KOBJ_SPACE, HANDLE_RIGHT_READ, &s);

	if (err < 0)
		return err;
	if (!tf->a3)
		return -EINVAL;
	return space_ranges(s, tf->a1, tf->a3, sys_range_out, &o);
}

/*
 * Pages [offset, offset + size) of a memory object, counted from the page
 * holding its base: a physical range's own pages (PTE_PHYS), or the
 * frames of a frame-backed object (ordinary pages, frame references);
 * with KAGE_MAP_LAZY, a region they fill as they are touched.
 */
int64_t sys_space_map_phys(struct task *t, struct trapframe *tf)
{
	uint64_t off = tf->a3, size = tf->a4, perm = tf->a5 & ~(uint64_t)KAGE_MAP_LAZY, first, span;
	const struct handle *mh;
	struct memobj *m;
	struct space *s;
	bool may_write;
	int64_t err = sys_object(t, tf->a0, KOBJ_SPACE, HANDLE_RIGHT_WRITE, &s);

	if (err < 0)
		return err;
	err = handle_lookup(&t->handles, (int64_t)tf->a2, KOBJ_MEMORY, HANDLE_RIGHT_READ, &mh);
	if (err < 0)
		return err;
	m = (struct memobj *)mh->obj;
	may_write = (mh->rights & HANDLE_RIGHT_WRITE) != 0;
	first = m->base & ~(PAGE_SIZE - 1);
	span = ((m->base + m->size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)) - first;
	if ((off | size) & (PAGE_SIZE - 1) || off >= span || size > span - off)
		return -EINVAL;
	if (tf->a5 & KAGE_MAP_LAZY)
		return space_map_object(s, tf->a1, m, off, size, perm);
	if (memobj_has_frames(m))
		return space_map_frames(s, tf->a1, m, off, size, perm, may_write);
	return space_map_phys(s, tf->a1, first + off, size, perm, may_write);
}

int64_t sys_space_barrier(struct task *t, struct trapframe *tf)
{
	struct space *s = NULL;
	int64_t err;

	if (tf->a1 & ~(uint64_t)KAGE_BARRIER_ICACHE)
		return -EINVAL;
	if ((int64_t)tf->a0 != -1) {
		err = sys_object(t, tf->a0, KOBJ_SPACE, HANDLE_RIGHT_READ, &s);
		if (err < 0)
			return err;
	}
	if (tf->a1 & KAGE_BARRIER_ICACHE)
		space_icache_sync(s);
	else
		space_barrier(s);
	return 0;
}
