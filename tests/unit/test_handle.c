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

struct thing {
	struct kobj obj;
	int destroyed;
};

static void thing_destroy(struct kobj *obj)
{
	((struct thing *)obj)->destroyed++;
}

static struct handle slots[4], other_slots[4];
static struct handle_table table, other;

static int setup(void **state)
{
	(void)state;
	handle_table_init(&table, slots, 4);
	handle_table_init(&other, other_slots, 4);
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

static struct handle big_slots[8];
static int grow_calls;

/* Moves the table into big_slots once; refuses after that. */
static int grow_once(struct handle_table *t)
{
	if (grow_calls++ || t->nslots >= 8)
		return -ENOMEM;
	memcpy(big_slots, t->slots, t->nslots * sizeof(*t->slots));
	t->slots = big_slots;
	t->nslots = 8;
	return 0;
}

static void test_full_table_grows_when_it_can(void **state)
{
	struct thing t;
	const struct handle *s = NULL;
	int i;

	(void)state;
	kobj_init(&t.obj, KOBJ_NOTIFICATION, thing_destroy);
	table.grow = grow_once;
	grow_calls = 0;
	for (i = 0; i < 8; i++)
		assert_int_equal(handle_install(&table, &t.obj, HANDLE_RIGHT_READ, (uint64_t)i), i);
	assert_int_equal(grow_calls, 1);
	assert_int_equal(handle_install(&table, &t.obj, HANDLE_RIGHT_READ, 0), -EMFILE);
	assert_int_equal(handle_lookup(&table, 1, KOBJ_NONE, 0, &s), 0);
	assert_int_equal(s->badge, 1);	/* kept across the move */
	handle_table_clear(&table);
	assert_int_equal(t.obj.refs, 1);
	table.grow = NULL;
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
		cmocka_unit_test_setup(test_install_takes_a_reference_close_drops_it, setup),
		cmocka_unit_test_setup(test_lookup_checks_number_type_and_rights, setup),
		cmocka_unit_test_setup(test_full_table_is_emfile_and_slots_are_reused, setup),
		cmocka_unit_test_setup(test_full_table_grows_when_it_can, setup),
		cmocka_unit_test_setup(test_bad_install_arguments, setup),
		cmocka_unit_test_setup(test_copy_narrows_rights_and_keeps_badge, setup),
		cmocka_unit_test_setup(test_badge_survives_regranting, setup),
		cmocka_unit_test_setup(test_reference_on_dead_object_panics, setup),
	};

	return cmocka_run_group_tests_name("handle", tests, NULL, NULL);
}
