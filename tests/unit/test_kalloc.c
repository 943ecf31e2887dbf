/* The small-object allocator: size classes, slab reuse, frames given back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "kernel/frame.h"
#include "kernel/kalloc.h"
#include "tests/unit/support/physmem.h"

static void test_objects_share_a_frame_and_come_back(void **state)
{
	uint64_t before = physmem_free_frames();
	unsigned char *a, *b;

	(void)state;
	a = kzalloc(40);	/* the 64-byte class */
	b = kzalloc(64);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(before - physmem_free_frames(), 1);
	assert_true((uintptr_t)a / 4096 == (uintptr_t)b / 4096);
	assert_true(a + 64 <= b || b + 64 <= a);
	for (int i = 0; i < 64; i++)
		assert_int_equal(b[i], 0);
	a[0] = 0xaa;
	kfree(a, 40);
	a = kzalloc(50);	/* the freed slot again, zeroed */
	assert_int_equal(a[0], 0);
	kfree(a, 50);
	kfree(b, 64);
	assert_int_equal(physmem_free_frames(), before);
}

static void test_a_full_slab_grows_and_shrinks(void **state)
{
	uint64_t before = physmem_free_frames();
	void *p[40];

	(void)state;
	for (int i = 0; i < 40; i++)
		assert_non_null(p[i] = kzalloc(KALLOC_MAX));
	/* One 2048-byte object per slab after the header: one frame each. */
	assert_int_equal(before - physmem_free_frames(), 40);
	for (int i = 0; i < 40; i++)
		kfree(p[i], KALLOC_MAX);
	assert_int_equal(physmem_free_frames(), before);
}

static void test_large_objects_take_a_frame_and_fail_cleanly(void **state)
{
	uint64_t before = physmem_free_frames();
	void *p = kzalloc(KALLOC_MAX + 1);

	(void)state;
	assert_non_null(p);
	assert_int_equal(before - physmem_free_frames(), 1);
	kfree(p, KALLOC_MAX + 1);
	assert_null(kzalloc(8192));
	assert_int_equal(physmem_free_frames(), before);
}

static void test_out_of_frames_is_null(void **state)
{
	void *p[80];
	int n = 0;

	(void)state;
	while (n < 80 && (p[n] = kzalloc(KALLOC_MAX)))
		n++;
	assert_true(n < 80);	/* 64 frames of fake RAM */
	assert_null(kzalloc(32));
	while (n--)
		kfree(p[n], KALLOC_MAX);
	assert_non_null(p[0] = kzalloc(32));
	kfree(p[0], 32);
}

/* What sys_stats reports: bytes by size class (a frame for a large object) and the frames held. */
static void test_usage_counts_what_is_live(void **state)
{
	uint64_t bytes0, frames0, bytes, frames;
	void *a, *b, *big;

	(void)state;
	kalloc_usage(&bytes0, &frames0);
	a = kzalloc(40);
	b = kzalloc(100);
	big = kzalloc(3000);
	kalloc_usage(&bytes, &frames);
	assert_int_equal(bytes - bytes0, 64 + 128 + 4096);
	assert_int_equal(frames - frames0, 3);	/* two slabs and the large object */
	kfree(a, 40);
	kfree(big, 3000);
	kalloc_usage(&bytes, &frames);
	assert_int_equal(bytes - bytes0, 128);
	assert_int_equal(frames - frames0, 1);
	kfree(b, 100);
	kalloc_usage(&bytes, &frames);
	assert_int_equal(bytes, bytes0);
	assert_int_equal(frames, frames0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_objects_share_a_frame_and_come_back, physmem_setup64, physmem_teardown),
		cmocka_unit_test_setup_teardown(test_a_full_slab_grows_and_shrinks, physmem_setup64, physmem_teardown),
		cmocka_unit_test_setup_teardown(test_large_objects_take_a_frame_and_fail_cleanly, physmem_setup64, physmem_teardown),
		cmocka_unit_test_setup_teardown(test_out_of_frames_is_null, physmem_setup64, physmem_teardown),
		cmocka_unit_test_setup_teardown(test_usage_counts_what_is_live, physmem_setup64, physmem_teardown),
	};

	return cmocka_run_group_tests_name("kalloc", tests, NULL, NULL);
}
