/*
 * Trap entry and exit. A trap saves every general register, sepc, sstatus,
 * scause and stval in a struct trapframe on the kernel stack; C code reads
 * and may change the frame, and the exit path restores all of it.
 */
#ifndef KAGE_KERNEL_TRAP_H
#define KAGE_KERNEL_TRAP_H

/* Bytes a trap frame takes on a kernel stack: 35 slots, then the hart a task runs on (trapvec.S), rounded to 16. */
#define TRAPFRAME_SIZE 288

#ifndef __ASSEMBLY__
#include <stdbool.h>
#include <stdint.h>
#include "kernel/riscv.h"

/* x1..x31 in order, then the CSRs. trap.S depends on this layout. */
struct trapframe {
	uint64_t ra, sp, gp, tp;
	uint64_t t0, t1, t2;
	uint64_t s0, s1;
	union {
		struct {
			uint64_t a0, a1, a2, a3, a4, a5, a6, a7;
		};
		uint64_t a[8];	/* the argument registers as an array (IPC words) */
	};
	uint64_t s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
	uint64_t t3, t4, t5, t6;
	uint64_t sepc, sstatus, scause, stval;
};

#define TRAPFRAME_GPRS 31

void trap_init(void);
/* Stores the caller's registers in *tf (sepc = return address); for panic(). */
void trap_capture(struct trapframe *tf);
const char *trap_cause_name(uint64_t scause);
struct task;
/*
 * If the tick came due while the kernel worked for t (interrupts are off
 * in the kernel), takes it now as t's system time and re-arms the timer:
 * true. Taken in user mode it would count as user time.
 */
bool trap_tick_came_due(struct task *t);
/* Whether the tick came due while the kernel ran with interrupts off. */
static inline bool trap_tick_waiting(void)
{
	return csr_read(sip) & SIP_STIP;
}
/* After a system call for t, the tick trap_tick_waiting saw: taken now, it may preempt. */
void trap_late_tick(struct task *t);
/* A trap from user mode (trapvec.S): everything but a system call on one hart, and all traps with other harts. */
void trap_user(struct trapframe *tf);
/* Register `i` (1..31) of a frame, by architectural number, and its ABI name. */
uint64_t trap_reg(const struct trapframe *tf, int i);
const char *trap_reg_name(int i);

#endif /* __ASSEMBLY__ */

#endif
