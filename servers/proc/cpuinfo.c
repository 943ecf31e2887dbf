/*
 * /proc/cpuinfo, from the device tree the kernel booted with (its
 * KAGE_BOOT_DTB item: read-only, mapped once at start, with the ids of the
 * harts kage runs on). Linux lists the processors that are online: the
 * boot hart is processor 0, the others follow in the order of their ids,
 * each with its hart id, its ISA string (riscv,isa, or riscv,isa-base
 * with riscv,isa-extensions), the MMU mode in use (sv39: the tree's
 * mmu-type says what the hart could do, Linux prints what it runs) and
 * its compatible string, as Linux's riscv show_cpuinfo does.
 *
 * Invariant: cpuinfo.fdt is valid (validated by fdt_init) or cpuinfo.ok is 0.
 */
#include "lib/fdt.h"
#include "lib/fmt.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/proc/proc.h"

#define CPUINFO_DTB_VA 0x2700000000ul	/* where the device tree is mapped in this server */

static struct {
	struct fdt fdt;
	int ok;
	uint32_t hart;		/* the boot hart's id */
	uint64_t harts;		/* the ids of the harts kage runs on, as a mask */
} cpuinfo;

void cpuinfo_init(const struct kage_bootinfo *bi)
{
	const struct kage_bootitem *it = native_boot_item(bi, KAGE_BOOT_DTB, NULL);
	const void *blob = it ? native_map_item(it, CPUINFO_DTB_VA, KAGE_PROT_READ) : NULL;

	if (!blob)
		return;
	cpuinfo.hart = it->aux[0];
	cpuinfo.harts = it->aux[1] | (uint64_t)it->aux[2] << 32;
	if (!(cpuinfo.harts & (1ull << (cpuinfo.hart & 63))))
		cpuinfo.harts = 1ull << (cpuinfo.hart & 63);	/* a kernel that does not say: the boot hart alone */
	cpuinfo.ok = fdt_init(&cpuinfo.fdt, blob, it->size) == 0;
}

/* The cpu node of hart `id`, or -1. */
static int cpuinfo_node(uint32_t id)
{
	int cpus = fdt_find_path(&cpuinfo.fdt, "/cpus");

	for (int n = cpus >= 0 ? fdt_first_child(&cpuinfo.fdt, cpus) : -1; n >= 0;
	     n = fdt_next_sibling(&cpuinfo.fdt, n)) {
		uint64_t reg;

		if (fdt_prop_uint(&cpuinfo.fdt, n, "reg", &reg) && reg == id)
			return n;
	}
	return -1;
}

/* Appends sep (if not 0) and s to buf, if all of it fits. */
static void cpuinfo_append(char *buf, size_t size, char sep, const char *s)
{
	size_t len = strlen(buf), add = strlen(s) + (sep != 0);

	if (len + add >= size)
		return;
	if (sep)
		buf[len++] = sep;
	strlcpy(buf + len, s, size - len);
}

/* The ISA string: riscv,isa, or the base and the extensions (newer trees), into buf. */
static void cpuinfo_isa(int cpu, char *buf, size_t size)
{
	const char *isa = fdt_prop_string(&cpuinfo.fdt, cpu, "riscv,isa");
	const char *ext;

	if (isa) {
		strlcpy(buf, isa, size);
		return;
	}
	isa = fdt_prop_string(&cpuinfo.fdt, cpu, "riscv,isa-base");
	strlcpy(buf, isa ? isa : "unknown", size);
	for (int i = 0; isa; i++) {
		ext = fdt_prop_string_index(&cpuinfo.fdt, cpu, "riscv,isa-extensions", i);
		if (!ext)
			break;
		/* Single letters join the base ("rv64" "i" "m" -> rv64im), the others follow with "_". */
		cpuinfo_append(buf, size, strlen(ext) == 1 ? 0 : '_', ext);
	}
}

unsigned cpuinfo_count(void)
{
	unsigned n = 0;

	for (uint64_t m = cpuinfo.harts; m; m &= m - 1)
		n++;
	return n ? n : 1;
}

/* Processor `proc`'s block for hart `id` into buf: its length, or 0 if it does not fit. */
static size_t cpuinfo_block(unsigned proc, uint32_t id, char *buf, size_t size)
{
	int cpu = cpuinfo.ok ? cpuinfo_node(id) : -1;
	const char *uarch = cpu >= 0 ? fdt_prop_string_index(&cpuinfo.fdt, cpu, "compatible", 0) : NULL;
	char isa[256] = "unknown", line[96] = "";
	int n;

	if (cpu >= 0)
		cpuinfo_isa(cpu, isa, sizeof(isa));
	if (uarch && strcmp(uarch, "riscv") != 0)
		fmt_snprintf(line, sizeof(line), "uarch\t\t: %s\n", uarch);	/* Linux leaves out the generic one */
	n = fmt_snprintf(buf, size, "processor\t: %u\nhart\t\t: %u\nisa\t\t: %s\nmmu\t\t: sv39\n%s\n", proc, id,
			 isa, line);
	return n < 0 || (size_t)n >= size ? 0 : (size_t)n;
}

size_t cpuinfo_text(char *buf, size_t size)
{
	size_t len;
	unsigned proc = 1;

	if (size == 0)
		return 0;
	buf[0] = 0;
	len = cpuinfo_block(0, cpuinfo.hart, buf, size);
	for (uint32_t id = 0; id < 64 && len; id++) {
		size_t n;

		if (id == cpuinfo.hart || !(cpuinfo.harts & (1ull << id)))
			continue;
		n = cpuinfo_block(proc++, id, buf + len, size - len);
		if (n == 0)
			break;	/* what fits */
		len += n;
	}
	return len;
}
