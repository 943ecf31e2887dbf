/*
 * The node tree: nodes (what a file is: its type, data, times) and their
 * names (struct fs_dentry: a name in a directory, naming one node). A
 * file may have many names (hard links: linkat, and the archive's); a
 * directory has one, so its ".." is that name's directory.
 *
 * A directory keeps its names twice: in its radix tree by seq, the order
 * they were made in (getdents lists it, and resumes at a seq, so a
 * listing neither repeats nor skips an entry that stays while others
 * come and go), and in the name index, one hash table of (directory,
 * name) for the whole tree, so a lookup costs the same in a directory of
 * ten thousand entries as in one of ten.
 *
 * Ownership: a directory's names are its own, and a name's node lives
 * while it has a name in the tree or is open (nopen). When a node's last
 * name is removed while something holds it, that name stays out of the
 * tree as its ghost, holding its old directory (nopen), so that ".." and
 * the path /proc shows for it stay valid; the node is then unlinked and
 * goes with its last close, its ghost with it. Invariants: a name is in
 * its directory's radix tree exactly when it is in the name index, and
 * then its node has it among its names and is not unlinked; nkids counts
 * a directory's names, nnames a node's, nsubdirs a directory's names of
 * directories; a node's list of names is never empty (the root's and
 * /proc's nodes have one outside the tree, of no directory).
 */
#include "lib/errno.h"
#include "lib/heap.h"
#include "lib/string.h"
#include "servers/fs/fs_impl.h"

#define FS_NAMES_FIRST 256	/* buckets of the name index at first; it doubles as it fills */

struct fs_names {
	struct fs_dentry **bucket;
	uint64_t mask;		/* buckets - 1 */
	uint64_t count;
};

static struct fs_names fs_names;
static uint64_t fs_next_ino = 1;
struct fs_node *fs_root;

/* FNV-1a of the name, started from the directory's address. */
static uint32_t fs_name_hash(const struct fs_node *dir, const char *name, size_t len)
{
	uint64_t h = (0xcbf29ce484222325ull ^ (uint64_t)(uintptr_t)dir) * 0x100000001b3ull;

	for (size_t i = 0; i < len; i++) {
		h ^= (uint8_t)name[i];
		h *= 0x100000001b3ull;
	}
	return (uint32_t)(h ^ (h >> 32));
}

/* Twice the buckets, when that much memory is there (else the chains grow longer: still right). */
static void fs_names_grow(struct fs_names *x)
{
	uint64_t buckets = (x->mask + 1) * 2;
	struct fs_dentry **b = heap_zalloc(&fs_heap, buckets * sizeof(*b));

	if (!b)
		return;
	for (uint64_t i = 0; i <= x->mask; i++) {
		while (x->bucket[i]) {
			struct fs_dentry *d = x->bucket[i];

			x->bucket[i] = d->hnext;
			d->hnext = b[d->hash & (buckets - 1)];
			b[d->hash & (buckets - 1)] = d;
		}
	}
	heap_free(&fs_heap, x->bucket);
	x->bucket = b;
	x->mask = buckets - 1;
}

static void fs_names_add(struct fs_names *x, struct fs_dentry *d)
{
	struct fs_dentry **b;

	if (x->count >= 2 * (x->mask + 1))
		fs_names_grow(x);
	d->hash = fs_name_hash(d->dir, d->name, d->len);
	b = &x->bucket[d->hash & x->mask];
	d->hnext = *b;
	*b = d;
	x->count++;
}

static void fs_names_remove(struct fs_names *x, struct fs_dentry *d)
{
	struct fs_dentry **p;

	for (p = &x->bucket[d->hash & x->mask]; *p; p = &(*p)->hnext) {
		if (*p != d)
			continue;
		*p = d->hnext;
		d->hnext = NULL;
		x->count--;
		return;
	}
}

int fs_tree_init(void)
{
	fs_names.bucket = heap_zalloc(&fs_heap, FS_NAMES_FIRST * sizeof(*fs_names.bucket));
	fs_names.mask = FS_NAMES_FIRST - 1;
	fs_names.count = 0;
	fs_root = fs_names.bucket ? fs_new(NULL, "", 0, S_IFDIR | 0755) : NULL;
	return fs_root ? 0 : -ENOMEM;
}

/* A name name[0..len) for node n, not yet anywhere: it, or NULL when memory is out. */
static struct fs_dentry *fs_dentry_new(struct fs_node *n, const char *name, size_t len)
{
	struct fs_dentry *d = heap_zalloc(&fs_heap, sizeof(*d) + len + 1);

	if (!d)
		return NULL;
	memcpy(d->name, name, len);
	d->name[len] = 0;
	d->len = (uint32_t)len;
	d->node = n;
	return d;
}

/* d (which has its place in dir's radix tree, at dir's next seq) joins dir and its node's names. */
static void fs_dentry_hook(struct fs_dentry *d, struct fs_node *dir)
{
	struct fs_node *n = d->node;

	d->dir = dir;
	d->seq = dir->next_seq++;
	dir->nkids++;
	if (fs_is(n, S_IFDIR))
		dir->nsubdirs++;
	fs_names_add(&fs_names, d);
	d->next_name = n->names;
	n->names = d;
	n->nnames++;
	fs_touch(dir, FS_TIME_MC);
}

/* d leaves its directory's order and the name index, and its node's names (it still points at its directory). */
static void fs_dentry_unhook(struct fs_dentry *d)
{
	struct fs_node *n = d->node;
	struct fs_dentry **p;

	fs_radix_take(&d->dir->kids, &fs_heap, d->seq);
	d->dir->nkids--;
	if (fs_is(n, S_IFDIR))
		d->dir->nsubdirs--;
	fs_names_remove(&fs_names, d);
	for (p = &n->names; *p != d; p = &(*p)->next_name)
		;
	*p = d->next_name;
	d->next_name = NULL;
	n->nnames--;
}

struct fs_node *fs_new(struct fs_node *dir, const char *name, size_t len, uint32_t mode)
{
	struct fs_node *n;
	struct fs_dentry *d;

	if ((dir && len > FS_NAME_MAX) || (!len && dir))
		return NULL;	/* only the root and nodes outside the tree (dir NULL) go without a name */
	n = heap_zalloc(&fs_heap, sizeof(*n));
	d = n ? fs_dentry_new(n, name, len) : NULL;
	if (!d || (dir && fs_radix_set(&dir->kids, &fs_heap, dir->next_seq, d) < 0)) {
		heap_free(&fs_heap, d);
		heap_free(&fs_heap, n);
		return NULL;
	}
	n->mode = mode;
	n->ino = fs_new_ino();
	fs_touch(n, FS_TIME_A | FS_TIME_MC);
	if (dir) {
		fs_dentry_hook(d, dir);
	} else {
		n->names = d;	/* a name of no directory: the root's, or a /proc file's path */
	}
	fs_counts.nodes++;
	return n;
}

long fs_link(struct fs_node *dir, const char *name, size_t len, struct fs_node *n)
{
	struct fs_dentry *d = fs_dentry_new(n, name, len);

	if (!d || fs_radix_set(&dir->kids, &fs_heap, dir->next_seq, d) < 0) {
		heap_free(&fs_heap, d);
		return -ENOMEM;
	}
	fs_dentry_hook(d, dir);
	fs_touch(n, FS_TIME_C);
	return 0;
}

uint64_t fs_new_ino(void)
{
	return fs_next_ino++;
}

struct fs_dentry *fs_entry(const struct fs_node *dir, const char *name, size_t len)
{
	struct fs_dentry *d;

	for (d = fs_names.bucket[fs_name_hash(dir, name, len) & fs_names.mask]; d; d = d->hnext)
		if (d->dir == dir && d->len == len && memcmp(d->name, name, len) == 0)
			return d;
	return NULL;
}

struct fs_node *fs_node_dir(const struct fs_node *n)
{
	return n->names->dir ? n->names->dir : (struct fs_node *)n;
}

struct fs_node *fs_child(struct fs_node *dir, const char *name, size_t len)
{
	struct fs_dentry *d;

	if (len == 1 && name[0] == '.')
		return dir;
	if (len == 2 && name[0] == '.' && name[1] == '.')
		return fs_node_dir(dir);
	d = fs_entry(dir, name, len);
	return d ? d->node : NULL;
}

void fs_unlink(struct fs_dentry *d)
{
	struct fs_node *n = d->node;

	fs_dentry_unhook(d);
	if (n->nnames) {
		heap_free(&fs_heap, d);	/* another name stays: the node goes on in the tree */
		return;
	}
	n->names = d;	/* its ghost, holding its directory while the node lives: its ".." */
	d->dir->nopen++;
	n->unlinked = 1;
	fs_node_release(n);
}

void fs_detach(struct fs_node *n)
{
	fs_unlink(n->names);
}

long fs_move(struct fs_dentry *d, struct fs_node *dir, const char *name, size_t len, struct fs_dentry *victim)
{
	struct fs_dentry *copy = fs_dentry_new(d->node, name, len);

	/* What may fail comes first: its new name, and its place in the new directory. */
	if (!copy || fs_radix_set(&dir->kids, &fs_heap, dir->next_seq, copy) < 0) {
		heap_free(&fs_heap, copy);
		return -ENOMEM;
	}
	if (victim)
		fs_unlink(victim);
	fs_dentry_unhook(d);
	heap_free(&fs_heap, d);
	fs_dentry_hook(copy, dir);
	return 0;
}

void fs_node_release(struct fs_node *n)
{
	/* A freed node lets go of its old directory, which may go in turn: a loop, not a recursion. */
	while (n && n->unlinked && !n->nopen && !n->pinned) {
		struct fs_node *up = n->names->dir;

		fs_data_free(n);
		heap_free(&fs_heap, n->names);	/* its ghost, or its name outside the tree */
		heap_free(&fs_heap, n);
		fs_counts.nodes--;
		if (up)
			up->nopen--;
		n = up;
	}
}

void fs_set_cwd(struct fs_fdtable *t, struct fs_node *dir)
{
	struct fs_node *old = t->cwd;

	if (dir)
		dir->nopen++;
	t->cwd = dir;
	if (old) {
		old->nopen--;
		fs_node_release(old);
	}
}

struct fs_dentry *fs_dir_next(const struct fs_node *n, uint64_t *seq)
{
	return fs_radix_next(&n->kids, seq);
}
