/* AVL trees: order, balance and links hold through any mix of insertions and removals. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "kernel/avl.h"

#define N 4000

struct item {
	struct avl_node node;
	uint32_t key;
	int in;
};

static struct item items[N];
static struct avl_tree tree;

static uint32_t rng = 12345;

static uint32_t next_random(void)
{
	rng = rng * 1103515245u + 12345u;
	return rng >> 8;
}

static uint32_t key_of(const struct avl_node *n)
{
	return avl_entry(n, struct item, node)->key;
}

static void insert(struct item *it)
{
	struct avl_node **link = &tree.root, *parent = NULL;

	while (*link) {
		parent = *link;
		link = it->key < key_of(parent) ? &parent->left : &parent->right;
	}
	avl_insert(&tree, &it->node, parent, link);
	it->in = 1;
}

static void remove_item(struct item *it)
{
	avl_remove(&tree, &it->node);
	it->in = 0;
}

/* Checks the subtree at n (heights, balance, parent links, order within [lo, hi]): its height. */
static int check_subtree(const struct avl_node *n, const struct avl_node *parent, uint32_t lo, uint32_t hi,
			 int *count)
{
	int l, r;

	if (!n)
		return 0;
	assert_ptr_equal(n->parent, parent);
	assert_true(key_of(n) >= lo && key_of(n) <= hi);
	l = check_subtree(n->left, n, lo, key_of(n), count);
	r = check_subtree(n->right, n, key_of(n), hi, count);
	assert_true(l - r <= 1 && r - l <= 1);
	assert_int_equal(n->height, (l > r ? l : r) + 1);
	(*count)++;
	return n->height;
}

static void check_tree(int expected)
{
	int count = 0, height = check_subtree(tree.root, NULL, 0, UINT32_MAX, &count), walked = 0;
	long fewest[2] = { 0, 1 };	/* the fewest nodes a tree of height h - 1 and h can have */
	uint32_t prev = 0;

	assert_int_equal(count, expected);
	for (int h = 1; h < height; h++) {
		long next = fewest[0] + fewest[1] + 1;

		fewest[0] = fewest[1];
		fewest[1] = next;
	}
	assert_true(height == 0 || expected >= fewest[1]);
	for (const struct avl_node *n = avl_first(&tree); n; n = avl_next(n), walked++) {
		assert_true(key_of(n) >= prev);
		prev = key_of(n);
	}
	assert_int_equal(walked, expected);
	walked = 0;
	for (const struct avl_node *n = avl_last(&tree); n; n = avl_prev(n))
		walked++;
	assert_int_equal(walked, expected);
}

static void test_sequential_inserts_stay_balanced(void **state)
{
	(void)state;
	tree.root = NULL;
	for (int i = 0; i < N; i++) {
		items[i].key = (uint32_t)i;
		insert(&items[i]);
	}
	check_tree(N);
	assert_true(tree.root->height <= 18);	/* log2(4000) is 12 */
	for (int i = 0; i < N; i += 2)
		remove_item(&items[i]);
	check_tree(N / 2);
	for (int i = 1; i < N; i += 2)
		remove_item(&items[i]);
	assert_null(tree.root);
	assert_null(avl_first(&tree));
}

static void test_random_mix_keeps_every_invariant(void **state)
{
	int live = 0;

	(void)state;
	tree.root = NULL;
	for (int i = 0; i < N; i++) {
		items[i].key = next_random() % 1000;	/* duplicates too */
		items[i].in = 0;
	}
	for (int round = 0; round < 20000; round++) {
		struct item *it = &items[next_random() % N];

		if (it->in) {
			remove_item(it);
			live--;
		} else {
			insert(it);
			live++;
		}
		if (round % 997 == 0)
			check_tree(live);
	}
	check_tree(live);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sequential_inserts_stay_balanced),
		cmocka_unit_test(test_random_mix_keeps_every_invariant),
	};

	return cmocka_run_group_tests_name("avl", tests, NULL, NULL);
}
