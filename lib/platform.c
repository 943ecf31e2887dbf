/*
 * Machine facts from the device tree. This is the one place that knows how
 * boards describe themselves: which properties carry memory, reserved
 * regions, the initrd, the timebase, the console UART and the PLIC's
 * per-hart contexts. Everything is validated; a tree that lacks something
 * the kernel cannot run without fails with p->error naming it.
 */
#include "lib/platform.h"
#include "lib/errno.h"
#include "lib/string.h"

#define IRQ_S_EXT 9

static int platform_fail(struct platform *p, int err, const char *why)
{
	p->error = why;
	return err;
}

static bool platform_node_enabled(const struct fdt *fdt, int node)
{
	const char *s = fdt_prop_string(fdt, node, "status");

	return !s || strcmp(s, "okay") == 0 || strcmp(s, "ok") == 0;
}

static int platform_add_range(struct platform_range *r, unsigned *n, unsigned max,
			      uint64_t base, uint64_t size)
{
	if (size == 0)
		return 0;
	if (*n == max)
		return -ENOSPC;
	r[*n].base = base;
	r[*n].size = size;
	(*n)++;
	return 0;
}

/* Every reg entry of `node` into a range list. */
static int platform_add_regs(const struct fdt *fdt, int node, struct platform_range *r,
			     unsigned *n, unsigned max)
{
	uint64_t base, size;
	int i, err;

	for (i = 0; (err = fdt_reg(fdt, node, i, &base, &size)) == 0; i++)
		if (platform_add_range(r, n, max, base, size) < 0)
			return -ENOSPC;
	return err == -ENOENT ? 0 : err;
}

static int platform_memory(struct platform *p, const struct fdt *fdt)
{
	int depth = 0, node, err;

	for (node = fdt_root(fdt); node >= 0; node = fdt_next_node(fdt, node, &depth)) {
		const char *type = fdt_prop_string(fdt, node, "device_type");

		if (depth != 1 || !type || strcmp(type, "memory") != 0 || !platform_node_enabled(fdt, node))
			continue;
		err = platform_add_regs(fdt, node, p->mem, &p->nmem, PLATFORM_MAX_MEM);
		if (err == -ENOSPC)
			return platform_fail(p, err, "more memory ranges than kage supports");
		if (err < 0)
			return platform_fail(p, err, "malformed reg in a memory node");
	}
	if (node != -ENOENT)
		return platform_fail(p, -EINVAL, "malformed structure block");
	if (p->nmem == 0)
		return platform_fail(p, -ENODEV, "no memory node");
	return 0;
}

static int platform_reserved(struct platform *p, const struct fdt *fdt)
{
	uint64_t base, size;
	uint32_t i;
	int rsv, child, err;

	for (i = 0; fdt_rsv_entry(fdt, i, &base, &size) == 0; i++)
		if (platform_add_range(p->reserved, &p->nreserved, PLATFORM_MAX_RESERVED, base, size) < 0)
			return platform_fail(p, -ENOSPC, "more reserved ranges than kage supports");
	rsv = fdt_find_path(fdt, "/reserved-memory");
	if (rsv < 0)
		return 0;
	for (child = fdt_first_child(fdt, rsv); child >= 0; child = fdt_next_sibling(fdt, child)) {
		if (!platform_node_enabled(fdt, child))
			continue;
		err = platform_add_regs(fdt, child, p->reserved, &p->nreserved, PLATFORM_MAX_RESERVED);
		if (err == -ENOSPC)
			return platform_fail(p, err, "more reserved ranges than kage supports");
		if (err < 0)
			return platform_fail(p, err, "malformed reg in /reserved-memory");
	}
	return 0;
}

static int platform_chosen(struct platform *p, const struct fdt *fdt)
{
	int chosen = fdt_find_path(fdt, "/chosen");
	const char *args;
	const void *seed;
	uint64_t start, end;
	uint32_t len;

	if (chosen < 0)
		return 0;
	args = fdt_prop_string(fdt, chosen, "bootargs");
	if (args)
		strlcpy(p->bootargs, args, sizeof(p->bootargs));
	seed = fdt_prop(fdt, chosen, "rng-seed", &len);
	if (seed) {
		p->rng_seed_len = len < sizeof(p->rng_seed) ? len : sizeof(p->rng_seed);
		memcpy(p->rng_seed, seed, p->rng_seed_len);
	}
	if (fdt_prop_uint(fdt, chosen, "linux,initrd-start", &start) &&
	    fdt_prop_uint(fdt, chosen, "linux,initrd-end", &end)) {
		if (end < start)
			return platform_fail(p, -EINVAL, "initrd ends before it starts");
		p->initrd_start = start;
		p->initrd_end = end;
	}
	return 0;
}

static bool platform_mmu(const char *mmu)
{
	return mmu && (strcmp(mmu, "riscv,sv39") == 0 || strcmp(mmu, "riscv,sv48") == 0 ||
		       strcmp(mmu, "riscv,sv57") == 0);
}

static int platform_harts(struct platform *p, const struct fdt *fdt, int cpus)
{
	int cpu;

	for (cpu = fdt_first_child(fdt, cpus); cpu >= 0; cpu = fdt_next_sibling(fdt, cpu)) {
		const char *type = fdt_prop_string(fdt, cpu, "device_type");
		uint32_t len;
		const uint8_t *reg = fdt_prop(fdt, cpu, "reg", &len);
		struct platform_hart *h;

		if (!type || strcmp(type, "cpu") != 0)
			continue;
		if (!reg || (len != 4 && len != 8))
			return platform_fail(p, -EINVAL, "a cpu node has no usable reg");
		if (p->nharts == PLATFORM_MAX_HARTS)
			return platform_fail(p, -ENOSPC, "more harts than kage supports");
		h = &p->harts[p->nharts++];
		h->id = (uint32_t)(len == 4 ? fdt_be32(reg) : fdt_be64(reg));
		h->mmu = platform_mmu(fdt_prop_string(fdt, cpu, "mmu-type"));
		h->enabled = platform_node_enabled(fdt, cpu);
		h->plic_s_context = -1;
	}
	return 0;
}

/* The harts, of which p->boot_hart must be a usable one, and the timebase. */
static int platform_cpus(struct platform *p, const struct fdt *fdt)
{
	uint32_t boot_hart = p->boot_hart;
	int cpus = fdt_find_path(fdt, "/cpus"), err;
	const struct platform_hart *h;

	if (cpus < 0)
		return platform_fail(p, -ENODEV, "no /cpus node");
	err = platform_harts(p, fdt, cpus);
	if (err < 0)
		return err;
	h = platform_hart(p, boot_hart);
	if (!h)
		return platform_fail(p, -ENODEV, "the boot hart is not in /cpus");
	if (!h->enabled)
		return platform_fail(p, -ENODEV, "the boot hart is marked disabled");
	if (!h->mmu)
		return platform_fail(p, -ENODEV, "the boot hart has no Sv39 MMU");
	if (!fdt_prop_uint(fdt, cpus, "timebase-frequency", &p->timebase_hz)) {
		int cpu;

		/* Older trees put it in the cpu node itself. */
		for (cpu = fdt_first_child(fdt, cpus); cpu >= 0; cpu = fdt_next_sibling(fdt, cpu)) {
			uint32_t id;

			if (fdt_prop_u32(fdt, cpu, "reg", &id) && id == boot_hart)
				break;
		}
		if (cpu < 0 || !fdt_prop_uint(fdt, cpu, "timebase-frequency", &p->timebase_hz))
			p->timebase_hz = 0;
	}
	if (p->timebase_hz == 0)
		return platform_fail(p, -ENODEV, "no timebase-frequency in /cpus");
	return 0;
}

static const char *const platform_plic_compatibles[] = {
	"riscv,plic0", "sifive,plic-1.0.0", "starfive,jh7110-plic",
	"sifive,fu540-c000-plic", "sifive,fu740-c000-plic",
};

static int platform_find_plic(const struct fdt *fdt)
{
	unsigned i;

	for (i = 0; i < sizeof(platform_plic_compatibles) / sizeof(platform_plic_compatibles[0]); i++) {
		int node = fdt_find_compatible(fdt, -1, platform_plic_compatibles[i]);

		if (node >= 0)
			return node;
	}
	return -ENOENT;
}

/* The hart whose local interrupt controller is the node with `phandle`. */
static struct platform_hart *platform_intc_hart(struct platform *p, const struct fdt *fdt, uint32_t phandle)
{
	int intc = fdt_find_phandle(fdt, phandle), cpu;
	uint32_t id;

	if (intc < 0 || !fdt_is_compatible(fdt, intc, "riscv,cpu-intc"))
		return NULL;
	cpu = fdt_parent(fdt, intc);
	if (cpu < 0 || !fdt_prop_u32(fdt, cpu, "reg", &id))
		return NULL;
	return (struct platform_hart *)platform_hart(p, id);
}

/*
 * Context n of the PLIC is the n-th <phandle irq> pair of interrupts-extended;
 * the S-mode one of a hart points at its cpu-intc with irq 9.
 */
static int platform_plic(struct platform *p, const struct fdt *fdt)
{
	int plic = platform_find_plic(fdt);
	uint32_t len, i;
	const uint8_t *ie;

	if (plic < 0 || !platform_node_enabled(fdt, plic))
		return 0;
	if (fdt_reg(fdt, plic, 0, &p->plic.base, &p->plic.size) < 0)
		return platform_fail(p, -EINVAL, "the PLIC has no usable reg");
	if (!fdt_prop_u32(fdt, plic, "riscv,ndev", &p->plic.ndev))
		return platform_fail(p, -EINVAL, "the PLIC has no riscv,ndev");
	ie = fdt_prop(fdt, plic, "interrupts-extended", &len);
	if (!ie || len % 8)
		return platform_fail(p, -EINVAL, "the PLIC has no usable interrupts-extended");
	for (i = 0; i < len / 8; i++) {
		struct platform_hart *h = platform_intc_hart(p, fdt, fdt_be32(ie + 8 * i));

		if (h && fdt_be32(ie + 8 * i + 4) == IRQ_S_EXT)
			h->plic_s_context = (int32_t)i;
	}
	p->plic.present = true;
	return 0;
}

/* A real-time clock kage can read: QEMU virt's goldfish RTC. None is no error (the build date stands in). */
static int platform_rtc(struct platform *p, const struct fdt *fdt)
{
	int node = fdt_find_compatible(fdt, -1, "google,goldfish-rtc");

	if (node < 0 || !platform_node_enabled(fdt, node))
		return 0;
	if (fdt_reg(fdt, node, 0, &p->rtc.base, &p->rtc.size) < 0 || p->rtc.size < 8)
		return platform_fail(p, -EINVAL, "the goldfish RTC has no usable reg");
	return 0;
}

/* The first compatible string of `node` that names a supported UART. */
static enum uart_kind platform_uart_kind(const struct fdt *fdt, int node, const char **compat)
{
	const char *s;
	int i;

	for (i = 0; (s = fdt_prop_string_index(fdt, node, "compatible", i)) != NULL; i++) {
		enum uart_kind k = uart_kind_from_compatible(s);

		if (k != UART_NONE) {
			*compat = s;
			return k;
		}
	}
	return UART_NONE;
}

/* "115200n8" -> 115200; 0 when there is no speed. */
static uint32_t platform_baud(const char *opt)
{
	uint32_t v = 0;

	while (opt && *opt >= '0' && *opt <= '9' && v < 100000000)
		v = v * 10 + (uint32_t)(*opt++ - '0');
	return v;
}

/* The node stdout-path names, and its options after ':'. */
static int platform_stdout(const struct fdt *fdt, const char **opt)
{
	int chosen = fdt_find_path(fdt, "/chosen");
	const char *path, *colon;
	char buf[128];
	size_t len;

	*opt = NULL;
	if (chosen < 0)
		return -ENOENT;
	path = fdt_prop_string(fdt, chosen, "stdout-path");
	if (!path)
		path = fdt_prop_string(fdt, chosen, "linux,stdout-path");
	if (!path)
		return -ENOENT;
	colon = strchr(path, ':');
	len = colon ? (size_t)(colon - path) : strlen(path);
	if (len >= sizeof(buf))
		return -ENOENT;
	memcpy(buf, path, len);
	buf[len] = '\0';
	*opt = colon ? colon + 1 : NULL;
	return fdt_find_path(fdt, buf);
}

static int platform_uart_fill(struct platform *p, const struct fdt *fdt, int node, const char *opt)
{
	struct platform_uart *u = &p->uart;
	const char *compat = NULL;
	uint32_t v;

	u->kind = platform_uart_kind(fdt, node, &compat);
	strlcpy(u->compatible, compat, sizeof(u->compatible));
	if (fdt_reg(fdt, node, 0, &u->base, &u->size) < 0) {
		u->kind = UART_NONE;
		return platform_fail(p, -EINVAL, "the console UART has no usable reg");
	}
	u->reg_shift = fdt_prop_u32(fdt, node, "reg-shift", &v) ? v : 0;
	u->reg_io_width = fdt_prop_u32(fdt, node, "reg-io-width", &v) ? v : 1;
	if (u->reg_shift > 4 || (u->reg_io_width != 1 && u->reg_io_width != 4)) {
		u->kind = UART_NONE;
		return platform_fail(p, -EINVAL, "the console UART has an unsupported reg-shift or reg-io-width");
	}
	if (!fdt_prop_u32(fdt, node, "clock-frequency", &u->clock_hz)) {
		uint32_t len;
		const uint8_t *clocks = fdt_prop(fdt, node, "clocks", &len);
		int clk = clocks && len >= 4 ? fdt_find_phandle(fdt, fdt_be32(clocks)) : -ENOENT;

		if (clk < 0 || !fdt_prop_u32(fdt, clk, "clock-frequency", &u->clock_hz))
			u->clock_hz = 0;
	}
	u->baud = fdt_prop_u32(fdt, node, "current-speed", &v) ? v : platform_baud(opt);
	u->irq = fdt_prop_u32(fdt, node, "interrupts", &v) ? v : 0;
	return 0;
}

static int platform_uart(struct platform *p, const struct fdt *fdt)
{
	const char *opt, *compat;
	int depth = 0, node = platform_stdout(fdt, &opt);

	if (node >= 0 && platform_node_enabled(fdt, node) &&
	    platform_uart_kind(fdt, node, &compat) != UART_NONE)
		return platform_uart_fill(p, fdt, node, opt);
	for (node = fdt_root(fdt); node >= 0; node = fdt_next_node(fdt, node, &depth))
		if (platform_node_enabled(fdt, node) && platform_uart_kind(fdt, node, &compat) != UART_NONE)
			return platform_uart_fill(p, fdt, node, NULL);
	return 0;
}

int platform_parse(struct platform *p, const struct fdt *fdt, uint32_t boot_hart)
{
	static int (*const steps[])(struct platform *, const struct fdt *) = {
		platform_memory, platform_reserved, platform_chosen, platform_cpus, platform_plic, platform_uart,
		platform_rtc,
	};
	const char *model;

	memset(p, 0, sizeof(*p));
	p->boot_hart = boot_hart;
	if (fdt_root(fdt) < 0)
		return platform_fail(p, -EINVAL, "no root node");
	model = fdt_prop_string(fdt, fdt_root(fdt), "model");
	if (model)
		strlcpy(p->model, model, sizeof(p->model));
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		int err = steps[i](p, fdt);

		if (err < 0)
			return err;
	}
	return 0;
}

const struct platform_hart *platform_hart(const struct platform *p, uint32_t id)
{
	unsigned i;

	for (i = 0; i < p->nharts; i++)
		if (p->harts[i].id == id)
			return &p->harts[i];
	return NULL;
}

uint64_t platform_mem_total(const struct platform *p)
{
	uint64_t total = 0;
	unsigned i;

	for (i = 0; i < p->nmem; i++)
		total += p->mem[i].size;
	return total;
}
