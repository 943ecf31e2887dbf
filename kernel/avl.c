/*
 * AVL trees (kernel/avl.h). Every change ends with a walk from the
 * lowest node whose subtree changed up to the root, restoring heights
 * and balance on the way: O(log n), with no recursion, so the kernel
 * stack never depends on a tree's size.
 */
#include "kernel/avl.h"

static int avl_height(const struct avl_node *n)
{
	return n ? n->height : 0;
}

static void avl_update(struct avl_node *n)
{
	int l = avl_height(n->left), r = avl_height(n->right);

	n->height = (l > r ? l : r) + 1;
}

/* Puts `new` where `old` hangs under `parent` (NULL: the root). */
static void avl_replace(struct avl_tree *t, struct avl_node *parent, struct avl_node *old, struct avl_node *new)
{
	if (!parent)
		t->root = new;
	else if (parent->left == old)
		parent->left = new;
	else
		parent->right = new;
	if (new)
		new->parent = parent;
}

/* n's right child takes n's place, n becomes its left child: the subtree's new top. */
static struct avl_node *avl_rotate_left(struct avl_tree *t, struct avl_node *n)
{
	struct avl_node *r = n->right;

	avl_replace(t, n->parent, n, r);
	n->right = r->left;
	if (r->left)
		r->left->parent = n;
	r->left = n;
	n->parent = r;
	avl_update(n);
	avl_update(r);
	return r;
}

static struct avl_node *avl_rotate_right(struct avl_tree *t, struct avl_node *n)
{
	struct avl_node *l = n->left;

	avl_replace(t, n->parent, n, l);
	n->left = l->right;
	if (l->right)
		l->right->parent = n;
	l->right = n;
	n->parent = l;
	avl_update(n);
	avl_update(l);
	return l;
}

/*
 * n's subtrees are balanced and differ in height by at most two: one or
 * two rotations make n's place balanced again. The subtree's new top.
 */
static struct avl_node *avl_balance(struct avl_tree *t, struct avl_node *n)
{
	int tilt = avl_height(n->left) - avl_height(n->right);

	if (tilt > 1) {
		if (avl_height(n->left->left) < avl_height(n->left->right))
			avl_rotate_left(t, n->left);
		return avl_rotate_right(t, n);
	}
	if (tilt < -1) {
		if (avl_height(n->right->right) < avl_height(n->right->left))
			avl_rotate_right(t, n->right);
		return avl_rotate_left(t, n);
	}
	avl_update(n);
	return n;
}

static void avl_fix_up(struct avl_tree *t, struct avl_node *n)
{
	while (n)
		n = avl_balance(t, n)->parent;
}

void avl_insert(struct avl_tree *t, struct avl_node *n, struct avl_node *parent, struct avl_node **link)
{
	n->left = n->right = NULL;
	n->parent = parent;
	n->height = 1;
	*link = n;
	avl_fix_up(t, parent);
}

void avl_remove(struct avl_tree *t, struct avl_node *n)
{
	struct avl_node *s, *fix;

	if (!n->left || !n->right) {
		fix = n->parent;
		avl_replace(t, fix, n, n->left ? n->left : n->right);
		avl_fix_up(t, fix);
		return;
	}
	/* Two children: n's successor s (no left child) takes n's place. */
	for (s = n->right; s->left; s = s->left)
		;
	if (s->parent == n) {
		fix = s;
	} else {
		fix = s->parent;
		fix->left = s->right;
		if (s->right)
			s->right->parent = fix;
		s->right = n->right;
		n->right->parent = s;
	}
	s->left = n->left;
	n->left->parent = s;
	s->height = n->height;
	avl_replace(t, n->parent, n, s);
	avl_fix_up(t, fix);
}

struct avl_node *avl_first(const struct avl_tree *t)
{
	struct avl_node *n = t->root;

	while (n && n->left)
		n = n->left;
	return n;
}

struct avl_node *avl_last(const struct avl_tree *t)
{
	struct avl_node *n = t->root;

	while (n && n->right)
		n = n->right;
	return n;
}

struct avl_node *avl_next(const struct avl_node *n)
{
	if (n->right) {
		for (n = n->right; n->left; n = n->left)
			;
		return (struct avl_node *)n;
	}
	while (n->parent && n->parent->right == n)
		n = n->parent;
	return n->parent;
}

struct avl_node *avl_prev(const struct avl_node *n)
{
	if (n->left) {
		for (n = n->left; n->right; n = n->right)
			;
		return (struct avl_node *)n;
	}
	while (n->parent && n->parent->left == n)
		n = n->parent;
	return n->parent;
}
