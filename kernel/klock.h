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
 * With KAGE_LOCK_DEBUG (the kernel-test images) the holder is recorded
 * and klock_assert_held() panics where the lock is not held by this hart.
 */
#ifndef KAGE_KERNEL_KLOCK_H
#define KAGE_KERNEL_KLOCK_H

#include <stdint.h>
#include "kernel/hart.h"

struct klock {
	uint32_t next;		/* the ticket the next hart to ask gets */
	uint32_t serving;	/* the ticket that holds the lock */
	int32_t holder;		/* the holder's index, -1 for none (KAGE_LOCK_DEBUG) */
};

extern struct klock klock;

/* Answers what the lock holder asked of this hart while it waits (kernel/space.c). */
void klock_wait_poll(struct hart *h);
/* klock_take's slow path: the lock is held elsewhere. */
void klock_wait(uint32_t ticket);
/* Panics: the lock is not held by this hart (KAGE_LOCK_DEBUG). */
__attribute__((noreturn)) void klock_not_held(const char *where);

static inline void klock_take(void)
{
#ifdef KAGE_LOCK_DEBUG
	if (klock.holder == (int32_t)hart_self()->index)
		klock_not_held("klock_take: already held by this hart");
#endif
	uint32_t ticket = __atomic_fetch_add(&klock.next, 1, __ATOMIC_RELAXED);

	if (__atomic_load_n(&klock.serving, __ATOMIC_ACQUIRE) != ticket)
		klock_wait(ticket);
#ifdef KAGE_LOCK_DEBUG
	klock.holder = (int32_t)hart_self()->index;
#endif
}

static inline void klock_drop(void)
{
#ifdef KAGE_LOCK_DEBUG
	if (klock.holder != (int32_t)hart_self()->index)
		klock_not_held("klock_drop");
	klock.holder = -1;
#endif
	__atomic_store_n(&klock.serving, klock.serving + 1, __ATOMIC_RELEASE);
}

/* Where shared state is changed: the caller must hold the lock. */
static inline void klock_assert_held(const char *where)
{
#ifdef KAGE_LOCK_DEBUG
	if (klock.holder != (int32_t)hart_self()->index)
		klock_not_held(where);
#else
	(void)where;
#endif
}

#endif
