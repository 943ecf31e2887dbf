#include "kernel/syscall.h"
#include "kernel/console.h"
#include "kernel/frame.h"
#include <stdbool.h>
#include "lib/errno.h"
#include "lib/kage_abi.h"

static int64_t sys_debug_putc(struct task *t, struct trapframe *tf)
{
	(void)t;
	console_putc((char)tf->a0);
	return 0;
}

static int64_t sys_task_exit(struct task *t, struct trapframe *tf)
{
	(void)t;
	task_exit((int64_t)tf->a0);
}

static int64_t sys_stats(struct task *t, struct trapframe *tf)
{
	struct frame_stats fs;
	struct kage_stats ks;

	frame_get_stats(&fs);
	ks.frames_free = fs.free;
	ks.frames_used = fs.used;
	ks.tasks = task_count();
	ks.spaces = space_count();
	return space_copy_out(t->space, tf->a0, &ks, sizeof(ks));
}

static int64_t sys_handle_close(struct task *t, struct trapframe *tf)
{
	return handle_close(&t->handles, (int64_t)tf->a0);
}

static int64_t sys_space_clone(struct task *t, struct trapframe *tf)
{
	const struct handle *h;
	struct space *copy;
	int64_t err = handle_lookup(&t->handles, (int64_t)tf->a0, KOBJ_SPACE, HANDLE_RIGHT_READ, &h);

	if (err < 0)
		return err;
	if ((err = space_clone((struct space *)h->obj, &copy)) < 0)
		return err;
	err = handle_install(&t->handles, &copy->obj, HANDLE_RIGHTS_ALL, 0);
	kobj_put(&copy->obj);	/* the handle holds it now, or nobody does */
	return err;
}

/*
 * Copies between the caller's memory and another space through a bounce
 * buffer, so neither side is ever reached through a user address.
 */
static int64_t sys_space_copy(struct task *t, struct trapframe *tf, bool write)
{
	uint64_t va = tf->a1, buf = tf->a2, len = tf->a3, done;
	const struct handle *h;
	uint8_t bounce[256];
	struct space *s;
	int64_t err = handle_lookup(&t->handles, (int64_t)tf->a0, KOBJ_SPACE,
				    write ? HANDLE_RIGHT_WRITE : HANDLE_RIGHT_READ, &h);

	if (err < 0)
		return err;
	if (len > KAGE_COPY_MAX)
		return -EINVAL;
	s = (struct space *)h->obj;
	for (done = 0; done < len; done += sizeof(bounce)) {
		uint64_t n = len - done < sizeof(bounce) ? len - done : sizeof(bounce);

		if (write)
			err = space_read(t->space, buf + done, bounce, n) ?: space_write(s, va + done, bounce, n);
		else
			err = space_read(s, va + done, bounce, n) ?: space_copy_out(t->space, buf + done, bounce, n);
		if (err < 0)
			return err;
	}
	return 0;
}

static int64_t sys_space_read(struct task *t, struct trapframe *tf)
{
	return sys_space_copy(t, tf, false);
}

static int64_t sys_space_write(struct task *t, struct trapframe *tf)
{
	return sys_space_copy(t, tf, true);
}

static int64_t sys_null(struct task *t, struct trapframe *tf)
{
	(void)t;
	(void)tf;
	return 0;
}

static int64_t sys_space_map(struct task *t, struct trapframe *tf)
{
	const struct handle *h;
	int64_t err = handle_lookup(&t->handles, (int64_t)tf->a0, KOBJ_SPACE, HANDLE_RIGHT_WRITE, &h);

	return err < 0 ? err : space_map((struct space *)h->obj, tf->a1, tf->a2, tf->a3);
}

static int64_t sys_space_unmap(struct task *t, struct trapframe *tf)
{
	const struct handle *h;
	int64_t err = handle_lookup(&t->handles, (int64_t)tf->a0, KOBJ_SPACE, HANDLE_RIGHT_WRITE, &h);

	return err < 0 ? err : space_unmap((struct space *)h->obj, tf->a1, tf->a2);
}

_Static_assert(KAGE_PROT_READ == PTE_R && KAGE_PROT_WRITE == PTE_W && KAGE_PROT_EXEC == PTE_X,
	       "space_map passes protections through as PTE bits");

typedef int64_t (*syscall_fn)(struct task *t, struct trapframe *tf);

static const syscall_fn syscall_native[KAGE_SYS_COUNT] = {
	[KAGE_SYS_DEBUG_PUTC - KAGE_SYS_BASE] = sys_debug_putc,
	[KAGE_SYS_TASK_EXIT - KAGE_SYS_BASE] = sys_task_exit,
	[KAGE_SYS_STATS - KAGE_SYS_BASE] = sys_stats,
	[KAGE_SYS_HANDLE_CLOSE - KAGE_SYS_BASE] = sys_handle_close,
	[KAGE_SYS_SPACE_CLONE - KAGE_SYS_BASE] = sys_space_clone,
	[KAGE_SYS_SPACE_READ - KAGE_SYS_BASE] = sys_space_read,
	[KAGE_SYS_SPACE_WRITE - KAGE_SYS_BASE] = sys_space_write,
	[KAGE_SYS_SPACE_MAP - KAGE_SYS_BASE] = sys_space_map,
	[KAGE_SYS_SPACE_UNMAP - KAGE_SYS_BASE] = sys_space_unmap,
	[KAGE_SYS_NULL - KAGE_SYS_BASE] = sys_null,
};

void syscall_dispatch(struct task *t, struct trapframe *tf)
{
	uint64_t nr = tf->a7;
	syscall_fn fn = NULL;

	if (nr >= KAGE_SYS_BASE && nr - KAGE_SYS_BASE < KAGE_SYS_COUNT)
		fn = syscall_native[nr - KAGE_SYS_BASE];
	tf->a0 = fn ? (uint64_t)fn(t, tf) : (uint64_t)-ENOSYS;
}
