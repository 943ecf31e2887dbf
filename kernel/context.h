/*
 * Kernel execution contexts: the callee-saved registers of a kernel
 * thread of control (the boot thread, or a task inside the kernel).
 * ctx_switch saves the current one and resumes another; everything
 * caller-saved is already on the stack by the C calling convention.
 */
#ifndef KAGE_KERNEL_CONTEXT_H
#define KAGE_KERNEL_CONTEXT_H

#include <stdint.h>

struct context {
	uint64_t ra, sp;
	uint64_t s[12];
};

void ctx_switch(struct context *save, const struct context *resume);

#endif
