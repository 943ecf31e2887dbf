/*
 * The kernel lock: one lock around all of the kernel's shared state.
 *
 * A hart takes it when it enters the kernel from user mode (after saving
 * the task's registers) and when it leaves wfi; it drops it on the way
 * back to user mode and before wfi. The kernel never sleeps in its own
 * code (kernel/task.h), so every kernel path runs from start to end
 * under the lock, exactly as it ran on one hart: the lock is the only
 * lock, and there is no lock order to keep. docs/design.md ("SMP") says
 * why one lock, with the figures.
 *
 * A ticket lock: harts get it in the order they asked. While waiting, a
 * hart still answers the lock holder's requests that need no lock
 * (hart.kmap_request), so the holder may wait for them.
 * The holder is recorded: taking the lock twice, dropping it without
 * holding it, and klock_assert_held where shared state changes panic
 * with the place named. These checks cost nothing with one hart (the
 * lock is not used) and run on every path tests/system/test_smp.py
 * takes on four.
 */
#ifndef KAGE_KERNEL_KLOCK_H
#define KAGE_KERNEL_KLOCK_H

#include <stdint.h>
#include "kernel/hart.h"

struct klock {
	uint32_t next;		/* the ticket the next hart to ask gets */
	uint32_t serving;	/* the ticket that holds the lock */
	int32_t holder;		/* the holder's index, -1 for none */
};

extern struct klock klock;

/* Answers what the lock holder asked of this hart while it waits (kernel/space.c). */
void klock_wait_poll(struct hart *h);
/* klock_take's slow path: the lock is held elsewhere. */
void klock_wait(uint32_t ticket);
/* Panics: the lock is not held by this hart. */
__attribute__((noreturn)) void klock_not_held(const char *where);

/* Panics: this hart holds the lock already, and would wait for itself. */
__attribute__((noreturn)) void klock_taken_twice(void);

static inline void klock_take(void)
{
	int32_t self = (int32_t)hart_self()->index;
	uint32_t ticket;

	if (klock.holder == self)	/* only this hart ever writes its own index there */
		klock_taken_twice();
	ticket = __atomic_fetch_add(&klock.next, 1, __ATOMIC_RELAXED);
	if (__atomic_load_n(&klock.serving, __ATOMIC_ACQUIRE) != ticket)
		klock_wait(ticket);
	klock.holder = self;
}

static inline void klock_drop(void)
{
	if (klock.holder != (int32_t)hart_self()->index)
		klock_not_held("klock_drop");
	klock.holder = -1;
	__atomic_store_n(&klock.serving, klock.serving + 1, __ATOMIC_RELEASE);
}

/* Where shared state is changed: with other harts, the caller must hold the lock. */
static inline void klock_assert_held(const char *where)
{
	const struct hart *h = hart_self();

	if (h->smp && klock.holder != (int32_t)h->index)
		klock_not_held(where);
}

#endif
