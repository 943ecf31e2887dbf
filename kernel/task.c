#include "kernel/task.h"
#include "kernel/frame.h"
#include "kernel/kmap.h"
#include "kernel/memlayout.h"
#include "kernel/panic.h"
#include "lib/errno.h"
#include "lib/string.h"

_Static_assert(sizeof(struct task) <= PAGE_SIZE, "a task takes one frame");

void trap_return_user(struct trapframe *tf);

static struct task *task_running;
static struct context task_boot_ctx;
static uint64_t task_live;

static void task_destroy(struct kobj *obj)
{
	struct task *t = (struct task *)obj;

	handle_table_clear(&t->handles);
	kobj_put(&t->space->obj);
	frame_unref(t->kstack_pa);
	frame_unref(virt_to_phys(t));
	task_live--;
}

/* First kernel code a new task runs: straight out to user mode. */
static void task_start(void)
{
	trap_return_user(task_running->tf);
}

int task_create(struct space *s, const char *name, uint64_t pc, uint64_t sp, struct task **out)
{
	uint64_t pa, kstack;
	struct task *t;

	if (frame_alloc(&pa) < 0)
		return -ENOMEM;
	if (frame_alloc(&kstack) < 0) {
		frame_unref(pa);
		return -ENOMEM;
	}
	t = phys_to_virt(pa);
	memset(t, 0, sizeof(*t));
	kobj_init(&t->obj, KOBJ_TASK, task_destroy);
	strlcpy(t->name, name, sizeof(t->name));
	handle_table_init(&t->handles, t->handle_slots, TASK_HANDLES);
	kobj_get(&s->obj);
	t->space = s;
	t->kstack_pa = kstack;
	t->tf = (struct trapframe *)((uint8_t *)phys_to_virt(kstack) + PAGE_SIZE - TRAPFRAME_SIZE);
	memset(t->tf, 0, sizeof(*t->tf));
	t->tf->sepc = pc;
	t->tf->sp = sp;
	t->tf->sstatus = SSTATUS_SPIE;	/* user mode, interrupts on after sret */
	t->ctx.ra = (uint64_t)task_start;
	t->ctx.sp = (uint64_t)t->tf;
	task_live++;
	*out = t;
	return 0;
}

void task_run(struct task *t)
{
	kassert(!task_running);
	task_running = t;
	space_activate(t->space);
	ctx_switch(&task_boot_ctx, &t->ctx);
	/* Back in the boot context: the task has ended. */
	task_running = 0;
	kmap_activate();
}

struct task *task_current(void)
{
	return task_running;
}

void task_exit(int64_t status)
{
	struct task *t = task_running;

	kassert(t);
	t->exited = true;
	t->status = status;
	ctx_switch(&t->ctx, &task_boot_ctx);
	panic("task %s resumed after exit", t->name);
}

uint64_t task_count(void)
{
	return task_live;
}
