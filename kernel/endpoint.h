/*
 * Endpoints: rendezvous points for synchronous IPC (kernel/ipc.h).
 *
 * An endpoint holds two FIFO queues, at most one of them non-empty at a
 * time: callers waiting for a receiver, or receivers waiting for a caller.
 * Reference count (kobj): handles naming it, tasks queued on it (each
 * holds one while in the queue, so closing the last handle cannot free
 * an endpoint someone waits on), and tasks using it as personality or
 * exception endpoint.
 */
#ifndef KAGE_KERNEL_ENDPOINT_H
#define KAGE_KERNEL_ENDPOINT_H

#include "kernel/kobj.h"
#include "kernel/task.h"

struct kserver;

struct endpoint {
	struct kobj obj;
	struct task_queue senders;	/* SENDING tasks, in arrival order */
	struct task_queue receivers;	/* RECEIVING tasks, in arrival order */
	struct kserver *kserver;	/* MODE=mono: the server in the kernel that serves it */
};

/* A new endpoint with one reference: 0 or -ENOMEM. */
int endpoint_create(struct endpoint **out);
/* Queues t (SENDING or RECEIVING) on ep; the queue takes a reference on ep. Inline: IPC fast path. */
static inline void endpoint_wait(struct endpoint *ep, struct task *t, enum task_state state)
{
	kobj_get(&ep->obj);
	t->state = state;
	t->wait_on = &ep->obj;
	task_queue_push(state == TASK_SENDING ? &ep->senders : &ep->receivers, t);
}

/*
 * The first task of a queue, out of it (and its reference dropped: the
 * task acting on ep holds its own), or NULL.
 */
static inline struct task *endpoint_take(struct endpoint *ep, struct task_queue *q)
{
	struct task *t = task_queue_pop(q);

	if (t) {
		t->wait_on = NULL;
		kobj_put(&ep->obj);
	}
	return t;
}
/* Takes t out of ep's queues (a killed or exec'ed task). */
void endpoint_cancel(struct endpoint *ep, struct task *t);

#endif
