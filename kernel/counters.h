/*
 * Event counters (struct kage_counters, lib/kage_abi.h): where the work
 * of a call goes, counted on the kernel's own paths and read with
 * sys_stats. Always compiled in: each is a plain 64-bit increment, a
 * few instructions on paths of hundreds. One hart runs the kernel with
 * interrupts off, so no atomics are needed. What a task's messages count
 * as is its role (task.role), which its creator gave it.
 */
#ifndef KAGE_KERNEL_COUNTERS_H
#define KAGE_KERNEL_COUNTERS_H

#include <stdint.h>
#include "lib/kage_abi.h"

extern struct kage_counters counters;

#define COUNT(field) (counters.field++)

/* Adds the counts each hart keeps in its struct hart (satp writes) to c; the IPC fast path's are ipc_fast_fold's. */
void counters_fold_harts(struct kage_counters *c);
/* The frames each server holds (struct kage_stats.server_pages), by task role. */
void counters_server_pages(uint64_t pages[KAGE_SERVERS]);

#endif
