/*
 * kage's memory and string routines (renamed kage_* on the host by host.h)
 * against plain byte loops, over sizes and alignments that cover the
 * word-at-a-time paths and their edges.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include "lib/string.h"

#define BUF 96

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(seed * 31 + i * 7 + 1);
}

static void test_memcpy_all_sizes_and_alignments(void **state)
{
	unsigned char src[BUF], dst[BUF], want[BUF];
	size_t so, doff, n, i;

	(void)state;
	for (so = 0; so < 9; so++)
		for (doff = 0; doff < 9; doff++)
			for (n = 0; n + so < BUF - 8 && n + doff < BUF - 8; n += 1 + n / 8) {
				fill(src, BUF, (unsigned)(so + n));
				fill(dst, BUF, 99);
				fill(want, BUF, 99);
				for (i = 0; i < n; i++)
					want[doff + i] = src[so + i];
				assert_ptr_equal(memcpy(dst + doff, src + so, n), dst + doff);
				assert_memory_equal(dst, want, BUF);
			}
}

/* A misaligned copy ending at the very end of a heap block: the sanitizer sees any over-read. */
static void test_misaligned_memcpy_reads_nothing_past_the_source(void **state)
{
	size_t so, n;

	(void)state;
	for (so = 1; so < 8; so++)
		for (n = 32; n < 200; n += 13) {
			unsigned char *src = malloc(so + n), dst[256];

			fill(src, so + n, (unsigned)n);
			memcpy(dst, src + so, n);
			assert_memory_equal(dst, src + so, n);
			free(src);
		}
}

static void test_memmove_overlaps_both_ways(void **state)
{
	unsigned char buf[BUF], want[BUF], tmp[BUF];
	size_t from, to, n, i;

	(void)state;
	for (from = 0; from < 20; from++)
		for (to = 0; to < 20; to++)
			for (n = 0; n < 60; n += 7) {
				fill(buf, BUF, 3);
				fill(want, BUF, 3);
				for (i = 0; i < n; i++)
					tmp[i] = want[from + i];
				for (i = 0; i < n; i++)
					want[to + i] = tmp[i];
				memmove(buf + to, buf + from, n);
				assert_memory_equal(buf, want, BUF);
			}
}

static void test_memset_all_sizes_and_alignments(void **state)
{
	unsigned char buf[BUF], want[BUF];
	size_t off, n, i;

	(void)state;
	for (off = 0; off < 9; off++)
		for (n = 0; off + n < BUF; n++) {
			fill(buf, BUF, 5);
			fill(want, BUF, 5);
			for (i = 0; i < n; i++)
				want[off + i] = 0xa5;
			memset(buf + off, 0x1a5, n);	/* only the low byte counts */
			assert_memory_equal(buf, want, BUF);
		}
}

static void test_memcmp_sign_and_memchr(void **state)
{
	(void)state;
	assert_int_equal(memcmp("abc", "abc", 3), 0);
	assert_true(memcmp("abc", "abd", 3) < 0);
	assert_true(memcmp("\xff", "\x01", 1) > 0);	/* compares unsigned bytes */
	assert_int_equal(memcmp("abc", "xyz", 0), 0);
	assert_ptr_equal(memchr("hello", 'l', 5), (const char *)"hello" + 2);
	assert_null(memchr("hello", 'l', 2));
}

static void test_string_functions(void **state)
{
	const char *s = "kage/boot/entry";
	char buf[8];

	(void)state;
	assert_int_equal(strlen(""), 0);
	assert_int_equal(strlen(s), 15);
	assert_int_equal(strnlen(s, 4), 4);
	assert_int_equal(strnlen("ab", 10), 2);
	assert_int_equal(strcmp("a", "a"), 0);
	assert_true(strcmp("a", "b") < 0);
	assert_true(strcmp("ab", "a") > 0);
	assert_true(strcmp("\xe9", "e") > 0);
	assert_int_equal(strncmp("abcX", "abcY", 3), 0);
	assert_true(strncmp("abcX", "abcY", 4) < 0);
	assert_ptr_equal(strchr(s, '/'), s + 4);
	assert_ptr_equal(strrchr(s, '/'), s + 9);
	assert_ptr_equal(strchr(s, '\0'), s + 15);
	assert_null(strchr(s, 'z'));
	assert_int_equal(strlcpy(buf, s, sizeof(buf)), 15);
	assert_string_equal(buf, "kage/bo");
	assert_int_equal(strlcpy(buf, "hi", sizeof(buf)), 2);
	assert_string_equal(buf, "hi");
	assert_int_equal(strlcpy(buf, "untouched", 0), 9);
	assert_string_equal(buf, "hi");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memcpy_all_sizes_and_alignments),
		cmocka_unit_test(test_misaligned_memcpy_reads_nothing_past_the_source),
		cmocka_unit_test(test_memmove_overlaps_both_ways),
		cmocka_unit_test(test_memset_all_sizes_and_alignments),
		cmocka_unit_test(test_memcmp_sign_and_memchr),
		cmocka_unit_test(test_string_functions),
	};

	return cmocka_run_group_tests_name("string", tests, NULL, NULL);
}
