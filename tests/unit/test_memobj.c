/* Memory objects: frames taken, zeroed, found, shared by slices and all given back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "kernel/frame.h"
#include "kernel/memlayout.h"
#include "kernel/memobj.h"
#include "lib/errno.h"
#include "tests/unit/support/physmem.h"

#define PAGE 4096ul

/* True if every byte of the object's frames is zero (the arena starts as 0xcc). */
static int all_zero(const struct memobj *m, uint64_t pages)
{
	for (uint64_t off = 0; off < pages * PAGE; off += PAGE) {
		const uint8_t *p = phys_to_virt(memobj_frame(m, off));

		for (unsigned i = 0; i < PAGE; i++)
			if (p[i])
				return 0;
	}
	return 1;
}

static void test_one_page_needs_no_table(void **state)
{
	uint64_t before = physmem_free_frames();
	struct memobj *m;

	(void)state;
	assert_int_equal(memobj_create_frames(100, &m), 0);
	/* The page and the slab the object itself lives in. */
	assert_int_equal(before - physmem_free_frames(), 2);
	assert_true(memobj_has_frames(m));
	assert_int_equal(m->size, 100);
	assert_true(all_zero(m, 1));
	assert_int_equal(kobj_count(KOBJ_MEMORY), 1);
	kobj_put(&m->obj);
	assert_int_equal(kobj_count(KOBJ_MEMORY), 0);
	assert_int_equal(physmem_free_frames(), before);
}

static int setup_1024(void **state)
{
	(void)state;
	physmem_init(1024);
	return 0;
}

/* 513 pages need two levels: a root and two tables below it. */
static void test_big_object_walks_two_levels(void **state)
{
	uint64_t before = physmem_free_frames();
	struct memobj *m;
	size_t avail;

	(void)state;
	assert_int_equal(memobj_create_frames(512 * PAGE + 1, &m), 0);
	assert_int_equal(m->depth, 2);
	assert_int_equal(before - physmem_free_frames(), 513 + 3 + 1);
	assert_true(all_zero(m, 513));
	for (uint64_t i = 0; i < 513; i++)
		*memobj_bytes(m, i * PAGE + 8, &avail) = (uint8_t)(i + 1);
	assert_int_equal(avail, PAGE - 8);
	for (uint64_t i = 0; i < 513; i++) {
		assert_int_equal(((uint8_t *)phys_to_virt(memobj_frame(m, i * PAGE)))[8], (uint8_t)(i + 1));
		for (uint64_t j = 0; j < i; j += 37)
			assert_true(memobj_frame(m, i * PAGE) != memobj_frame(m, j * PAGE));
	}
	kobj_put(&m->obj);
	assert_int_equal(physmem_free_frames(), before);
}

static void test_out_of_frames_gives_everything_back(void **state)
{
	uint64_t before = physmem_free_frames();
	struct memobj *m = NULL;

	(void)state;
	/* 63 pages, a table and the slab: one more than the 64 frames there are. */
	assert_int_equal(memobj_create_frames(63 * PAGE, &m), -ENOMEM);
	assert_int_equal(physmem_free_frames(), before);
	assert_int_equal(memobj_create_frames(65 * PAGE, &m), -ENOMEM);	/* more than all of RAM */
	assert_int_equal(memobj_create_frames(~0ul, &m), -ENOMEM);
	assert_int_equal(physmem_free_frames(), before);
	assert_int_equal(memobj_create_frames(0, &m), -EINVAL);
	assert_null(m);
	assert_int_equal(kobj_count(KOBJ_MEMORY), 0);
	/* What just failed fits once a little less is asked. */
	assert_int_equal(memobj_create_frames(61 * PAGE, &m), 0);
	kobj_put(&m->obj);
	assert_int_equal(physmem_free_frames(), before);
}

static void test_slice_shares_frames_and_keeps_them(void **state)
{
	uint64_t before = physmem_free_frames(), pa;
	struct memobj *m, *s, *ss;

	(void)state;
	assert_int_equal(memobj_create_frames(4 * PAGE, &m), 0);
	assert_int_equal(memobj_slice(m, PAGE + 1, PAGE, &s), -EINVAL);	/* not on a page boundary */
	assert_int_equal(memobj_slice(m, 3 * PAGE, PAGE + 1, &s), -EINVAL);	/* past the end */
	assert_int_equal(memobj_slice(m, PAGE, 0, &s), -EINVAL);
	assert_int_equal(memobj_slice(m, PAGE, 2 * PAGE, &s), 0);
	assert_int_equal(memobj_frame(s, 0), memobj_frame(m, PAGE));
	assert_int_equal(memobj_slice(s, PAGE, PAGE, &ss), 0);
	assert_int_equal(memobj_frame(ss, 0), memobj_frame(m, 2 * PAGE));
	assert_true(ss->owner == m && m->obj.refs == 3);
	pa = memobj_frame(ss, 0);
	kobj_put(&m->obj);	/* the last handle: the slices keep the frames */
	kobj_put(&s->obj);
	assert_int_equal(frame_refcount(pa), 1);
	assert_int_equal(kobj_count(KOBJ_MEMORY), 2);
	kobj_put(&ss->obj);
	assert_int_equal(kobj_count(KOBJ_MEMORY), 0);
	assert_int_equal(physmem_free_frames(), before);
}

/* A mapping's reference keeps a frame after the object is gone. */
static void test_frame_outlives_object(void **state)
{
	uint64_t before = physmem_free_frames(), pa;
	struct memobj *m;

	(void)state;
	assert_int_equal(memobj_create_frames(PAGE, &m), 0);
	pa = memobj_frame(m, 0);
	frame_ref(pa);
	kobj_put(&m->obj);
	assert_int_equal(frame_refcount(pa), 1);
	assert_int_equal(before - physmem_free_frames(), 1);
	frame_unref(pa);
	assert_int_equal(physmem_free_frames(), before);
}

static void test_physical_ranges(void **state)
{
	struct memobj *ram, *dev, *top, *s;
	size_t avail;

	(void)state;
	assert_int_equal(memobj_create(PHYSMEM_BASE + 100, 3 * PAGE, &ram), 0);
	assert_false(memobj_has_frames(ram));
	assert_true(memobj_is_ram(ram, 0, 3 * PAGE));
	assert_int_equal(memobj_slice(ram, 7, 10, &s), 0);	/* any byte offset: the base stays exact */
	assert_int_equal(s->base, PHYSMEM_BASE + 107);
	assert_ptr_equal(memobj_bytes(s, 1, &avail), phys_to_virt(PHYSMEM_BASE + 108));
	assert_int_equal(avail, 9);	/* a physical range is contiguous: to the slice's end */
	assert_int_equal(memobj_slice(ram, 3 * PAGE - 1, 2, &dev), -EINVAL);
	kobj_put(&s->obj);
	kobj_put(&ram->obj);
	/* Outside every zone: a device. One that ends in the last page of the address space too. */
	assert_int_equal(memobj_create(0x10000000, PAGE, &dev), 0);
	assert_false(memobj_is_ram(dev, 0, 1));
	assert_int_equal(memobj_create(~0ul - PAGE, PAGE, &top), 0);
	assert_false(memobj_is_ram(top, 0, PAGE));
	assert_int_equal(memobj_create(~0ul - 10, 20, &s), -EINVAL);
	kobj_put(&dev->obj);
	kobj_put(&top->obj);
	assert_int_equal(kobj_count(KOBJ_MEMORY), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_one_page_needs_no_table, physmem_setup64, physmem_teardown),
		cmocka_unit_test_setup_teardown(test_big_object_walks_two_levels, setup_1024, physmem_teardown),
		cmocka_unit_test_setup_teardown(test_out_of_frames_gives_everything_back, physmem_setup64,
						physmem_teardown),
		cmocka_unit_test_setup_teardown(test_slice_shares_frames_and_keeps_them, physmem_setup64,
						physmem_teardown),
		cmocka_unit_test_setup_teardown(test_frame_outlives_object, physmem_setup64, physmem_teardown),
		cmocka_unit_test_setup_teardown(test_physical_ranges, physmem_setup64, physmem_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
