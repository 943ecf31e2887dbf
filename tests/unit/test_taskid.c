/* Task ids: reused at once, never 0, pages made and given back at the top, sequences kept across reuse. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "kernel/frame.h"
#include "kernel/taskid.h"
#include "lib/errno.h"
#include "tests/unit/support/physmem.h"

#define N 400

/* Stand-ins: the table only stores task pointers. */
static char tasks[N];

static struct task *task(int i)
{
	return (struct task *)&tasks[i];
}

static void test_ids_are_found_and_never_zero(void **state)
{
	uint64_t before = physmem_free_frames(), seq;
	uint32_t id;

	(void)state;
	assert_null(task_by_id(0));
	assert_null(task_by_id(1));
	assert_int_equal(taskid_take(task(0), &id, &seq), 0);
	assert_int_equal(id, 1);
	assert_int_equal(seq, TASKID_SEQ_ONE);
	assert_ptr_equal(task_by_id(1), task(0));
	assert_null(task_by_id(0));
	assert_null(task_by_id(2));
	assert_null(task_by_id(TASKID_MAX + 1));
	assert_int_equal(before - physmem_free_frames(), 1);	/* one page of slots */
	taskid_give(id, seq + TASKID_SEQ_ONE);
	assert_null(task_by_id(1));
	assert_int_equal(physmem_free_frames(), before);	/* the page went back */
	assert_int_equal(taskid_limit(), 0);
}

/* A dead task's id goes to the next task at once, with the sequence it left. */
static void test_reused_id_continues_the_sequence(void **state)
{
	uint64_t seq_a, seq_b, seq_c;
	uint32_t a, b, c;

	(void)state;
	assert_int_equal(taskid_take(task(0), &a, &seq_a), 0);
	assert_int_equal(taskid_take(task(1), &b, &seq_b), 0);
	assert_int_equal(b, a + 1);
	taskid_give(b, seq_b + 5 * TASKID_SEQ_ONE);
	assert_int_equal(taskid_take(task(2), &c, &seq_c), 0);
	assert_int_equal(c, b);
	assert_int_equal(seq_c, seq_b + 5 * TASKID_SEQ_ONE);
	assert_ptr_equal(task_by_id(c), task(2));
	taskid_give(c, seq_c);
	taskid_give(a, seq_a);
}

/* Hundreds of tasks: more pages, every id distinct, all given back when they go. */
static void test_pages_grow_and_shrink_at_the_top(void **state)
{
	uint64_t before = physmem_free_frames(), seq[N], after;
	uint32_t id[N];

	(void)state;
	for (int i = 0; i < N; i++) {
		assert_int_equal(taskid_take(task(i), &id[i], &seq[i]), 0);
		assert_int_equal(id[i], (uint32_t)i + 1);
	}
	assert_int_equal(before - physmem_free_frames(), (N + 1 + TASKID_PAGE_SLOTS - 1) / TASKID_PAGE_SLOTS);
	for (int i = 0; i < N; i++)
		assert_ptr_equal(task_by_id(id[i]), task(i));
	/* A hole low down keeps every page; emptying the top gives its pages back. */
	taskid_give(id[5], seq[5] + 9 * TASKID_SEQ_ONE);
	for (int i = N - 1; i >= 200; i--)
		taskid_give(id[i], seq[i] + TASKID_SEQ_ONE);
	after = physmem_free_frames();
	assert_int_equal(before - after, 2);	/* ids 0-255: ids 200-255 free in the second page */
	assert_int_equal(taskid_limit(), 256);
	for (int i = 0; i < 200; i++)
		if (i != 5)
			taskid_give(id[i], seq[i] + TASKID_SEQ_ONE);
	assert_int_equal(physmem_free_frames(), before);
	/* A page made again starts past every sequence the old one reached. */
	assert_int_equal(taskid_take(task(0), &id[0], &seq[0]), 0);
	assert_true(seq[0] >= 10 * TASKID_SEQ_ONE);
	taskid_give(id[0], seq[0]);
}

static void test_no_frame_is_enomem(void **state)
{
	uint64_t pa, seq;
	uint32_t id;

	(void)state;
	while (frame_alloc(&pa) == 0)
		;
	assert_int_equal(taskid_take(task(0), &id, &seq), -ENOMEM);
	assert_int_equal(taskid_limit(), 0);
}

static int setup(void **state)
{
	taskid_init();
	return physmem_setup64(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ids_are_found_and_never_zero, setup, physmem_teardown),
		cmocka_unit_test_setup_teardown(test_reused_id_continues_the_sequence, setup, physmem_teardown),
		cmocka_unit_test_setup_teardown(test_pages_grow_and_shrink_at_the_top, setup, physmem_teardown),
		cmocka_unit_test_setup_teardown(test_no_frame_is_enomem, setup, physmem_teardown),
	};

	return cmocka_run_group_tests_name("taskid", tests, NULL, NULL);
}
