/*
 * The platform-level interrupt controller (RISC-V PLIC): routes device
 * interrupt sources to this hart's S-mode context. Every source starts
 * disabled; kernel/irq.c enables one when a driver binds it.
 */
#ifndef KAGE_KERNEL_PLIC_H
#define KAGE_KERNEL_PLIC_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/platform.h"

/* Finds the boot hart's S-mode context and maps the PLIC: true if usable. */
bool plic_init(const struct platform *p, uint32_t hart);
bool plic_present(void);
uint32_t plic_sources(void);
void plic_enable(uint32_t irq, bool on);
/* The highest-priority pending source, claimed (0: none). */
uint32_t plic_claim(void);
void plic_complete(uint32_t irq);

#endif
