/*
 * space_ranges: a space's regions and the pages mapped outside them, read
 * out as ranges that join where Linux's VMAs would, with the access the
 * program has, cut by the step budget where the next call goes on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "kernel/frame.h"
#include "kernel/memlayout.h"
#include "kernel/pagetable.h"
#include "kernel/space.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/unit/support/kalloc_stub.h"
#include "tests/unit/support/physmem.h"

#define P 0x1000ull
#define R KAGE_PROT_READ
#define RW (KAGE_PROT_READ | KAGE_PROT_WRITE)
#define RX (KAGE_PROT_READ | KAGE_PROT_EXEC)
#define DEVICE 0x10000000ull	/* a physical page outside the fake RAM */
#define MAX_OUT 2048

static struct space s;
static struct kage_range out[MAX_OUT];
static unsigned nout;
static long fail_at = -1;	/* the emit call that fails with -EFAULT, or -1 */

static int setup(void **state)
{
	(void)state;
	physmem_init(64);
	kalloc_stub_allowed = -1;
	s = (struct space){ .regions = { .max = 0 } };
	assert_int_equal(pt_alloc_table(&s.root_pa), 0);
	s.root = phys_to_virt(s.root_pa);
	nout = 0;
	fail_at = -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	region_set_clear(&s.regions);
	assert_int_equal(kalloc_stub_live, 0);
	physmem_free();
	return 0;
}

static int collect(void *ctx, const struct kage_range *r)
{
	(void)ctx;
	if ((long)nout == fail_at)
		return -EFAULT;
	assert_true(nout < MAX_OUT);
	out[nout++] = *r;
	return 0;
}

/* One call from `from`, at most max: how many ranges it gave (appended to out[]). */
static int64_t ranges(uint64_t from, uint64_t max)
{
	return space_ranges(&s, from, max, collect, NULL);
}

static void assert_range(unsigned i, uint64_t start, uint64_t end, uint32_t prot, uint32_t kind)
{
	assert_true(i < nout);
	assert_int_equal(out[i].start, start);
	assert_int_equal(out[i].end, end);
	assert_int_equal(out[i].prot, prot);
	assert_int_equal(out[i].kind, kind);
}

/* A page of a physical range (no frame reference), as space_map_phys maps it. */
static void map_device(uint64_t va, uint64_t prot)
{
	assert_int_equal(pt_map_page(s.root, va, DEVICE, prot | PTE_U | PTE_PHYS, &s.tables), 0);
}

/* A page holding a frame, with its own PTE bits: its frame's address. */
static uint64_t map_frame(uint64_t va, uint64_t bits)
{
	uint64_t pa;

	assert_int_equal(frame_alloc(&pa), 0);
	assert_int_equal(pt_map_page(s.root, va, pa, bits, &s.tables), 0);
	return pa;
}

static void test_an_empty_space_has_no_range(void **state)
{
	(void)state;
	assert_int_equal(ranges(0, 16), 0);
	assert_int_equal(ranges(USER_TOP, 16), 0);
}

static void test_regions_are_ranges_with_their_permissions(void **state)
{
	(void)state;
	assert_int_equal(region_add(&s.regions, 10 * P, 20 * P, RW), 0);
	assert_int_equal(region_add(&s.regions, 20 * P, 25 * P, R), 0);
	assert_int_equal(region_add(&s.regions, 30 * P, 40 * P, RW), 0);
	assert_int_equal(region_add(&s.regions, 40 * P, 41 * P, 0), 0);	/* protected to no access */
	assert_int_equal(region_add(&s.regions, USER_TOP - P, USER_TOP, R), 0);
	map_frame(12 * P, RW | PTE_U);	/* a populated page of a region changes nothing */
	assert_int_equal(ranges(0, 16), 5);
	assert_range(0, 10 * P, 20 * P, RW, KAGE_RANGE_ZERO_FILL);
	assert_range(1, 20 * P, 25 * P, R, KAGE_RANGE_ZERO_FILL);
	assert_range(2, 30 * P, 40 * P, RW, KAGE_RANGE_ZERO_FILL);
	assert_range(3, 40 * P, 41 * P, 0, KAGE_RANGE_ZERO_FILL);
	assert_range(4, USER_TOP - P, USER_TOP, R, KAGE_RANGE_ZERO_FILL);
}

static void test_pages_outside_regions_join_by_access(void **state)
{
	(void)state;
	for (uint64_t i = 0; i < 3; i++)
		map_device((100 + i) * P, RX);
	map_device(103 * P, R);
	assert_int_equal(pt_map_page(s.root, 104 * P, DEVICE, PTE_R | PTE_PHYS, &s.tables), 0);	/* no access: not PTE_U */
	map_device(106 * P, R);	/* after a hole */
	assert_int_equal(ranges(0, 16), 4);
	assert_range(0, 100 * P, 103 * P, RX, KAGE_RANGE_DIRECT);
	assert_range(1, 103 * P, 104 * P, R, KAGE_RANGE_DIRECT);
	assert_range(2, 104 * P, 105 * P, 0, KAGE_RANGE_DIRECT);
	assert_range(3, 106 * P, 107 * P, R, KAGE_RANGE_DIRECT);
}

static void test_a_region_joins_the_pages_beside_it(void **state)
{
	(void)state;
	map_device(50 * P, R);
	map_device(51 * P, R);
	assert_int_equal(region_add(&s.regions, 52 * P, 54 * P, R), 0);	/* a file mapping's tail */
	map_device(54 * P, R);
	assert_int_equal(region_add(&s.regions, 55 * P, 56 * P, RW), 0);
	assert_int_equal(ranges(0, 16), 2);
	assert_range(0, 50 * P, 55 * P, R, KAGE_RANGE_DIRECT | KAGE_RANGE_ZERO_FILL);
	assert_range(1, 55 * P, 56 * P, RW, KAGE_RANGE_ZERO_FILL);
}

static void test_copy_on_write_is_writable_and_shared_stores_stand_apart(void **state)
{
	uint64_t pa;

	(void)state;
	map_frame(60 * P, PTE_R | PTE_COW | PTE_U);	/* a writable page shared with a fork */
	map_frame(61 * P, RW | PTE_U);			/* private and writable */
	pa = map_frame(62 * P, RW | PTE_U);		/* a writable mapping of a memory object */
	frame_ref(pa);
	map_frame(63 * P, RW | PTE_U);
	map_device(64 * P, RW);				/* a device's registers: the device sees every store */
	map_device(65 * P, R);
	assert_int_equal(ranges(0, 16), 5);
	assert_range(0, 60 * P, 62 * P, RW, KAGE_RANGE_DIRECT);
	assert_range(1, 62 * P, 63 * P, RW, KAGE_RANGE_DIRECT | KAGE_RANGE_SHARED);
	assert_range(2, 63 * P, 64 * P, RW, KAGE_RANGE_DIRECT);
	assert_range(3, 64 * P, 65 * P, RW, KAGE_RANGE_DIRECT | KAGE_RANGE_SHARED);
	assert_range(4, 65 * P, 66 * P, R, KAGE_RANGE_DIRECT);
	frame_unref(pa);
}

static void test_from_cuts_the_range_holding_it(void **state)
{
	(void)state;
	assert_int_equal(region_add(&s.regions, 10 * P, 20 * P, RW), 0);
	map_frame(20 * P, RW | PTE_U);
	map_frame(21 * P, RW | PTE_U);
	assert_int_equal(region_add(&s.regions, 30 * P, 40 * P, R), 0);
	assert_int_equal(ranges(15 * P + 123, 16), 2);
	assert_range(0, 15 * P, 22 * P, RW, KAGE_RANGE_ZERO_FILL | KAGE_RANGE_DIRECT);
	assert_range(1, 30 * P, 40 * P, R, KAGE_RANGE_ZERO_FILL);
	nout = 0;
	assert_int_equal(ranges(21 * P, 16), 2);
	assert_range(0, 21 * P, 22 * P, RW, KAGE_RANGE_DIRECT);
	nout = 0;
	assert_int_equal(ranges(40 * P, 16), 0);
}

static void test_max_leaves_the_rest_to_the_next_call(void **state)
{
	(void)state;
	for (uint64_t i = 0; i < 5; i++)
		assert_int_equal(region_add(&s.regions, 10 * i * P, (10 * i + 1) * P, R), 0);
	assert_int_equal(ranges(0, 2), 2);
	assert_int_equal(ranges(out[1].end, 2), 2);
	assert_int_equal(ranges(out[3].end, 2), 1);
	assert_int_equal(ranges(out[4].end, 2), 0);
	for (unsigned i = 0; i < 5; i++)
		assert_range(i, 10 * i * P, (10 * i + 1) * P, R, KAGE_RANGE_ZERO_FILL);
}

/* Reads everything out, a call at a time, joining as a reader must: how many calls it took. */
static unsigned read_all(void)
{
	uint64_t from = 0;
	unsigned calls = 0, first;
	int64_t n;

	nout = 0;
	do {
		first = nout;
		n = ranges(from, MAX_OUT);
		assert_true(n >= 0 && n <= KAGE_RANGES_STEPS);
		calls++;
		if (n && first && out[first - 1].end == out[first].start && out[first - 1].prot == out[first].prot &&
		    !((out[first - 1].kind ^ out[first].kind) & KAGE_RANGE_SHARED)) {
			out[first - 1].end = out[first].end;	/* cut by the budget: the same range goes on */
			out[first - 1].kind |= out[first].kind;
			memmove(&out[first], &out[first + 1], (size_t)(n - 1) * sizeof(out[0]));
			nout--;
		}
		if (nout)
			from = out[nout - 1].end;
	} while (n > 0);
	return calls;
}

static void test_the_budget_bounds_a_call(void **state)
{
	const unsigned many = KAGE_RANGES_STEPS + 10;

	(void)state;
	for (uint64_t i = 0; i < many; i++)
		assert_int_equal(region_add(&s.regions, (2 * i) * P, (2 * i + 1) * P, i % 2 ? R : RW), 0);
	assert_int_equal(ranges(0, MAX_OUT), KAGE_RANGES_STEPS);
	assert_int_equal(ranges(out[nout - 1].end, MAX_OUT), 10);
	assert_int_equal(nout, many);
	for (unsigned i = 0; i < many; i++)
		assert_range(i, (2 * i) * P, (2 * i + 1) * P, i % 2 ? R : RW, KAGE_RANGE_ZERO_FILL);
	assert_int_equal(read_all(), 3);
	assert_int_equal(nout, many);
}

static void test_a_long_run_cut_by_the_budget_goes_on(void **state)
{
	const uint64_t pages = KAGE_RANGES_STEPS + 5, base = 0x200000;

	(void)state;
	for (uint64_t i = 0; i < pages; i++)
		map_device(base + i * P, RX);
	assert_int_equal(ranges(0, MAX_OUT), 1);
	assert_range(0, base, base + KAGE_RANGES_STEPS * P, RX, KAGE_RANGE_DIRECT);
	assert_int_equal(read_all(), 3);
	assert_int_equal(nout, 1);
	assert_range(0, base, base + pages * P, RX, KAGE_RANGE_DIRECT);
}

static void test_an_error_from_emit_ends_the_call(void **state)
{
	(void)state;
	for (uint64_t i = 0; i < 4; i++)
		assert_int_equal(region_add(&s.regions, 10 * i * P, (10 * i + 1) * P, R), 0);
	fail_at = 2;
	assert_int_equal(ranges(0, 16), -EFAULT);
	assert_int_equal(nout, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_an_empty_space_has_no_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_regions_are_ranges_with_their_permissions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pages_outside_regions_join_by_access, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_region_joins_the_pages_beside_it, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_on_write_is_writable_and_shared_stores_stand_apart, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_from_cuts_the_range_holding_it, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_leaves_the_rest_to_the_next_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_the_budget_bounds_a_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_long_run_cut_by_the_budget_goes_on, setup, teardown),
		cmocka_unit_test_setup_teardown(test_an_error_from_emit_ends_the_call, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
