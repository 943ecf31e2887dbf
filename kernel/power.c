#include <stdint.h>
#include "kernel/power.h"
#include "kernel/kmap.h"
#include "kernel/memlayout.h"
#include "kernel/riscv.h"
#include "kernel/sbi.h"

#define FINISHER_FAIL 0x3333u

static volatile uint32_t *power_finisher;
static uint64_t power_finisher_pa;

void power_init(const struct fdt *fdt)
{
	int node = fdt_find_compatible(fdt, -1, "sifive,test0");
	uint64_t pa, size;

	if (node < 0 || fdt_reg(fdt, node, 0, &pa, &size) < 0 || pa >= KERNEL_DIRECT_SIZE)
		return;
	power_finisher_pa = pa;
	power_finisher = phys_to_virt(pa);
}

void power_map(void)
{
	if (power_finisher_pa)
		power_finisher = kmap_device(power_finisher_pa, sizeof(uint32_t));
}

void power_off(bool failure)
{
	irq_disable();
	if (failure && power_finisher)
		*power_finisher = FINISHER_FAIL | (1u << 16);	/* exit status 1 */
	sbi_system_reset(SBI_RESET_SHUTDOWN, failure);
	sbi_system_reset(SBI_RESET_COLD, failure);
	for (;;)
		wfi();
}
