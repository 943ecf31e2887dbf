/*
 * Early page tables, built with paging off.
 *
 * This runs at the physical load address: the code model (medany) makes
 * every reference PC-relative, and nothing here may use an absolute
 * address (no pointers in initialised data, no switch jump tables: the
 * loop and arithmetic below are deliberately plain).
 *
 * Three mappings, all with large pages so that three page-table pages
 * suffice:
 *   - identity, 1 GiB around the load address, so the instruction after
 *     the satp write still fetches;
 *   - the direct map of the first 128 GiB of physical addresses, so kmain
 *     can read the device tree and RAM before it knows where they are;
 *   - the kernel image at KERNEL_IMAGE_BASE in 2 MiB pages.
 * kmain replaces all of it with precise tables (kernel/kmap.c).
 */
#include <stdint.h>
#include "kernel/memlayout.h"
#include "kernel/riscv.h"

uint64_t boot_early_map(uint64_t load_pa);

extern char _kernel_start[], _kernel_end[];

static pte_t early_root[PT_ENTRIES] __attribute__((aligned(PAGE_SIZE), section(".bss.pagetables")));
static pte_t early_image[PT_ENTRIES] __attribute__((aligned(PAGE_SIZE), section(".bss.pagetables")));

#define EARLY_RWX (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D | PTE_G)
#define VPN2(va) (((va) >> 30) & 0x1ff)
#define VPN1(va) (((va) >> 21) & 0x1ff)

__attribute__((section(".text.boot")))
uint64_t boot_early_map(uint64_t load_pa)
{
	uint64_t image_size = (uint64_t)(_kernel_end - _kernel_start);
	uint64_t i;

	early_root[VPN2(load_pa)] = PTE_FROM_PA(load_pa & ~(GIGA_SIZE - 1)) | EARLY_RWX;
	for (i = 0; i < KERNEL_DIRECT_SIZE / GIGA_SIZE; i++)
		early_root[VPN2(KERNEL_DIRECT_BASE) + i] =
			PTE_FROM_PA(i * GIGA_SIZE) | (EARLY_RWX & ~PTE_X);
	early_root[VPN2(KERNEL_IMAGE_BASE)] = PTE_FROM_PA((uint64_t)early_image) | PTE_V;
	for (i = 0; i * MEGA_SIZE < image_size; i++)
		early_image[VPN1(KERNEL_IMAGE_BASE) + i] =
			PTE_FROM_PA(load_pa + i * MEGA_SIZE) | EARLY_RWX;
	return SATP_MODE_SV39 | ((uint64_t)early_root >> PAGE_SHIFT);
}
