/*
 * The servers' heap: objects of every size come back intact, freed pages
 * merge and are reused, running out of frames is NULL with nothing lost,
 * and every frame goes back.
 *
 * The backend is a reserved host window whose pages are made accessible
 * as the heap maps them, with a frame budget, and a record of which pages
 * are mapped so that mapping a page twice or unmapping a page not mapped
 * fails the test.
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
#include "lib/string.h"

#define WINDOW (256ul << 20)
#define PAGES (WINDOW / HEAP_PAGE)

static uint8_t *window;
static uint8_t mapped[PAGES];
static uint64_t frames, budget;
static jmp_buf corrupted;
static struct heap heap;

static int fake_map(uint64_t va, uint64_t size)
{
	uint64_t first = (va - (uint64_t)window) / HEAP_PAGE, n = size / HEAP_PAGE;

	assert_true(va >= (uint64_t)window && first + n <= PAGES && size % HEAP_PAGE == 0 && n);
	if (frames + n > budget)
		return -ENOMEM;
	for (uint64_t i = first; i < first + n; i++) {
		assert_int_equal(mapped[i], 0);
		mapped[i] = 1;
	}
	frames += n;
	assert_int_equal(mprotect((void *)va, size, PROT_READ | PROT_WRITE), 0);
	return 0;
}

static void fake_unmap(uint64_t va, uint64_t size)
{
	uint64_t first = (va - (uint64_t)window) / HEAP_PAGE, n = size / HEAP_PAGE;

	for (uint64_t i = first; i < first + n; i++) {
		assert_int_equal(mapped[i], 1);
		mapped[i] = 0;
	}
	frames -= n;
	/* Gone for good: the next map must see zeroes, as a fresh frame is. */
	assert_int_equal(madvise((void *)va, size, MADV_DONTNEED), 0);
	assert_int_equal(mprotect((void *)va, size, PROT_NONE), 0);
}

static void fake_corrupt(const char *what, const void *p)
{
	(void)what;
	(void)p;
	longjmp(corrupted, 1);
}

static const struct heap_backend fake = { fake_map, fake_unmap, fake_corrupt };

static int setup(void **state)
{
	(void)state;
	window = mmap(NULL, WINDOW, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	assert_true(window != MAP_FAILED);
	memset(mapped, 0, sizeof(mapped));
	frames = 0;
	budget = PAGES;
	return heap_init(&heap, (uint64_t)window, WINDOW, &fake);
}

static int teardown(void **state)
{
	(void)state;
	munmap(window, WINDOW);
	return 0;
}

/* Frames left after everything is freed and trimmed: the metadata's only. */
static void assert_all_back(void)
{
	struct heap_stats st;

	heap_trim(&heap);
	heap_stats(&heap, &st);
	assert_int_equal(st.in_use, 0);
	assert_int_equal(st.bytes, 0);
	assert_int_equal(st.pages, 0);
	assert_int_equal(frames, st.meta_pages);
}

static void fill(uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed * 31 + i);
}

static void check(const uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (uint8_t)(seed * 31 + i))
			fail_msg("byte %zu of block %u changed", i, seed);
}

static void test_every_size_is_aligned_usable_and_comes_back(void **state)
{
	static uint8_t *p[3 * 4096];

	(void)state;
	for (unsigned n = 1; n < 3 * 4096; n++) {
		p[n] = heap_alloc(&heap, n);
		assert_non_null(p[n]);
		assert_int_equal((uintptr_t)p[n] % 16, 0);
		assert_true(heap_usable(&heap, p[n]) >= n);
		if (n > HEAP_SMALL_MAX)
			assert_int_equal((uintptr_t)p[n] % HEAP_PAGE, 0);
		fill(p[n], n, n);
	}
	for (unsigned n = 1; n < 3 * 4096; n++) {
		check(p[n], n, n);
		heap_free(&heap, p[n]);
	}
	assert_all_back();
}

static void test_random_stress_keeps_every_byte(void **state)
{
	enum { SLOTS = 512 };
	static uint8_t *p[SLOTS];
	static size_t len[SLOTS];

	(void)state;
	srandom(17);
	for (int op = 0; op < 40000; op++) {
		int i = (int)(random() % SLOTS);

		if (p[i]) {
			check(p[i], len[i], (unsigned)i);
			heap_free(&heap, p[i]);
			p[i] = NULL;
			continue;
		}
		len[i] = random() % 4 ? 1 + random() % 600 : 1 + random() % (80 << 10);
		p[i] = heap_alloc(&heap, len[i]);
		assert_non_null(p[i]);
		fill(p[i], len[i], (unsigned)i);
	}
	for (int i = 0; i < SLOTS; i++) {
		if (p[i])
			check(p[i], len[i], (unsigned)i);
		heap_free(&heap, p[i]);
	}
	assert_all_back();
}

static void test_freed_neighbours_merge_and_are_reused(void **state)
{
	uint8_t *a, *b, *c, *big;
	uint64_t top;

	(void)state;
	a = heap_alloc(&heap, 40 * HEAP_PAGE);
	b = heap_alloc(&heap, 50 * HEAP_PAGE);
	c = heap_alloc(&heap, 60 * HEAP_PAGE);
	assert_true(b == a + 40 * HEAP_PAGE && c == b + 50 * HEAP_PAGE);
	top = heap.top;
	heap_free(&heap, a);
	heap_free(&heap, c);
	heap_free(&heap, b);
	big = heap_alloc(&heap, 150 * HEAP_PAGE);	/* only fits if all three merged */
	assert_ptr_equal(big, a);
	assert_int_equal(heap.top, top);
	heap_free(&heap, big);
	assert_all_back();
}

static void test_free_pages_keep_frames_only_up_to_the_cache(void **state)
{
	void *p[40];
	struct heap_stats st;

	(void)state;
	for (int i = 0; i < 40; i++)
		p[i] = heap_alloc(&heap, 3 * HEAP_PAGE);
	for (int i = 0; i < 40; i += 2)	/* every other one: no merging */
		heap_free(&heap, p[i]);
	heap_stats(&heap, &st);
	assert_true(st.pages <= 20 * 3 + HEAP_CACHE_PAGES);
	for (int i = 1; i < 40; i += 2)
		heap_free(&heap, p[i]);
	heap_stats(&heap, &st);
	assert_true(st.pages <= HEAP_CACHE_PAGES);
	assert_all_back();
}

static void test_out_of_frames_is_null_and_loses_nothing(void **state)
{
	static void *p[20000];
	int n = 0, again = 0;

	(void)state;
	budget = 300;
	while (n < 20000) {
		p[n] = heap_alloc(&heap, n % 3 ? 100 : 3 * HEAP_PAGE);
		if (!p[n])
			break;
		fill(p[n], n % 3 ? 100 : 3 * HEAP_PAGE, (unsigned)n);
		n++;
	}
	assert_true(n > 0 && n < 20000);
	assert_true(frames <= budget);
	for (int i = 0; i < n; i++) {
		check(p[i], i % 3 ? 100 : 3 * HEAP_PAGE, (unsigned)i);
		heap_free(&heap, p[i]);
	}
	assert_all_back();
	/* As much fits again once everything is back. */
	while (again < n) {
		p[again] = heap_alloc(&heap, again % 3 ? 100 : 3 * HEAP_PAGE);
		if (!p[again])
			break;
		again++;
	}
	assert_true(again >= n - 1);
	for (int i = 0; i < again; i++)
		heap_free(&heap, p[i]);
	assert_all_back();
}

static void test_zalloc_zeroes_reused_memory(void **state)
{
	uint8_t *p, *q;

	(void)state;
	p = heap_alloc(&heap, 300);
	memset(p, 0xee, 300);
	heap_free(&heap, p);
	q = heap_zalloc(&heap, 300);
	assert_ptr_equal(p, q);
	for (int i = 0; i < 300; i++)
		assert_int_equal(q[i], 0);
	p = heap_alloc(&heap, 5 * HEAP_PAGE);
	memset(p, 0xee, 5 * HEAP_PAGE);
	heap_free(&heap, p);
	p = heap_zalloc(&heap, 5 * HEAP_PAGE);
	for (unsigned i = 0; i < 5 * HEAP_PAGE; i++)
		assert_int_equal(p[i], 0);
	heap_free(&heap, p);
	heap_free(&heap, q);
	assert_all_back();
}

static void test_realloc_keeps_the_bytes_and_failure_keeps_the_block(void **state)
{
	uint8_t *p = heap_alloc(&heap, 10), *q;

	(void)state;
	fill(p, 10, 5);
	for (size_t n = 20; n < (1 << 20); n *= 3) {
		q = heap_realloc(&heap, p, n);
		assert_non_null(q);
		check(q, 10, 5);
		p = q;
	}
	p = heap_realloc(&heap, p, 10);
	check(p, 10, 5);
	budget = frames;	/* nothing more to map */
	q = heap_realloc(&heap, p, 1 << 20);
	assert_null(q);
	check(p, 10, 5);
	budget = PAGES;
	heap_free(&heap, p);
	assert_all_back();
}

static void test_a_bad_free_is_corruption(void **state)
{
	uint8_t *p = heap_alloc(&heap, 64), *big = heap_alloc(&heap, 3 * HEAP_PAGE);
	volatile int stage = 0;

	(void)state;
	if (setjmp(corrupted) == 0) {
		heap_free(&heap, p + 8);	/* inside an object */
		fail_msg("a misaligned free went through");
	}
	stage = 1;
	if (setjmp(corrupted) == 0) {
		heap_free(&heap, big + HEAP_PAGE);	/* inside a large block */
		fail_msg("a free inside a block went through");
	}
	stage = 2;
	if (setjmp(corrupted) == 0) {
		heap_free(&heap, (void *)(heap.top + HEAP_PAGE));	/* beyond the heap */
		fail_msg("a free beyond the heap went through");
	}
	assert_int_equal(stage, 2);
	heap_free(&heap, p);
	heap_free(&heap, big);
	assert_all_back();
}

static void test_destroy_gives_every_frame_back(void **state)
{
	void *keep[100];

	(void)state;
	for (int i = 0; i < 100; i++)
		keep[i] = heap_alloc(&heap, (size_t)(i % 7) * 3000 + 10);
	for (int i = 0; i < 100; i += 3)
		heap_free(&heap, keep[i]);
	assert_true(frames > 0);
	heap_destroy(&heap);
	assert_int_equal(frames, 0);
	assert_int_equal(heap_init(&heap, (uint64_t)window, WINDOW, &fake), 0);
	assert_non_null(heap_alloc(&heap, 100));
}

static void test_a_window_too_small_is_einval(void **state)
{
	struct heap h;

	(void)state;
	assert_int_equal(heap_init(&h, (uint64_t)window, HEAP_PAGE, &fake), -EINVAL);
	assert_int_equal(heap_init(&h, (uint64_t)window + 1, WINDOW / 2, &fake), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_size_is_aligned_usable_and_comes_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_stress_keeps_every_byte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_freed_neighbours_merge_and_are_reused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_pages_keep_frames_only_up_to_the_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_frames_is_null_and_loses_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zalloc_zeroes_reused_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_realloc_keeps_the_bytes_and_failure_keeps_the_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_bad_free_is_corruption, setup, teardown),
		cmocka_unit_test_setup_teardown(test_destroy_gives_every_frame_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_window_too_small_is_einval, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
