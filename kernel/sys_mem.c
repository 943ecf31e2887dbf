/*
 * Native calls on memory objects (lib/kage_abi.h): create one of frames,
 * copy into it, copy out of it into a space, name part of it. Handles are
 * checked for type and rights first, then every range, then the copy.
 */
#include <stdbool.h>
#include "kernel/counters.h"
#include "kernel/kserver.h"
#include "kernel/memobj.h"
#include "kernel/space.h"
#include "kernel/sys.h"
#include "lib/errno.h"
#include "lib/kage_abi.h"

int64_t sys_mem_create(struct task *t, struct trapframe *tf)
{
	struct memobj *m;
	int err = memobj_create_frames(tf->a0, &m);

	if (err < 0)
		return err;
	return sys_install_new(t, &m->obj);
}

int64_t sys_mem_write(struct task *t, struct trapframe *tf)
{
	uint64_t off = tf->a1, buf = tf->a2, len = tf->a3;
	struct memobj *m;
	int64_t err = sys_object(t, tf->a0, KOBJ_MEMORY, HANDLE_RIGHT_WRITE, &m);

	if (err < 0)
		return err;
	/* A physical range is the machine's: its bytes change only through a mapping. */
	if (!memobj_has_frames(m) || len > KAGE_COPY_MAX || !memobj_range_ok(m, off, len))
		return -EINVAL;
	while (len) {
		size_t chunk;
		uint8_t *p = memobj_bytes(m, off, &chunk);

		if (chunk > len)
			chunk = len;
		err = sys_copy_in(t, buf, p, chunk);
		if (err < 0)
			return err;
		off += chunk, buf += chunk, len -= chunk;
	}
	return 0;
}

/*
 * Where mem_read copies to: the space a handle names, or kernel memory
 * (NULL) for a server in the kernel naming its own space (MODE=mono, as
 * sys_space_copy does for its buffers).
 */
static int64_t sys_mem_target(struct task *t, uint64_t h, struct space **out)
{
	if (kserver_task(t) && h == KAGE_HANDLE_SELF_SPACE) {
		*out = NULL;
		return 0;
	}
	return sys_object(t, h, KOBJ_SPACE, HANDLE_RIGHT_WRITE, out);
}

/* Copies object bytes into a space page by page of the object, with space_write's rules. */
int64_t sys_mem_read(struct task *t, struct trapframe *tf)
{
	uint64_t off = tf->a1, va = tf->a3, len = tf->a4, flags = tf->a5;
	struct memobj *m;
	struct space *dst;
	int64_t err = sys_object(t, tf->a0, KOBJ_MEMORY, HANDLE_RIGHT_READ, &m);

	if (err < 0)
		return err;
	err = sys_mem_target(t, tf->a2, &dst);
	if (err < 0)
		return err;
	/* Device registers are not memory: reading them could change the device. */
	if (len > KAGE_COPY_MAX || (flags & ~(uint64_t)KAGE_COPY_AS_USER) || !memobj_range_ok(m, off, len) ||
	    !memobj_is_ram(m, off, len))
		return -EINVAL;
	COUNT(copies);
	counters.copy_bytes += len;
	while (len) {
		size_t chunk;
		uint8_t *p = memobj_bytes(m, off, &chunk);

		if (chunk > len)
			chunk = len;
		err = space_transfer(dst, va, NULL, (uint64_t)p, chunk, (flags & KAGE_COPY_AS_USER) != 0);
		if (err < 0)
			return err;
		off += chunk, va += chunk, len -= chunk;
	}
	return 0;
}

int64_t sys_mem_slice(struct task *t, struct trapframe *tf)
{
	const struct handle *h;
	struct memobj *slice;
	uint32_t rights;
	int64_t err = handle_lookup(&t->handles, (int64_t)tf->a0, KOBJ_MEMORY, HANDLE_RIGHT_READ, &h);

	if (err < 0)
		return err;
	rights = h->rights;	/* read now: installing may move the slots */
	err = memobj_slice((struct memobj *)h->obj, tf->a1, tf->a2, &slice);
	if (err < 0)
		return err;
	err = handle_install(&t->handles, &slice->obj, rights, 0);
	kobj_put(&slice->obj);	/* the handle holds it now, or nobody does */
	return err;
}
