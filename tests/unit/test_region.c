/* Region sets: sorted, disjoint, merged, trimmed and split correctly, and unchanged by a failed allocation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "kernel/kobj.h"
#include "kernel/region.h"
#include "lib/errno.h"
#include "tests/unit/support/kalloc_stub.h"

#define P 0x1000ull

static struct region_set rs, copy;

static int setup(void **state)
{
	(void)state;
	kalloc_stub_allowed = -1;
	return 0;
}

/* Every region given back, nothing allocated left behind. */
static int teardown(void **state)
{
	(void)state;
	region_set_clear(&rs);
	region_set_clear(&copy);
	assert_int_equal(kalloc_stub_live, 0);
	assert_int_equal(region_count(), 0);
	return 0;
}

static const struct region *nth(const struct region_set *set, unsigned i)
{
	const struct avl_node *n = avl_first(&set->tree);

	while (n && i--)
		n = avl_next(n);
	return n ? avl_entry(n, struct region, node) : NULL;
}

static void assert_region(unsigned i, uint64_t start, uint64_t end, uint64_t perm)
{
	const struct region *r = nth(&rs, i);

	assert_non_null(r);
	assert_int_equal(r->start, start);
	assert_int_equal(r->end, end);
	assert_int_equal(r->perm, perm);
}

static void test_add_keeps_order_and_find_works(void **state)
{
	(void)state;
	assert_int_equal(region_add(&rs, 10 * P, 20 * P, 1), 0);
	assert_int_equal(region_add(&rs, 30 * P, 40 * P, 2), 0);
	assert_int_equal(region_add(&rs, 0, 5 * P, 3), 0);
	assert_int_equal(region_add(&rs, 20 * P, 30 * P, 4), 0);	/* touching both neighbours */
	assert_int_equal(rs.n, 4);
	assert_region(0, 0, 5 * P, 3);
	assert_region(3, 30 * P, 40 * P, 2);
	assert_int_equal(region_find(&rs, 25 * P)->perm, 4);
	assert_int_equal(region_find(&rs, 20 * P)->perm, 4);
	assert_int_equal(region_find(&rs, 20 * P - 1)->perm, 1);
	assert_null(region_find(&rs, 5 * P));
	assert_null(region_find(&rs, 40 * P));
	assert_int_equal(region_first_in(&rs, 5 * P, 12 * P)->start, 10 * P);
	assert_null(region_first_in(&rs, 5 * P, 10 * P));
	assert_int_equal(region_first_in(&rs, 0, ~0ull)->start, 0);
	assert_null(region_first_in(&rs, 40 * P, ~0ull));
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

static void test_touching_regions_with_equal_permissions_merge(void **state)
{
	(void)state;
	assert_int_equal(region_add(&rs, 10 * P, 20 * P, 2), 0);
	assert_int_equal(region_add(&rs, 20 * P, 30 * P, 2), 0);	/* after */
	assert_int_equal(region_add(&rs, 5 * P, 10 * P, 2), 0);	/* before */
	assert_int_equal(rs.n, 1);
	assert_region(0, 5 * P, 30 * P, 2);
	assert_int_equal(region_add(&rs, 40 * P, 50 * P, 2), 0);
	assert_int_equal(rs.n, 2);
	/* Filling the gap joins all three, with no memory to spare. */
	kalloc_stub_allowed = 0;
	assert_int_equal(region_add(&rs, 30 * P, 40 * P, 2), 0);
	assert_int_equal(rs.n, 1);
	assert_region(0, 5 * P, 50 * P, 2);
	/* Other permissions stay apart and need memory. */
	assert_int_equal(region_add(&rs, 50 * P, 60 * P, 6), -ENOMEM);
	kalloc_stub_allowed = -1;
	assert_int_equal(region_add(&rs, 50 * P, 60 * P, 6), 0);
	assert_int_equal(rs.n, 2);
}

static void test_remove_trims_splits_and_deletes(void **state)
{
	(void)state;
	region_add(&rs, 0, 10 * P, 1);
	region_add(&rs, 20 * P, 30 * P, 2);
	region_add(&rs, 40 * P, 50 * P, 3);
	assert_int_equal(region_remove(&rs, 5 * P, 25 * P), 0);	/* trims two */
	assert_region(0, 0, 5 * P, 1);
	assert_region(1, 25 * P, 30 * P, 2);
	assert_int_equal(region_remove(&rs, 42 * P, 44 * P), 0);	/* splits one */
	assert_int_equal(rs.n, 4);
	assert_region(2, 40 * P, 42 * P, 3);
	assert_region(3, 44 * P, 50 * P, 3);
	assert_int_equal(region_remove(&rs, 0, 100 * P), 0);		/* deletes all */
	assert_int_equal(rs.n, 0);
	assert_int_equal(region_remove(&rs, 3 * P, 3 * P), -EINVAL);
}

static void test_split_without_memory_changes_nothing(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 100; i++)
		region_add(&rs, 10 * i * P, (10 * i + 5) * P, 1);
	kalloc_stub_allowed = 0;
	assert_int_equal(region_remove(&rs, 1 * P, 2 * P), -ENOMEM);
	assert_int_equal(rs.n, 100);
	assert_region(0, 0, 5 * P, 1);
	/* Trimming and deleting need no memory. */
	assert_int_equal(region_remove(&rs, 0, 1 * P), 0);
	assert_int_equal(region_remove(&rs, 4 * P, 15 * P), 0);
	assert_int_equal(rs.n, 99);
	assert_region(0, 1 * P, 4 * P, 1);
	assert_region(1, 20 * P, 25 * P, 1);
}

static void test_protect_splits_and_changes_only_the_range(void **state)
{
	(void)state;
	assert_int_equal(region_add(&rs, 0 * P, 10 * P, 2), 0);
	assert_int_equal(region_add(&rs, 20 * P, 30 * P, 2), 0);
	assert_int_equal(region_protect(&rs, 5 * P, 25 * P, 6), 0);
	assert_int_equal(rs.n, 4);
	assert_region(0, 0, 5 * P, 2);
	assert_region(1, 5 * P, 10 * P, 6);
	assert_region(2, 20 * P, 25 * P, 6);
	assert_region(3, 25 * P, 30 * P, 2);
	assert_null(region_find(&rs, 12 * P));
	/* Equal permissions again: the pieces that touch merge back. */
	assert_int_equal(region_protect(&rs, 0, 30 * P, 0), 0);
	assert_int_equal(rs.n, 2);
	assert_region(0, 0, 10 * P, 0);
	assert_region(1, 20 * P, 30 * P, 0);
	assert_int_equal(region_protect(&rs, 3 * P, 3 * P, 2), -EINVAL);
	/* Inside one region: three pieces. */
	assert_int_equal(region_protect(&rs, 22 * P, 24 * P, 2), 0);
	assert_int_equal(rs.n, 4);
	assert_region(2, 22 * P, 24 * P, 2);
	assert_region(3, 24 * P, 30 * P, 0);
	assert_int_equal(region_protect(&rs, 22 * P, 24 * P, 0), 0);
	assert_int_equal(rs.n, 2);
}

static void test_protect_without_memory_is_enomem(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 100; i++)
		assert_int_equal(region_add(&rs, 4 * i * P, (4 * i + 2) * P, 2), 0);
	assert_int_equal(region_add(&rs, 1000 * P, 1010 * P, 2), 0);
	kalloc_stub_allowed = 0;
	assert_int_equal(region_protect(&rs, P, 2 * P, 6), -ENOMEM);
	assert_int_equal(nth(&rs, 0)->perm, 2);
	assert_int_equal(region_protect(&rs, 0, 2 * P, 6), 0);	/* whole region: no split needed */
	assert_int_equal(nth(&rs, 0)->perm, 6);
	/* Inside one region: two cuts, and memory for one is not enough. */
	kalloc_stub_allowed = 1;
	assert_int_equal(region_protect(&rs, 1002 * P, 1004 * P, 6), -ENOMEM);
	assert_int_equal(rs.n, 101);
	assert_int_equal(kalloc_stub_live, 101);
	assert_region(100, 1000 * P, 1010 * P, 2);
	/* Where the permissions are already those asked for, nothing is cut. */
	kalloc_stub_allowed = 0;
	assert_int_equal(region_protect(&rs, 1002 * P, 1004 * P, 2), 0);
	assert_int_equal(rs.n, 101);
}

/* Linux's default max_map_count, and more: only memory bounds a set. */
static void test_grows_past_65530_regions(void **state)
{
	const unsigned n = 70000;

	(void)state;
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(region_add(&rs, 2 * i * P, (2 * i + 1) * P, 1 + (i & 1)), 0);
	assert_int_equal(rs.n, n);
	assert_int_equal(region_count(), n);
	for (unsigned i = 0; i < n; i += 7) {
		assert_int_equal(region_find(&rs, 2 * i * P + 5)->start, 2 * i * P);
		assert_null(region_find(&rs, (2 * i + 1) * P));
	}
	/* Punch a hole in every region near the middle of the set, then take the whole range away. */
	assert_int_equal(region_remove(&rs, 2 * 35000 * P, 2 * 35001 * P + P), 0);
	assert_int_equal(rs.n, n - 2);
	assert_int_equal(region_remove(&rs, 0, 2 * n * P), 0);
	assert_int_equal(rs.n, 0);
}

static void assert_same_sets(const struct region_set *a, const struct region_set *b)
{
	assert_int_equal(a->n, b->n);
	for (unsigned i = 0; i < a->n; i++) {
		assert_int_equal(nth(a, i)->start, nth(b, i)->start);
		assert_int_equal(nth(a, i)->end, nth(b, i)->end);
		assert_int_equal(nth(a, i)->perm, nth(b, i)->perm);
	}
}

static void test_clone_copies_and_fails_cleanly(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 50; i++)
		region_add(&rs, 3 * i * P, (3 * i + 2) * P, i % 3);
	/* Every point where memory may run out: the copy is left empty, nothing leaks. */
	for (long allowed = 0; allowed < 50; allowed++) {
		kalloc_stub_allowed = allowed;
		assert_int_equal(region_set_clone(&copy, &rs), -ENOMEM);
		assert_int_equal(copy.n, 0);
		assert_null(copy.tree.root);
		assert_int_equal(kalloc_stub_live, 50);
	}
	kalloc_stub_allowed = 50;
	assert_int_equal(region_set_clone(&copy, &rs), 0);
	assert_same_sets(&rs, &copy);
	assert_int_equal(region_count(), 100);
	/* The copy is its own: changing it leaves the original. */
	kalloc_stub_allowed = -1;
	assert_int_equal(region_remove(&copy, 0, 30 * P), 0);
	assert_int_equal(rs.n, 50);
	assert_int_equal(copy.n, 40);
	region_set_clear(&copy);
	assert_int_equal(region_set_clone(&copy, &(struct region_set){ 0 }), 0);
	assert_int_equal(copy.n, 0);
}

/* A set with a bound refuses the region past it, whether added, cut out by remove or by protect. */
static void test_a_bounded_set_refuses_the_region_past_its_max(void **state)
{
	(void)state;
	rs.max = 3;
	assert_int_equal(region_add(&rs, 0, 3 * P, 1), 0);
	assert_int_equal(region_add(&rs, 10 * P, 13 * P, 1), 0);
	assert_int_equal(region_add(&rs, 20 * P, 23 * P, 1), 0);
	assert_int_equal(region_add(&rs, 30 * P, 31 * P, 1), -ENOMEM);
	assert_int_equal(region_add(&rs, 23 * P, 24 * P, 1), 0);	/* a merge needs no new region */
	assert_int_equal(region_remove(&rs, P, 2 * P), -ENOMEM);
	assert_int_equal(region_protect(&rs, P, 2 * P, 2), -ENOMEM);
	assert_int_equal(rs.n, 3);
	assert_region(0, 0, 3 * P, 1);
	assert_int_equal(region_remove(&rs, 0, P), 0);		/* a trim needs none either */
	assert_int_equal(region_remove(&rs, 20 * P, 24 * P), 0);
	assert_int_equal(rs.n, 2);
	assert_int_equal(region_protect(&rs, 11 * P, 12 * P, 2), -ENOMEM);	/* two cuts: 4 regions */
	assert_int_equal(region_protect(&rs, 12 * P, 13 * P, 2), 0);		/* one cut: 3 */
	assert_int_equal(rs.n, 3);
	assert_region(2, 12 * P, 13 * P, 2);
	rs.max = 0;
}

/* A stand-in memory object: only its reference count matters to regions. */
static void obj_destroy(struct kobj *obj)
{
	(void)obj;
}

static struct memobj obj_a, obj_b;

static void objs_init(void)
{
	kobj_init(&obj_a.obj, KOBJ_MEMORY, obj_destroy);
	kobj_init(&obj_b.obj, KOBJ_MEMORY, obj_destroy);
}

static void assert_backed(unsigned i, uint64_t start, uint64_t end, const struct memobj *obj, uint64_t off)
{
	const struct region *r = nth(&rs, i);

	assert_non_null(r);
	assert_int_equal(r->start, start);
	assert_int_equal(r->end, end);
	assert_ptr_equal(r->obj, obj);
	assert_int_equal(r->off, off);
}

/* A backed region merges only with the same object's next pages; each region holds one reference. */
static void test_backed_regions_merge_only_where_the_object_continues(void **state)
{
	(void)state;
	objs_init();
	assert_int_equal(region_add_backed(&rs, 10 * P, 20 * P, 1, &obj_a, 0), 0);
	assert_int_equal(obj_a.obj.refs, 2);
	assert_int_equal(region_add_backed(&rs, 20 * P, 30 * P, 1, &obj_a, 10 * P), 0);	/* continues it */
	assert_int_equal(rs.n, 1);
	assert_int_equal(obj_a.obj.refs, 2);
	assert_int_equal(region_add_backed(&rs, 30 * P, 31 * P, 1, &obj_a, 40 * P), 0);	/* a jump in the object */
	assert_int_equal(region_add_backed(&rs, 31 * P, 32 * P, 1, &obj_b, 41 * P), 0);	/* another object */
	assert_int_equal(region_add(&rs, 32 * P, 33 * P, 1), 0);				/* zero-fill */
	assert_int_equal(region_add_backed(&rs, 9 * P, 10 * P, 1, &obj_a, 0), 0);		/* not before page 0 */
	assert_int_equal(rs.n, 5);
	assert_backed(0, 9 * P, 10 * P, &obj_a, 0);
	assert_backed(1, 10 * P, 30 * P, &obj_a, 0);
	assert_backed(2, 30 * P, 31 * P, &obj_a, 40 * P);
	assert_backed(3, 31 * P, 32 * P, &obj_b, 41 * P);
	assert_backed(4, 32 * P, 33 * P, NULL, 0);
	assert_int_equal(obj_a.obj.refs, 4);
	assert_int_equal(region_remove(&rs, 9 * P, 10 * P), 0);
	assert_int_equal(obj_a.obj.refs, 3);
	/* Added in front of a region that continues it: that one grows down and takes its offset. */
	assert_int_equal(region_add_backed(&rs, 40 * P, 42 * P, 1, &obj_b, 10 * P), 0);
	assert_int_equal(region_add_backed(&rs, 38 * P, 40 * P, 1, &obj_b, 8 * P), 0);
	assert_int_equal(rs.n, 5);
	assert_backed(4, 38 * P, 42 * P, &obj_b, 8 * P);
	assert_int_equal(obj_b.obj.refs, 3);
	region_set_clear(&rs);
	assert_int_equal(obj_a.obj.refs, 1);
	assert_int_equal(obj_b.obj.refs, 1);
}

/* Trimming, splitting, protecting and cloning keep each part's offset in the object, and a reference each. */
static void test_backed_regions_keep_their_offsets_through_every_change(void **state)
{
	(void)state;
	objs_init();
	assert_int_equal(region_add_backed(&rs, 10 * P, 30 * P, 1, &obj_a, 100 * P), 0);
	assert_int_equal(region_remove(&rs, 10 * P, 12 * P), 0);	/* the head */
	assert_backed(0, 12 * P, 30 * P, &obj_a, 102 * P);
	assert_int_equal(region_remove(&rs, 15 * P, 16 * P), 0);	/* a hole */
	assert_backed(0, 12 * P, 15 * P, &obj_a, 102 * P);
	assert_backed(1, 16 * P, 30 * P, &obj_a, 106 * P);
	assert_int_equal(obj_a.obj.refs, 3);
	assert_int_equal(region_protect(&rs, 20 * P, 22 * P, 2), 0);	/* two cuts */
	assert_backed(2, 20 * P, 22 * P, &obj_a, 110 * P);
	assert_backed(3, 22 * P, 30 * P, &obj_a, 112 * P);
	assert_int_equal(obj_a.obj.refs, 5);
	assert_int_equal(region_protect(&rs, 20 * P, 22 * P, 1), 0);	/* and back: one region again */
	assert_int_equal(rs.n, 2);
	assert_backed(1, 16 * P, 30 * P, &obj_a, 106 * P);
	assert_int_equal(obj_a.obj.refs, 3);
	assert_int_equal(region_set_clone(&copy, &rs), 0);
	assert_int_equal(obj_a.obj.refs, 5);
	assert_int_equal(region_find(&copy, 16 * P)->off, 106 * P);
	kalloc_stub_allowed = 0;	/* a failed split takes no reference */
	assert_int_equal(region_remove(&rs, 20 * P, 21 * P), -ENOMEM);
	assert_int_equal(obj_a.obj.refs, 5);
	kalloc_stub_allowed = -1;
	region_set_clear(&copy);
	assert_int_equal(region_remove(&rs, 0, 100 * P), 0);
	assert_int_equal(obj_a.obj.refs, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_keeps_order_and_find_works, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlap_is_eexist_and_empty_is_einval, setup, teardown),
		cmocka_unit_test_setup_teardown(test_touching_regions_with_equal_permissions_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_trims_splits_and_deletes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_without_memory_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_protect_splits_and_changes_only_the_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_protect_without_memory_is_enomem, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grows_past_65530_regions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clone_copies_and_fails_cleanly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_bounded_set_refuses_the_region_past_its_max, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backed_regions_merge_only_where_the_object_continues, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backed_regions_keep_their_offsets_through_every_change, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("region", tests, NULL, NULL);
}
