/* Boot memory map arithmetic: RAM minus reservations, page-aligned. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "kernel/memmap.h"
#include "lib/errno.h"

#define K 1024ull
#define M (1024ull * K)

static void assert_range(const struct memrange *r, uint64_t base, uint64_t end)
{
	assert_int_equal(r->base, base);
	assert_int_equal(r->base + r->size, end);
}

static void test_no_reservation_gives_whole_ram(void **state)
{
	struct memrange ram[] = { { 0x80000000, 128 * M } }, out[4];

	(void)state;
	assert_int_equal(memmap_free(ram, 1, NULL, 0, out, 4), 1);
	assert_range(&out[0], 0x80000000, 0x88000000);
}

static void test_reservations_split_ram(void **state)
{
	struct memrange ram[] = { { 0x80000000, 128 * M } };
	struct memrange rsv[] = {
		{ 0x87e00000, 8 * K },		/* device tree, near the top */
		{ 0x80000000, 2 * M },		/* firmware */
		{ 0x80200000, 300 * K + 1 },	/* kernel */
	}, out[8];

	(void)state;
	assert_int_equal(memmap_free(ram, 1, rsv, 3, out, 8), 2);
	/* 300 KiB + 1 rounds up to 76 pages: the kernel ends at 0x8024c000. */
	assert_range(&out[0], 0x8024c000, 0x87e00000);
	assert_range(&out[1], 0x87e02000, 0x88000000);
}

static void test_unaligned_reservation_rounds_outward(void **state)
{
	struct memrange ram[] = { { 0x80000000, 64 * K } };
	struct memrange rsv[] = { { 0x80001800, 0x1000 } }, out[4];

	(void)state;
	assert_int_equal(memmap_free(ram, 1, rsv, 1, out, 4), 2);
	assert_range(&out[0], 0x80000000, 0x80001000);
	assert_range(&out[1], 0x80003000, 0x80010000);
}

static void test_unaligned_ram_rounds_inward(void **state)
{
	struct memrange ram[] = { { 0x80000800, 0x3000 } }, out[4];

	(void)state;
	assert_int_equal(memmap_free(ram, 1, NULL, 0, out, 4), 1);
	assert_range(&out[0], 0x80001000, 0x80003000);
}

static void test_overlapping_and_outside_reservations(void **state)
{
	struct memrange ram[] = { { 0x80000000, 16 * M } };
	struct memrange rsv[] = {
		{ 0x80010000, 0x20000 },
		{ 0x80020000, 0x20000 },	/* overlaps the first */
		{ 0x70000000, 0x1000 },		/* outside RAM */
		{ 0x80f00000, 0x10000000 },	/* runs past the end of RAM */
		{ 0x80050000, 0 },		/* empty: ignored */
	}, out[8];

	(void)state;
	assert_int_equal(memmap_free(ram, 1, rsv, 5, out, 8), 2);
	assert_range(&out[0], 0x80000000, 0x80010000);
	assert_range(&out[1], 0x80040000, 0x80f00000);
}

static void test_reservation_reaching_top_of_address_space(void **state)
{
	struct memrange ram[] = { { 0x80000000, 1 * M } };
	struct memrange rsv[] = { { 0x80080000, UINT64_MAX } }, out[4];

	(void)state;
	assert_int_equal(memmap_free(ram, 1, rsv, 1, out, 4), 1);
	assert_range(&out[0], 0x80000000, 0x80080000);
}

static void test_output_sorted_across_ram_ranges(void **state)
{
	struct memrange ram[] = { { 0x100000000ull, 1 * M }, { 0x80000000, 1 * M } }, out[4];

	(void)state;
	assert_int_equal(memmap_free(ram, 2, NULL, 0, out, 4), 2);
	assert_int_equal(out[0].base, 0x80000000);
	assert_int_equal(out[1].base, 0x100000000ull);
}

static void test_too_many_pieces_is_enospc(void **state)
{
	struct memrange ram[] = { { 0x80000000, 1 * M } };
	struct memrange rsv[] = { { 0x80010000, 0x1000 }, { 0x80020000, 0x1000 } }, out[2];

	(void)state;
	assert_int_equal(memmap_free(ram, 1, rsv, 2, out, 2), -ENOSPC);
}

static void test_take_from_end_of_largest_piece(void **state)
{
	struct memrange pieces[] = { { 0x80000000, 64 * K }, { 0x90000000, 1 * M } };

	(void)state;
	assert_int_equal(memmap_take(pieces, 2, 5000), 0x90000000 + 1 * M - 8 * K);
	assert_int_equal(pieces[1].size, 1 * M - 8 * K);
	assert_int_equal(pieces[0].size, 64 * K);
	assert_int_equal(memmap_take(pieces, 2, 2 * M), 0);
	assert_int_equal(memmap_take(pieces, 2, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_reservation_gives_whole_ram),
		cmocka_unit_test(test_reservations_split_ram),
		cmocka_unit_test(test_unaligned_reservation_rounds_outward),
		cmocka_unit_test(test_unaligned_ram_rounds_inward),
		cmocka_unit_test(test_overlapping_and_outside_reservations),
		cmocka_unit_test(test_reservation_reaching_top_of_address_space),
		cmocka_unit_test(test_output_sorted_across_ram_ranges),
		cmocka_unit_test(test_too_many_pieces_is_enospc),
		cmocka_unit_test(test_take_from_end_of_largest_piece),
	};

	return cmocka_run_group_tests_name("memmap", tests, NULL, NULL);
}
