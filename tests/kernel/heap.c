/*
 * The servers' heap (lib/heap.h) on a real space: every page it hands
 * out has its frame before it is used (KAGE_MAP_POPULATE), so filling
 * memory ends in a NULL, never a fault, and every frame comes back.
 */
#include "lib/heap.h"
#include "lib/string.h"
#include "tests/kernel/root.h"

#define BLOCK (64ul << 10)
#define MAX_BLOCKS 16384	/* 1 GiB: more than any test machine has */

static void *blocks[MAX_BLOCKS];

static uint64_t frames_free(void)
{
	struct kage_stats st;

	native_stats(&st);
	return st.frames_free;
}

/* Small and large objects of many sizes keep their bytes. */
static void check_objects(struct heap *h)
{
	static unsigned char *p[300];
	int ok = 1;

	for (int i = 0; i < 300; i++) {
		p[i] = heap_alloc(h, (size_t)i * 97 + 1);
		ok &= p[i] != NULL;
		if (p[i])
			memset(p[i], i & 0xff, (size_t)i * 97 + 1);
	}
	for (int i = 0; i < 300; i++) {
		for (size_t j = 0; p[i] && j < (size_t)i * 97 + 1; j++)
			ok &= p[i][j] == (i & 0xff);
		heap_free(h, p[i]);
	}
	check(ok, "heap_objects_keep_their_bytes", "an object lost its bytes");
}

/* Fills memory: the heap says NULL, and after freeing, as much fits again. */
static void check_out_of_memory(struct heap *h)
{
	int n = 0, again = 0;
	struct heap_stats st;

	while (n < MAX_BLOCKS) {
		blocks[n] = heap_alloc(h, BLOCK);
		if (!blocks[n])
			break;
		((volatile char *)blocks[n])[BLOCK - 1] = 1;	/* populated: no fault here */
		n++;
	}
	say("kage-test: heap: %d blocks of 64 KiB before memory ran out\n", n);
	check(n > 16 && n < MAX_BLOCKS, "heap_out_of_memory_is_null", "never ran out, or nothing fit");
	for (int i = 0; i < n; i++)
		heap_free(h, blocks[i]);
	heap_trim(h);
	heap_stats(h, &st);
	check(st.in_use == 0 && st.pages == 0, "heap_gives_pages_back", "pages still held");
	for (; again < n; again++) {
		blocks[again] = heap_alloc(h, BLOCK);
		if (!blocks[again])
			break;
	}
	check(again == n, "heap_fills_again_after_freeing", "less fits the second time");
	for (int i = 0; i < again; i++)
		heap_free(h, blocks[i]);
}

void heap_checks(void)
{
	uint64_t before = frames_free();
	struct heap h;

	check(native_heap_init(&h, KAGE_SERVER_PROC) == 0, "heap_init", "refused its window");
	check_objects(&h);
	check_out_of_memory(&h);
	heap_destroy(&h);
	check(frames_free() == before, "heap_frames_back", "frames leaked");
}
