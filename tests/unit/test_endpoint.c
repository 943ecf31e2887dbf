/*
 * An endpoint's maps of its Linux calls (kernel/endpoint.c): which way
 * each number goes (endpoint_way), routes and plain calls set in either
 * order, the route's reference on its target, and out of memory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "kernel/endpoint.h"
#include "kernel/ipc.h"
#include "lib/errno.h"
#include "tests/unit/support/kalloc_stub.h"

/* endpoint.c's two links to the rest of the kernel, which these tests never reach. */
void ipc_unreceivable(struct kobj *obj)
{
	(void)obj;
	fail();
}

void task_queue_remove(struct task_queue *q, struct task *t)
{
	(void)q, (void)t;
	fail();
}

static struct endpoint *proc, *fs;

static int setup(void **state)
{
	(void)state;
	kalloc_stub_allowed = -1;
	assert_int_equal(endpoint_create(&proc), 0);
	assert_int_equal(endpoint_create(&fs), 0);
	return 0;
}

/* Both endpoints gone with their last reference: nothing left allocated. */
static int teardown(void **state)
{
	(void)state;
	kobj_put(&proc->obj);
	assert_int_equal(fs->obj.refs, 1);	/* the route's reference went with proc */
	kobj_put(&fs->obj);
	assert_int_equal(kalloc_stub_live, 0);
	return 0;
}

static void set(uint64_t map[KAGE_ROUTE_WORDS], uint64_t nr)
{
	map[nr / 64] |= 1ull << (nr % 64);
}

static void test_without_maps_every_call_is_a_message(void **state)
{
	(void)state;
	assert_null(proc->route);
	assert_int_equal(endpoint_way(proc, 0), ENDPOINT_OWN);
	assert_int_equal(endpoint_way(proc, 172), ENDPOINT_OWN);
	assert_int_equal(endpoint_way(proc, UINT64_MAX), ENDPOINT_OWN);
	/* Taking away a route there is none of allocates nothing. */
	assert_int_equal(endpoint_route(proc, NULL, NULL), 0);
	assert_null(proc->route);
}

/* A number in both maps is routed: the route comes first, in both modes. */
static void test_route_then_plain_each_number_one_way(void **state)
{
	uint64_t routed[KAGE_ROUTE_WORDS] = { 0 }, plain[KAGE_ROUTE_WORDS] = { 0 };

	(void)state;
	set(routed, 63);
	set(routed, 64);
	set(routed, 300);
	set(plain, 172);
	set(plain, 300);
	set(plain, 511);
	assert_int_equal(endpoint_route(proc, fs, routed), 0);
	assert_int_equal(fs->obj.refs, 2);
	assert_int_equal(endpoint_set_plain(proc, plain, KAGE_ROUTE_NR), 0);
	assert_int_equal(endpoint_way(proc, 63), ENDPOINT_ROUTED);
	assert_int_equal(endpoint_way(proc, 64), ENDPOINT_ROUTED);
	assert_int_equal(endpoint_way(proc, 300), ENDPOINT_ROUTED);
	assert_int_equal(endpoint_way(proc, 172), ENDPOINT_PLAIN);
	assert_int_equal(endpoint_way(proc, 511), ENDPOINT_PLAIN);
	assert_int_equal(endpoint_way(proc, 0), ENDPOINT_OWN);
	assert_int_equal(endpoint_way(proc, 65), ENDPOINT_OWN);
	assert_int_equal(endpoint_way(proc, 512), ENDPOINT_OWN);
	assert_int_equal(endpoint_way(proc, 512 + 172), ENDPOINT_OWN);
	assert_true(endpoint_routes(proc, 64));
	assert_false(endpoint_routes(proc, 172));
}

/* Taking the route away keeps the plain calls; setting plain calls keeps the route. */
static void test_each_map_outlives_the_other(void **state)
{
	uint64_t routed[KAGE_ROUTE_WORDS] = { 0 }, plain[KAGE_ROUTE_WORDS] = { 0 };

	(void)state;
	set(plain, 39);
	set(routed, 63);
	assert_int_equal(endpoint_set_plain(proc, plain, KAGE_ROUTE_NR), 0);
	assert_int_equal(endpoint_route(proc, fs, routed), 0);
	assert_int_equal(endpoint_way(proc, 39), ENDPOINT_PLAIN);
	assert_int_equal(endpoint_way(proc, 63), ENDPOINT_ROUTED);
	assert_int_equal(endpoint_route(proc, NULL, NULL), 0);
	assert_int_equal(fs->obj.refs, 1);
	assert_int_equal(endpoint_way(proc, 63), ENDPOINT_OWN);
	assert_int_equal(endpoint_way(proc, 39), ENDPOINT_PLAIN);
	/* A bitmap shorter than the map: the numbers past it are no longer plain. */
	assert_int_equal(endpoint_set_plain(proc, plain, 39), 0);
	assert_int_equal(endpoint_way(proc, 39), ENDPOINT_OWN);
	assert_int_equal(endpoint_set_plain(proc, NULL, 0), 0);
	assert_int_equal(endpoint_way(proc, 39), ENDPOINT_OWN);
}

/* One hop only: no route to itself, nor to an endpoint that routes; plain calls alone do not route. */
static void test_routes_never_lead_back(void **state)
{
	uint64_t routed[KAGE_ROUTE_WORDS] = { 0 };

	(void)state;
	set(routed, 63);
	assert_int_equal(endpoint_route(proc, proc, routed), -EINVAL);
	assert_int_equal(endpoint_set_plain(fs, routed, KAGE_ROUTE_NR), 0);
	assert_int_equal(endpoint_route(proc, fs, routed), 0);
	assert_int_equal(endpoint_route(fs, proc, routed), -EINVAL);
	assert_int_equal(endpoint_way(fs, 63), ENDPOINT_PLAIN);
	assert_int_equal(fs->obj.refs, 2);
	assert_int_equal(proc->obj.refs, 1);
}

/* Out of memory: -ENOMEM, and the endpoint as it was. */
static void test_no_memory_changes_nothing(void **state)
{
	uint64_t routed[KAGE_ROUTE_WORDS] = { 0 };

	(void)state;
	set(routed, 63);
	kalloc_stub_allowed = 0;
	assert_int_equal(endpoint_route(proc, fs, routed), -ENOMEM);
	assert_int_equal(endpoint_set_plain(proc, routed, KAGE_ROUTE_NR), -ENOMEM);
	assert_null(proc->route);
	assert_int_equal(fs->obj.refs, 1);
	assert_int_equal(endpoint_way(proc, 63), ENDPOINT_OWN);
	kalloc_stub_allowed = -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_without_maps_every_call_is_a_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_route_then_plain_each_number_one_way, setup, teardown),
		cmocka_unit_test_setup_teardown(test_each_map_outlives_the_other, setup, teardown),
		cmocka_unit_test_setup_teardown(test_routes_never_lead_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_memory_changes_nothing, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
