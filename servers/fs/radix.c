/*
 * The radix tree of servers/fs/radix.h. A node at level l (leaves are
 * level 1) splits the indexes it covers by bits 6(l-1) .. 6l-1; a node
 * is 64 pointers, 512 bytes, one of the heap's size classes exactly.
 * Eleven levels cover every 64-bit index.
 */
#include "lib/errno.h"
#include "lib/heap.h"
#include "lib/string.h"
#include "servers/fs/radix.h"

_Static_assert(sizeof(struct fs_radix_node) == 512, "a node is one of the heap's size classes");

static unsigned fs_radix_shift(unsigned level)
{
	return (level - 1) * FS_RADIX_BITS;
}

static unsigned fs_radix_slot(uint64_t index, unsigned level)
{
	return (unsigned)(index >> fs_radix_shift(level)) & (FS_RADIX_SLOTS - 1);
}

/* The least height whose root covers index. */
static unsigned fs_radix_height_for(uint64_t index)
{
	unsigned h = 1;

	while (h < FS_RADIX_LEVELS && index >> (h * FS_RADIX_BITS))
		h++;
	return h;
}

/* Whether index lies beyond what the root covers now. */
static int fs_radix_beyond(const struct fs_radix *r, uint64_t index)
{
	return r->height < FS_RADIX_LEVELS && index >> (r->height * FS_RADIX_BITS);
}

/* Whether n's slots from `from` on are all empty (a scan that stops at the first one used). */
static int fs_radix_empty_from(const struct fs_radix_node *n, unsigned from)
{
	for (unsigned s = from; s < FS_RADIX_SLOTS; s++)
		if (n->slot[s])
			return 0;
	return 1;
}

void *fs_radix_get_deep(const struct fs_radix *r, uint64_t index)
{
	void *p = r->root;

	if (!r->height || fs_radix_beyond(r, index))
		return NULL;
	for (unsigned l = r->height; l > 0 && p; l--)
		p = ((struct fs_radix_node *)p)->slot[fs_radix_slot(index, l)];
	return p;
}

/* While the root has only its first slot used, its child becomes the root; an empty root goes. */
static void fs_radix_shrink(struct fs_radix *r, struct heap *h)
{
	while (r->height) {
		struct fs_radix_node *n = r->root;

		if (!fs_radix_empty_from(n, 1) || (n->slot[0] && r->height == 1))
			return;
		r->root = n->slot[0];
		r->height = n->slot[0] ? r->height - 1 : 0;
		heap_free(h, n);
	}
}

/* Frees the empty nodes on index's path, from the bottom up, then shrinks the tree. */
static void fs_radix_settle(struct fs_radix *r, struct heap *h, uint64_t index)
{
	struct fs_radix_node *path[FS_RADIX_LEVELS + 1];
	unsigned depth = 0;

	for (struct fs_radix_node *n = r->root; n && depth < r->height; depth++) {
		path[depth] = n;
		n = depth + 1 < r->height ? n->slot[fs_radix_slot(index, r->height - depth)] : NULL;
	}
	while (depth-- > 0 && fs_radix_empty_from(path[depth], 0)) {
		heap_free(h, path[depth]);
		if (depth) {
			path[depth - 1]->slot[fs_radix_slot(index, r->height - depth + 1)] = NULL;
		} else {
			r->root = NULL;
			r->height = 0;
		}
	}
	fs_radix_shrink(r, h);
}

int fs_radix_set(struct fs_radix *r, struct heap *h, uint64_t index, void *p)
{
	unsigned need = fs_radix_height_for(index);
	struct fs_radix_node *n;

	if (!r->height) {
		r->root = heap_zalloc(h, sizeof(struct fs_radix_node));
		if (!r->root)
			return -ENOMEM;
		r->height = need;
	}
	while (r->height < need) {
		n = heap_zalloc(h, sizeof(*n));
		if (!n)
			goto fail;
		n->slot[0] = r->root;
		r->root = n;
		r->height++;
	}
	n = r->root;
	for (unsigned l = r->height; l > 1; l--) {
		void **slot = &n->slot[fs_radix_slot(index, l)];

		if (!*slot)
			*slot = heap_zalloc(h, sizeof(*n));
		if (!*slot)
			goto fail;
		n = *slot;
	}
	n->slot[fs_radix_slot(index, 1)] = p;
	return 0;
fail:
	fs_radix_settle(r, h, index);	/* what was made for this index goes again */
	return -ENOMEM;
}

void *fs_radix_take(struct fs_radix *r, struct heap *h, uint64_t index)
{
	struct fs_radix_node *n = r->root;
	void *p;

	if (!r->height || fs_radix_beyond(r, index))
		return NULL;
	for (unsigned l = r->height; l > 1 && n; l--)
		n = n->slot[fs_radix_slot(index, l)];
	if (!n)
		return NULL;
	p = n->slot[fs_radix_slot(index, 1)];
	n->slot[fs_radix_slot(index, 1)] = NULL;
	if (p)
		fs_radix_settle(r, h, index);
	return p;
}

/* The first slot of a node at `level` covering [base, ...) whose indexes may reach from. */
static unsigned fs_radix_start(uint64_t base, uint64_t from, unsigned level)
{
	return from > base ? (unsigned)((from - base) >> fs_radix_shift(level)) : 0;
}

/* The first entry at an index >= from under node n (level, covering from base): it, and its index. */
static void *fs_radix_next_in(const struct fs_radix_node *n, unsigned level, uint64_t base, uint64_t from,
			      uint64_t *found)
{
	for (unsigned s = fs_radix_start(base, from, level); s < FS_RADIX_SLOTS; s++) {
		uint64_t cbase;
		void *p;

		if (!n->slot[s])
			continue;
		cbase = base + ((uint64_t)s << fs_radix_shift(level));
		if (level == 1) {
			*found = cbase;
			return n->slot[s];
		}
		p = fs_radix_next_in(n->slot[s], level - 1, cbase, from, found);
		if (p)
			return p;
	}
	return NULL;
}

void *fs_radix_next(const struct fs_radix *r, uint64_t *index)
{
	uint64_t found = 0;
	void *p;

	if (!r->height || fs_radix_beyond(r, *index))
		return NULL;
	p = fs_radix_next_in(r->root, r->height, 0, *index, &found);
	if (p)
		*index = found;
	return p;
}

struct fs_radix_cutter {
	struct heap *h;
	uint64_t from;
	void (*drop)(void *entry, void *arg);
	void *arg;
};

/* Cuts what lies at from and beyond under n; whether n was left empty, and so freed. */
static int fs_radix_cut_in(const struct fs_radix_cutter *c, struct fs_radix_node *n, unsigned level,
			   uint64_t base)
{
	for (unsigned s = fs_radix_start(base, c->from, level); s < FS_RADIX_SLOTS; s++) {
		uint64_t cbase;

		if (!n->slot[s])
			continue;
		cbase = base + ((uint64_t)s << fs_radix_shift(level));
		if (level > 1 && !fs_radix_cut_in(c, n->slot[s], level - 1, cbase))
			continue;
		if (level == 1 && c->drop)
			c->drop(n->slot[s], c->arg);
		n->slot[s] = NULL;
	}
	if (!fs_radix_empty_from(n, 0))
		return 0;
	heap_free(c->h, n);
	return 1;
}

void fs_radix_cut(struct fs_radix *r, struct heap *h, uint64_t from, void (*drop)(void *entry, void *arg),
		  void *arg)
{
	const struct fs_radix_cutter c = { h, from, drop, arg };

	if (!r->height || fs_radix_beyond(r, from))
		return;
	if (fs_radix_cut_in(&c, r->root, r->height, 0)) {
		r->root = NULL;
		r->height = 0;
		return;
	}
	fs_radix_shrink(r, h);
}
