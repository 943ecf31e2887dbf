/* kage's formatter against the C library's printf, conversion by conversion. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "lib/fmt.h"

#define CHECK(...)                                                              \
	do {                                                                    \
		char want[256], got[256];                                       \
		int wn = snprintf(want, sizeof(want), __VA_ARGS__);             \
		int gn = fmt_snprintf(got, sizeof(got), __VA_ARGS__);           \
		assert_string_equal(got, want);                                 \
		assert_int_equal(gn, wn);                                       \
	} while (0)

static void test_integers_match_libc(void **state)
{
	static const long long values[] = { 0, 1, -1, 7, 42, -42, 255, 4096, INT32_MAX, INT32_MIN,
					    INT64_MAX, INT64_MIN, 1234567890123LL };
	static const char *const formats[] = { "%lld", "%5lld", "%-5lld|", "%05lld", "%+lld", "% lld",
						"%.3lld", "%8.3lld", "%-8.3lld|", "%.0lld", "%+05lld" };
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		for (j = 0; j < sizeof(formats) / sizeof(formats[0]); j++)
			CHECK(formats[j], values[i]);
	CHECK("%d %i %u", -5, 17, 4000000000u);
	CHECK("%hd %hhd %hu %hhu", 70000, 300, 70000, 300);
	CHECK("%ld %lu %zu %zd", -1L, ~0UL, (size_t)12345, (ptrdiff_t)-3);
}

static void test_unsigned_bases_match_libc(void **state)
{
	static const unsigned long long values[] = { 0, 1, 8, 0xff, 0xdeadbeef, UINT64_MAX };
	static const char *const formats[] = { "%llx", "%llX", "%llo", "%#llx", "%#llX", "%#llo",
						"%016llx", "%-10llx|", "%#010llx", "%.5llx", "%#.0llo", "%#.0llx" };
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		for (j = 0; j < sizeof(formats) / sizeof(formats[0]); j++)
			CHECK(formats[j], values[i]);
}

static void test_strings_and_chars_match_libc(void **state)
{
	(void)state;
	CHECK("%s|%10s|%-10s|%.2s|%8.3s|", "hello", "hi", "left", "truncate", "abcdef");
	CHECK("%c%c%5c%-3c|", 'a', 'b', 'c', 'd');
	CHECK("100%% %s", "done");
	CHECK("%*d|%-*d|%.*s|", 6, 42, 6, 42, 3, "abcdef");
	CHECK("%*d|", -6, 42);
}

static void test_precision_never_reads_past_it(void **state)
{
	char unterminated[3] = { 'a', 'b', 'c' };	/* no NUL: ASan catches any overread */
	char buf[16];

	(void)state;
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%.3s", unterminated), 3);
	assert_string_equal(buf, "abc");
}

/* No format attribute: lets a test pass formats the compiler would refuse. */
static int format_unchecked(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void test_null_string_and_pointer(void **state)
{
	char buf[64];

	(void)state;
	format_unchecked(buf, sizeof(buf), "%s", (char *)NULL);
	assert_string_equal(buf, "(null)");
	fmt_snprintf(buf, sizeof(buf), "%p", (void *)0x80200000ul);
	assert_string_equal(buf, "0x0000000080200000");
}

static void test_snprintf_truncates_and_reports_full_length(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(fmt_snprintf(buf, 5, "%s", "abcdefgh"), 8);
	assert_string_equal(buf, "abcd");
	assert_int_equal(buf[5], 'x');
	assert_int_equal(fmt_snprintf(buf, 0, "%d", 12345), 5);
	assert_int_equal(buf[0], 'a');
	assert_int_equal(fmt_snprintf(buf, 1, "%d", 7), 1);
	assert_string_equal(buf, "");
}

static void test_unknown_conversion_is_printed(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(format_unchecked(buf, sizeof(buf), "a%qb"), 4);
	assert_string_equal(buf, "a%qb");
	format_unchecked(buf, sizeof(buf), "end%");
	assert_string_equal(buf, "end%");
}

struct collect {
	char out[64];
	int n;
};

static void collect_sink(void *ctx, char c)
{
	struct collect *col = ctx;

	col->out[col->n++] = c;
}

static void test_sink_receives_every_byte(void **state)
{
	struct collect col = { { 0 }, 0 };

	(void)state;
	assert_int_equal(fmt_format(collect_sink, &col, "x=%d y=%s", 10, "ok"), 9);
	assert_int_equal(col.n, 9);
	assert_memory_equal(col.out, "x=10 y=ok", 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers_match_libc),
		cmocka_unit_test(test_unsigned_bases_match_libc),
		cmocka_unit_test(test_strings_and_chars_match_libc),
		cmocka_unit_test(test_precision_never_reads_past_it),
		cmocka_unit_test(test_null_string_and_pointer),
		cmocka_unit_test(test_snprintf_truncates_and_reports_full_length),
		cmocka_unit_test(test_unknown_conversion_is_printed),
		cmocka_unit_test(test_sink_receives_every_byte),
	};

	return cmocka_run_group_tests_name("fmt", tests, NULL, NULL);
}
