#include "kernel/syscall.h"
#include "kernel/console.h"
#include "kernel/frame.h"
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

typedef int64_t (*syscall_fn)(struct task *t, struct trapframe *tf);

static const syscall_fn syscall_native[KAGE_SYS_COUNT] = {
	[KAGE_SYS_DEBUG_PUTC - KAGE_SYS_BASE] = sys_debug_putc,
	[KAGE_SYS_TASK_EXIT - KAGE_SYS_BASE] = sys_task_exit,
	[KAGE_SYS_STATS - KAGE_SYS_BASE] = sys_stats,
};

void syscall_dispatch(struct task *t, struct trapframe *tf)
{
	uint64_t nr = tf->a7;
	syscall_fn fn = NULL;

	if (nr >= KAGE_SYS_BASE && nr - KAGE_SYS_BASE < KAGE_SYS_COUNT)
		fn = syscall_native[nr - KAGE_SYS_BASE];
	tf->a0 = fn ? (uint64_t)fn(t, tf) : (uint64_t)-ENOSYS;
}
