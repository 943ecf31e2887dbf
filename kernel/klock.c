#include "kernel/klock.h"
#include "kernel/panic.h"
#include "kernel/riscv.h"

struct klock klock = { .holder = -1 };

void klock_wait(uint32_t ticket)
{
	struct hart *h = hart_self();

	while (__atomic_load_n(&klock.serving, __ATOMIC_ACQUIRE) != ticket) {
		klock_wait_poll(h);
		cpu_relax();
	}
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
