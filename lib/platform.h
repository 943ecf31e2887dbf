/*
 * What the kernel needs to know about the machine, read from its device
 * tree: memory and reserved ranges, /chosen, the boot hart, the timebase,
 * the console UART and the PLIC. This is the only place that interprets
 * board-specific device-tree content; the kernel holds no board address.
 */
#ifndef KAGE_LIB_PLATFORM_H
#define KAGE_LIB_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/fdt.h"
#include "lib/uart.h"

#define PLATFORM_MAX_MEM 8
#define PLATFORM_MAX_RESERVED 32
#define PLATFORM_MAX_HARTS 16

struct platform_range {
	uint64_t base;
	uint64_t size;
};

struct platform_hart {
	uint32_t id;		/* "reg" of the cpu node = mhartid */
	bool mmu;		/* mmu-type is riscv,sv39/sv48/sv57 */
	bool enabled;		/* status absent or "okay" */
	int32_t plic_s_context;	/* PLIC context for this hart's S-mode external irq, -1 if none */
};

struct platform_uart {
	enum uart_kind kind;		/* UART_NONE when no supported UART was found */
	char compatible[32];		/* the compatible string that matched */
	uint64_t base, size;
	uint32_t reg_shift, reg_io_width;
	uint32_t clock_hz;		/* clock-frequency, or the rate of its "clocks" fixed-clock */
	uint32_t baud;			/* current-speed, or the stdout-path option ("115200n8") */
	uint32_t irq;			/* PLIC source, 0 if none */
};

struct platform_plic {
	bool present;
	uint64_t base, size;
	uint32_t ndev;			/* riscv,ndev: number of interrupt sources */
};

struct platform {
	char model[64];			/* /model, "" if absent */
	uint32_t boot_hart;
	uint64_t timebase_hz;		/* /cpus timebase-frequency (or the boot cpu's) */

	struct platform_range mem[PLATFORM_MAX_MEM];
	unsigned nmem;
	/* Memory reservation block entries and /reserved-memory children with "reg". */
	struct platform_range reserved[PLATFORM_MAX_RESERVED];
	unsigned nreserved;

	uint64_t initrd_start, initrd_end;	/* /chosen linux,initrd-*; both 0 if none */
	char bootargs[512];			/* /chosen bootargs, "" if absent */
	uint8_t rng_seed[64];			/* /chosen rng-seed's first bytes (secret: wiped once handed on) */
	uint32_t rng_seed_len;			/* 0 if absent */

	struct platform_hart harts[PLATFORM_MAX_HARTS];
	unsigned nharts;

	struct platform_uart uart;
	struct platform_plic plic;
	struct platform_range rtc;	/* a goldfish RTC's registers (QEMU virt); size 0 if none */

	const char *error;	/* after a failed platform_parse: what was wrong */
};

/*
 * Fills *p from a validated tree for a kernel started on `boot_hart`.
 * Returns 0, or a negative errno with p->error naming the problem (no
 * memory node, too many ranges, a malformed property...). A missing UART or
 * PLIC is not an error: uart.kind is UART_NONE, plic.present is false.
 */
int platform_parse(struct platform *p, const struct fdt *fdt, uint32_t boot_hart);

/* The entry for hart `id`, or NULL. */
const struct platform_hart *platform_hart(const struct platform *p, uint32_t id);
/* Sum of the memory ranges, in bytes. */
uint64_t platform_mem_total(const struct platform *p);

#endif
