/*
 * Region sets (kernel/region.h): a tree of disjoint regions ordered by
 * address. Since regions never overlap, ordering by start orders by end
 * too, so one descent finds the first region ending above an address.
 * A call that must split a region takes the memory for it before it
 * changes anything, so -ENOMEM always leaves the set as it was.
 */
#include <stdbool.h>
#include <stddef.h>
#include "kernel/kalloc.h"
#include "kernel/region.h"
#include "lib/errno.h"

static uint64_t region_live;

static struct region *region_of(const struct avl_node *n)
{
	return n ? avl_entry(n, struct region, node) : NULL;
}

static struct region *region_next(const struct region *r)
{
	return region_of(avl_next(&r->node));
}

static struct region *region_prev(const struct region *r)
{
	return region_of(avl_prev(&r->node));
}

/* The first region that ends above va, or NULL. */
static struct region *region_after(const struct region_set *rs, uint64_t va)
{
	struct avl_node *n = rs->tree.root;
	struct region *best = NULL;

	while (n) {
		struct region *r = region_of(n);

		if (r->end > va) {
			best = r;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

static struct region *region_lookup(const struct region_set *rs, uint64_t va)
{
	struct region *r = region_after(rs, va);

	return r && r->start <= va ? r : NULL;
}

const struct region *region_find(const struct region_set *rs, uint64_t va)
{
	return region_lookup(rs, va);
}

const struct region *region_first_in(const struct region_set *rs, uint64_t start, uint64_t end)
{
	struct region *r = region_after(rs, start);

	return r && r->start < end ? r : NULL;
}

uint64_t region_count(void)
{
	return region_live;
}

/* Whether rs may take `more` regions besides those it has. */
static int region_room(const struct region_set *rs, uint64_t more)
{
	return !rs->max || rs->n + more <= rs->max;
}

/* A region not yet in any set (with its own reference on obj, if any), or NULL. */
static struct region *region_new(uint64_t start, uint64_t end, uint64_t perm, struct memobj *obj, uint64_t off)
{
	struct region *r = kzalloc(sizeof(*r));

	if (!r)
		return NULL;
	r->start = start;
	r->end = end;
	r->perm = perm;
	r->obj = obj;
	r->off = off;
	if (obj)
		kobj_get(&obj->obj);
	region_live++;
	return r;
}

static void region_delete(struct region *r)
{
	if (r->obj)
		kobj_put(&r->obj->obj);
	kfree(r, sizeof(*r));
	region_live--;
}

/* Whether b carries on where a ends, so that the two are one region: the same permissions and backing. */
static bool region_continues(const struct region *a, const struct region *b)
{
	if (a->end != b->start || a->perm != b->perm || a->obj != b->obj)
		return false;
	return !a->obj || a->off + (a->end - a->start) == b->off;	/* the same object's next pages */
}

/* Puts r, disjoint from every region of rs, in its place. */
static void region_link(struct region_set *rs, struct region *r)
{
	struct avl_node **link = &rs->tree.root, *parent = NULL;

	while (*link) {
		parent = *link;
		link = r->start < region_of(parent)->start ? &parent->left : &parent->right;
	}
	avl_insert(&rs->tree, &r->node, parent, link);
	rs->n++;
}

static void region_free(struct region_set *rs, struct region *r)
{
	avl_remove(&rs->tree, &r->node);
	rs->n--;
	region_delete(r);
}

int region_add_backed(struct region_set *rs, uint64_t start, uint64_t end, uint64_t perm, struct memobj *obj,
		      uint64_t off)
{
	const struct region add = { .start = start, .end = end, .perm = perm, .obj = obj, .off = off };
	struct region *next, *prev, *r;

	if (end <= start)
		return -EINVAL;
	next = region_after(rs, start);
	if (next && next->start < end)
		return -EEXIST;
	prev = next ? region_prev(next) : region_of(avl_last(&rs->tree));
	/* A neighbour that it continues (or that continues it) grows instead: no memory needed. */
	if (prev && !region_continues(prev, &add))
		prev = NULL;
	if (next && !region_continues(&add, next))
		next = NULL;
	if (prev) {
		prev->end = next ? next->end : end;
		if (next)
			region_free(rs, next);
		return 0;
	}
	if (next) {
		next->start = start;	/* still after prev and before the rest: the order holds */
		next->off = off;
		return 0;
	}
	r = region_room(rs, 1) ? region_new(start, end, perm, obj, off) : NULL;
	if (!r)
		return -ENOMEM;
	region_link(rs, r);
	return 0;
}

int region_add(struct region_set *rs, uint64_t start, uint64_t end, uint64_t perm)
{
	return region_add_backed(rs, start, end, perm, NULL, 0);
}

/* Where r's start moves up to `at`: its backing's first page moves with it. */
static void region_trim_head(struct region *r, uint64_t at)
{
	if (r->obj)
		r->off += at - r->start;
	r->start = at;
}

/* Cuts r at `at` (inside it): r keeps what lies below, `tail` (taken already) the rest. */
static void region_cut(struct region_set *rs, struct region *r, uint64_t at, struct region *tail)
{
	tail->start = r->start;
	tail->end = r->end;
	tail->perm = r->perm;
	tail->obj = r->obj;
	tail->off = r->off;
	if (r->obj)
		kobj_get(&r->obj->obj);	/* each part holds its own */
	region_trim_head(tail, at);
	r->end = at;
	region_link(rs, tail);
}

int region_remove(struct region_set *rs, uint64_t start, uint64_t end)
{
	struct region *r, *next;

	if (end <= start)
		return -EINVAL;
	r = region_after(rs, start);
	if (!r || r->start >= end)
		return 0;
	if (r->start < start && end < r->end) {
		/* A hole inside one region: its upper part needs a region of its own. */
		next = region_room(rs, 1) ? region_new(0, 0, 0, NULL, 0) : NULL;
		if (!next)
			return -ENOMEM;
		region_cut(rs, r, end, next);
		r->end = start;
		return 0;
	}
	if (r->start < start) {
		r->end = start;
		r = region_next(r);
	}
	while (r && r->end <= end) {
		next = region_next(r);
		region_free(rs, r);
		r = next;
	}
	if (r && r->start < end)
		region_trim_head(r, end);
	return 0;
}

/* Merges into r the regions after it that continue it. */
static void region_absorb(struct region_set *rs, struct region *r)
{
	struct region *n = region_next(r);

	while (n && region_continues(r, n)) {
		r->end = n->end;
		region_free(rs, n);
		n = region_next(r);
	}
}

/* A region whose permissions differ from `perm` and that strictly contains `at`: it must be cut there. */
static struct region *region_cut_at(const struct region_set *rs, uint64_t at, uint64_t perm)
{
	struct region *r = region_lookup(rs, at);

	return r && r->start < at && r->perm != perm ? r : NULL;
}

int region_protect(struct region_set *rs, uint64_t start, uint64_t end, uint64_t perm)
{
	struct region *spare[2] = { NULL, NULL }, *lo, *hi, *r;
	int need = 0;

	if (start >= end)
		return -EINVAL;
	lo = region_cut_at(rs, start, perm);
	hi = region_cut_at(rs, end, perm);
	need = (lo != NULL) + (hi != NULL);
	if (!region_room(rs, (uint64_t)need))
		return -ENOMEM;
	for (int i = 0; i < need; i++) {
		spare[i] = region_new(0, 0, 0, NULL, 0);
		if (!spare[i]) {
			for (int j = 0; j < i; j++)
				region_delete(spare[j]);
			return -ENOMEM;
		}
	}
	if (lo)
		region_cut(rs, lo, start, spare[--need]);
	if (hi)
		region_cut(rs, region_lookup(rs, end), end, spare[--need]);	/* lo's tail, if lo was hi */
	r = region_after(rs, start);
	for (struct region *p = r; p && p->start < end; p = region_next(p))
		p->perm = perm;
	if (r && region_prev(r))
		r = region_prev(r);
	for (; r && r->start < end; r = region_next(r))
		region_absorb(rs, r);
	return 0;
}

/* A copy of s's bounds, permissions, backing and height, unlinked, or NULL. */
static struct avl_node *region_copy(const struct avl_node *s, struct avl_node *parent)
{
	const struct region *from = region_of(s);
	struct region *r = region_new(from->start, from->end, from->perm, from->obj, from->off);

	if (!r)
		return NULL;
	r->node.height = s->height;
	r->node.parent = parent;
	return &r->node;
}

/* The tree's shape is copied as it is (it is balanced already), without recursion. */
int region_set_clone(struct region_set *dst, const struct region_set *src)
{
	const struct avl_node *s = src->tree.root;
	struct avl_node *d;

	if (!s)
		return 0;
	d = region_copy(s, NULL);
	dst->tree.root = d;
	while (d) {
		if (s->left && !d->left) {
			d->left = region_copy(s->left, d);
			s = s->left, d = d->left;
		} else if (s->right && !d->right) {
			d->right = region_copy(s->right, d);
			s = s->right, d = d->right;
		} else if (s->parent) {
			s = s->parent, d = d->parent;
		} else {
			dst->n = src->n;
			dst->max = src->max;
			return 0;
		}
	}
	region_set_clear(dst);	/* the copy so far: its links were set before each step down */
	return -ENOMEM;
}

void region_set_clear(struct region_set *rs)
{
	struct avl_node *n = rs->tree.root, *parent;

	while (n) {
		if (n->left) {
			n = n->left;
		} else if (n->right) {
			n = n->right;
		} else {
			parent = n->parent;
			if (parent && parent->left == n)
				parent->left = NULL;
			else if (parent)
				parent->right = NULL;
			region_delete(region_of(n));
			n = parent;
		}
	}
	rs->tree.root = NULL;
	rs->n = 0;
}
