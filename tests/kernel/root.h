/* Shared by the kernel test root task's files. */
#ifndef KAGE_TESTS_KERNEL_ROOT_H
#define KAGE_TESTS_KERNEL_ROOT_H

#include <stdint.h>
#include "lib/kage_abi.h"
#include "lib/native.h"

void check(int ok, const char *name, const char *why);
void cow_checks(void);
void demand_checks(void);
void bench_run(void);
void task_checks(void);
void ipc_checks(void);
void notif_checks(void);
void memory_checks(const struct kage_bootinfo *bi);
void handoff_checks(void);
void heap_checks(void);
void uart_irq_check(const struct kage_bootinfo *bi);
void bootinfo_checks(const struct kage_bootinfo *bi);

/* A suspended task running fn(arg) in `space` on child stack `slot`: its handle. */
long child_create(long space, void (*fn)(long), long arg, int slot);
uint64_t child_stack_top(int slot);
/* Lets the child run until it is no longer alive: its KAGE_TASK_* state. */
long child_wait(long task, long *status);

/* Prints on the console (lib/native.c). */
#define say native_say

#endif
