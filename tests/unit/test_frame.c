/* The frame allocator's bookkeeping, on made-up physical ranges. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include "kernel/frame.h"
#include "lib/errno.h"

#define MIB (1024ull * 1024)

static struct frame *desc_for(uint64_t size)
{
	return calloc(1, frame_desc_bytes(size));
}

/* A zone whose frames are all handed to the allocator, as bootmem does. */
static struct frame *add_free_zone(uint64_t base, uint64_t size)
{
	struct frame *d = desc_for(size);
	uint64_t pa;

	assert_int_equal(frame_add_zone(base, size, d), 0);
	for (pa = base; pa < base + size; pa += FRAME_SIZE)
		assert_int_equal(frame_unref(pa), 0);
	return d;
}

static int setup(void **state)
{
	(void)state;
	frame_reset();
	return 0;
}

static void test_new_zone_starts_all_used(void **state)
{
	struct frame *d = desc_for(MIB);
	struct frame_stats s;

	(void)state;
	assert_int_equal(frame_add_zone(0x80000000, MIB, d), 0);
	frame_get_stats(&s);
	assert_int_equal(s.total, 256);
	assert_int_equal(s.used, 256);
	assert_int_equal(s.free, 0);
	assert_int_equal(frame_refcount(0x80000000), 1);
	free(d);
}

static void test_alloc_until_empty_then_enomem(void **state)
{
	struct frame *d = add_free_zone(0x80000000, 64 * FRAME_SIZE);
	uint64_t pa, seen[64];
	struct frame_stats s;
	int i, j;

	(void)state;
	for (i = 0; i < 64; i++) {
		assert_int_equal(frame_alloc(&pa), 0);
		assert_true(pa >= 0x80000000 && pa < 0x80000000 + 64 * FRAME_SIZE);
		assert_int_equal(pa % FRAME_SIZE, 0);
		for (j = 0; j < i; j++)
			assert_true(seen[j] != pa);
		seen[i] = pa;
		assert_int_equal(frame_refcount(pa), 1);
	}
	assert_int_equal(frame_alloc(&pa), -ENOMEM);
	frame_get_stats(&s);
	assert_int_equal(s.free, 0);
	for (i = 0; i < 64; i++)
		assert_int_equal(frame_unref(seen[i]), 0);
	frame_get_stats(&s);
	assert_int_equal(s.free, 64);
	assert_int_equal(s.used, 0);
	free(d);
}

static void test_refcount_frees_only_at_zero(void **state)
{
	struct frame *d = add_free_zone(0x80000000, 4 * FRAME_SIZE);
	struct frame_stats s;
	uint64_t pa;

	(void)state;
	assert_int_equal(frame_alloc(&pa), 0);
	frame_ref(pa);
	frame_ref(pa);
	assert_int_equal(frame_refcount(pa), 3);
	assert_int_equal(frame_unref(pa), 2);
	assert_int_equal(frame_unref(pa), 1);
	frame_get_stats(&s);
	assert_int_equal(s.free, 3);
	assert_int_equal(frame_unref(pa), 0);
	frame_get_stats(&s);
	assert_int_equal(s.free, 4);
	free(d);
}

static void test_last_freed_frame_is_reused_first(void **state)
{
	struct frame *d = add_free_zone(0x80000000, 8 * FRAME_SIZE);
	uint64_t a, b, c;

	(void)state;
	assert_int_equal(frame_alloc(&a), 0);
	assert_int_equal(frame_alloc(&b), 0);
	frame_unref(a);
	assert_int_equal(frame_alloc(&c), 0);
	assert_int_equal(c, a);
	free(d);
}

static void test_zones_are_used_in_turn(void **state)
{
	struct frame *d1 = add_free_zone(0x40000000, 2 * FRAME_SIZE);
	struct frame *d2 = add_free_zone(0x80000000, 2 * FRAME_SIZE);
	uint64_t pa[4];
	int i, low = 0, high = 0;

	(void)state;
	for (i = 0; i < 4; i++) {
		assert_int_equal(frame_alloc(&pa[i]), 0);
		low += pa[i] < 0x80000000;
		high += pa[i] >= 0x80000000;
	}
	assert_int_equal(low, 2);
	assert_int_equal(high, 2);
	assert_true(frame_is_ram(0x40001000));
	assert_false(frame_is_ram(0x40002000));
	assert_true(frame_range_is_ram(0x40000000, 0x2000));
	assert_false(frame_range_is_ram(0x40001000, 0x1001));	/* runs past the zone */
	assert_false(frame_range_is_ram(0x40002000, 1));
	free(d1);
	free(d2);
}

static void test_bad_zones_are_refused(void **state)
{
	struct frame *d = desc_for(MIB);

	(void)state;
	assert_int_equal(frame_add_zone(0x80000800, MIB, d), -EINVAL);
	assert_int_equal(frame_add_zone(0x80000000, 0, d), -EINVAL);
	assert_int_equal(frame_add_zone(0x80000000, MIB, d), 0);
	assert_int_equal(frame_add_zone(0x80080000, MIB, d), -EINVAL);	/* overlaps */
	free(d);
}

static void test_reference_on_free_frame_panics(void **state)
{
	struct frame *d = add_free_zone(0x80000000, 2 * FRAME_SIZE);

	(void)state;
	expect_assert_failure(frame_unref(0x80000000));
	expect_assert_failure(frame_ref(0x80001000));
	free(d);
}

static void test_address_outside_ram_panics(void **state)
{
	struct frame *d = add_free_zone(0x80000000, 2 * FRAME_SIZE);

	(void)state;
	expect_assert_failure(frame_refcount(0x90000000));
	expect_assert_failure(frame_unref(0x80000010));
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_new_zone_starts_all_used, setup),
		cmocka_unit_test_setup(test_alloc_until_empty_then_enomem, setup),
		cmocka_unit_test_setup(test_refcount_frees_only_at_zero, setup),
		cmocka_unit_test_setup(test_last_freed_frame_is_reused_first, setup),
		cmocka_unit_test_setup(test_zones_are_used_in_turn, setup),
		cmocka_unit_test_setup(test_bad_zones_are_refused, setup),
		cmocka_unit_test_setup(test_reference_on_free_frame_panics, setup),
		cmocka_unit_test_setup(test_address_outside_ram_panics, setup),
	};

	return cmocka_run_group_tests_name("frame", tests, NULL, NULL);
}
