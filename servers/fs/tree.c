/*
 * The node tree and path walks. A path is resolved from the root or from
 * a working or dirfd directory, component by component; "." and ".."
 * work; a symbolic link (a node whose data is its target) is followed by
 * rewriting the path as its target and what was left of the path, from
 * the root or from the link's own directory, at most FS_LINKS_MAX times
 * a walk. At the gateways into /proc (mount.c) a walk stops and hands
 * the rest of its path to the process server.
 *
 * A directory keeps its entries twice: in its radix tree by seq, the
 * order they were made in (getdents lists it, and resumes at a seq, so
 * a listing neither repeats nor skips an entry that stays while others
 * come and go), and in the name index, one hash table of (directory,
 * name) for the whole tree, so a lookup costs the same in a directory
 * of ten thousand entries as in one of ten.
 *
 * Ownership: a directory's entries are its own; a node taken out of the
 * tree (unlinked) holds its old directory (nopen) until it is freed, so
 * ".." and the path /proc shows for it stay valid. Invariants: a node is
 * in its directory's radix tree exactly when it is in the name index,
 * and then not unlinked; nkids counts those entries.
 */
#include "lib/errno.h"
#include "lib/heap.h"
#include "lib/string.h"
#include "servers/fs/fs_impl.h"

#define FS_NAMES_FIRST 256	/* buckets of the name index at first; it doubles as it fills */

struct fs_names {
	struct fs_node **bucket;
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
	struct fs_node **b = heap_zalloc(&fs_heap, buckets * sizeof(*b));

	if (!b)
		return;
	for (uint64_t i = 0; i <= x->mask; i++) {
		while (x->bucket[i]) {
			struct fs_node *n = x->bucket[i];

			x->bucket[i] = n->hnext;
			n->hnext = b[n->hash & (buckets - 1)];
			b[n->hash & (buckets - 1)] = n;
		}
	}
	heap_free(&fs_heap, x->bucket);
	x->bucket = b;
	x->mask = buckets - 1;
}

static void fs_names_add(struct fs_names *x, struct fs_node *n)
{
	struct fs_node **b;

	if (x->count >= 2 * (x->mask + 1))
		fs_names_grow(x);
	n->hash = fs_name_hash(n->parent, n->name, n->namelen);
	b = &x->bucket[n->hash & x->mask];
	n->hnext = *b;
	*b = n;
	x->count++;
}

static void fs_names_remove(struct fs_names *x, struct fs_node *n)
{
	struct fs_node **p;

	for (p = &x->bucket[n->hash & x->mask]; *p; p = &(*p)->hnext) {
		if (*p != n)
			continue;
		*p = n->hnext;
		n->hnext = NULL;
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

struct fs_node *fs_new(struct fs_node *dir, const char *name, size_t len, uint32_t mode)
{
	struct fs_node *n;

	if (len > FS_NAME_MAX || (!len && dir))
		return NULL;	/* only the root and nodes outside the tree (dir NULL) go without a name */
	n = heap_zalloc(&fs_heap, sizeof(*n));
	if (!n)
		return NULL;
	n->name = heap_alloc(&fs_heap, len + 1);
	if (!n->name || (dir && fs_radix_set(&dir->kids, &fs_heap, dir->next_seq, n) < 0)) {
		heap_free(&fs_heap, n->name);
		heap_free(&fs_heap, n);
		return NULL;
	}
	memcpy(n->name, name, len);
	n->name[len] = 0;
	n->namelen = (uint32_t)len;
	n->mode = mode;
	n->ino = fs_new_ino();
	n->parent = dir ? dir : n;
	fs_touch(n, FS_TIME_A | FS_TIME_MC);
	if (dir) {
		fs_touch(dir, FS_TIME_MC);
		n->seq = dir->next_seq++;
		dir->nkids++;
		fs_names_add(&fs_names, n);
	}
	fs_counts.nodes++;
	return n;
}

uint64_t fs_new_ino(void)
{
	return fs_next_ino++;
}

struct fs_node *fs_child(struct fs_node *dir, const char *name, size_t len)
{
	struct fs_node *c;

	if (len == 1 && name[0] == '.')
		return dir;
	if (len == 2 && name[0] == '.' && name[1] == '.')
		return dir->parent;
	for (c = fs_names.bucket[fs_name_hash(dir, name, len) & fs_names.mask]; c; c = c->hnext)
		if (c->parent == dir && c->namelen == len && memcmp(c->name, name, len) == 0)
			return c;
	return NULL;
}

/* n leaves its directory's order and the name index (and stays pointing at that directory). */
static void fs_unhook(struct fs_node *n)
{
	fs_radix_take(&n->parent->kids, &fs_heap, n->seq);
	n->parent->nkids--;
	fs_names_remove(&fs_names, n);
}

void fs_detach(struct fs_node *n)
{
	fs_unhook(n);
	n->parent->nopen++;	/* held while n lives: its ".." */
	n->unlinked = 1;
	fs_node_release(n);
}

long fs_move(struct fs_node *n, struct fs_node *dir, const char *name, size_t len, struct fs_node *victim)
{
	char *copy = heap_alloc(&fs_heap, len + 1);

	/* What may fail comes first: its new name, and its place in the new directory. */
	if (!copy || fs_radix_set(&dir->kids, &fs_heap, dir->next_seq, n) < 0) {
		heap_free(&fs_heap, copy);
		return -ENOMEM;
	}
	if (victim)
		fs_detach(victim);
	fs_unhook(n);
	memcpy(copy, name, len);
	copy[len] = 0;
	heap_free(&fs_heap, n->name);
	n->name = copy;
	n->namelen = (uint32_t)len;
	n->parent = dir;
	n->seq = dir->next_seq++;
	dir->nkids++;
	fs_names_add(&fs_names, n);
	return 0;
}

void fs_node_release(struct fs_node *n)
{
	/* A freed node lets go of its old directory, which may go in turn: a loop, not a recursion. */
	while (n && n->unlinked && !n->nopen && !n->pinned) {
		struct fs_node *up = n->parent != n ? n->parent : NULL;

		fs_data_free(n);
		heap_free(&fs_heap, n->name);
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

/* The next component of path[*pos, len): its start in *start, its length (0 at the end); *pos passes it. */
static size_t fs_component(const char *path, size_t len, size_t *pos, size_t *start)
{
	size_t p = *pos;

	while (p < len && path[p] == '/')
		p++;
	*start = p;
	while (p < len && path[p] != '/')
		p++;
	*pos = p;
	return p - *start;
}

/*
 * The rest of a path at gateway n, read lexically: whether it climbs out
 * of /proc again with "..", and then *pos where it goes on. Lexical ".."
 * is exact here: nothing in /proc leads elsewhere in it but "self",
 * which names a process's directory at the same depth.
 */
static int fs_gate_leave(const struct fs_node *n, const char *path, size_t len, size_t *pos)
{
	int depth = fs_gate_depth(n);
	size_t p = *pos, start, clen;

	for (;;) {
		clen = fs_component(path, len, &p, &start);
		if (!clen)
			return 0;
		if (clen == 2 && path[start] == '.' && path[start + 1] == '.')
			depth--;
		else if (!(clen == 1 && path[start] == '.'))
			depth++;
		if (depth < 0)
			break;
	}
	*pos = p;
	return 1;
}

/* The next component of path after *pos, to be looked up in n: its length, 0 at the end, or -errno. */
static long fs_step(const struct fs_node *n, const char *path, size_t len, size_t *pos, size_t *start)
{
	size_t clen = fs_component(path, len, pos, start);

	if (!clen)
		return 0;
	if (clen > FS_NAME_MAX)
		return -ENAMETOOLONG;
	return fs_is(n, S_IFDIR) ? (long)clen : -ENOTDIR;
}

/* Whether nothing but slashes follows pos: the component before it is the last. */
static int fs_at_end(const char *path, size_t len, size_t pos)
{
	while (pos < len && path[pos] == '/')
		pos++;
	return pos == len;
}

/*
 * w's path becomes link's target and, after it, what was left of the
 * path after pos: 0, or -errno. The rest keeps its slashes, so a
 * trailing "/" still asks for a directory at the target.
 */
static long fs_walk_link(struct fs_walk *w, const struct fs_node *link, size_t pos)
{
	size_t tlen = link->size, left = w->len - pos;
	char *buf;

	if (++w->links > FS_LINKS_MAX)
		return -ELOOP;
	if (!tlen)
		return -ENOENT;	/* an empty target names nothing, as on Linux */
	buf = heap_alloc(&fs_heap, tlen + left + 1);
	if (!buf)
		return -ENOMEM;
	fs_data_peek(link, 0, buf, tlen);
	memcpy(buf + tlen, w->path + pos, left);	/* before the old buffer, which it may lie in, goes */
	buf[tlen + left] = 0;
	heap_free(&fs_heap, w->buf);
	w->buf = buf;
	w->path = buf;
	w->len = tlen + left;
	return 0;
}

/* Component [start, pos) was not found in dir: when it is the last, w notes where it would be made. */
static long fs_walk_missing(struct fs_walk *w, struct fs_node *dir, size_t start, size_t pos)
{
	if (fs_at_end(w->path, w->len, pos)) {
		w->dir = dir;
		w->last = w->path + start;
		w->last_len = pos - start;
	}
	return -ENOENT;
}

long fs_walk(struct fs_walk *w, struct fs_node *at, const char *path, size_t len, unsigned flags)
{
	struct fs_node *n = (len && path[0] == '/') || !at ? fs_root : at, *c;
	size_t pos = 0, start;
	long clen = 0, err;

	*w = (struct fs_walk){ .path = path, .len = len };
	for (;;) {
		if (n->gate && !fs_gate_leave(n, w->path, w->len, &pos))
			break;	/* the process server's from here */
		if (n->gate)
			n = fs_gate_exit();
		clen = fs_step(n, w->path, w->len, &pos, &start);
		if (clen <= 0)
			break;
		c = fs_child(n, w->path + start, (size_t)clen);
		if (!c)
			return fs_walk_missing(w, n, start, pos);
		/* A link is followed inside a path, before a trailing "/", and at the end unless asked not to. */
		if (!fs_is(c, S_IFLNK) || (pos == w->len && (flags & FS_WALK_NOFOLLOW))) {
			n = c;
			continue;
		}
		err = fs_walk_link(w, c, pos);
		if (err < 0)
			return err;
		pos = 0;
		if (w->path[0] == '/')
			n = fs_root;	/* else on from the link's own directory, n */
	}
	if (clen < 0)
		return clen;
	if (!n->gate && !fs_is(n, S_IFDIR) && w->len && w->path[w->len - 1] == '/')
		return -ENOTDIR;	/* "file/" */
	w->node = n;
	w->rest = pos;
	return 0;
}

void fs_walk_done(struct fs_walk *w)
{
	heap_free(&fs_heap, w->buf);
	w->buf = NULL;
}

long fs_mkdirs(const char *path, size_t len, struct fs_node **out)
{
	struct fs_node *n = fs_root, *c;
	size_t pos = 0, start;
	long clen;

	for (;;) {
		clen = fs_step(n, path, len, &pos, &start);
		if (clen <= 0)
			break;
		c = fs_child(n, path + start, (size_t)clen);
		if (!c)
			c = fs_new(n, path + start, (size_t)clen, S_IFDIR | 0755);
		if (!c)
			return -ENOMEM;
		n = c;
	}
	if (clen < 0)
		return clen;
	*out = n;
	return 0;
}

struct fs_node *fs_lookup(const struct fs_fdtable *t, const char *path)
{
	struct fs_walk w;
	long err = fs_walk(&w, t->cwd, path, strlen(path), 0);

	fs_walk_done(&w);
	return err == 0 ? w.node : NULL;
}

struct fs_node *fs_dir_next(const struct fs_node *n, uint64_t *seq)
{
	return fs_radix_next(&n->kids, seq);
}
