/*
 * Endpoints: rendezvous points for synchronous IPC (kernel/ipc.h).
 *
 * An endpoint holds two FIFO queues, at most one of them non-empty at a
 * time: callers waiting for a receiver, or receivers waiting for a caller.
 * Reference count (kobj): handles naming it, tasks queued on it (each
 * holds one while in the queue, so closing the last handle cannot free
 * an endpoint someone waits on), tasks using it as personality or
 * exception endpoint, and the route of another endpoint that sends
 * calls to it (ep_route; one hop only, so routes hold no cycle).
 */
#ifndef KAGE_KERNEL_ENDPOINT_H
#define KAGE_KERNEL_ENDPOINT_H

#include "kernel/kobj.h"
#include "kernel/task.h"
#include "lib/kage_abi.h"

struct kserver;

/*
 * Which way each of an endpoint's Linux calls goes, a bit per number in
 * each map: handed to another endpoint (ep_route, lib/kage_abi.h), or
 * (MODE=mono) answered by the endpoint's server in the kernel from its
 * words alone (kserver_serve_plain). A route comes first.
 */
struct endpoint_route {
	struct endpoint *to;			/* a reference, or NULL; never an endpoint that routes */
	uint64_t which[KAGE_ROUTE_WORDS];	/* routed to `to` (all clear without one) */
	uint64_t plain[KAGE_ROUTE_WORDS];	/* plain calls of its server in the kernel */
};

struct endpoint {
	struct kobj obj;
	struct task_queue senders;	/* SENDING tasks, in arrival order */
	struct task_queue receivers;	/* RECEIVING tasks, in arrival order */
	struct kserver *kserver;	/* MODE=mono: the server in the kernel that serves it */
	struct endpoint_route *route;	/* its owner's, freed with it; NULL: every call comes here as a message */
};

/* A new endpoint with one reference: 0 or -ENOMEM. */
int endpoint_create(struct endpoint **out);
/* Queues t (SENDING or RECEIVING) on ep; whoever calls it counts the queue's reference on ep. */
static inline void endpoint_enqueue(struct endpoint *ep, struct task *t, enum task_state state)
{
	t->state = state;
	t->wait_on = &ep->obj;
	task_queue_push(state == TASK_SENDING ? &ep->senders : &ep->receivers, t);
}

/* Queues t (SENDING or RECEIVING) on ep; the queue takes a reference on ep. */
static inline void endpoint_wait(struct endpoint *ep, struct task *t, enum task_state state)
{
	kobj_get(&ep->obj);
	endpoint_enqueue(ep, t, state);
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
/*
 * Routes ep's Linux calls set in which[] to `to` (NULL: no route), in
 * place of its route before: 0; -EINVAL for a route to ep itself or to
 * an endpoint that routes (one hop only), -ENOMEM, and nothing changed.
 */
int endpoint_route(struct endpoint *ep, struct endpoint *to, const uint64_t which[KAGE_ROUTE_WORDS]);
/*
 * Whether ep's route takes Linux call nr: endpoint_way's first test
 * alone, for micro's fast path (ipc_fast_syscall), where asking
 * endpoint_way instead costs a getpid 7 instructions (GCC keeps its test
 * of the plain map).
 */
static inline bool endpoint_routes(const struct endpoint *ep, uint64_t nr)
{
	const struct endpoint_route *r = ep->route;

	return r && kage_nr_has(r->which, KAGE_ROUTE_NR, nr);
}

/*
 * Marks Linux calls (count bits of which[]) as plain calls of ep's
 * server in the kernel, in place of those before: 0 or -ENOMEM.
 */
int endpoint_set_plain(struct endpoint *ep, const uint64_t *which, uint64_t count);

enum endpoint_way {
	ENDPOINT_OWN,		/* a message to ep */
	ENDPOINT_ROUTED,	/* a message to ep's route */
	ENDPOINT_PLAIN,		/* a plain call of ep's server in the kernel */
};

/* Which way Linux call nr made to ep goes: one look at both maps. */
static inline enum endpoint_way endpoint_way(const struct endpoint *ep, uint64_t nr)
{
	const struct endpoint_route *r = ep->route;
	uint64_t bit = 1ull << (nr % 64);

	if (!r || nr >= KAGE_ROUTE_NR)
		return ENDPOINT_OWN;
	if (r->which[nr / 64] & bit)
		return ENDPOINT_ROUTED;
	if (r->plain[nr / 64] & bit)
		return ENDPOINT_PLAIN;
	return ENDPOINT_OWN;
}

#endif
