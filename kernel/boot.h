/*
 * Facts established while booting, read-only afterwards: where the kernel
 * and the device tree were, what the device tree says, what is reserved.
 */
#ifndef KAGE_KERNEL_BOOT_H
#define KAGE_KERNEL_BOOT_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/bootmem.h"
#include "lib/fdt.h"
#include "lib/platform.h"

struct boot {
	uint64_t hart;
	uint64_t load_pa;
	uint64_t dtb_pa;
	struct fdt fdt;
	struct platform platform;
	struct bootmem mem;
	const void *initrd;	/* through the direct map; NULL if none */
	size_t initrd_size;
};

extern struct boot boot;

/* Prints the three-line boot report (also the monitor's "info"). */
void boot_report(void);

#endif
