/* The initramfs reader on archives made by GNU cpio, and on broken ones. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "lib/cpio.h"
#include "lib/errno.h"
#include "tests/unit/support/mutate.h"

/* Runs GNU cpio over a small tree made in a temporary directory. */
static uint8_t *make_archive(size_t *size)
{
	char cmd[512], dir[] = "/tmp/kage-cpio-XXXXXX";
	uint8_t *buf = malloc(1 << 16);
	FILE *p;

	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd),
		 "cd %s && mkdir -p bin etc && printf 'hello kage\\n' > etc/motd && "
		 "head -c 5000 /dev/zero | tr '\\0' x > bin/big && : > empty && chmod 755 bin/big && "
		 "find . | LC_ALL=C sort | cpio -o -H newc --quiet && rm -rf %s", dir, dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	*size = fread(buf, 1, 1 << 16, p);
	assert_int_equal(pclose(p), 0);
	assert_true(*size > 512);
	return buf;
}

static void test_gnu_cpio_archive_is_listed(void **state)
{
	static const char *const want[] = { "", "bin", "bin/big", "empty", "etc", "etc/motd" };
	struct cpio_iter it;
	struct cpio_entry e;
	size_t size, i = 0;
	uint8_t *a = make_archive(&size);

	(void)state;
	cpio_iter_init(&it, a, size);
	while (cpio_next(&it, &e) > 0) {
		assert_true(i < 6);
		assert_string_equal(e.name, want[i]);
		assert_int_equal(e.namelen, strlen(want[i]));
		i++;
	}
	assert_int_equal(i, 6);
	assert_int_equal(cpio_next(&it, &e), 0);	/* stays at the end */
	free(a);
}

static void test_find_returns_contents_and_mode(void **state)
{
	struct cpio_entry e;
	size_t size;
	uint8_t *a = make_archive(&size);

	(void)state;
	assert_int_equal(cpio_find(a, size, "/etc/motd", &e), 0);
	assert_int_equal(e.size, 11);
	assert_memory_equal(e.data, "hello kage\n", 11);
	assert_int_equal(cpio_find(a, size, "./bin/big", &e), 0);
	assert_int_equal(e.size, 5000);
	assert_int_equal(e.mode & 0777, 0755);
	assert_int_equal(e.mode & 0170000, 0100000);
	assert_int_equal(((const char *)e.data)[4999], 'x');
	assert_int_equal(cpio_find(a, size, "bin", &e), 0);
	assert_int_equal(e.mode & 0170000, 0040000);
	assert_int_equal(cpio_find(a, size, "etc/none", &e), -ENOENT);
	free(a);
}

static void test_zero_padding_after_trailer_is_a_clean_end(void **state)
{
	size_t size;
	uint8_t *a = make_archive(&size), *padded = calloc(1, size + 4096);
	struct cpio_iter it;
	struct cpio_entry e;
	int n = 0, r;

	(void)state;
	memcpy(padded, a, size);
	cpio_iter_init(&it, padded, size + 4096);
	while ((r = cpio_next(&it, &e)) > 0)
		n++;
	assert_int_equal(r, 0);
	assert_int_equal(n, 6);
	free(a);
	free(padded);
}

static int count_entries(const uint8_t *a, size_t size, int *result)
{
	struct cpio_iter it;
	struct cpio_entry e;
	int n = 0, r;

	cpio_iter_init(&it, a, size);
	while ((r = cpio_next(&it, &e)) > 0) {
		assert_true((const uint8_t *)e.name >= a && (const uint8_t *)e.name + e.namelen < a + size);
		assert_true((const uint8_t *)e.data >= a && (const uint8_t *)e.data + e.size <= a + size);
		n++;
	}
	*result = r;
	return n;
}

static void test_truncated_archive_fails_cleanly(void **state)
{
	size_t size, len;
	uint8_t *a = make_archive(&size);
	int r;

	(void)state;
	for (len = 0; len < size; len++) {
		uint8_t *cut = malloc(len ? len : 1);

		memcpy(cut, a, len);
		count_entries(cut, len, &r);
		/* Either a clean end inside the zero tail, or an error: never a wild read. */
		assert_true(r == 0 || r == -EINVAL);
		free(cut);
	}
	free(a);
}

static void test_malformed_headers_are_refused(void **state)
{
	static const struct {
		int offset;
		const char *bytes;
	} damage[] = {
		{ 0, "070707" },		/* old binary-compatible magic */
		{ 6, "0000000g" },		/* not hex */
		{ 94, "00000000" },		/* namesize 0 */
		{ 54, "FFFFFFFF" },		/* filesize past the end */
		{ 94, "FFFFFFFF" },		/* namesize past the end */
		{ 94, "00000003" },		/* name not NUL-terminated where it says */
	};
	size_t size, i;
	uint8_t *a = make_archive(&size);
	struct cpio_entry e;
	int r;

	(void)state;
	for (i = 0; i < sizeof(damage) / sizeof(damage[0]); i++) {
		uint8_t *b = malloc(size);

		memcpy(b, a, size);
		memcpy(b + damage[i].offset, damage[i].bytes, strlen(damage[i].bytes));
		assert_int_equal(count_entries(b, size, &r), 0);
		assert_int_equal(r, -EINVAL);
		assert_int_equal(cpio_find(b, size, "etc/motd", &e), -EINVAL);
		free(b);
	}
	free(a);
}

static void test_random_damage_stays_inside(void **state)
{
	uint64_t x = 0x0123456789abcdefull;
	size_t size;
	uint8_t *a = make_archive(&size), *b = malloc(size);
	int round, r;

	(void)state;
	/* Mostly hex digits, so damaged headers still parse and point somewhere. */
	for (round = 0; round < 20000; round++) {
		mutate_copy(b, a, size, &x, 1 + round % 6, "0123456789abcdefF\0x", 19);
		count_entries(b, size, &r);
	}
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gnu_cpio_archive_is_listed),
		cmocka_unit_test(test_find_returns_contents_and_mode),
		cmocka_unit_test(test_zero_padding_after_trailer_is_a_clean_end),
		cmocka_unit_test(test_truncated_archive_fails_cleanly),
		cmocka_unit_test(test_malformed_headers_are_refused),
		cmocka_unit_test(test_random_damage_stays_inside),
	};

	return cmocka_run_group_tests_name("cpio", tests, NULL, NULL);
}
