/*
 * kage's device-tree reader against libfdt on every real blob, and against
 * damaged blobs: truncated, with a corrupt header, with random flips.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "lib/errno.h"
#include "lib/fdt.h"
#include "tests/unit/support/dtb.h"
#include "tests/unit/support/dtedit.h"
#include "tests/unit/support/mutate.h"

#define MAX_NODES 512
#define MAX_PROPS 64

static char ref_paths[MAX_NODES][256];
static int ref_depths[MAX_NODES];

static void compare_props(const struct fdt *fdt, const void *blob, int node, const char *path)
{
	struct dtedit_prop ref[MAX_PROPS];
	int n = dtedit_props(blob, path, ref, MAX_PROPS), i = 0, prop;

	for (prop = fdt_first_prop(fdt, node); prop >= 0; prop = fdt_next_prop(fdt, prop), i++) {
		const char *name;
		const void *val;
		uint32_t len;

		assert_true(i < n);
		assert_int_equal(fdt_prop_at(fdt, prop, &name, &val, &len), 0);
		assert_string_equal(name, ref[i].name);
		assert_int_equal(len, ref[i].len);
		assert_memory_equal(val, ref[i].val, len);
		assert_ptr_equal(fdt_prop(fdt, node, name, NULL), val);
	}
	assert_int_equal(prop, -ENOENT);
	assert_int_equal(i, n);
}

/* Walks kage's reader in step with libfdt's list of paths. */
static void compare_blob(const char *file)
{
	size_t size;
	void *blob = dtb_load(file, &size);
	int count = dtedit_paths(blob, ref_paths, ref_depths, MAX_NODES);
	int stack[64], depth = 0, node, i = 0;
	struct fdt fdt;

	assert_int_equal(fdt_init(&fdt, blob, size), 0);
	for (node = fdt_root(&fdt); node >= 0; node = fdt_next_node(&fdt, node, &depth), i++) {
		assert_true(i < count);
		assert_int_equal(depth, ref_depths[i]);
		stack[depth] = node;
		assert_int_equal(fdt_find_path(&fdt, ref_paths[i]), node);
		assert_int_equal(fdt_parent(&fdt, node), depth ? stack[depth - 1] : -ENOENT);
		if (depth)
			assert_string_equal(fdt_node_name(&fdt, node), strrchr(ref_paths[i], '/') + 1);
		compare_props(&fdt, blob, node, ref_paths[i]);
		if (dtedit_phandle(blob, ref_paths[i]))
			assert_int_equal(fdt_find_phandle(&fdt, dtedit_phandle(blob, ref_paths[i])), node);
	}
	assert_int_equal(node, -ENOENT);
	assert_int_equal(i, count);
	assert_int_equal(fdt.rsv_count, dtedit_rsv_count(blob));
	for (i = 0; i < (int)fdt.rsv_count; i++) {
		uint64_t a, s, ra, rs;

		assert_int_equal(fdt_rsv_entry(&fdt, (uint32_t)i, &a, &s), 0);
		dtedit_rsv(blob, i, &ra, &rs);
		assert_int_equal(a, ra);
		assert_int_equal(s, rs);
	}
	free(blob);
}

static void test_reader_matches_libfdt_on_every_blob(void **state)
{
	(void)state;
	for (const char *const *name = dtb_all; *name; name++)
		compare_blob(*name);
}

static void test_path_lookup_forms(void **state)
{
	size_t size;
	void *blob = dtb_load("dtb/visionfive2.dtb", &size);
	struct fdt fdt;
	int uart;

	(void)state;
	assert_int_equal(fdt_init(&fdt, blob, size), 0);
	uart = fdt_find_path(&fdt, "/soc/serial@10000000");
	assert_true(uart > 0);
	assert_int_equal(fdt_find_path(&fdt, "/soc/serial"), uart);	/* without unit address */
	assert_int_equal(fdt_find_path(&fdt, "serial0"), uart);		/* alias */
	assert_int_equal(fdt_find_path(&fdt, "/soc/serial@10000001"), -ENOENT);
	assert_int_equal(fdt_find_path(&fdt, "nosuchalias"), -ENOENT);
	assert_int_equal(fdt_find_path(&fdt, "/"), fdt_root(&fdt));
	assert_int_equal(fdt_find_compatible(&fdt, -1, "snps,dw-apb-uart"), uart);
	assert_int_equal(fdt_find_compatible(&fdt, uart, "snps,dw-apb-uart"), -ENOENT);
	assert_true(fdt_is_compatible(&fdt, fdt_root(&fdt), "starfive,jh7110"));
	assert_string_equal(fdt_prop_string_index(&fdt, fdt_root(&fdt), "compatible", 1), "starfive,jh7110");
	assert_null(fdt_prop_string_index(&fdt, fdt_root(&fdt), "compatible", 2));
	free(blob);
}

static void test_reg_translates_through_ranges(void **state)
{
	static uint8_t buf[4096];
	size_t size = dtedit_build_ranges_blob(buf, sizeof(buf));
	struct fdt fdt;
	uint64_t addr, len;
	int dev;

	(void)state;
	assert_int_equal(fdt_init(&fdt, buf, size), 0);
	dev = fdt_find_path(&fdt, "/bus@1000/sub@0/dev@30");
	assert_true(dev > 0);
	assert_int_equal(fdt_reg(&fdt, dev, 0, &addr, &len), 0);
	assert_int_equal(addr, 0x10000230);
	assert_int_equal(len, 0x10);
	assert_int_equal(fdt_reg(&fdt, dev, 1, &addr, &len), -ENOENT);
}

static void test_reg_of_real_devices(void **state)
{
	size_t size;
	void *blob = dtb_load("dtb/hifive-unmatched-a00.dtb", &size);
	struct fdt fdt;
	uint64_t addr, len;

	(void)state;
	assert_int_equal(fdt_init(&fdt, blob, size), 0);
	assert_int_equal(fdt_reg(&fdt, fdt_find_path(&fdt, "/soc/serial@10010000"), 0, &addr, &len), 0);
	assert_int_equal(addr, 0x10010000);
	assert_int_equal(len, 0x1000);
	assert_int_equal(fdt_reg(&fdt, fdt_find_path(&fdt, "/memory@80000000"), 0, &addr, &len), 0);
	assert_int_equal(len, 0x400000000ull);
	free(blob);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void test_truncated_blob_rejected(void **state)
{
	struct fdt fdt;

	(void)state;
	for (const char *const *name = dtb_all; *name; name++) {
		size_t size, len;
		uint8_t *blob = dtb_load(*name, &size);

		for (len = 0; len < size; len++) {
			/* A copy of exactly `len` bytes, so ASan sees any read past it. */
			uint8_t *cut = malloc(len ? len : 1);

			memcpy(cut, blob, len);
			assert_int_equal(fdt_init(&fdt, cut, len), -EINVAL);
			free(cut);
		}
		assert_int_equal(fdt_init(&fdt, blob, size), 0);
		free(blob);
	}
}

/* Header field offsets (bytes) and values that must each be refused. */
static const struct {
	int offset;
	uint32_t value;
} bad_headers[] = {
	{ 0, 0xd00dfeee },	/* magic */
	{ 4, 0x7fffffff },	/* totalsize beyond the buffer */
	{ 4, 8 },		/* totalsize smaller than a header */
	{ 8, 0x7ffffff0 },	/* off_dt_struct outside */
	{ 8, 2 },		/* off_dt_struct inside the header, unaligned */
	{ 12, 0x7ffffff0 },	/* off_dt_strings outside */
	{ 16, 0x7ffffff0 },	/* off_mem_rsvmap outside */
	{ 16, 44 },		/* off_mem_rsvmap not 8-aligned */
	{ 20, 15 },		/* version too old */
	{ 24, 18 },		/* last_comp_version too new */
	{ 32, 0x7ffffff0 },	/* size_dt_strings too big */
	{ 36, 0x7ffffff0 },	/* size_dt_struct too big */
	{ 36, 6 },		/* size_dt_struct unaligned */
};

static void test_corrupt_header_rejected(void **state)
{
	size_t size, i;
	uint8_t *orig = dtb_load("dtb/qemu-virt.dtb", &size), *blob = malloc(size);
	struct fdt fdt;

	(void)state;
	for (i = 0; i < sizeof(bad_headers) / sizeof(bad_headers[0]); i++) {
		memcpy(blob, orig, size);
		put_be32(blob + bad_headers[i].offset, bad_headers[i].value);
		assert_int_equal(fdt_init(&fdt, blob, size), -EINVAL);
	}
	/* The first token must open the root node. */
	memcpy(blob, orig, size);
	assert_int_equal(fdt_init(&fdt, blob, size), 0);
	put_be32((uint8_t *)fdt.structs, 2);
	assert_int_equal(fdt_init(&fdt, blob, size), -EINVAL);
	free(blob);
	free(orig);
}

static void assert_inside(const struct fdt *fdt, const void *p, size_t len)
{
	const uint8_t *b = p;

	assert_true(b >= fdt->blob && b + len <= fdt->blob + fdt->size);
}

/* Every query the kernel makes, on whatever the blob has become. */
static void exercise(const struct fdt *fdt)
{
	static const char *const paths[] = { "/cpus", "/chosen", "/soc/serial", "serial0", "/memory", "/aliases" };
	int depth = 0, node, prop, steps = 0;
	uint64_t a, s;
	size_t i;

	for (node = fdt_root(fdt); node >= 0 && steps < 100000; node = fdt_next_node(fdt, node, &depth), steps++) {
		const char *name = fdt_node_name(fdt, node), *pname;
		const void *val;
		uint32_t len;

		if (name)
			assert_inside(fdt, name, strlen(name) + 1);
		for (prop = fdt_first_prop(fdt, node); prop >= 0; prop = fdt_next_prop(fdt, prop))
			if (fdt_prop_at(fdt, prop, &pname, &val, &len) == 0)
				assert_inside(fdt, val, len);
		(void)fdt_reg(fdt, node, 0, &a, &s);
		(void)fdt_prop_string(fdt, node, "status");
		(void)fdt_is_compatible(fdt, node, "riscv");
		(void)fdt_first_child(fdt, node);
		(void)fdt_next_sibling(fdt, node);
	}
	assert_true(steps < 100000);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		(void)fdt_find_path(fdt, paths[i]);
	(void)fdt_find_phandle(fdt, 1);
	(void)fdt_find_compatible(fdt, -1, "ns16550a");
}

static void test_random_damage_never_reads_outside(void **state)
{
	uint64_t x = 0x243f6a8885a308d3ull;
	int round;

	(void)state;
	for (const char *const *name = dtb_all; *name; name++) {
		size_t size;
		uint8_t *orig = dtb_load(*name, &size), *blob = malloc(size);

		for (round = 0; round < 4000; round++) {
			struct fdt fdt;

			mutate_copy(blob, orig, size, &x, 1 + round % 8, NULL, 0);
			if (fdt_init(&fdt, blob, size) == 0)
				exercise(&fdt);
		}
		free(blob);
		free(orig);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader_matches_libfdt_on_every_blob),
		cmocka_unit_test(test_path_lookup_forms),
		cmocka_unit_test(test_reg_translates_through_ranges),
		cmocka_unit_test(test_reg_of_real_devices),
		cmocka_unit_test(test_truncated_blob_rejected),
		cmocka_unit_test(test_corrupt_header_rejected),
		cmocka_unit_test(test_random_damage_never_reads_outside),
	};

	return cmocka_run_group_tests_name("fdt", tests, NULL, NULL);
}
