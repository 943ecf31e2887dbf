/*
 * Trap dispatch. Interrupts go to their handlers; an exception taken in the
 * kernel is a kernel bug (user input never reaches a kernel fault: user
 * pointers are checked before use), so it panics with the full frame. Two
 * exceptions: a copy of the running task's own memory (kernel/uaccess.h)
 * ends with -EFAULT, and in MODE=mono the first touch of a page of the
 * servers' memory window (kernel/srvmem.h) is a fault the window resolves.
 */
#include "kernel/cputime.h"
#include "kernel/trap.h"
#include "kernel/panic.h"
#include "kernel/riscv.h"
#include "kernel/timer.h"
#include "kernel/counters.h"
#include "kernel/fpu.h"
#include "kernel/ipc.h"
#include "kernel/klog.h"
#include "kernel/kserver.h"
#include "kernel/irq.h"
#include "kernel/sched.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/uaccess.h"
#include "lib/errno.h"

void trap_vector(void);
void trap_kernel(struct trapframe *tf);

_Static_assert(sizeof(struct trapframe) == 35 * 8 && TRAPFRAME_SIZE >= 36 * 8 && TRAPFRAME_SIZE % 16 == 0,
	       "trapvec.S assumes 35 slots and the hart's word in TRAPFRAME_SIZE bytes");

void trap_init(void)
{
	csr_clear(sscratch);
	csr_write(stvec, (uint64_t)trap_vector);
	csr_set(sie, SIE_SSIE);	/* IPIs (kernel/hart.h) */
}

/* An IPI: whatever it asked for is done by the trap having happened (sched_enter, the idle loop). */
static void trap_ipi(void)
{
	csr_clear_bits(sip, SIP_SSIP);
}

/* The access a page fault was for, 0 if the cause is no page fault. */
static uint64_t trap_page_access(uint64_t cause)
{
	switch (cause) {
	case EXC_LOAD_PAGE_FAULT: return PTE_R;
	case EXC_STORE_PAGE_FAULT: return PTE_W;
	case EXC_INST_PAGE_FAULT: return PTE_X;
	default: return 0;
	}
}

void trap_kernel(struct trapframe *tf)
{
	uint64_t cause = tf->scause;

	if (cause & SCAUSE_INTERRUPT) {
		COUNT(interrupts);
		switch (cause & ~SCAUSE_INTERRUPT) {
		case IRQ_S_TIMER:
			cputime_tick(sched_current(), false);
			timer_tick();
			return;
		case IRQ_S_EXT:
			irq_dispatch();
			return;
		case IRQ_S_SOFT:
			trap_ipi();
			return;
		default:
			break;
		}
	} else if (trap_page_access(cause)) {
		int err;

		if (uaccess_fault(tf))
			return;	/* a copy of the running task's memory: it answers -EFAULT */
		err = kserver_fault(tf->stval, trap_page_access(cause));

		if (err == 0) {
			COUNT(page_faults);	/* as a user-mode server's would be */
			return;	/* MODE=mono: a server's own memory, filled on first touch */
		}
		/* Servers populate their memory (KAGE_MAP_POPULATE) so that this cannot happen. */
		if (err == -ENOMEM)
			panic_trap(tf, "a server touched server-window memory at 0x%lx that was not populated, "
				   "and no frame was free for it", tf->stval);
	}
	panic_trap(tf, "unexpected %s in the kernel", trap_cause_name(cause));
}

/*
 * Everything from user mode but a system call. Whatever the task did, the
 * kernel survives it: a fault the kernel does not resolve goes to the
 * task's exception endpoint (the process server turns it into a signal);
 * a task without one dies.
 */
static __attribute__((noinline)) void trap_user_event(struct trapframe *tf)
{
	struct task *t = sched_current();
	uint64_t cause = tf->scause;
	int err = -EFAULT;

	if (cause & SCAUSE_INTERRUPT)
		COUNT(interrupts);
	else if (trap_page_access(cause))
		COUNT(page_faults);
	else
		COUNT(other_traps);
	if (cause == (SCAUSE_INTERRUPT | IRQ_S_TIMER)) {
		cputime_tick(t, true);
		timer_tick();
		kserver_poll(t);
		sched_preempt();
		return;
	}
	if (cause == (SCAUSE_INTERRUPT | IRQ_S_EXT)) {
		irq_dispatch();
		kserver_poll(t);
		return;
	}
	if (cause == (SCAUSE_INTERRUPT | IRQ_S_SOFT)) {
		trap_ipi();
		return;
	}
	if (trap_page_access(cause)) {
		err = space_fault(t->space, tf->stval, trap_page_access(cause));
		if (err == 0)
			return;	/* copy-on-write or zero fill done: retry the access */
	}
	if (cause == EXC_ILLEGAL_INST && fpu_first_use(t))
		return;	/* its first FP instruction: FP is on now, retry it */
	if (t->exception && t->exception->obj.receivers) {
		t->fault_error = err;	/* the message says whether memory ran out (w3) */
		ipc_send(t, t->exception, TASK_MSG_FAULT, t->exception_badge);
	}
	klog("kage: task %s killed: %s at pc=0x%lx addr=0x%lx%s\n", t->name, trap_cause_name(cause), tf->sepc,
	     tf->stval, err == -ENOMEM ? " (no free frame)" : "");
	task_die(t, -(int64_t)(cause & ~SCAUSE_INTERRUPT) - 1);
}

bool trap_tick_came_due(struct task *t)
{
	if (!(csr_read(sip) & SIP_STIP))
		return false;
	COUNT(interrupts);
	cputime_tick(t, false);
	timer_tick();
	return true;
}

/* The tick came due during a system call: as a tick in user mode, it may preempt. */
void trap_late_tick(struct task *t)
{
	if (!trap_tick_came_due(t))
		return;
	kserver_poll(t);
	sched_preempt();
}

/* A trap from user mode; system calls are the hot path and take the shortest way. */
static inline __attribute__((always_inline)) void trap_user_body(struct trapframe *tf)
{
	if (tf->scause == EXC_ECALL_U) {
		syscall_ecall(tf);
		return;
	}
	trap_user_event(tf);
}

/* With other harts: the kernel lock around the trap (kernel/sched.h). */
static __attribute__((noinline)) void trap_user_smp(struct hart *h, struct trapframe *tf)
{
	sched_enter_smp(h);
	trap_user_body(tf);
	sched_leave_smp(h, h->running);
}

/*
 * A trap from user mode, on the hart's own stack (kernel/trapvec.S).
 * Returning resumes the same task.
 */
void trap_user(struct trapframe *tf)
{
	struct hart *h = hart_self();

	if (__builtin_expect(h->smp, 0))
		trap_user_smp(h, tf);
	else
		trap_user_body(tf);
}

const char *trap_cause_name(uint64_t scause)
{
	static const char *const exceptions[] = {
		[EXC_INST_MISALIGNED] = "instruction address misaligned",
		[EXC_INST_ACCESS] = "instruction access fault",
		[EXC_ILLEGAL_INST] = "illegal instruction",
		[EXC_BREAKPOINT] = "breakpoint",
		[EXC_LOAD_MISALIGNED] = "load address misaligned",
		[EXC_LOAD_ACCESS] = "load access fault",
		[EXC_STORE_MISALIGNED] = "store address misaligned",
		[EXC_STORE_ACCESS] = "store access fault",
		[EXC_ECALL_U] = "ecall from U-mode",
		[EXC_ECALL_S] = "ecall from S-mode",
		[EXC_INST_PAGE_FAULT] = "instruction page fault",
		[EXC_LOAD_PAGE_FAULT] = "load page fault",
		[EXC_STORE_PAGE_FAULT] = "store page fault",
	};
	uint64_t code = scause & ~SCAUSE_INTERRUPT;

	if (scause & SCAUSE_INTERRUPT) {
		if (code == IRQ_S_SOFT)
			return "software interrupt";
		if (code == IRQ_S_TIMER)
			return "timer interrupt";
		if (code == IRQ_S_EXT)
			return "external interrupt";
		return "unknown interrupt";
	}
	if (code < sizeof(exceptions) / sizeof(exceptions[0]) && exceptions[code])
		return exceptions[code];
	return "unknown exception";
}

uint64_t trap_reg(const struct trapframe *tf, int i)
{
	const uint64_t *regs = &tf->ra;

	return i >= 1 && i <= TRAPFRAME_GPRS ? regs[i - 1] : 0;
}

const char *trap_reg_name(int i)
{
	static const char *const names[] = {
		"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1",
		"a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7",
		"s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
		"t3", "t4", "t5", "t6",
	};

	return i >= 0 && i <= TRAPFRAME_GPRS ? names[i] : "?";
}
