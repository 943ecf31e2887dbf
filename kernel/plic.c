#include "kernel/plic.h"
#include "kernel/console.h"
#include "kernel/kmap.h"
#include "kernel/riscv.h"

/* Only the three windows this hart's context uses are mapped, not all 64 MiB. */
#define PLIC_PRIORITY_OFF 0u
#define PLIC_ENABLE_OFF(ctx) (0x2000u + 0x80u * (ctx))
#define PLIC_CONTEXT_OFF(ctx) (0x200000u + 0x1000u * (ctx))
#define PLIC_THRESHOLD 0
#define PLIC_CLAIM 1

static volatile uint32_t *plic_priority, *plic_enables, *plic_context;
static uint32_t plic_ndev;

bool plic_init(const struct platform *p, uint32_t hart)
{
	const struct platform_hart *h = platform_hart(p, hart);
	uint32_t ctx;

	if (!p->plic.present || !h || h->plic_s_context < 0) {
		kprintf("kage: no PLIC context for hart %u: device interrupts off\n", hart);
		return false;
	}
	ctx = (uint32_t)h->plic_s_context;
	if (p->plic.size < PLIC_CONTEXT_OFF(ctx) + 0x1000 || p->plic.ndev > 1023) {
		kprintf("kage: the PLIC's reg or riscv,ndev does not fit context %u\n", ctx);
		return false;
	}
	plic_priority = kmap_device(p->plic.base + PLIC_PRIORITY_OFF, 0x1000);
	plic_enables = kmap_device(p->plic.base + PLIC_ENABLE_OFF(ctx), 0x80);
	plic_context = kmap_device(p->plic.base + PLIC_CONTEXT_OFF(ctx), 0x1000);
	if (!plic_priority || !plic_enables || !plic_context) {
		kprintf("kage: cannot map the PLIC: device interrupts off\n");
		plic_context = 0;
		return false;
	}
	plic_ndev = p->plic.ndev;
	for (uint32_t irq = 1; irq <= plic_ndev; irq++)
		plic_enable(irq, false);
	plic_context[PLIC_THRESHOLD] = 0;
	csr_set(sie, SIE_SEIE);
	return true;
}

bool plic_present(void)
{
	return plic_context != 0;
}

uint32_t plic_sources(void)
{
	return plic_ndev;
}

void plic_enable(uint32_t irq, bool on)
{
	volatile uint32_t *en = &plic_enables[irq / 32];

	plic_priority[irq] = on ? 1 : 0;
	if (on)
		*en |= 1u << (irq % 32);
	else
		*en &= ~(1u << (irq % 32));
}

uint32_t plic_claim(void)
{
	return plic_context ? plic_context[PLIC_CLAIM] : 0;
}

void plic_complete(uint32_t irq)
{
	plic_context[PLIC_CLAIM] = irq;
}
