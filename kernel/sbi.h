/*
 * Calls into the Supervisor Binary Interface (OpenSBI or board firmware):
 * the timer, system reset, starting harts, IPIs, remote TLB flushes and,
 * before a UART is known, the firmware's console. Architecture-specific: the only file that issues ecall to M-mode.
 */
#ifndef KAGE_KERNEL_SBI_H
#define KAGE_KERNEL_SBI_H

#include <stdbool.h>
#include <stdint.h>

void sbi_init(void);
/* Implementation id and version as reported by the firmware. */
void sbi_version(uint32_t *spec, uint64_t *impl_id, uint64_t *impl_version);
void sbi_set_timer(uint64_t when);
/* Firmware console (legacy extension); a no-op where it is missing. */
void sbi_console_putc(char c);
#define SBI_RESET_SHUTDOWN 0
#define SBI_RESET_COLD 1
/*
 * Asks the firmware to power off or reset the machine; `failure` is passed
 * as the reset reason. Returns only if the firmware cannot do it.
 */
void sbi_system_reset(uint32_t type, bool failure);
/* HSM: starts hart `hart` in S-mode at start_pa (paging off) with a1 = opaque; the SBI error (0: started). */
long sbi_hart_start(uint64_t hart, uint64_t start_pa, uint64_t opaque);
/* A supervisor software interrupt to hart `hart`. */
void sbi_send_ipi(uint64_t hart);
/*
 * sfence.vma of [start, start + size) on the harts in `mask` (bit i is
 * hart base + i); size -1 flushes everything. Returns when they have.
 */
void sbi_remote_sfence_vma(uint64_t mask, uint64_t base, uint64_t start, uint64_t size);
/* The harts in mask (ids from base) run fence.i; returns when they have. */
void sbi_remote_fence_i(uint64_t mask, uint64_t base);

#endif
