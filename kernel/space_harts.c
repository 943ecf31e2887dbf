/*
 * Which harts hold a space: satp switches, and the flushes of other
 * harts' TLBs when a mapping changes or a space ends (docs/design.md,
 * "Several harts"). space.live is changed only by its own hart (in
 * space_switch and space_deactivate, atomically) and read under the
 * kernel lock; with one hart it is not kept at all (hart.smp).
 */
#include "kernel/space.h"
#include "kernel/counters.h"
#include "kernel/klock.h"
#include "kernel/kmap.h"
#include "kernel/riscv.h"
#include "kernel/sched.h"
#include "kernel/task.h"

/*
 * A table of the space at root was unshared (pt_own; the first write into
 * a 2 MiB range after a fork): the harts running that space may hold
 * walks through the old table, which the other space goes on changing.
 * Only those: a hart holding another space, or none (idle, or in a
 * server of the kernel's), has no walk of this one, as each satp write
 * flushed its TLB (kage uses no ASIDs; space_load, kmap_activate).
 * pagetable.c knows the space by its root alone, so the harts are found
 * by the root of the space each holds. A space another hart holds is
 * alive: its end waits for the kernel lock, held here, and evicts that
 * hart first (space_evict). A fork's parent, which writes first, mostly
 * runs on this hart alone, so the flush is this hart's.
 */
void pt_flush_walks(const pte_t *root)
{
	struct hart *self = hart_self();
	uint64_t others = 0;

	sfence_vma_all();
	for (unsigned i = 0; self->smp && i < hart_count; i++) {
		const struct hart *h = hart_at(i);
		const struct space *s = __atomic_load_n(&h->space, __ATOMIC_RELAXED);

		if (h != self && s && s->root == root)
			others |= h->bit;
	}
	if (others)
		space_flush_harts(others, 0, SPACE_FLUSH_ALL);
}

void space_flush_all(const struct space *s)
{
	uint64_t others = s->live & ~hart_self()->bit;

	sfence_vma_all();
	if (others)
		space_flush_harts(others, 0, SPACE_FLUSH_ALL);
}

/*
 * s is being destroyed while other harts' satp still hold it: harts whose
 * task was just taken off them (sched_off_cpu), waiting for the kernel
 * lock, which is the only place such a hart can be (an idle hart holds no
 * space, and s has no task left to run). Each drops it while it waits,
 * woken first if it sleeps for the lock.
 */
void space_evict(struct space *s)
{
	for (unsigned i = 0; i < hart_count; i++) {
		struct hart *h = hart_at(i);

		if (!(s->live & h->bit))
			continue;
		__atomic_store_n(&h->kmap_request, true, __ATOMIC_SEQ_CST);
		if (klock_sleeping(h))
			hart_kick(h);	/* it sleeps for the lock (klock_sleep) */
		while (__atomic_load_n(&h->kmap_request, __ATOMIC_ACQUIRE))
			cpu_relax();
	}
}

uint64_t space_barrier_harts;
uint64_t space_icache_syncs;

void space_icache_sync(const struct space *s)
{
	struct hart *self = hart_self();
	uint64_t others;

	fence_i();
	space_icache_syncs++;
	if (!self->smp)
		return;
	for (unsigned i = 0; i < hart_count; i++)
		if (hart_at(i) != self)
			__atomic_store_n(&hart_at(i)->icache_stale, 1u, __ATOMIC_RELEASE);
	others = (s ? s->live : hart_all()) & ~self->bit;
	if (others)
		hart_fence_i(others);
}

void space_barrier(const struct space *s)
{
	struct hart *self = hart_self();

	for (unsigned i = 0; self->smp && i < hart_count; i++) {
		struct hart *h = hart_at(i);
		struct task *t = h->running;

		if (h == self || !t || (s && t->space != s))
			continue;
		space_barrier_harts++;
		sched_out_of_user(t, h);	/* one in the kernel already waits for the lock */
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void klock_wait_poll(struct hart *h)
{
	if (!__atomic_load_n(&h->kmap_request, __ATOMIC_ACQUIRE))
		return;
	space_deactivate(h);
	__atomic_store_n(&h->kmap_request, false, __ATOMIC_RELEASE);
}

void space_switch(struct space *s)
{
	struct hart *h = hart_self();

	if (h->smp) {	/* one hart needs no record: it flushes itself */
		if (h->space)
			__atomic_fetch_and(&h->space->live, ~h->bit, __ATOMIC_RELAXED);
		__atomic_fetch_or(&s->live, h->bit, __ATOMIC_RELAXED);
		if (__atomic_exchange_n(&h->icache_stale, 0u, __ATOMIC_ACQ_REL))
			fence_i();	/* code another hart stored while s was not here (space_icache_sync) */
	}
	space_load(h, s);
}

/* Without the kernel lock: h itself, waiting for it (klock_wait_poll). */
void space_deactivate(struct hart *h)
{
	if (!h->space)
		return;
	kmap_activate();
	__atomic_fetch_and(&h->space->live, ~h->bit, __ATOMIC_RELAXED);
	h->space = NULL;
}
