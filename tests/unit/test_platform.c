/*
 * Machine facts read from real device trees must match the boards' data
 * sheets (../shared/BOARDS.md), and edited trees must be read or refused
 * the way the kernel relies on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "lib/errno.h"
#include "lib/platform.h"
#include "tests/unit/support/dtb.h"
#include "tests/unit/support/dtedit.h"
#include "tests/unit/support/mutate.h"

#define MIB (1024ull * 1024)
#define GIB (1024 * MIB)

static int parse(const void *blob, size_t size, uint32_t hart, struct platform *p)
{
	struct fdt fdt;

	assert_int_equal(fdt_init(&fdt, blob, size), 0);
	return platform_parse(p, &fdt, hart);
}

static void parse_file(const char *name, uint32_t hart, struct platform *p)
{
	size_t size;
	void *blob = dtb_load(name, &size);

	assert_int_equal(parse(blob, size, hart, p), 0);
	free(blob);
}

static void assert_uart(const struct platform *p, enum uart_kind kind, const char *compat,
			uint64_t base, uint32_t shift, uint32_t width)
{
	assert_int_equal(p->uart.kind, kind);
	assert_string_equal(p->uart.compatible, compat);
	assert_int_equal(p->uart.base, base);
	assert_int_equal(p->uart.reg_shift, shift);
	assert_int_equal(p->uart.reg_io_width, width);
}

static void test_qemu_virt_facts(void **state)
{
	struct platform p;

	(void)state;
	parse_file("dtb/qemu-virt.dtb", 0, &p);
	assert_string_equal(p.model, "riscv-virtio,qemu");
	assert_int_equal(p.nmem, 1);
	assert_int_equal(p.mem[0].base, 0x80000000);
	assert_int_equal(p.mem[0].size, 128 * MIB);
	assert_int_equal(p.timebase_hz, 10000000);
	assert_int_equal(p.nharts, 1);
	assert_true(p.harts[0].mmu);
	assert_int_equal(p.harts[0].plic_s_context, 1);
	assert_uart(&p, UART_NS16550, "ns16550a", 0x10000000, 0, 1);
	assert_int_equal(p.uart.clock_hz, 3686400);
	assert_int_equal(p.uart.irq, 10);
	assert_true(p.plic.present);
	assert_int_equal(p.plic.base, 0x0c000000);
	assert_int_equal(p.plic.ndev, 96);
	assert_int_equal(p.initrd_start, 0);
	assert_int_equal(p.rtc.base, 0x101000);
	assert_int_equal(p.rtc.size, 0x1000);
}

static void test_qemu_virt_smp_contexts_are_2h_plus_1(void **state)
{
	struct platform p;
	uint32_t h;

	(void)state;
	parse_file("dtb/qemu-virt-smp4-1g.dtb", 2, &p);
	assert_int_equal(p.mem[0].size, 1 * GIB);
	assert_int_equal(p.nharts, 4);
	assert_int_equal(p.boot_hart, 2);
	for (h = 0; h < 4; h++)
		assert_int_equal(platform_hart(&p, h)->plic_s_context, 2 * h + 1);
}

static void test_qemu_sifive_u_boots_on_a_u54(void **state)
{
	struct platform p;

	(void)state;
	parse_file("dtb/qemu-sifive-u.dtb", 1, &p);
	assert_string_equal(p.model, "SiFive HiFive Unleashed A00");
	assert_int_equal(p.timebase_hz, 1000000);
	assert_false(platform_hart(&p, 0)->mmu);
	assert_int_equal(platform_hart(&p, 0)->plic_s_context, -1);
	assert_true(platform_hart(&p, 1)->mmu);
	assert_int_equal(platform_hart(&p, 1)->plic_s_context, 2);
	assert_uart(&p, UART_SIFIVE, "sifive,uart0", 0x10010000, 0, 1);
	assert_int_equal(p.rtc.size, 0);	/* no RTC kage reads: the build date stands in */
	assert_int_equal(p.plic.ndev, 53);
}

static void test_hart_without_mmu_cannot_boot(void **state)
{
	size_t size;
	void *blob = dtb_load("dtb/qemu-sifive-u.dtb", &size);
	struct platform p;

	(void)state;
	assert_int_equal(parse(blob, size, 0, &p), -ENODEV);
	assert_non_null(strstr(p.error, "MMU"));
	assert_int_equal(parse(blob, size, 7, &p), -ENODEV);
	assert_non_null(strstr(p.error, "not in /cpus"));
	free(blob);
}

static void test_hifive_unleashed_facts(void **state)
{
	struct platform p;

	(void)state;
	parse_file("dtb/hifive-unleashed-a00.dtb", 3, &p);
	assert_int_equal(p.mem[0].base, 0x80000000);
	assert_int_equal(p.mem[0].size, 8 * GIB);
	assert_int_equal(p.timebase_hz, 1000000);
	assert_uart(&p, UART_SIFIVE, "sifive,uart0", 0x10010000, 0, 1);
	assert_int_equal(p.plic.ndev, 53);
	assert_int_equal(platform_hart(&p, 0)->plic_s_context, -1);
	assert_int_equal(platform_hart(&p, 3)->plic_s_context, 6);
}

static void test_hifive_unmatched_facts(void **state)
{
	struct platform p;
	uint32_t h;

	(void)state;
	parse_file("dtb/hifive-unmatched-a00.dtb", 4, &p);
	assert_string_equal(p.model, "SiFive HiFive Unmatched A00");
	assert_int_equal(p.mem[0].size, 16 * GIB);
	assert_int_equal(p.timebase_hz, 1000000);
	assert_uart(&p, UART_SIFIVE, "sifive,uart0", 0x10010000, 0, 1);	/* after fu740-c000-uart */
	assert_int_equal(p.plic.ndev, 69);
	assert_int_equal(p.nharts, 5);
	assert_false(platform_hart(&p, 0)->mmu);
	for (h = 1; h <= 4; h++)
		assert_int_equal(platform_hart(&p, h)->plic_s_context, 2 * h);
}

static void test_visionfive2_facts(void **state)
{
	struct platform p;
	uint32_t h;

	(void)state;
	for (h = 1; h <= 4; h++) {
		parse_file("dtb/visionfive2.dtb", h, &p);
		assert_int_equal(p.mem[0].base, 0x40000000);
		assert_int_equal(p.mem[0].size, 4 * GIB);
		assert_int_equal(p.timebase_hz, 4000000);
		assert_uart(&p, UART_DW_APB, "snps,dw-apb-uart", 0x10000000, 2, 4);
		assert_int_equal(p.uart.clock_hz, 24000000);	/* through the clocks phandle */
		assert_int_equal(p.uart.baud, 115200);		/* from stdout-path's options */
		assert_int_equal(p.uart.irq, 32);
		assert_int_equal(p.plic.ndev, 136);
		assert_int_equal(platform_hart(&p, h)->plic_s_context, 2 * h);
		assert_int_equal(platform_hart(&p, 0)->plic_s_context, -1);
	}
}

static void test_visionfive2_disabled_s7_cannot_boot(void **state)
{
	size_t size;
	void *blob = dtb_load("dtb/visionfive2.dtb", &size);
	struct platform p;

	(void)state;
	assert_int_equal(parse(blob, size, 0, &p), -ENODEV);
	assert_non_null(strstr(p.error, "disabled"));
	free(blob);
}

/* A copy of qemu-virt.dtb with room for edits. */
static void *virt_copy(size_t *size)
{
	void *blob = dtb_load_padded("dtb/qemu-virt.dtb", 4096, size);

	dtedit_open(blob, *size);
	return blob;
}

static void test_chosen_initrd_and_bootargs(void **state)
{
	struct platform p;
	size_t size;
	void *blob = virt_copy(&size);

	(void)state;
	dtedit_set_string(blob, "/chosen", "bootargs", "rdinit=/bin/sh quiet");
	dtedit_set_u64(blob, "/chosen", "linux,initrd-start", 0x84000000);
	dtedit_set_u64(blob, "/chosen", "linux,initrd-end", 0x84123456);
	assert_int_equal(parse(blob, size, 0, &p), 0);
	assert_string_equal(p.bootargs, "rdinit=/bin/sh quiet");
	assert_int_equal(p.initrd_start, 0x84000000);
	assert_int_equal(p.initrd_end, 0x84123456);
	/* QEMU writes them as 32-bit cells on RV64 too; both forms are read. */
	dtedit_set_u32(blob, "/chosen", "linux,initrd-start", 0x88000000);
	dtedit_set_u32(blob, "/chosen", "linux,initrd-end", 0x88001000);
	assert_int_equal(parse(blob, size, 0, &p), 0);
	assert_int_equal(p.initrd_start, 0x88000000);
	assert_int_equal(p.initrd_end, 0x88001000);
	free(blob);
}

static void test_initrd_ending_before_start_is_refused(void **state)
{
	struct platform p;
	size_t size;
	void *blob = virt_copy(&size);

	(void)state;
	dtedit_set_u64(blob, "/chosen", "linux,initrd-start", 0x84000000);
	dtedit_set_u64(blob, "/chosen", "linux,initrd-end", 0x83000000);
	assert_int_equal(parse(blob, size, 0, &p), -EINVAL);
	assert_non_null(strstr(p.error, "initrd"));
	free(blob);
}

static void test_reserved_memory_and_rsvmap_are_collected(void **state)
{
	const uint32_t reg[] = { 0x0, 0x80000000, 0x0, 0x40000 };
	struct platform p;
	size_t size;
	void *blob = virt_copy(&size);

	(void)state;
	/* What OpenSBI adds for itself at boot. */
	dtedit_add_node(blob, "/", "reserved-memory");
	dtedit_set_u32(blob, "/reserved-memory", "#address-cells", 2);
	dtedit_set_u32(blob, "/reserved-memory", "#size-cells", 2);
	dtedit_set_cells(blob, "/reserved-memory", "ranges", NULL, 0);
	dtedit_add_node(blob, "/reserved-memory", "mmode_resv0@80000000");
	dtedit_set_cells(blob, "/reserved-memory/mmode_resv0@80000000", "reg", reg, 4);
	dtedit_set_cells(blob, "/reserved-memory/mmode_resv0@80000000", "no-map", NULL, 0);
	dtedit_add_rsv(blob, 0x87000000, 0x2000);
	assert_int_equal(parse(blob, size, 0, &p), 0);
	assert_int_equal(p.nreserved, 2);
	assert_int_equal(p.reserved[0].base, 0x87000000);
	assert_int_equal(p.reserved[0].size, 0x2000);
	assert_int_equal(p.reserved[1].base, 0x80000000);
	assert_int_equal(p.reserved[1].size, 0x40000);
	free(blob);
}

static void test_tree_without_memory_names_the_problem(void **state)
{
	struct platform p;
	size_t size;
	void *blob = virt_copy(&size);

	(void)state;
	dtedit_del_node(blob, "/memory@80000000");
	assert_int_equal(parse(blob, size, 0, &p), -ENODEV);
	assert_string_equal(p.error, "no memory node");
	free(blob);
}

static void test_stdout_path_may_be_a_full_path(void **state)
{
	struct platform p;
	size_t size;
	void *blob = virt_copy(&size);

	(void)state;
	dtedit_set_string(blob, "/chosen", "stdout-path", "/soc/serial@10000000:57600");
	assert_int_equal(parse(blob, size, 0, &p), 0);
	assert_int_equal(p.uart.base, 0x10000000);
	assert_int_equal(p.uart.baud, 57600);
	free(blob);
}

static void test_disabled_uart_is_not_used(void **state)
{
	struct platform p;
	size_t size;
	void *blob = virt_copy(&size);

	(void)state;
	dtedit_set_string(blob, "/soc/serial@10000000", "status", "disabled");
	assert_int_equal(parse(blob, size, 0, &p), 0);
	assert_int_equal(p.uart.kind, UART_NONE);
	free(blob);
}

static void test_unsupported_reg_io_width_is_refused(void **state)
{
	struct platform p;
	size_t size;
	void *blob = virt_copy(&size);

	(void)state;
	dtedit_set_u32(blob, "/soc/serial@10000000", "reg-io-width", 2);
	assert_int_equal(parse(blob, size, 0, &p), -EINVAL);
	assert_non_null(strstr(p.error, "reg-io-width"));
	free(blob);
}

/* Deterministic byte flips: whatever the damage, parsing ends with an answer. */
static void test_corrupted_trees_never_crash(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	int round;

	(void)state;
	for (const char *const *name = dtb_all; *name; name++) {
		size_t size;
		uint8_t *orig = dtb_load(*name, &size), *blob = malloc(size);

		for (round = 0; round < 3000; round++) {
			struct platform p;
			struct fdt fdt;

			mutate_copy(blob, orig, size, &x, 1 + round % 4, NULL, 0);
			if (fdt_init(&fdt, blob, size) == 0 && platform_parse(&p, &fdt, 1) < 0)
				assert_non_null(p.error);
		}
		free(blob);
		free(orig);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_virt_facts),
		cmocka_unit_test(test_qemu_virt_smp_contexts_are_2h_plus_1),
		cmocka_unit_test(test_qemu_sifive_u_boots_on_a_u54),
		cmocka_unit_test(test_hart_without_mmu_cannot_boot),
		cmocka_unit_test(test_hifive_unleashed_facts),
		cmocka_unit_test(test_hifive_unmatched_facts),
		cmocka_unit_test(test_visionfive2_facts),
		cmocka_unit_test(test_visionfive2_disabled_s7_cannot_boot),
		cmocka_unit_test(test_chosen_initrd_and_bootargs),
		cmocka_unit_test(test_initrd_ending_before_start_is_refused),
		cmocka_unit_test(test_reserved_memory_and_rsvmap_are_collected),
		cmocka_unit_test(test_tree_without_memory_names_the_problem),
		cmocka_unit_test(test_stdout_path_may_be_a_full_path),
		cmocka_unit_test(test_disabled_uart_is_not_used),
		cmocka_unit_test(test_unsupported_reg_io_width_is_refused),
		cmocka_unit_test(test_corrupted_trees_never_crash),
	};

	return cmocka_run_group_tests_name("platform", tests, NULL, NULL);
}
