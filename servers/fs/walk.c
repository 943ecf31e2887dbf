/*
 * Path walks. A path is resolved from the root or from a working or
 * dirfd directory, component by component; "." and ".." work; a symbolic
 * link (a node whose data is its target) is followed by rewriting the
 * path as its target and what was left of the path, from the root or
 * from the link's own directory, at most FS_LINKS_MAX times a walk. At
 * the gateways into /proc (mount.c) a walk stops and hands the rest of
 * its path to the process server.
 *
 * Ownership: a walk owns the path its links rewrote (w->buf) until
 * fs_walk_done; it holds no node: a walk and what its caller does with
 * the node it found happen within one call, which nothing interleaves.
 */
#include "lib/errno.h"
#include "lib/heap.h"
#include "lib/string.h"
#include "servers/fs/fs_impl.h"

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

/* The node name[0..len) names in dir, and in *d its name there (NULL for "." and ".."): NULL if none. */
static struct fs_node *fs_walk_step(struct fs_node *dir, const char *name, size_t len, struct fs_dentry **d)
{
	*d = NULL;
	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return fs_child(dir, name, len);
	*d = fs_entry(dir, name, len);
	return *d ? (*d)->node : NULL;
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
		c = fs_walk_step(n, w->path + start, (size_t)clen, &w->entry);
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
		w->entry = NULL;	/* the name is the target's, if it has steps */
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
