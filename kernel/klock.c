#include "kernel/klock.h"
#include "kernel/panic.h"
#include "kernel/riscv.h"

struct klock klock = { .holder = -1 };

void klock_wait(void)
{
	struct hart *h = hart_self();

	do {
		while (__atomic_load_n(&klock.locked, __ATOMIC_RELAXED)) {
			klock_wait_poll(h);
			cpu_relax();
		}
	} while (__atomic_exchange_n(&klock.locked, 1, __ATOMIC_ACQUIRE));
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
