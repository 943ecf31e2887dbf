/*
 * System calls from user mode. Native calls (lib/kage_abi.h) are served
 * here; every other number is a Linux call, forwarded as a message to the
 * task's personality endpoint, or answered -ENOSYS if it has none.
 */
#ifndef KAGE_KERNEL_SYSCALL_H
#define KAGE_KERNEL_SYSCALL_H

#include "kernel/task.h"
#include "kernel/trap.h"

/* Handles the ecall in tf (sepc at it), its result into tf->a0, then a tick that came due meanwhile. */
void syscall_ecall(struct trapframe *tf);
/* The trap of an ecall from user mode (kernel/trapvec.S): a native call, and a Linux call. */
void syscall_trap(struct trapframe *tf);
void syscall_linux_trap(struct trapframe *tf);
/* The native call tf->a7 with tf's arguments, for t: its result (MODE=mono's direct calls). */
int64_t syscall_native(struct task *t, struct trapframe *tf);

#endif
