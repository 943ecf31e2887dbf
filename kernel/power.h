/*
 * Powering off. The firmware's SBI system reset is the way; where the
 * firmware cannot power the machine off (QEMU sifive_u: OpenSBI only has
 * its GPIO restart line) the machine is reset instead, which QEMU's
 * -no-reboot turns into an exit. Firmware reports a failure reason to
 * nobody, so on machines whose device tree describes a QEMU test finisher
 * ("sifive,test0") a failure is written there directly: QEMU then exits
 * with status 1, which is how a test harness sees a panic.
 */
#ifndef KAGE_KERNEL_POWER_H
#define KAGE_KERNEL_POWER_H

#include <stdbool.h>
#include "lib/fdt.h"

/* Looks for a test finisher, reachable through the early map until power_map(). */
void power_init(const struct fdt *fdt);
/* Moves the finisher into the kernel map being built (before kmap_activate). */
void power_map(void);
__attribute__((noreturn)) void power_off(bool failure);

#endif
