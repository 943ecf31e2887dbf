#include <stdarg.h>
#include <stdbool.h>
#include "kernel/panic.h"
#include "kernel/console.h"
#include "kernel/memlayout.h"
#include "kernel/riscv.h"
#include "kernel/power.h"
#include "kernel/sbi.h"
#include "kernel/sched.h"
#include "kernel/trap.h"

#define BACKTRACE_DEPTH 32

extern char boot_stack[], boot_stack_top[];
extern char _kernel_start[], _text_end[];

static bool panicking;

/* A frame pointer on the stack the kernel runs on: the boot stack or the current task's. */
static bool panic_fp_ok(uint64_t fp)
{
	const struct task *t = sched_current();
	uint64_t lo = (uint64_t)boot_stack, hi = (uint64_t)boot_stack_top;

	if (t && !(fp >= lo + 16 && fp <= hi)) {
		lo = (uint64_t)phys_to_virt(t->kstack_pa);
		hi = lo + PAGE_SIZE;
	}
	return (fp & 7) == 0 && fp >= lo + 16 && fp <= hi;
}

/*
 * Frame records (GCC, -fno-omit-frame-pointer): fp points just above the
 * saved return address (fp - 8) and the caller's fp (fp - 16). The walk
 * stops at a null fp (set by boot/entry.S) or anything off the stack.
 */
static void panic_backtrace(uint64_t pc, uint64_t fp)
{
	int depth;

	kprintf("backtrace (tools/backtrace kage.elf resolves it):\n");
	kprintf("  #0 %p\n", (void *)pc);
	for (depth = 1; depth < BACKTRACE_DEPTH && panic_fp_ok(fp); depth++) {
		uint64_t ra = ((uint64_t *)fp)[-1];

		if (ra < (uint64_t)_kernel_start || ra >= (uint64_t)_text_end)
			break;
		kprintf("  #%d %p\n", depth, (void *)ra);
		fp = ((uint64_t *)fp)[-2];
	}
}

static void panic_dump(const struct trapframe *tf)
{
	int i;

	kprintf("scause=%016lx (%s) sepc=%016lx stval=%016lx sstatus=%016lx\n",
		tf->scause, trap_cause_name(tf->scause), tf->sepc, tf->stval, tf->sstatus);
	for (i = 1; i <= TRAPFRAME_GPRS; i++)
		kprintf("%4s=%016lx%s", trap_reg_name(i), trap_reg(tf, i), i % 4 == 3 ? "\n" : " ");
	kprintf("\n");
	panic_backtrace(tf->sepc, tf->s0);
}

static __attribute__((noreturn)) void panic_finish(const struct trapframe *tf, const char *fmt, va_list ap)
{
	irq_disable();
	if (panicking) {
		console_puts("kage: panic while panicking\n");
		power_off(true);
	}
	panicking = true;
	console_puts("\nkage: panic: ");
	kvprintf(fmt, ap);
	console_puts("\n");
	panic_dump(tf);
	console_puts("kage: powering off after panic\n");
	power_off(true);
}

void panic(const char *fmt, ...)
{
	struct trapframe tf;
	va_list ap;

	trap_capture(&tf);
	va_start(ap, fmt);
	panic_finish(&tf, fmt, ap);
}

void panic_trap(const struct trapframe *tf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	panic_finish(tf, fmt, ap);
}
