/*
 * Harts: what the kernel keeps for each hart it runs on.
 *
 * kage runs on every hart the device tree lists as enabled with an MMU
 * (on the SiFive boards hart 0, a monitor core without one, stays with
 * the firmware). The boot hart is index 0; the others are started
 * through SBI HSM once the kernel is set up (hart_start_others) and go
 * straight to the scheduler.
 *
 * In the kernel tp holds the hart's struct hart: the kernel never uses tp
 * for anything else, and a user's tp is saved in its trap frame on entry
 * (kernel/trapvec.S, which also reads stack_top; boot/entry.S reads the
 * first three fields).
 *
 * Ownership: made at boot and never freed. Each field is its hart's own
 * but `running`, which the kernel-lock holder may clear when it takes a
 * task off another hart (sched_off_cpu), and `kmap_request`, which it
 * sets when a space that hart still names is being destroyed.
 * Locking: the kernel lock (kernel/klock.h) covers the kernel's shared
 * state; what a hart does before it holds the lock touches only its own
 * struct and the frame of the task it ran.
 */
#ifndef KAGE_KERNEL_HART_H
#define KAGE_KERNEL_HART_H

#define HART_STACK 0
#define HART_BOOT_SATP 8
#define HART_SELF 16
#define HART_SMP 80

#ifndef __ASSEMBLY__
#include <stdbool.h>
#include <stdint.h>
#include "lib/kage_abi.h"

struct task;
struct space;
struct platform;

struct hart {
	uint64_t stack_top;	/* the hart's own kernel stack: traps and the idle loop run on it */
	uint64_t boot_satp;	/* a started hart's first satp (the kernel's tables) */
	struct hart *self;	/* this struct's kernel address, for the start path */
	struct task *running;	/* the task this hart runs, NULL while idle */
	struct task *fpu_owner;	/* whose FP state the hart's registers hold (kernel/fpu.c) */
	struct space *space;	/* whose tables satp holds, NULL for the kernel's own */
	uint64_t timer_next;	/* the hart's next tick */
	uint32_t last_id;	/* the last task that ran here in user mode: a switch to another is counted */
	uint64_t bit;		/* 1 << index: its bit in hart masks (space.live, hart_idle) */
	uint32_t index;		/* 0 for the boot hart, then by id: Linux's CPU number (task_sched) */
	uint32_t id;		/* mhartid, as SBI names it */
	bool smp;		/* hart_count > 1: the kernel lock and the other harts' bookkeeping are in use */
	volatile bool kmap_request;	/* drop `space` while waiting for the lock (space_destroy) */
	uint32_t icache_stale;	/* new code went into memory since its last fence.i: one before its next space */
	uint32_t state;		/* HART_STARTING until it checks in (HART_ONLINE) or is given up on (HART_ABANDONED) */
	uint64_t kernel_unmaps_seen;	/* klock.kernel_unmaps at its last TLB flush */
	uint32_t nap;		/* how it waits while idle: HART_NAP_* (hart_nap, hart_rouse) */
	/*
	 * The counts of the hottest paths, the hart's own so that each is one
	 * increment off tp: the IPC fast path's hand-offs by kind (TASK_MSG_CALL
	 * or _SYSCALL) and receiver's role, and its answers (kernel/ipc.c), and
	 * satp writes (space_load). sys_stats adds them up over the harts.
	 */
	uint64_t fast_taken[2][KAGE_SERVERS];
	uint64_t fast_replies;
	uint64_t satp_writes;
};

/*
 * struct hart.nap. An idle hart polls for work for HART_POLL_US first
 * (POLLING), and a waker that finds it polling pokes it (POKED) instead of
 * sending an IPI; past the poll it sleeps in wfi (ASLEEP) and a waker
 * sends the IPI. Each side leaves POLLING with a compare-and-swap, so
 * exactly one of the two moves happens: no wake-up is lost, none is sent
 * twice.
 */
#define HART_NAP_AWAKE 0
#define HART_NAP_POLLING 1
#define HART_NAP_POKED 2
#define HART_NAP_ASLEEP 3

/* struct hart.state: whichever of the hart and the boot hart moves it from STARTING first decides. */
#define HART_STARTING 0
#define HART_ONLINE 1
#define HART_ABANDONED 2

/* The hart this code runs on. */
static inline struct hart *hart_self(void)
{
	struct hart *h;

#ifdef __riscv
	__asm__("mv %0, tp" : "=r"(h));
#else
	h = 0;	/* host unit tests never run kernel paths that ask */
#endif
	return h;
}

/* How many harts run kage (1 until hart_start_others); never changes after boot. */
extern unsigned hart_count;
/* Harts with nothing to run (polling or in wfi, hart_nap), by index: sched_ready wakes one. */
extern uint64_t hart_idle;

/* IPIs sent, SBI remote fences asked for, and idle harts poked, since boot (struct kage_stats). */
extern uint64_t hart_ipis, hart_remote_fences, hart_pokes;

/* The harts in `harts` (by index) run fence.i, through SBI; returns when they have. */
void hart_fence_i(uint64_t harts);

/* Makes the boot hart's struct and puts it in tp: first thing in kmain. */
void hart_boot_init(uint64_t id, uint64_t stack_top);
/*
 * Starts every other enabled hart with an MMU, waits for each to come
 * online, and prints the "kage: smp:" line. A hart that does not start is
 * named and left out. Called with the kernel lock held.
 */
void hart_start_others(const struct platform *p);
/* The hart at index i (i < hart_count). */
struct hart *hart_at(unsigned i);
/* Every hart's bit. */
uint64_t hart_all(void);
/* An IPI to hart h: it traps soon, from user mode or out of wfi. */
void hart_kick(const struct hart *h);
/* Wakes one idle hart, if any, for a task just made runnable. */
void hart_wake_idle(void);
/* Makes idle hart h look for work: a poke while it polls, else an IPI (with the kernel lock held). */
void hart_rouse(struct hart *h);
/*
 * Idle h, its nap POLLING and the kernel lock dropped, waits: it polls
 * until poked, an interrupt waits or HART_POLL_US pass, then sleeps in
 * wfi unless it was poked meanwhile.
 */
void hart_nap(struct hart *h);

#endif
#endif
