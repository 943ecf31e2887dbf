/*
 * The process server's lookup structures (servers/proc/table.c) on a
 * real heap: numbers are handed out from 1, reused before the table
 * grows, never 0 and never above PROTO_KEY_MAX; the map finds every key
 * among tens of thousands, keeps working when its buckets cannot grow,
 * and forgets what was removed.
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
#include "servers/protocol.h"
#include "servers/proc/table.h"

#define WINDOW (64ul << 20)
#define N 20000

static uint8_t *window;
static uint64_t budget;		/* pages the backend still gives */
static struct heap heap;

static int fake_map(uint64_t va, uint64_t size)
{
	if (size / HEAP_PAGE > budget)
		return -ENOMEM;
	budget -= size / HEAP_PAGE;
	return mprotect((void *)va, size, PROT_READ | PROT_WRITE) == 0 ? 0 : -ENOMEM;
}

static void fake_unmap(uint64_t va, uint64_t size)
{
	budget += size / HEAP_PAGE;
	madvise((void *)va, size, MADV_DONTNEED);
	mprotect((void *)va, size, PROT_NONE);
}

static void fake_corrupt(const char *what, const void *p)
{
	(void)what, (void)p;
	fail();
}

static const struct heap_backend fake = { fake_map, fake_unmap, fake_corrupt };

struct obj {
	struct table_link link;
	int key;
};

static struct obj objs[N];

static int setup(void **state)
{
	(void)state;
	window = mmap(NULL, WINDOW, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	budget = WINDOW / HEAP_PAGE;
	return window == MAP_FAILED || heap_init(&heap, (uint64_t)window, WINDOW, &fake) < 0;
}

static int teardown(void **state)
{
	(void)state;
	heap_destroy(&heap);
	munmap(window, WINDOW);
	return 0;
}

static void test_slots_start_at_one_and_reuse_before_growing(void **state)
{
	struct table_slots s = { 0 };
	long a, b, c;

	(void)state;
	assert_null(table_slot_get(&s, 0));
	assert_null(table_slot_get(&s, 5));
	a = table_slot_take(&s, &heap, &objs[0]);
	b = table_slot_take(&s, &heap, &objs[1]);
	assert_int_equal(a, 1);
	assert_int_equal(b, 2);
	assert_ptr_equal(table_slot_get(&s, 2), &objs[1]);
	assert_null(table_slot_get(&s, 0));
	table_slot_put(&s, 1);
	assert_null(table_slot_get(&s, 1));
	c = table_slot_take(&s, &heap, &objs[2]);
	assert_int_equal(c, 1);
	assert_int_equal(s.count, 2);
	for (int i = 3; i < N; i++)
		assert_int_equal(table_slot_take(&s, &heap, &objs[i]), i);
	for (int i = 3; i < N; i++)
		assert_ptr_equal(table_slot_get(&s, (uint32_t)i), &objs[i]);
	heap_free(&heap, s.entry);
}

static void test_slots_out_of_memory_is_enomem_and_keeps_what_was_there(void **state)
{
	struct table_slots s = { 0 };
	long n = 0, r;

	(void)state;
	for (int i = 0; i < 100; i++)
		n = table_slot_take(&s, &heap, &objs[i]);
	budget = 0;
	do
		r = table_slot_take(&s, &heap, &objs[n % N]);
	while (r > 0 && ++n < N);
	assert_int_equal(r, -ENOMEM);
	for (int i = 1; i < 100; i++)
		assert_ptr_equal(table_slot_get(&s, (uint32_t)i), &objs[i - 1]);
}

static void test_map_finds_every_key_and_forgets_removed_ones(void **state)
{
	struct table_map m;

	(void)state;
	table_map_init(&m);
	for (int i = 0; i < N; i++)
		table_map_add(&m, &heap, &objs[i].link, i * 7 + 1);
	assert_true(m.nbuckets >= N / 2);
	for (int i = 0; i < N; i++)
		assert_ptr_equal(table_map_find(&m, i * 7 + 1), &objs[i].link);
	assert_null(table_map_find(&m, 2));
	for (int i = 0; i < N; i += 2)
		table_map_remove(&m, &heap, &objs[i].link);
	for (int i = 0; i < N; i++)
		assert_true((table_map_find(&m, i * 7 + 1) != NULL) == (i % 2 == 1));
	assert_int_equal(m.count, N / 2);
	assert_ptr_equal(table_entry(&objs[3].link, struct obj, link), &objs[3]);
	for (int i = 1; i < N; i += 2)
		table_map_remove(&m, &heap, &objs[i].link);
	assert_int_equal(m.count, 0);
	assert_ptr_equal(m.bucket, m.first);	/* the grown array given back */
	table_map_add(&m, &heap, &objs[5].link, 36);
	assert_ptr_equal(table_map_find(&m, 36), &objs[5].link);
}

static void test_map_without_memory_still_adds(void **state)
{
	struct table_map m;

	(void)state;
	table_map_init(&m);
	budget = 0;
	for (int i = 0; i < 1000; i++)
		table_map_add(&m, &heap, &objs[i].link, 32768 - i);
	assert_int_equal(m.nbuckets, TABLE_MAP_FIRST);
	for (int i = 0; i < 1000; i++)
		assert_ptr_equal(table_map_find(&m, 32768 - i), &objs[i].link);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_slots_start_at_one_and_reuse_before_growing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slots_out_of_memory_is_enomem_and_keeps_what_was_there, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_map_finds_every_key_and_forgets_removed_ones, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_without_memory_still_adds, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
