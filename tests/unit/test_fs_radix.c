/*
 * The file server's radix tree (servers/fs/radix.c): entries at any
 * 64-bit index come back, iteration finds them in order from anywhere,
 * taking and cutting entries frees every node they needed, and running
 * out of memory leaves the tree as it was.
 *
 * The heap underneath is lib/heap.c on a reserved host window with a
 * frame budget, as in test_heap.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <cmocka.h>
#include "lib/errno.h"
#include "lib/heap.h"
#include "servers/fs/radix.h"

#define WINDOW (64ul << 20)

static uint8_t *window;
static uint64_t frames, budget;
static struct heap heap;

static int fake_map(uint64_t va, uint64_t size)
{
	uint64_t n = size / HEAP_PAGE;

	if (frames + n > budget)
		return -ENOMEM;
	frames += n;
	assert_int_equal(mprotect((void *)va, size, PROT_READ | PROT_WRITE), 0);
	return 0;
}

static void fake_unmap(uint64_t va, uint64_t size)
{
	frames -= size / HEAP_PAGE;
	assert_int_equal(madvise((void *)va, size, MADV_DONTNEED), 0);
	assert_int_equal(mprotect((void *)va, size, PROT_NONE), 0);
}

static void fake_corrupt(const char *what, const void *p)
{
	fail_msg("heap corrupted: %s %p", what, p);
}

static const struct heap_backend fake = { fake_map, fake_unmap, fake_corrupt };

static int setup(void **state)
{
	(void)state;
	window = mmap(NULL, WINDOW, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	assert_true(window != MAP_FAILED);
	frames = 0;
	budget = WINDOW / HEAP_PAGE;
	return heap_init(&heap, (uint64_t)window, WINDOW, &fake);
}

static int teardown(void **state)
{
	(void)state;
	munmap(window, WINDOW);
	return 0;
}

static uint64_t in_use(void)
{
	struct heap_stats st;

	heap_stats(&heap, &st);
	return st.in_use;
}

/* A distinct non-NULL value for each index. */
static void *value(uint64_t index)
{
	return (void *)(uintptr_t)(index * 2 + 1);
}

static void test_empty_tree_has_nothing(void **state)
{
	struct fs_radix r = { 0 };
	uint64_t i = 0;

	(void)state;
	assert_null(fs_radix_get(&r, 0));
	assert_null(fs_radix_get(&r, ~0ull));
	assert_null(fs_radix_next(&r, &i));
	assert_null(fs_radix_take(&r, &heap, 5));
	fs_radix_cut(&r, &heap, 0, NULL, NULL);
	assert_int_equal(in_use(), 0);
}

static const uint64_t sparse[] = { 0, 1, 63, 64, 4095, 4096, 1ull << 30, (1ull << 30) + 1, 1ull << 40,
				   (1ull << 60) - 1, 1ull << 60, ~0ull - 1, ~0ull };
#define NSPARSE (sizeof(sparse) / sizeof(sparse[0]))

static void test_sparse_indexes_come_back_in_order_and_free_everything(void **state)
{
	struct fs_radix r = { 0 };
	uint64_t i = 0;
	unsigned k = 0;

	(void)state;
	for (unsigned j = NSPARSE; j-- > 0;)
		assert_int_equal(fs_radix_set(&r, &heap, sparse[j], value(sparse[j])), 0);
	for (unsigned j = 0; j < NSPARSE; j++)
		assert_ptr_equal(fs_radix_get(&r, sparse[j]), value(sparse[j]));
	assert_null(fs_radix_get(&r, 2));
	assert_null(fs_radix_get(&r, 1ull << 41));
	for (void *p = fs_radix_next(&r, &i); p; k++) {
		assert_int_equal(i, sparse[k]);
		assert_ptr_equal(p, value(i));
		if (i == ~0ull)
			break;
		i++;
		p = fs_radix_next(&r, &i);
	}
	assert_int_equal(k + 1, NSPARSE);
	for (unsigned j = 0; j < NSPARSE; j++)
		assert_ptr_equal(fs_radix_take(&r, &heap, sparse[j]), value(sparse[j]));
	assert_int_equal(r.height, 0);
	assert_int_equal(in_use(), 0);
}

static void test_next_resumes_inside_a_gap(void **state)
{
	struct fs_radix r = { 0 };
	uint64_t i = 65;

	(void)state;
	assert_int_equal(fs_radix_set(&r, &heap, 10, value(10)), 0);
	assert_int_equal(fs_radix_set(&r, &heap, 100000, value(100000)), 0);
	assert_ptr_equal(fs_radix_next(&r, &i), value(100000));
	assert_int_equal(i, 100000);
	i = 100001;
	assert_null(fs_radix_next(&r, &i));
	assert_int_equal(i, 100001);
	fs_radix_cut(&r, &heap, 0, NULL, NULL);
	assert_int_equal(in_use(), 0);
}

static void count_drop(void *entry, void *arg)
{
	(void)entry;
	(*(unsigned *)arg)++;
}

static void test_cut_removes_from_an_index_on_and_shrinks(void **state)
{
	struct fs_radix r = { 0 };
	unsigned dropped = 0;
	uint64_t i = 0, n = 0;

	(void)state;
	for (uint64_t k = 0; k < 20000; k++)
		assert_int_equal(fs_radix_set(&r, &heap, k, value(k)), 0);
	assert_int_equal(r.height, 3);
	fs_radix_cut(&r, &heap, 100, count_drop, &dropped);
	assert_int_equal(dropped, 19900);
	assert_int_equal(r.height, 2);
	for (void *p = fs_radix_next(&r, &i); p; i++, p = fs_radix_next(&r, &i))
		assert_int_equal(i, n++);
	assert_int_equal(n, 100);
	fs_radix_cut(&r, &heap, 0, count_drop, &dropped);
	assert_int_equal(dropped, 20000);
	assert_int_equal(r.height, 0);
	assert_int_equal(in_use(), 0);
}

static void test_replacing_keeps_one_entry(void **state)
{
	struct fs_radix r = { 0 };

	(void)state;
	assert_int_equal(fs_radix_set(&r, &heap, 7, value(1)), 0);
	assert_int_equal(fs_radix_set(&r, &heap, 7, value(2)), 0);
	assert_ptr_equal(fs_radix_take(&r, &heap, 7), value(2));
	assert_null(fs_radix_take(&r, &heap, 7));
	assert_int_equal(in_use(), 0);
}

static void test_out_of_memory_leaves_the_tree_as_it_was(void **state)
{
	struct fs_radix r = { 0 };
	uint64_t used;
	int err = 0;

	(void)state;
	assert_int_equal(fs_radix_set(&r, &heap, 3, value(3)), 0);
	used = in_use();
	heap_trim(&heap);
	budget = frames;	/* nothing more: the next node cannot be had */
	for (uint64_t k = 64; k < (1ull << 20) && !err; k *= 2) {
		for (uint64_t j = 0; j < 64 && !err; j++)
			err = fs_radix_set(&r, &heap, k * 64 + j, value(k));
		if (err)
			break;
	}
	assert_int_equal(err, -ENOMEM);
	budget = WINDOW / HEAP_PAGE;
	for (uint64_t k = 64; k < (1ull << 20); k *= 2)
		for (uint64_t j = 0; j < 64; j++)
			fs_radix_take(&r, &heap, k * 64 + j);
	assert_int_equal(in_use(), used);
	assert_int_equal(r.height, 1);
	assert_ptr_equal(fs_radix_get(&r, 3), value(3));
	assert_ptr_equal(fs_radix_take(&r, &heap, 3), value(3));
	assert_int_equal(in_use(), 0);
}

static void test_random_operations_match_a_plain_array(void **state)
{
	enum { N = 4096 };
	static void *shadow[N];
	struct fs_radix r = { 0 };
	uint64_t i;

	(void)state;
	srandom(5);
	for (int op = 0; op < 100000; op++) {
		uint64_t k = (uint64_t)random() % N;

		if (random() % 3) {
			shadow[k] = value(k * 7);
			assert_int_equal(fs_radix_set(&r, &heap, k * 4099, shadow[k]), 0);
		} else {
			assert_ptr_equal(fs_radix_take(&r, &heap, k * 4099), shadow[k]);
			shadow[k] = NULL;
		}
	}
	i = 0;
	for (uint64_t k = 0; k < N; k++) {
		void *p;

		if (!shadow[k])
			continue;
		p = fs_radix_next(&r, &i);
		assert_int_equal(i, k * 4099);
		assert_ptr_equal(p, shadow[k]);
		i++;
	}
	assert_null(fs_radix_next(&r, &i));
	fs_radix_cut(&r, &heap, 0, NULL, NULL);
	assert_int_equal(in_use(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty_tree_has_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sparse_indexes_come_back_in_order_and_free_everything, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_next_resumes_inside_a_gap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cut_removes_from_an_index_on_and_shrinks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replacing_keeps_one_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_memory_leaves_the_tree_as_it_was, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_operations_match_a_plain_array, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
