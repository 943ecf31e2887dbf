#include "kernel/hart.h"
#include "kernel/console.h"
#include "kernel/frame.h"
#include "kernel/kalloc.h"
#include "kernel/klock.h"
#include "kernel/kmap.h"
#include "kernel/memlayout.h"
#include "kernel/riscv.h"
#include "kernel/sbi.h"
#include "kernel/sched.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "lib/errno.h"
#include "lib/fmt.h"
#include "lib/platform.h"

#define HART_ONLINE_WAIT_S 2	/* how long a started hart has to check in */
/*
 * How long an idle hart polls before it sleeps in wfi (hart_nap). Work
 * often comes back within it: a task that a server answers, a child that
 * a fork made, each just after the hart ran out of work. A poke costs a
 * store; an IPI costs an SBI call, a machine-mode trap on each side and
 * the sleeper's wake-up, which under QEMU is a host thread woken by
 * another. Linux's haltpoll does the same for its guests.
 */
#define HART_POLL_US 100

_Static_assert(__builtin_offsetof(struct hart, stack_top) == HART_STACK, "trapvec.S reads hart.stack_top");
_Static_assert(__builtin_offsetof(struct hart, boot_satp) == HART_BOOT_SATP, "entry.S reads hart.boot_satp");
_Static_assert(__builtin_offsetof(struct hart, self) == HART_SELF, "entry.S reads hart.self");
_Static_assert(__builtin_offsetof(struct hart, smp) == HART_SMP, "trapvec.S reads hart.smp");
_Static_assert(PLATFORM_MAX_HARTS <= 64, "hart masks are 64 bits");

void boot_secondary(void);
void hart_secondary_main(void);

unsigned hart_count = 1;
uint64_t hart_idle;
static uint64_t hart_poll_ticks;	/* HART_POLL_US in timebase ticks (hart_start_others) */
static struct hart hart_boot;
static struct hart *hart_boot_table[1] = { &hart_boot };
static struct hart **hart_table = hart_boot_table;	/* hart_count entries */

void hart_boot_init(uint64_t id, uint64_t stack_top)
{
	hart_boot.self = &hart_boot;
	hart_boot.id = (uint32_t)id;
	hart_boot.bit = 1;
	hart_boot.stack_top = stack_top;
	hart_boot.last_id = UINT32_MAX;
	hart_boot.state = HART_ONLINE;
	__asm__ volatile("mv tp, %0" ::"r"(&hart_boot));
}

struct hart *hart_at(unsigned i)
{
	return hart_table[i];
}

uint64_t hart_all(void)
{
	return hart_count == 64 ? UINT64_MAX : (1ull << hart_count) - 1;
}

uint64_t hart_ipis, hart_remote_fences, hart_pokes;

void hart_kick(const struct hart *h)
{
	__atomic_fetch_add(&hart_ipis, 1, __ATOMIC_RELAXED);	/* klock_wake kicks without the lock */
	sbi_send_ipi(h->id);
}

void hart_wake_idle(void)
{
	unsigned i = 0;

	while (!(hart_idle & (1ull << i)))
		i++;	/* rv64imac has no count-trailing-zeros */
	hart_idle &= ~(1ull << i);
	hart_rouse(hart_table[i]);
}

void hart_rouse(struct hart *h)
{
	uint32_t polling = HART_NAP_POLLING;

	if (__atomic_compare_exchange_n(&h->nap, &polling, HART_NAP_POKED, false, __ATOMIC_RELEASE,
					__ATOMIC_RELAXED)) {
		hart_pokes++;	/* under the kernel lock */
		return;
	}
	hart_kick(h);
}

void hart_nap(struct hart *h)
{
	uint64_t until = time_read() + hart_poll_ticks;
	uint32_t polling = HART_NAP_POLLING;

	while (__atomic_load_n(&h->nap, __ATOMIC_ACQUIRE) == HART_NAP_POLLING && time_read() < until &&
	       !(csr_read(sip) & csr_read(sie)))
		cpu_relax();
	if (__atomic_compare_exchange_n(&h->nap, &polling, HART_NAP_ASLEEP, false, __ATOMIC_ACQUIRE,
					__ATOMIC_ACQUIRE))
		wfi();	/* a waker that finds it ASLEEP sends the IPI that ends this */
}

/* One SBI remote fence (fence_i, else sfence.vma of [va, va + size)) on the harts of mask from id base. */
static void hart_remote_fence(bool fence_i, uint64_t mask, uint64_t base, uint64_t va, uint64_t size)
{
	hart_remote_fences++;
	if (fence_i)
		sbi_remote_fence_i(mask, base);
	else
		sbi_remote_sfence_vma(mask, base, va, size);
}

/* The fence on the harts in `harts` (by index), in as few SBI calls as their ids allow. */
static void hart_remote(uint64_t harts, bool fence_i, uint64_t va, uint64_t size)
{
	uint64_t ids = 0;

	for (unsigned i = 0; i < hart_count; i++) {
		const struct hart *h = hart_table[i];

		if (!(harts & h->bit))
			continue;
		if (h->id < 64)
			ids |= 1ull << h->id;
		else
			hart_remote_fence(fence_i, 1, h->id, va, size);
	}
	if (ids)
		hart_remote_fence(fence_i, ids, 0, va, size);
}

void space_flush_harts(uint64_t harts, uint64_t va, uint64_t size)
{
	hart_remote(harts, false, va, size);
}

void hart_fence_i(uint64_t harts)
{
	hart_remote(harts, true, 0, 0);
}

/*
 * A started hart's first C code: it checks in, then its own traps, timer
 * and IPIs, then the scheduler. A hart that checks in too late finds the
 * boot hart gave up on it and runs without it (hart_bring_up): it stays
 * here for good, touching nothing shared, with interrupts off.
 */
void hart_secondary_main(void)
{
	struct hart *h = hart_self();
	uint32_t starting = HART_STARTING;

	if (!__atomic_compare_exchange_n(&h->state, &starting, HART_ONLINE, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE)) {
		for (;;)
			wfi();
	}
	trap_init();
	csr_write(scounteren, 0x7);	/* as on the boot hart: cycle, time, instret */
	timer_start_hart();
	klock_take();
	sched_join();
}

/* A struct hart and a one-frame stack for platform hart ph at `index`, started: 0 or an error. */
static int hart_start_one(const struct platform_hart *ph, unsigned index, struct hart **out)
{
	struct hart *h = kzalloc(sizeof(*h));
	uint64_t stack_pa;
	long err;

	if (!h)
		return -ENOMEM;
	if (frame_alloc(&stack_pa) < 0) {
		kfree(h, sizeof(*h));
		return -ENOMEM;
	}
	h->self = h;
	h->id = ph->id;
	h->index = index;
	h->bit = 1ull << index;
	h->last_id = UINT32_MAX;
	h->stack_top = (uint64_t)phys_to_virt(stack_pa) + PAGE_SIZE;
	h->boot_satp = kmap_satp();
	h->smp = true;
	err = sbi_hart_start(ph->id, kmap_image_to_phys(boot_secondary), virt_to_phys(h));
	if (err != 0) {
		kprintf("kage: smp: hart %u did not start (SBI error %ld)\n", ph->id, err);
		frame_unref(stack_pa);
		kfree(h, sizeof(*h));
		return -EIO;
	}
	*out = h;
	return 0;
}

static bool hart_is_online(const struct hart *h)
{
	return __atomic_load_n(&h->state, __ATOMIC_ACQUIRE) == HART_ONLINE;
}

/* Whether done(h) came true within HART_ONLINE_WAIT_S. */
static bool hart_wait(const struct hart *h, uint64_t timebase_hz, bool (*done)(const struct hart *h))
{
	uint64_t until = time_read() + HART_ONLINE_WAIT_S * timebase_hz;

	while (!done(h)) {
		if (time_read() > until)
			return false;
		cpu_relax();
	}
	return true;
}

/*
 * Starts ph as hart `index` and waits for it to check in: the hart, or
 * NULL if it did not start or did not check in within HART_ONLINE_WAIT_S.
 * Such a hart is left out for good; its struct and stack stay, since it
 * may still come up and run on them (only to stop: hart_secondary_main).
 * One at a time, so a hart left out takes no index from those after it.
 */
static struct hart *hart_bring_up(const struct platform_hart *ph, unsigned index, uint64_t timebase_hz)
{
	uint32_t starting = HART_STARTING;
	struct hart *h;

	if (hart_start_one(ph, index, &h) < 0)
		return NULL;
	if (hart_wait(h, timebase_hz, hart_is_online))
		return h;
	if (!__atomic_compare_exchange_n(&h->state, &starting, HART_ABANDONED, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return h;	/* it checked in just now */
	kprintf("kage: smp: hart %u started but did not come online: left out\n", ph->id);
	return NULL;
}

/* A hart kage can run on: enabled, with an MMU, and not the boot hart. */
static bool hart_usable(const struct platform *p, const struct platform_hart *ph)
{
	return ph->enabled && ph->mmu && ph->id != p->boot_hart;
}

/* The usable hart with the lowest id above after's (any, for NULL), or NULL. */
static const struct platform_hart *hart_next_usable(const struct platform *p, const struct platform_hart *after)
{
	const struct platform_hart *next = NULL;

	for (unsigned i = 0; i < p->nharts; i++) {
		const struct platform_hart *ph = &p->harts[i];

		if (hart_usable(p, ph) && (!after || ph->id > after->id) && (!next || ph->id < next->id))
			next = ph;
	}
	return next;
}

/* The "kage: smp:" line: how many harts run kage, and their ids in order (the boot hart is any of them). */
static void hart_report(void)
{
	char ids[PLATFORM_MAX_HARTS * 11] = "";
	size_t len = 0;
	uint32_t last = 0;

	for (unsigned n = 0; n < hart_count; n++) {
		uint32_t next = UINT32_MAX;

		for (unsigned i = 0; i < hart_count; i++) {
			uint32_t id = hart_table[i]->id;

			if ((n == 0 || id > last) && id < next)
				next = id;
		}
		len += (size_t)fmt_snprintf(ids + len, sizeof(ids) - len, "%s%u", n ? " " : "", next);
		last = next;
	}
	kprintf("kage: smp: %u hart%s online (ids %s)\n", hart_count, hart_count == 1 ? "" : "s", ids);
}

void hart_start_others(const struct platform *p)
{
	unsigned want = 0, n = 1;
	struct hart **table;

	klock_init(p->timebase_hz);
	hart_poll_ticks = timer_us_ticks(HART_POLL_US, p->timebase_hz);
	for (unsigned i = 0; i < p->nharts; i++)
		want += hart_usable(p, &p->harts[i]);
	table = want ? kzalloc((want + 1) * sizeof(*table)) : NULL;
	if (want && !table)
		kprintf("kage: smp: no memory for %u more harts\n", want);
	/* In the order of their ids: hart n is Linux's CPU n (task_sched, /proc/cpuinfo). */
	for (const struct platform_hart *ph = hart_next_usable(p, NULL); table && ph; ph = hart_next_usable(p, ph)) {
		table[n] = hart_bring_up(ph, n, p->timebase_hz);
		n += table[n] != NULL;
	}
	if (table) {
		table[0] = &hart_boot;
		hart_table = table;
		hart_count = n;
		hart_boot.smp = n > 1;
	}
	/* Each waits for the lock this hart holds: every boot with other harts takes the lock's sleep. */
	for (unsigned i = 1; i < hart_count; i++) {
		if (!hart_wait(hart_table[i], p->timebase_hz, klock_sleeping))
			kprintf("kage: smp: hart %u did not sleep waiting for the kernel lock\n", hart_table[i]->id);
	}
	hart_report();
}
