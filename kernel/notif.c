#include "kernel/counters.h"
#include "kernel/notif.h"
#include "kernel/kalloc.h"
#include "kernel/kserver.h"
#include "kernel/panic.h"
#include "kernel/sched.h"
#include "lib/errno.h"

static void notif_destroy(struct kobj *obj)
{
	struct notif *n = (struct notif *)obj;

	kassert(!n->waiters.head && !n->timer_armed);
	kfree(n, sizeof(*n));
}

int notif_create(struct notif **out)
{
	struct notif *n = kzalloc(sizeof(*n));

	if (!n)
		return -ENOMEM;
	kobj_init(&n->obj, KOBJ_NOTIFICATION, notif_destroy);
	*out = n;
	return 0;
}

void notif_signal(struct notif *n, uint64_t bits)
{
	struct task *t;

	COUNT(notif_signals);
	n->bits |= bits;
	if (kserver_bound(n)) {
		kserver_notify(n);
		return;
	}
	if (!n->bits)
		return;
	t = task_queue_pop(&n->waiters);
	if (!t)
		return;
	t->tf->a0 = n->bits;
	n->bits = 0;
	t->wait_on = NULL;
	sched_ready(t);
	kobj_put(&n->obj);	/* the waiter's; the signaller holds its own */
}

int64_t notif_wait(struct task *t, struct notif *n)
{
	uint64_t bits = n->bits;

	if (bits) {
		n->bits = 0;
		return (int64_t)bits;
	}
	kobj_get(&n->obj);
	t->state = TASK_NOTIF_WAIT;
	t->wait_on = &n->obj;
	task_queue_push(&n->waiters, t);
	sched_next();
}

void notif_cancel(struct notif *n, struct task *t)
{
	task_queue_remove(&n->waiters, t);
	kobj_put(&n->obj);
}
