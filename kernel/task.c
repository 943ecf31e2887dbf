/*
 * Task objects: creation, cloning, exec and death. Ids, which reply
 * tokens carry, come from the id table (kernel/taskid.c).
 */
#include "kernel/task.h"
#include "kernel/endpoint.h"
#include "kernel/frame.h"
#include "kernel/ipc.h"
#include "kernel/memlayout.h"
#include "kernel/notif.h"
#include "kernel/panic.h"
#include "kernel/sched.h"
#include "lib/errno.h"
#include "lib/fmt.h"
#include "lib/kage_abi.h"
#include "lib/string.h"

_Static_assert(sizeof(struct task) <= PAGE_SIZE, "a task takes one frame");

static uint64_t task_live;
/* The live task of each role with the lowest id (task_of_role). */
static struct task *task_role_first[KAGE_SERVERS];

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

static void task_destroy(struct kobj *obj)
{
	struct task *t = (struct task *)obj;

	kassert(t->state == TASK_DEAD);
	frame_unref(t->kstack_pa);
	frame_unref(virt_to_phys(t));
}

struct task *task_of_role(uint8_t role)
{
	return task_role_first[role];
}

/* t, alive now, may be the lowest id of its role. */
static void task_role_join(struct task *t)
{
	struct task **first = &task_role_first[t->role];

	if (t->role != KAGE_SERVER_OTHER && (!*first || t->id < (*first)->id))
		*first = t;
}

/* t is dying: if it was its role's first, the next lowest id of the role takes its place. */
static void task_role_leave(struct task *t)
{
	if (task_role_first[t->role] != t)
		return;
	task_role_first[t->role] = NULL;
	/* Only when a server's first task ends (shutdown, in practice): a walk over the ids is fine. */
	for (uint32_t id = t->id + 1; id < taskid_limit(); id++) {
		struct task *n = task_by_id(id);

		if (n && n->role == t->role) {
			task_role_first[t->role] = n;
			return;
		}
	}
}

static int task_new(struct space *s, const char *name, uint8_t role, struct task **out)
{
	uint64_t pa, kstack, seq;
	struct task *t;
	uint32_t id;
	int err;

	if (frame_alloc(&pa) < 0)
		return -ENOMEM;
	if (frame_alloc(&kstack) < 0) {
		frame_unref(pa);
		return -ENOMEM;
	}
	t = phys_to_virt(pa);
	err = taskid_take(t, &id, &seq);
	if (err < 0) {
		frame_unref(kstack);
		frame_unref(pa);
		return err;
	}
	memset(t, 0, sizeof(*t));
	kobj_init(&t->obj, KOBJ_TASK, task_destroy);
	t->id = id;
	t->call_seq = seq;	/* where the last task with this id left off: its tokens stay stale */
	t->state = TASK_SUSPENDED;
	strlcpy(t->name, name, sizeof(t->name));
	t->role = role;
	t->affinity = UINT64_MAX;
	handle_table_init(&t->handles);
	kobj_get(&s->obj);
	t->space = s;
	t->kstack_pa = kstack;
	t->tf = (struct trapframe *)((uint8_t *)phys_to_virt(kstack) + PAGE_SIZE - TRAPFRAME_SIZE);
	task_role_join(t);
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
	(*out)->affinity = src->affinity;
	(*out)->pinned = src->pinned;
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
	t->alert_interrupt = false;
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
		task_next_call(t);	/* its reply token goes stale */
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
	klock_assert_held("task_die");
	sched_off_cpu(t);	/* running on another hart: stopped there first */
	task_cancel_wait(t);
	t->state = TASK_DEAD;
	t->status = status;
	fpu_forget(t);
	task_role_leave(t);
	taskid_give(t->id, t->call_seq + TASKID_SEQ_ONE);
	task_live--;
	task_release(t);
	ipc_abandon(t);
	if (t != sched_current()) {
		kobj_put(&t->obj);	/* the alive reference */
		return;
	}
	/* It ran here to the end: the idle loop drops the alive reference. */
	sched_bury(t);
	sched_next();
}

uint64_t task_count(void)
{
	return task_live;
}

void task_kill_all(int64_t status)
{
	/* Dying may free the id pages at the top: the limit is read again each time. */
	for (uint32_t id = 1; id < taskid_limit(); id++) {
		struct task *t = task_by_id(id);

		if (t && t != sched_current())
			task_die(t, status);
	}
}
