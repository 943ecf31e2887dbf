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
 * A test-and-set lock: whichever waiting hart sees it free first takes
 * it. A ticket lock, fair by the order of asking, was measured first and
 * dropped: when harts outnumber the host's cores under QEMU (4 harts on
 * 2 cores), the hart whose ticket is next is often not running on the
 * host while the others spin, and everything waits for it (the fuzzer on
 * 4 harts made ~100 calls a second, against 20,000 in 14 s now). Linux
 * falls back to test-and-set under a hypervisor for the same reason. The
 * lock is held only along kernel paths, between which each hart runs
 * user code, so most waits are short. While waiting, a hart still
 * answers the lock holder's requests that need no lock
 * (hart.kmap_request), so the holder may wait for them.
 *
 * A hart that has spun for klock.spin_ticks (KLOCK_SPIN_US) sleeps in
 * wfi instead, its bit in klock.sleepers, and the next klock_drop wakes
 * one sleeper with an IPI (klock_wake), as Linux's paravirtual spinlocks
 * halt a waiting vCPU. Under QEMU with more harts than host cores, a
 * spinning hart takes the host core the holder needs (fork + exec on 4
 * harts and 2 cores ran at a sixth of one hart's rate, the waits half of
 * all the harts' time); on real cores a wait past the spin is a long
 * kernel path, against which wfi and an IPI cost little. The sleeper
 * sets its bit before it looks at the lock once more, and the dropper
 * frees the lock before it looks at the bits, each with a full fence
 * between, so one of them sees the other: no wake-up is lost.
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
#include "kernel/riscv.h"

/* How long a waiting hart spins before it sleeps (klock_wait). */
#define KLOCK_SPIN_US 100

struct klock {
	uint32_t locked;	/* 1 while some hart holds it */
	int32_t holder;		/* the holder's index, -1 for none */
	uint64_t sleepers;	/* harts waiting for it in wfi, by bit: each is woken by a drop */
	uint64_t spin_ticks;	/* KLOCK_SPIN_US in timebase ticks (klock_init) */
	/*
	 * Kernel-half unmaps so far (MODE=mono's server window, srvmem.c),
	 * changed under the lock. Only code under the lock uses those
	 * addresses, so another hart flushes its TLB when it next takes the
	 * lock (hart.kernel_unmaps_seen) instead of at once: a flush of
	 * every hart at each unmap was 100,000 remote fences for one file
	 * that filled memory, 50 times slower on four harts than on one.
	 */
	uint64_t kernel_unmaps;
};

extern struct klock klock;
/*
 * How often a hart found the lock held, the timebase ticks it waited,
 * the waits that slept and the wake-ups sent (struct kage_stats).
 */
extern uint64_t klock_waits, klock_wait_time, klock_sleeps, klock_wakes;

/* The spin before a waiting hart sleeps, from the timebase (with other harts, before they start). */
void klock_init(uint64_t timebase_hz);
/* Wakes a hart that sleeps waiting for the lock (klock_drop's slow path). */
void klock_wake(void);
/* Whether h sleeps waiting for the lock. */
static inline bool klock_sleeping(const struct hart *h)
{
	return __atomic_load_n(&klock.sleepers, __ATOMIC_SEQ_CST) & h->bit;
}
/* Answers what the lock holder asked of this hart while it waits (kernel/space.c). */
void klock_wait_poll(struct hart *h);
/* klock_take's slow path: the lock is held elsewhere. */
void klock_wait(void);
/* Panics: the lock is not held by this hart. */
__attribute__((noreturn)) void klock_not_held(const char *where);

/* Panics: this hart holds the lock already, and would wait for itself. */
__attribute__((noreturn)) void klock_taken_twice(void);

static inline void klock_take(void)
{
	struct hart *h = hart_self();
	int32_t self = (int32_t)h->index;

	if (klock.holder == self)	/* only this hart ever writes its own index there */
		klock_taken_twice();
	if (__atomic_exchange_n(&klock.locked, 1, __ATOMIC_ACQUIRE))
		klock_wait();
	klock.holder = self;
	if (__builtin_expect(h->kernel_unmaps_seen != klock.kernel_unmaps, 0)) {
		sfence_vma_all();
		h->kernel_unmaps_seen = klock.kernel_unmaps;
	}
}

/* A kernel-half mapping went, and this hart, which holds the lock, flushed its TLB: the others flush at their next take. */
static inline void klock_kernel_unmapped(void)
{
	hart_self()->kernel_unmaps_seen = ++klock.kernel_unmaps;
}

static inline void klock_drop(void)
{
	if (klock.holder != (int32_t)hart_self()->index)
		klock_not_held("klock_drop");
	klock.holder = -1;
	__atomic_store_n(&klock.locked, 0, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* the free lock is seen before the sleepers are read */
	if (__atomic_load_n(&klock.sleepers, __ATOMIC_RELAXED))
		klock_wake();
}

/* Where shared state is changed: with other harts, the caller must hold the lock. */
static inline void klock_assert_held(const char *where)
{
	const struct hart *h = hart_self();

	if (h->smp && klock.holder != (int32_t)h->index)
		klock_not_held(where);
}

#endif
