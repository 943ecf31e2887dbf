/*
 * What kernel/kserver.c (the servers' dispatch) and kernel/kserver_start.c
 * (starting them) share, and nothing else includes: the server objects
 * and the helpers both files use. kernel/kserver.h states the rules.
 */
#ifndef KAGE_KERNEL_KSERVER_IMPL_H
#define KAGE_KERNEL_KSERVER_IMPL_H
#include <stdbool.h>
#include "kernel/endpoint.h"
#include "kernel/kserver.h"
#include "kernel/task.h"

#define KSERVER_MAX 4

struct kserver {
	struct task *task;		/* its identity: handles, and the replier of its calls */
	struct endpoint *ep;		/* the endpoint it serves (a reference) */
	kserver_handler handler;	/* NULL until its start reaches native_serve */
	kserver_plain_handler plain;	/* its Linux calls with no message (native_serve_calls), or NULL; set only once handler is */
	bool busy;			/* its code is on the server stack now: messages queue */
	bool helper;			/* its helper's notification fired */
	bool helper_later;		/* it fired while server code ran: served at the next safe point */
	uint64_t light_answered;	/* its light plain calls (kserver_syscall_light), for kserver_fold */
};

/* The kserver of ep, made on first use (a helper may be bound before its server serves); NULL when all are taken. */
struct kserver *kserver_for(struct endpoint *ep);
/* The kserver whose task t is, once it serves; else NULL. */
struct kserver *kserver_of_task(const struct task *t);
/* Whether ks has a message queued or a helper's wake-up, and is free to take it. */
bool kserver_has_work(const struct kserver *ks);
/* Runs fn(arg) as server code: on the server stack, unless already there. */
void kserver_call_on_stack(void (*fn)(void *), void *arg);
/* ks takes first's message now (if any), then what queued for it (the server stack's first frame, unless there). */
void kserver_enter(struct kserver *ks, struct task *first);

/*
 * Server code frames on the server stack; 0 while none runs, and while a
 * light plain call's handler runs (kserver.c): the only server code that
 * runs at depth 0. Any native call made in the kernel first settles a
 * light call it is made in (kernel/kserver_native.c).
 */
extern unsigned kserver_depth;
void kserver_light_settle(void);

static inline void kserver_settle(void)
{
	if (__builtin_expect(!kserver_depth, 0))
		kserver_light_settle();
}
#endif
