/* Handle tables and object reference counts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "kernel/handle.h"
#include "kernel/kobj.h"
#include "lib/errno.h"
#include "tests/unit/support/kalloc_stub.h"

struct thing {
	struct kobj obj;
	int destroyed;
};

static void thing_destroy(struct kobj *obj)
{
	((struct thing *)obj)->destroyed++;
}

static struct handle_table table, other;

static int setup(void **state)
{
	(void)state;
	kalloc_stub_allowed = -1;
	handle_table_init(&table);
	handle_table_init(&other);
	table.max = other.max = 4;
	return 0;
}

/* Every table empty again: no handle and no memory left behind. */
static int teardown(void **state)
{
	(void)state;
	handle_table_clear(&table);
	handle_table_clear(&other);
	assert_int_equal(handle_count(), 0);
	assert_int_equal(kalloc_stub_live, 0);
	return 0;
}

static void test_install_takes_a_reference_close_drops_it(void **state)
{
	struct thing t;
	int h;

	(void)state;
	kobj_init(&t.obj, KOBJ_ENDPOINT, thing_destroy);
	t.destroyed = 0;
	h = handle_install(&table, &t.obj, HANDLE_RIGHT_SEND, 42);
	assert_int_equal(h, 0);
	assert_int_equal(t.obj.refs, 2);
	kobj_put(&t.obj);			/* the creator lets go */
	assert_int_equal(t.destroyed, 0);
	assert_int_equal(handle_close(&table, h), 0);
	assert_int_equal(t.destroyed, 1);	/* the handle was the last reference */
	assert_int_equal(handle_close(&table, h), -EBADF);
}

static void test_lookup_checks_number_type_and_rights(void **state)
{
	const struct handle *s = NULL;
	struct thing t;
	int h;

	(void)state;
	kobj_init(&t.obj, KOBJ_ENDPOINT, thing_destroy);
	h = handle_install(&table, &t.obj, HANDLE_RIGHT_SEND, 7);
	assert_int_equal(handle_lookup(&table, h, KOBJ_ENDPOINT, HANDLE_RIGHT_SEND, &s), 0);
	assert_ptr_equal(s->obj, &t.obj);
	assert_int_equal(s->badge, 7);
	assert_int_equal(handle_lookup(&table, h, KOBJ_NONE, 0, &s), 0);
	assert_int_equal(handle_lookup(&table, h, KOBJ_TASK, 0, &s), -EINVAL);
	assert_int_equal(handle_lookup(&table, h, KOBJ_ENDPOINT, HANDLE_RIGHT_RECV, &s), -EPERM);
	assert_int_equal(handle_lookup(&table, h + 1, KOBJ_NONE, 0, &s), -EBADF);
	assert_int_equal(handle_lookup(&table, -1, KOBJ_NONE, 0, &s), -EBADF);
	assert_int_equal(handle_lookup(&table, 4, KOBJ_NONE, 0, &s), -EBADF);
	assert_int_equal(handle_lookup(&table, INT64_MAX, KOBJ_NONE, 0, &s), -EBADF);
	handle_table_clear(&table);
}

static void test_full_table_is_emfile_and_slots_are_reused(void **state)
{
	struct thing t;
	int i;

	(void)state;
	kobj_init(&t.obj, KOBJ_NOTIFICATION, thing_destroy);
	for (i = 0; i < 4; i++)
		assert_int_equal(handle_install(&table, &t.obj, HANDLE_RIGHT_READ, 0), i);
	assert_int_equal(handle_install(&table, &t.obj, HANDLE_RIGHT_READ, 0), -EMFILE);
	assert_int_equal(t.obj.refs, 5);
	assert_int_equal(handle_close(&table, 2), 0);
	assert_int_equal(handle_install(&table, &t.obj, HANDLE_RIGHT_READ, 0), 2);
	handle_table_clear(&table);
	assert_int_equal(table.used, 0);
	assert_int_equal(t.obj.refs, 1);
}

/* A table grows a page at a time to 65,536 handles, and every lookup stays exact. */
static void test_table_grows_to_65536_handles(void **state)
{
	const struct handle *s = NULL;
	struct thing t;

	(void)state;
	kobj_init(&t.obj, KOBJ_NOTIFICATION, thing_destroy);
	table.max = HANDLE_MAX;
	for (int i = 0; i < HANDLE_MAX; i++)
		assert_int_equal(handle_install(&table, &t.obj, HANDLE_RIGHT_READ, (uint64_t)i * 3), i);
	assert_int_equal(handle_install(&table, &t.obj, HANDLE_RIGHT_READ, 0), -EMFILE);
	assert_int_equal(table.used, HANDLE_MAX);
	assert_int_equal(handle_count(), HANDLE_MAX);
	for (int i = 0; i < HANDLE_MAX; i += 97) {
		assert_int_equal(handle_lookup(&table, i, KOBJ_NOTIFICATION, HANDLE_RIGHT_READ, &s), 0);
		assert_int_equal(s->badge, (uint64_t)i * 3);
	}
	assert_int_equal(handle_lookup(&table, HANDLE_MAX, KOBJ_NONE, 0, &s), -EBADF);
	/* A slot freed deep in the table is the next one given. */
	assert_int_equal(handle_close(&table, 40000), 0);
	assert_int_equal(handle_lookup(&table, 40000, KOBJ_NONE, 0, &s), -EBADF);
	assert_int_equal(handle_install(&table, &t.obj, HANDLE_RIGHT_READ, 0), 40000);
	handle_table_clear(&table);
	assert_int_equal(t.obj.refs, 1);
	assert_int_equal(kalloc_stub_live, 0);
}

/* Wherever memory runs out while growing, the table is as it was and says -EMFILE. */
static void test_growth_without_memory_is_emfile(void **state)
{
	const struct handle *s = NULL;
	struct thing t;
	int n = 0;

	(void)state;
	kobj_init(&t.obj, KOBJ_NOTIFICATION, thing_destroy);
	table.max = HANDLE_MAX;
	for (long allowed = 0; allowed < 12; allowed++) {
		long live;

		kalloc_stub_allowed = allowed;
		while (handle_install(&table, &t.obj, HANDLE_RIGHT_READ, (uint64_t)n) == n)
			n++;
		live = kalloc_stub_live;
		assert_int_equal(handle_install(&table, &t.obj, HANDLE_RIGHT_READ, 0), -EMFILE);
		assert_int_equal(kalloc_stub_live, live);
		assert_int_equal((int)table.used, n);
		for (int i = 0; i < n; i++) {
			assert_int_equal(handle_lookup(&table, i, KOBJ_NONE, 0, &s), 0);
			assert_int_equal(s->badge, (uint64_t)i);
		}
	}
	assert_true(n > 3 * (int)HANDLE_PAGE_SLOTS);	/* past the first page and a directory that had to grow */
	handle_table_clear(&table);
	assert_int_equal(t.obj.refs, 1);
}

static void test_bad_install_arguments(void **state)
{
	struct thing t;

	(void)state;
	kobj_init(&t.obj, KOBJ_TASK, thing_destroy);
	assert_int_equal(handle_install(&table, NULL, 0, 0), -EINVAL);
	assert_int_equal(handle_install(&table, &t.obj, 1u << 20, 0), -EINVAL);
	assert_int_equal(t.obj.refs, 1);
}

static void test_copy_narrows_rights_and_keeps_badge(void **state)
{
	const struct handle *s = NULL;
	struct thing t;
	int h, c;

	(void)state;
	kobj_init(&t.obj, KOBJ_ENDPOINT, thing_destroy);
	h = handle_install(&table, &t.obj, HANDLE_RIGHT_SEND | HANDLE_RIGHT_RECV | HANDLE_RIGHT_GRANT, 0);
	c = handle_copy(&table, h, &other, HANDLE_RIGHT_SEND, 99);
	assert_true(c >= 0);
	assert_int_equal(handle_lookup(&other, c, KOBJ_ENDPOINT, 0, &s), 0);
	assert_int_equal(s->rights, HANDLE_RIGHT_SEND);	/* never widened */
	assert_int_equal(s->badge, 99);
	/* The copy lost GRANT with the mask, so it cannot be passed on. */
	assert_int_equal(handle_copy(&other, c, &table, HANDLE_RIGHTS_ALL, 5), -EPERM);
	assert_int_equal(t.obj.refs, 3);
	handle_table_clear(&table);
	handle_table_clear(&other);
	assert_int_equal(t.obj.refs, 1);
}

/* A badged handle keeps its badge: a client cannot impersonate another. */
static void test_badge_survives_regranting(void **state)
{
	const struct handle *s = NULL;
	struct thing t;
	int h, c;

	(void)state;
	kobj_init(&t.obj, KOBJ_ENDPOINT, thing_destroy);
	h = handle_install(&table, &t.obj, HANDLE_RIGHTS_ALL, 1234);
	c = handle_copy(&table, h, &other, HANDLE_RIGHTS_ALL, 5);
	assert_int_equal(handle_lookup(&other, c, KOBJ_NONE, 0, &s), 0);
	assert_int_equal(s->badge, 1234);
	handle_table_clear(&table);
	handle_table_clear(&other);
}

static void test_reference_on_dead_object_panics(void **state)
{
	struct thing t;

	(void)state;
	kobj_init(&t.obj, KOBJ_TASK, thing_destroy);
	kobj_put(&t.obj);
	expect_assert_failure(kobj_get(&t.obj));
	expect_assert_failure(kobj_put(&t.obj));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_install_takes_a_reference_close_drops_it, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_checks_number_type_and_rights, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_table_is_emfile_and_slots_are_reused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_grows_to_65536_handles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_growth_without_memory_is_emfile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_install_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_narrows_rights_and_keeps_badge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_badge_survives_regranting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reference_on_dead_object_panics, setup, teardown),
	};

	return cmocka_run_group_tests_name("handle", tests, NULL, NULL);
}
