/*
 * Balanced binary search trees (AVL), intrusive: the node lives inside
 * the object it orders (a region of a space, an armed timer), so the
 * tree allocates nothing and inserting or removing cannot fail. The
 * caller searches with its own keys and says where a new node goes
 * (avl_insert's parent and link), which keeps comparisons inline and
 * typed.
 *
 * Ownership: the tree owns nothing; whoever owns the objects frees
 * them after avl_remove.
 * Invariant: every node's height is one more than its taller child's,
 * and its children's heights differ by at most one, so a tree of n
 * nodes is less than 1.45 log2(n + 2) high and a search, an insertion
 * or a removal is O(log n). In-order is the caller's key order.
 * Locking: one hart runs the kernel with interrupts off.
 */
#ifndef KAGE_KERNEL_AVL_H
#define KAGE_KERNEL_AVL_H

#include <stddef.h>

struct avl_node {
	struct avl_node *left, *right, *parent;
	int height;	/* a node without children: 1 */
};

struct avl_tree {
	struct avl_node *root;
};

/* The object holding node `n` as its member `field`. */
#define avl_entry(n, type, field) ((type *)((char *)(n) - offsetof(type, field)))

/*
 * Puts n where a search for its key ended: *link is the empty child
 * pointer of `parent` (or the tree's root when parent is NULL). The
 * tree is rebalanced; nodes keep their objects, only links change.
 */
void avl_insert(struct avl_tree *t, struct avl_node *n, struct avl_node *parent, struct avl_node **link);
/* Takes n out of the tree. */
void avl_remove(struct avl_tree *t, struct avl_node *n);
/* The first and last nodes in order, NULL when the tree is empty. */
struct avl_node *avl_first(const struct avl_tree *t);
struct avl_node *avl_last(const struct avl_tree *t);
/* The node after / before n in order, or NULL. */
struct avl_node *avl_next(const struct avl_node *n);
struct avl_node *avl_prev(const struct avl_node *n);

#endif
