/*
 * Task objects: creation, cloning, exec, death, and the task table that
 * turns ids (in reply tokens) back into tasks.
 */
#include "kernel/task.h"
#include "kernel/endpoint.h"
#include "kernel/frame.h"
#include "kernel/ipc.h"
#include "kernel/kalloc.h"
#include "kernel/memlayout.h"
#include "kernel/notif.h"
#include "kernel/panic.h"
#include "kernel/sched.h"
#include "lib/errno.h"
#include "lib/fmt.h"
#include "lib/string.h"

_Static_assert(sizeof(struct task) <= PAGE_SIZE, "a task takes one frame");

struct task *task_table[TASK_MAX];
static uint64_t task_live;

void task_queue_remove(struct task_queue *q, struct task *t)
{
	struct task **p, *prev = NULL;

	for (p = &q->head; *p; prev = *p, p = &(*p)->next) {
		if (*p != t)
			continue;
		*p = t->next;
		if (q->tail == t)
			q->tail = prev;
		t->next = NULL;
		return;
	}
}

/* A full handle table doubles, up to a frame of slots. */
static int task_handles_grow(struct handle_table *h)
{
	struct task *t = (struct task *)((uint8_t *)h - __builtin_offsetof(struct task, handles));
	uint32_t n = h->nslots * 2 > TASK_HANDLES_MAX ? TASK_HANDLES_MAX : h->nslots * 2;
	struct handle *slots;

	if (n <= h->nslots)
		return -ENOMEM;
	slots = kzalloc(n * sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	memcpy(slots, h->slots, h->nslots * sizeof(*slots));
	if (h->slots != t->handle_slots)
		kfree(h->slots, h->nslots * sizeof(*slots));
	h->slots = slots;
	h->nslots = n;
	return 0;
}

static void task_destroy(struct kobj *obj)
{
	struct task *t = (struct task *)obj;

	if (t->handles.slots != t->handle_slots)
		kfree(t->handles.slots, t->handles.nslots * sizeof(struct handle));
	kassert(t->state == TASK_DEAD);
	frame_unref(t->kstack_pa);
	frame_unref(virt_to_phys(t));
}

/* A free slot of the task table, or -1. */
static int task_slot(void)
{
	for (int i = 0; i < TASK_MAX; i++)
		if (!task_table[i])
			return i;
	return -1;
}

static int task_new(struct space *s, const char *name, uint8_t role, struct task **out)
{
	uint64_t pa, kstack;
	int slot = task_slot();
	struct task *t;

	if (slot < 0)
		return -EAGAIN;
	if (frame_alloc(&pa) < 0)
		return -ENOMEM;
	if (frame_alloc(&kstack) < 0) {
		frame_unref(pa);
		return -ENOMEM;
	}
	t = phys_to_virt(pa);
	memset(t, 0, sizeof(*t));
	kobj_init(&t->obj, KOBJ_TASK, task_destroy);
	t->id = (uint32_t)slot;
	t->state = TASK_SUSPENDED;
	strlcpy(t->name, name, sizeof(t->name));
	t->role = role;
	handle_table_init(&t->handles, t->handle_slots, TASK_HANDLES);
	t->handles.grow = task_handles_grow;
	kobj_get(&s->obj);
	t->space = s;
	t->kstack_pa = kstack;
	t->tf = (struct trapframe *)((uint8_t *)phys_to_virt(kstack) + PAGE_SIZE - TRAPFRAME_SIZE);
	t->call_seq = 1;
	task_table[slot] = t;
	task_live++;
	*out = t;
	return 0;
}

int task_create(struct space *s, const char *name, uint8_t role, uint64_t pc, uint64_t sp, struct task **out)
{
	int err = task_new(s, name, role, out);

	if (err == 0)
		task_exec(*out, s, pc, sp);
	return err;
}

int task_clone(struct task *src, struct space *s, struct task **out)
{
	int err = task_new(s, src->name, src->role, out);	/* a copy of a server counts as it does */

	if (err < 0)
		return err;
	*(*out)->tf = *src->tf;
	(*out)->tf->a0 = 0;
	if (src->fpu_used) {
		fpu_sync(src);
		(*out)->fpu_used = true;
		(*out)->fpu = src->fpu;
	}
	return 0;
}

void task_exec(struct task *t, struct space *s, uint64_t pc, uint64_t sp)
{
	struct space *old = t->space;
	enum task_state was = t->state;

	task_cancel_wait(t);
	kobj_get(&s->obj);
	t->space = s;
	fpu_forget(t);	/* the new image starts with FP off, like a new task */
	t->alert_pending = false;
	memset(t->tf, 0, sizeof(*t->tf));
	t->tf->sepc = pc;
	t->tf->sp = sp;
	t->tf->sstatus = SSTATUS_SPIE;	/* user mode, interrupts on after sret */
	if (t == sched_current())
		space_activate(s);
	kobj_put(&old->obj);
	if (was != TASK_SUSPENDED && was != TASK_RUNNING)
		sched_ready(t);
}

void task_cancel_wait(struct task *t)
{
	switch (t->state) {
	case TASK_RUNNABLE:
		sched_unready(t);
		break;
	case TASK_SENDING:
	case TASK_RECEIVING:
		endpoint_cancel((struct endpoint *)t->wait_on, t);
		break;
	case TASK_NOTIF_WAIT:
		notif_cancel((struct notif *)t->wait_on, t);
		break;
	case TASK_REPLY_WAIT:
		t->call_seq++;	/* its reply token goes stale */
		t->replier = NULL;
		break;
	default:
		return;
	}
	t->wait_on = NULL;
	t->fwd_rewritten = false;
	t->state = TASK_SUSPENDED;
}

/* What a dead task no longer needs: everything but its stack and its object. */
static void task_release(struct task *t)
{
	handle_table_clear(&t->handles);
	if (t->personality)
		kobj_put(&t->personality->obj);
	if (t->exception)
		kobj_put(&t->exception->obj);
	t->personality = t->exception = NULL;
	kobj_put(&t->space->obj);
	t->space = NULL;
}

void task_die(struct task *t, int64_t status)
{
	if (t->state == TASK_DEAD)
		return;
	task_cancel_wait(t);
	t->state = TASK_DEAD;
	t->status = status;
	fpu_forget(t);
	task_table[t->id] = NULL;
	task_live--;
	task_release(t);
	ipc_abandon(t);
	if (t != sched_current()) {
		kobj_put(&t->obj);	/* the alive reference */
		return;
	}
	/* We are on its stack: the idle thread drops the alive reference. */
	sched_bury(t);
	sched_next();
}

uint64_t task_count(void)
{
	return task_live;
}

void task_kill_all(int64_t status)
{
	for (int i = 0; i < TASK_MAX; i++)
		if (task_table[i] && task_table[i] != sched_current())
			task_die(task_table[i], status);
}
