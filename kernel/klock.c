#include "kernel/klock.h"
#include "kernel/panic.h"
#include "kernel/riscv.h"
#include "kernel/timer.h"

struct klock klock = { .holder = -1 };
uint64_t klock_waits, klock_wait_time, klock_sleeps, klock_wakes;

void klock_init(uint64_t timebase_hz)
{
	klock.spin_ticks = timer_us_ticks(KLOCK_SPIN_US, timebase_hz);
}

/*
 * h has spun long enough: it sleeps until a drop wakes it, unless the
 * lock is free or the holder asks something of it (space_evict, which
 * kicks a sleeper) by the time its bit is set. Only an IPI ends the
 * sleep, and any IPI has done what it was for once h is in the kernel
 * (trap.c, trap_ipi); h's interrupts wait until it has the lock, as
 * they do while it spins.
 */
static void klock_sleep(struct hart *h)
{
	__atomic_fetch_or(&klock.sleepers, h->bit, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&klock.locked, __ATOMIC_SEQ_CST) &&
	    !__atomic_load_n(&h->kmap_request, __ATOMIC_SEQ_CST)) {
		uint64_t enabled = csr_read(sie);

		__atomic_fetch_add(&klock_sleeps, 1, __ATOMIC_RELAXED);
		csr_write(sie, SIE_SSIE);	/* a tick that came due would end every wfi at once: IPIs only */
		wfi();
		csr_write(sie, enabled);
	}
	__atomic_fetch_and(&klock.sleepers, ~h->bit, __ATOMIC_RELAXED);
	csr_clear_bits(sip, SIP_SSIP);
}

void klock_wake(void)
{
	uint64_t sleepers = __atomic_load_n(&klock.sleepers, __ATOMIC_RELAXED);

	for (unsigned i = 0; i < hart_count; i++) {
		struct hart *h = hart_at(i);
		uint64_t was;

		if (!(sleepers & h->bit))
			continue;
		/* Whoever clears a sleeper's bit sends its IPI: one per sleep. */
		was = __atomic_fetch_and(&klock.sleepers, ~h->bit, __ATOMIC_RELAXED);
		if (was & h->bit) {
			__atomic_fetch_add(&klock_wakes, 1, __ATOMIC_RELAXED);
			hart_kick(h);
			return;
		}
	}
}

void klock_wait(void)
{
	struct hart *h = hart_self();
	uint64_t start = time_read(), sleep_at = start + klock.spin_ticks;

	do {
		while (__atomic_load_n(&klock.locked, __ATOMIC_RELAXED)) {
			klock_wait_poll(h);
			if (time_read() < sleep_at) {
				cpu_relax();
				continue;
			}
			klock_sleep(h);
			sleep_at = time_read() + klock.spin_ticks;
		}
	} while (__atomic_exchange_n(&klock.locked, 1, __ATOMIC_ACQUIRE));
	klock_waits++;	/* held now, so these need no atomics */
	klock_wait_time += time_read() - start;
}

void klock_not_held(const char *where)
{
	panic("%s: the kernel lock is held by hart index %d, not by this one (%u)", where, klock.holder,
	      hart_self()->index);
}

void klock_taken_twice(void)
{
	panic("klock_take: hart index %u holds the kernel lock already", hart_self()->index);
}
