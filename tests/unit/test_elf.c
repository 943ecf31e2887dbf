/*
 * The ELF reader on real riscv64 executables (built by the Makefile with
 * Debian's cross toolchain) and on every kind of damage execve must refuse.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "lib/elf.h"
#include "lib/errno.h"
#include "tests/unit/support/mutate.h"

#define USER_TOP 0x4000000000ull
#define PH 56

static uint8_t *load(const char *name, size_t *size)
{
	const char *build = getenv("KAGE_TEST_BUILD");
	char path[512];
	FILE *f;
	uint8_t *buf;

	snprintf(path, sizeof(path), "%s/elf/%s", build ? build : "build/host", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*size = (size_t)ftell(f);
	rewind(f);
	buf = malloc(*size);
	assert_int_equal(fread(buf, 1, *size, f), *size);
	fclose(f);
	return buf;
}

static void put(uint8_t *p, uint64_t v, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get(const uint8_t *p, int bytes)
{
	uint64_t v = 0;

	while (bytes--)
		v = v << 8 | p[bytes];
	return v;
}

/* Program header of the n-th PT_LOAD. */
static uint8_t *nth_load(uint8_t *f, int n)
{
	uint64_t phoff = get(f + 32, 8);
	int i, phnum = (int)get(f + 56, 2);

	for (i = 0; i < phnum; i++) {
		uint8_t *ph = f + phoff + (uint64_t)i * PH;

		if (get(ph, 4) == PT_LOAD && n-- == 0)
			return ph;
	}
	fail_msg("no PT_LOAD number %d", n);
	return NULL;
}

static void test_static_executable_is_accepted(void **state)
{
	struct elf_image img;
	size_t size;
	uint8_t *f = load("static", &size);

	(void)state;
	assert_int_equal(elf_parse(f, size, USER_TOP, &img), 0);
	assert_int_equal(img.type, ET_EXEC);
	assert_null(img.interp);
	assert_int_equal(img.nload, 2);
	assert_int_equal(img.entry, get(f + 24, 8));
	assert_true(img.load[0].flags & PF_X);
	assert_true(img.load[1].flags & PF_W);
	assert_true(img.load[1].memsz > img.load[1].filesz);	/* bss */
	assert_int_equal(img.lo, img.load[0].vaddr & ~(ELF_PAGE - 1));
	assert_int_equal(img.hi % ELF_PAGE, 0);
	assert_int_equal(img.phdr_vaddr, img.load[0].vaddr + img.phoff);
	assert_int_equal(img.phnum, get(f + 56, 2));
	assert_int_equal(img.align, ELF_PAGE);	/* the toolchain's max-page-size */
	free(f);
}

static void test_pie_with_interpreter_is_accepted(void **state)
{
	struct elf_image img;
	size_t size;
	uint8_t *f = load("dynamic", &size);

	(void)state;
	assert_int_equal(elf_parse(f, size, USER_TOP, &img), 0);
	assert_int_equal(img.type, ET_DYN);
	assert_string_equal(img.interp, "/lib/ld-linux-riscv64-lp64d.so.1");
	assert_int_equal(img.lo, 0);
	assert_int_equal(img.phdr_vaddr, 0x40);	/* from PT_PHDR */
	free(f);
}

/* An ET_DYN bias is a multiple of the largest p_align, which is at least a page. */
static void test_alignment_is_the_largest_p_align(void **state)
{
	struct elf_image img;
	size_t size;
	uint8_t *f = load("dynamic", &size);

	(void)state;
	put(nth_load(f, 1) + 48, 0x10000, 8);
	assert_int_equal(elf_parse(f, size, USER_TOP, &img), 0);
	assert_int_equal(img.align, 0x10000);
	put(nth_load(f, 0) + 48, 0, 8);
	put(nth_load(f, 1) + 48, 1, 8);
	assert_int_equal(elf_parse(f, size, USER_TOP, &img), 0);
	assert_int_equal(img.align, ELF_PAGE);
	free(f);
}

static void test_dynamic_loader_is_et_dyn_without_interpreter(void **state)
{
	struct elf_image img;
	size_t size;
	uint8_t *f = load("ld.so", &size);

	(void)state;
	assert_int_equal(elf_parse(f, size, USER_TOP, &img), 0);
	assert_int_equal(img.type, ET_DYN);
	assert_null(img.interp);
	free(f);
}

/* One way to break a valid static executable, and what execve must say. */
struct damage {
	const char *name;
	void (*apply)(uint8_t *f, size_t size);
	int err;
};

static void bad_magic(uint8_t *f, size_t size) { (void)size; f[1] = 'X'; }
static void elf32(uint8_t *f, size_t size) { (void)size; f[4] = 1; }
static void big_endian(uint8_t *f, size_t size) { (void)size; f[5] = 2; }
static void x86_64(uint8_t *f, size_t size) { (void)size; put(f + 18, 62, 2); }
static void relocatable(uint8_t *f, size_t size) { (void)size; put(f + 16, 1, 2); }
static void phentsize_32(uint8_t *f, size_t size) { (void)size; put(f + 54, 32, 2); }
static void no_phdrs(uint8_t *f, size_t size) { (void)size; put(f + 56, 0, 2); }
static void absurd_phnum(uint8_t *f, size_t size) { (void)size; put(f + 56, 65535, 2); }
static void phoff_past_end(uint8_t *f, size_t size) { put(f + 32, size, 8); }
static void phoff_wraps(uint8_t *f, size_t size) { (void)size; put(f + 32, UINT64_MAX - 8, 8); }
static void filesz_over_memsz(uint8_t *f, size_t size)
{
	uint8_t *ph = nth_load(f, 1);

	(void)size;
	put(ph + 32, get(ph + 40, 8) + 1, 8);
}
static void segment_past_eof(uint8_t *f, size_t size) { put(nth_load(f, 1) + 8, size, 8); }
static void filesz_past_eof(uint8_t *f, size_t size) { (void)size; put(nth_load(f, 1) + 32, 1ull << 40, 8); put(nth_load(f, 1) + 40, 1ull << 41, 8); }
static void kernel_address(uint8_t *f, size_t size)
{
	uint8_t *ph = nth_load(f, 1);

	(void)size;
	put(ph + 16, 0xffffffff80000000ull + (get(ph + 16, 8) & 0xfff), 8);
}
static void memsz_wraps(uint8_t *f, size_t size) { (void)size; put(nth_load(f, 1) + 40, UINT64_MAX - 4096, 8); }
static void overlapping(uint8_t *f, size_t size)
{
	uint8_t *a = nth_load(f, 0), *b = nth_load(f, 1);

	(void)size;
	put(b + 16, get(a + 16, 8) + (get(b + 8, 8) & 0xfff), 8);
}
static void incongruent(uint8_t *f, size_t size) { (void)size; put(nth_load(f, 1) + 16, get(nth_load(f, 1) + 16, 8) + 8, 8); }
static void bad_align(uint8_t *f, size_t size) { (void)size; put(nth_load(f, 0) + 48, 0x1001, 8); }
static void huge_align(uint8_t *f, size_t size) { (void)size; put(nth_load(f, 1) + 48, ELF_MAX_ALIGN << 1, 8); }
static void entry_outside(uint8_t *f, size_t size) { (void)size; put(f + 24, 0x10, 8); }
static void entry_in_data(uint8_t *f, size_t size) { (void)size; put(f + 24, get(nth_load(f, 1) + 16, 8), 8); }
static void no_loads(uint8_t *f, size_t size)
{
	(void)size;
	put(nth_load(f, 1), 0x70000000, 4);
	put(nth_load(f, 0), 0x70000000, 4);
}

static const struct damage damages[] = {
	{ "bad magic", bad_magic, -ENOEXEC },
	{ "32-bit class", elf32, -ENOEXEC },
	{ "big-endian", big_endian, -ENOEXEC },
	{ "x86-64 machine", x86_64, -ENOEXEC },
	{ "relocatable object", relocatable, -ENOEXEC },
	{ "phentsize 32", phentsize_32, -ENOEXEC },
	{ "no program headers", no_phdrs, -ENOEXEC },
	{ "65535 program headers", absurd_phnum, -ENOEXEC },
	{ "phoff past the end", phoff_past_end, -ENOEXEC },
	{ "phoff wraps around", phoff_wraps, -ENOEXEC },
	{ "p_filesz > p_memsz", filesz_over_memsz, -ENOEXEC },
	{ "segment past end of file", segment_past_eof, -ENOEXEC },
	{ "p_filesz past end of file", filesz_past_eof, -ENOEXEC },
	{ "segment at a kernel address", kernel_address, -ENOMEM },
	{ "p_memsz wraps around", memsz_wraps, -ENOMEM },
	{ "overlapping segments", overlapping, -ENOEXEC },
	{ "address and offset not congruent", incongruent, -ENOEXEC },
	{ "alignment not a power of two", bad_align, -ENOEXEC },
	{ "alignment beyond 1 GiB", huge_align, -ENOEXEC },
	{ "entry outside every segment", entry_outside, -ENOEXEC },
	{ "entry in a non-executable segment", entry_in_data, -ENOEXEC },
	{ "no loadable segment", no_loads, -ENOEXEC },
};

static void test_every_damage_is_refused_with_a_reason(void **state)
{
	size_t size, i;
	uint8_t *orig = load("static", &size), *f = malloc(size);
	struct elf_image img;

	(void)state;
	for (i = 0; i < sizeof(damages) / sizeof(damages[0]); i++) {
		memcpy(f, orig, size);
		damages[i].apply(f, size);
		if (elf_parse(f, size, USER_TOP, &img) != damages[i].err)
			fail_msg("%s: got %d (%s)", damages[i].name, elf_parse(f, size, USER_TOP, &img),
				 img.why ? img.why : "accepted");
		assert_non_null(img.why);
	}
	free(f);
	free(orig);
}

static void test_bad_interpreter_paths_are_refused(void **state)
{
	size_t size;
	uint8_t *f = load("dynamic", &size);
	struct elf_image img;
	const char *interp;

	(void)state;
	assert_int_equal(elf_parse(f, size, USER_TOP, &img), 0);
	interp = img.interp;
	((uint8_t *)interp)[strlen(interp)] = 'x';	/* no terminating NUL */
	assert_int_equal(elf_parse(f, size, USER_TOP, &img), -ENOEXEC);
	((uint8_t *)interp)[strlen("/lib/ld-linux-riscv64-lp64d.so.1")] = '\0';
	((uint8_t *)interp)[4] = '\0';			/* NUL inside the path */
	assert_int_equal(elf_parse(f, size, USER_TOP, &img), -ENOEXEC);
	free(f);
}

/* Cut anywhere before the end of the loaded data; after it only symbols and sections go. */
static void test_truncated_files_are_refused(void **state)
{
	size_t size, len, need;
	uint8_t *f = load("static", &size), *last = nth_load(f, 1);
	struct elf_image img;

	(void)state;
	need = get(last + 8, 8) + get(last + 32, 8);
	assert_true(need <= size);
	for (len = 0; len < need; len += len < 4096 ? 1 : 509) {
		uint8_t *cut = malloc(len ? len : 1);

		memcpy(cut, f, len);
		assert_int_not_equal(elf_parse(cut, len, USER_TOP, &img), 0);
		free(cut);
	}
	assert_int_equal(elf_parse(f, need, USER_TOP, &img), 0);
	free(f);
}

/*
 * A head too short for the headers is refused with how much would do, and
 * that much is accepted; the head is read only up to its length (each
 * head is a malloc of exactly that size, so ASan sees any read past it).
 */
static void test_a_head_is_enough_and_never_read_past(void **state)
{
	static const char *const files[] = { "static", "dynamic", "ld.so" };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		size_t size, avail;
		uint8_t *f = load(files[i], &size), *head;
		struct elf_image img, whole;

		assert_int_equal(elf_parse(f, size, USER_TOP, &whole), 0);
		for (avail = 0; avail < 1024; avail++) {
			head = malloc(avail ? avail : 1);
			memcpy(head, f, avail);
			if (elf_parse_head(head, avail, size, USER_TOP, &img) != 0) {
				assert_true(img.head_needed > avail);
				assert_true(img.head_needed <= size);
			} else {
				assert_int_equal(img.nload, whole.nload);
				assert_int_equal(img.entry, whole.entry);
				assert_int_equal(!img.interp, !whole.interp);
			}
			free(head);
		}
		head = malloc(whole.head_needed ? whole.head_needed : 1);
		avail = 64;	/* from the ELF header alone to what the parser asks for */
		for (int tries = 0; tries < 3; tries++) {
			head = realloc(head, avail);
			memcpy(head, f, avail);
			if (elf_parse_head(head, avail, size, USER_TOP, &img) == 0)
				break;
			avail = img.head_needed;
		}
		assert_int_equal(elf_parse_head(head, avail, size, USER_TOP, &img), 0);
		assert_true(avail < 1024);	/* the headers of real programs lie at the start */
		free(head);
		free(f);
	}
}

static void test_random_damage_never_reads_outside(void **state)
{
	static const char *const files[] = { "static", "dynamic", "ld.so" };
	uint64_t x = 0x5851f42d4c957f2dull;
	size_t i;
	int round;

	(void)state;
	for (i = 0; i < 3; i++) {
		size_t size;
		uint8_t *orig = load(files[i], &size), *f = malloc(size);
		struct elf_image img;

		/* Damage the headers, where every field is a decision. */
		for (round = 0; round < 20000; round++) {
			size_t span = size < 1024 ? size : 1024;

			mutate_copy(f, orig, span, &x, 1 + round % 4, NULL, 0);
			memcpy(f + span, orig + span, size - span);
			if (elf_parse(f, size, USER_TOP, &img) == 0 && img.interp)
				assert_true((const uint8_t *)img.interp >= f &&
					    (const uint8_t *)img.interp + strlen(img.interp) < f + size);
		}
		free(f);
		free(orig);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_static_executable_is_accepted),
		cmocka_unit_test(test_pie_with_interpreter_is_accepted),
		cmocka_unit_test(test_dynamic_loader_is_et_dyn_without_interpreter),
		cmocka_unit_test(test_alignment_is_the_largest_p_align),
		cmocka_unit_test(test_every_damage_is_refused_with_a_reason),
		cmocka_unit_test(test_bad_interpreter_paths_are_refused),
		cmocka_unit_test(test_truncated_files_are_refused),
		cmocka_unit_test(test_a_head_is_enough_and_never_read_past),
		cmocka_unit_test(test_random_damage_never_reads_outside),
	};

	return cmocka_run_group_tests_name("elf", tests, NULL, NULL);
}
