/*
 * The kernel's virtual memory map (Sv39, 39-bit addresses).
 *
 *   0x0000000000000000 - 0x0000003fffffffff  user space (256 GiB, per space)
 *   0xffffffc000000000 - 0xffffffdfffffffff  direct map of physical memory:
 *                                            va = pa + KERNEL_DIRECT_BASE
 *   0xffffffe000000000 - 0xffffffe03fffffff  device windows (kmap_device)
 *   0xffffffe800000000 - 0xffffffefffffffff  the servers' memory (MODE=mono,
 *                                            kernel/srvmem.h)
 *   0xffffffff80000000 - ...                 the kernel image, wherever loaded
 *
 * The direct map covers physical addresses below 128 GiB: every board kage
 * supports has its RAM there (the HiFive Unmatched's 16 GiB ends at 18 GiB).
 * Only RAM is direct-mapped after boot; devices get explicit windows.
 */
#ifndef KAGE_KERNEL_MEMLAYOUT_H
#define KAGE_KERNEL_MEMLAYOUT_H

#define KERNEL_DIRECT_BASE 0xffffffc000000000ul
#define KERNEL_DIRECT_SIZE (128ul << 30)
#define KERNEL_DEVICE_BASE 0xffffffe000000000ul
#define KERNEL_DEVICE_SIZE (1ul << 30)
#define KERNEL_IMAGE_BASE 0xffffffff80000000ul
#define USER_TOP 0x0000004000000000ul

/* Boot stack of the first hart, and the idle loop's; each task has a kernel stack of its own. */
#define KERNEL_STACK_SIZE (16 * 1024)

#ifndef __ASSEMBLY__
#include <stdint.h>

#ifdef KAGE_HOST
/* Host unit tests back "physical memory" with an arena of their own. */
void *phys_to_virt(uint64_t pa);
uint64_t virt_to_phys(const void *va);
#else
static inline void *phys_to_virt(uint64_t pa)
{
	return (void *)(pa + KERNEL_DIRECT_BASE);
}

static inline uint64_t virt_to_phys(const void *va)
{
	return (uint64_t)va - KERNEL_DIRECT_BASE;
}
#endif
#endif

#endif
