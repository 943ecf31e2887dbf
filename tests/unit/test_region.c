/* Region sets: sorted, disjoint, trimmed and split correctly. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "kernel/region.h"
#include "lib/errno.h"

#define P 0x1000ull

static struct region_set rs;

static int setup(void **state)
{
	(void)state;
	rs.n = 0;
	return 0;
}

static void assert_region(unsigned i, uint64_t start, uint64_t end)
{
	assert_true(i < rs.n);
	assert_int_equal(rs.r[i].start, start);
	assert_int_equal(rs.r[i].end, end);
}

static void test_add_keeps_order_and_find_works(void **state)
{
	(void)state;
	assert_int_equal(region_add(&rs, 10 * P, 20 * P, 1), 0);
	assert_int_equal(region_add(&rs, 30 * P, 40 * P, 2), 0);
	assert_int_equal(region_add(&rs, 0, 5 * P, 3), 0);
	assert_int_equal(region_add(&rs, 20 * P, 30 * P, 4), 0);	/* touching both neighbours */
	assert_int_equal(rs.n, 4);
	assert_region(0, 0, 5 * P);
	assert_region(3, 30 * P, 40 * P);
	assert_int_equal(region_find(&rs, 25 * P)->perm, 4);
	assert_int_equal(region_find(&rs, 20 * P)->perm, 4);
	assert_int_equal(region_find(&rs, 20 * P - 1)->perm, 1);
	assert_null(region_find(&rs, 5 * P));
	assert_null(region_find(&rs, 40 * P));
}

static void test_overlap_is_eexist_and_empty_is_einval(void **state)
{
	(void)state;
	assert_int_equal(region_add(&rs, 10 * P, 20 * P, 1), 0);
	assert_int_equal(region_add(&rs, 19 * P, 21 * P, 1), -EEXIST);
	assert_int_equal(region_add(&rs, 5 * P, 11 * P, 1), -EEXIST);
	assert_int_equal(region_add(&rs, 0, 100 * P, 1), -EEXIST);
	assert_int_equal(region_add(&rs, 12 * P, 13 * P, 1), -EEXIST);
	assert_int_equal(region_add(&rs, 50 * P, 50 * P, 1), -EINVAL);
	assert_int_equal(rs.n, 1);
}

static void test_full_set_is_enomem(void **state)
{
	unsigned i;

	(void)state;
	for (i = 0; i < REGION_MAX; i++)
		assert_int_equal(region_add(&rs, 2 * i * P, (2 * i + 1) * P, 1), 0);
	assert_int_equal(region_add(&rs, 1000 * P, 1001 * P, 1), -ENOMEM);
	/* Removing a whole region needs no slot, even in a full set. */
	assert_int_equal(region_remove(&rs, 0, P), 0);
	assert_int_equal(rs.n, REGION_MAX - 1);
}

static void test_remove_trims_splits_and_deletes(void **state)
{
	(void)state;
	region_add(&rs, 0, 10 * P, 1);
	region_add(&rs, 20 * P, 30 * P, 2);
	region_add(&rs, 40 * P, 50 * P, 3);
	assert_int_equal(region_remove(&rs, 5 * P, 25 * P), 0);	/* trims two */
	assert_region(0, 0, 5 * P);
	assert_region(1, 25 * P, 30 * P);
	assert_int_equal(region_remove(&rs, 42 * P, 44 * P), 0);	/* splits one */
	assert_int_equal(rs.n, 4);
	assert_region(2, 40 * P, 42 * P);
	assert_region(3, 44 * P, 50 * P);
	assert_int_equal(rs.r[3].perm, 3);
	assert_int_equal(region_remove(&rs, 0, 100 * P), 0);		/* deletes all */
	assert_int_equal(rs.n, 0);
	assert_int_equal(region_remove(&rs, 3 * P, 3 * P), -EINVAL);
}

static void test_split_without_room_changes_nothing(void **state)
{
	unsigned i;

	(void)state;
	for (i = 0; i < REGION_MAX; i++)
		region_add(&rs, 10 * i * P, (10 * i + 5) * P, 1);
	assert_int_equal(region_remove(&rs, 1 * P, 2 * P), -ENOMEM);
	assert_int_equal(rs.n, REGION_MAX);
	assert_region(0, 0, 5 * P);
}

static void test_protect_splits_and_changes_only_the_range(void **state)
{
	(void)state;
	assert_int_equal(region_add(&rs, 0 * P, 10 * P, 2), 0);
	assert_int_equal(region_add(&rs, 20 * P, 30 * P, 2), 0);
	assert_int_equal(region_protect(&rs, 5 * P, 25 * P, 6), 0);
	assert_int_equal(rs.n, 4);
	assert_region(0, 0, 5 * P);
	assert_region(1, 5 * P, 10 * P);
	assert_region(2, 20 * P, 25 * P);
	assert_region(3, 25 * P, 30 * P);
	assert_int_equal(rs.r[0].perm, 2);
	assert_int_equal(rs.r[1].perm, 6);
	assert_int_equal(rs.r[2].perm, 6);
	assert_int_equal(rs.r[3].perm, 2);
	assert_int_equal(region_find(&rs, 12 * P), NULL);
	assert_int_equal(region_protect(&rs, 0, 30 * P, 0), 0);
	assert_int_equal(rs.n, 4);
	assert_int_equal(rs.r[3].perm, 0);
	assert_int_equal(region_protect(&rs, 3 * P, 3 * P, 2), -EINVAL);
}

static void test_protect_without_room_is_enomem(void **state)
{
	(void)state;
	for (unsigned i = 0; i < REGION_MAX; i++)
		assert_int_equal(region_add(&rs, 4 * i * P, (4 * i + 2) * P, 2), 0);
	assert_int_equal(region_protect(&rs, P, 2 * P, 6), -ENOMEM);
	assert_int_equal(rs.r[0].perm, 2);
	assert_int_equal(region_protect(&rs, 0, 2 * P, 6), 0);	/* whole region: no split needed */
	assert_int_equal(rs.r[0].perm, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_add_keeps_order_and_find_works, setup),
		cmocka_unit_test_setup(test_overlap_is_eexist_and_empty_is_einval, setup),
		cmocka_unit_test_setup(test_full_set_is_enomem, setup),
		cmocka_unit_test_setup(test_remove_trims_splits_and_deletes, setup),
		cmocka_unit_test_setup(test_split_without_room_changes_nothing, setup),
		cmocka_unit_test_setup(test_protect_splits_and_changes_only_the_range, setup),
		cmocka_unit_test_setup(test_protect_without_room_is_enomem, setup),
	};

	return cmocka_run_group_tests_name("region", tests, NULL, NULL);
}
