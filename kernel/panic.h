/*
 * The kernel stops only when one of its own invariants is broken: never
 * because of user input, a device tree or an ELF file. panic() prints the
 * reason, the registers and a backtrace, then powers off with a failure
 * status so that a test harness sees it.
 */
#ifndef KAGE_KERNEL_PANIC_H
#define KAGE_KERNEL_PANIC_H

struct trapframe;

__attribute__((noreturn, format(printf, 1, 2)))
void panic(const char *fmt, ...);
/* Panic on behalf of a trap: the frame's registers are the ones printed. */
__attribute__((noreturn, format(printf, 2, 3)))
void panic_trap(const struct trapframe *tf, const char *fmt, ...);

#define kassert(cond)                                                              \
	do {                                                                       \
		if (!(cond))                                                       \
			panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__); \
	} while (0)

#endif
