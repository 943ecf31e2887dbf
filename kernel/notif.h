/*
 * Notifications: asynchronous signals as a word of bits. Signalling ORs
 * bits in; a waiter takes every pending bit at once (in a0) and clears
 * them. Device interrupts (kernel/irq.h) and kernel timers signal
 * notifications, so a driver is a task waiting on one.
 * Reference count (kobj): handles naming it, tasks waiting on it, bound
 * interrupts and its armed timer.
 * A notification carries at most one armed one-shot timer (kernel/timer.h),
 * kept here so that timers need no table of their own.
 */
#ifndef KAGE_KERNEL_NOTIF_H
#define KAGE_KERNEL_NOTIF_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/avl.h"
#include "kernel/kobj.h"
#include "kernel/task.h"

struct kserver;

struct notif {
	struct kobj obj;
	uint64_t bits;			/* pending, not yet taken by a waiter */
	struct task_queue waiters;	/* NOTIF_WAIT tasks, in arrival order */
	struct kserver *kserver;	/* MODE=mono: the server whose helper it wakes */
	/* Its timer: while armed, in the timer tree by deadline (kernel/timer.c). */
	struct avl_node timer_node;
	uint64_t timer_deadline;	/* in time CSR units */
	uint64_t timer_bits;
	bool timer_armed;
};

int notif_create(struct notif **out);
/* ORs bits in; the first waiter, if any, takes them all and becomes runnable. */
void notif_signal(struct notif *n, uint64_t bits);
/* The current task takes the pending bits, or waits for some (does not return then). */
int64_t notif_wait(struct task *t, struct notif *n);
void notif_cancel(struct notif *n, struct task *t);

#endif
