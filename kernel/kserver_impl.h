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
	kserver_plain_handler plain;	/* its Linux calls with no message (native_serve_calls), or NULL */
	const uint64_t *plain_which;	/* which numbers those are: a bitmap of plain_count bits, the server's */
	uint64_t plain_count;
	bool busy;			/* its code is on the server stack now: messages queue */
	bool helper;			/* its helper's notification fired */
	bool helper_later;		/* it fired while server code ran: served at the next safe point */
};

/* The kserver of ep, made on first use (a helper may be bound before its server serves); NULL when all are taken. */
struct kserver *kserver_for(struct endpoint *ep);
/* The kserver whose task t is, once it serves; else NULL. */
struct kserver *kserver_of_task(const struct task *t);
/* Whether ks has a message queued or a helper's wake-up, and is free to take it. */
bool kserver_has_work(const struct kserver *ks);
/* Runs fn(arg) as server code: on the server stack, unless already there. */
void kserver_call_on_stack(void (*fn)(void *), void *arg);
#endif
