/* Shared by the kernel test root task's files. */
#ifndef KAGE_TESTS_KERNEL_ROOT_H
#define KAGE_TESTS_KERNEL_ROOT_H

#include <stdint.h>
#include "lib/kage_abi.h"
#include "lib/native.h"

void check(int ok, const char *name, const char *why);
void cow_checks(void);
void demand_checks(void);
void uaccess_checks(void);
void bench_run(void);
void task_checks(void);
void ipc_checks(void);
void ipc_regs_checks(void);
void reply_copy_checks(void);
void notif_checks(void);
void memory_checks(const struct kage_bootinfo *bi);
void lazy_checks(const struct kage_bootinfo *bi);
void ranges_checks(void);
void handoff_checks(void);
void heap_checks(void);
void uart_irq_check(const struct kage_bootinfo *bi);
void limit_checks(uint64_t timebase_hz);
void oom_checks(void);
void flood_checks(void);
void bootinfo_checks(const struct kage_bootinfo *bi);

/* A suspended task running fn(arg) in `space` on child stack `slot`: its handle. */
long child_create(long space, void (*fn)(long), long arg, int slot);
uint64_t child_stack_top(int slot);
/* Lets the child run until it is no longer alive: its KAGE_TASK_* state. */
long child_wait(long task, long *status);
int child_wait_word(volatile long *word, long was);
/*
 * Runs fn(arg) in a task of this space whose handle 0 is this space, until
 * it ends: checks whose handles, and the table that grows to hold them,
 * go with that task (the root's own table keeps its size).
 */
void child_run(void (*fn)(long), long arg);

/* Prints on the console (lib/native.c). */
#define say native_say

#endif
