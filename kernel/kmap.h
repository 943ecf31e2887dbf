/*
 * The kernel's address space: the image (text R+X, rodata R, data R+W),
 * the direct map of RAM and device windows. Built once at boot in place of
 * the early tables. Every root-level entry of the kernel half is created
 * here and never changes afterwards, so user spaces can share the kernel
 * half by copying those entries once.
 */
#ifndef KAGE_KERNEL_KMAP_H
#define KAGE_KERNEL_KMAP_H

#include <stdint.h>
#include "kernel/riscv.h"
#include "kernel/bootmem.h"

/* Builds the kernel tables (not yet active); panics if memory runs out. */
void kmap_build(const struct bootmem *bm, uint64_t load_pa);
/* Maps a device's registers into the device window: its address, or NULL. */
void *kmap_device(uint64_t pa, uint64_t size);
/* Switches the hart to the kernel tables. */
void kmap_activate(void);
/* satp for the kernel tables (a started hart's first). */
uint64_t kmap_satp(void);
/* The physical address of a kernel image address (boot modules, for the root task). */
uint64_t kmap_image_to_phys(const void *va);
pte_t *kmap_root(void);

#endif
