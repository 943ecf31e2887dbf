/*
 * The writable part of the tree: file data in per-node windows of the
 * server's address space, and the calls that change the namespace
 * (create, mkdir, unlink, rename) or move in it (chdir, getcwd). Nothing
 * is made, removed or renamed in /proc or over a gateway into it.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/fs/fs_impl.h"

#define FS_DATA_BASE NATIVE_SELF_BASE	/* window i at FS_DATA_BASE + i * FS_FILE_MAX */
_Static_assert((uint64_t)FS_WINDOWS * FS_FILE_MAX <= KAGE_SERVER_WINDOW, "the windows fit below the servers' heaps");

static uint8_t fs_window_used[FS_WINDOWS];

/* A free window, taken: its address, or NULL when every one is in use. */
static uint8_t *fs_window_take(void)
{
	for (uint64_t i = 0; i < FS_WINDOWS; i++) {
		if (fs_window_used[i])
			continue;
		fs_window_used[i] = 1;
		return (uint8_t *)(FS_DATA_BASE + i * FS_FILE_MAX);
	}
	return NULL;
}

static void fs_window_give(const uint8_t *w)
{
	fs_window_used[((uint64_t)w - FS_DATA_BASE) / FS_FILE_MAX] = 0;
}

/* Gives n its own writable data (a copy of what the initramfs had): 0 or -ENOSPC. */
static long fs_own(struct fs_node *n)
{
	uint8_t *w;

	if (n->owned)
		return 0;
	w = fs_window_take();
	if (!w)
		return -ENOSPC;
	if (native_space_map(KAGE_HANDLE_SELF_SPACE, (uint64_t)w, FS_FILE_MAX, KAGE_PROT_READ | KAGE_PROT_WRITE) < 0) {
		fs_window_give(w);
		return -ENOSPC;
	}
	if (n->size)
		memcpy(w, n->data, n->size);
	n->data = w;
	n->owned = 1;
	return 0;
}

long fs_truncate(struct fs_node *n, uint64_t size)
{
	long err = fs_own(n);

	if (err < 0)
		return err;
	if (size > FS_FILE_MAX)
		return -EFBIG;
	if (size < n->size) {
		/* Whole pages beyond the end go back; the tail of the last one is cleared. */
		uint64_t keep = (size + 4095) & ~4095ul;

		memset(n->data + size, 0, keep - size < n->size - size ? keep - size : n->size - size);
		if (keep < FS_FILE_MAX) {
			native_space_unmap(KAGE_HANDLE_SELF_SPACE, (uint64_t)n->data + keep, FS_FILE_MAX - keep);
			native_space_map(KAGE_HANDLE_SELF_SPACE, (uint64_t)n->data + keep, FS_FILE_MAX - keep,
					 KAGE_PROT_READ | KAGE_PROT_WRITE);
		}
	}
	n->size = size;
	return 0;
}

void fs_data_free(struct fs_node *n)
{
	if (n->owned) {
		native_space_unmap(KAGE_HANDLE_SELF_SPACE, (uint64_t)n->data, FS_FILE_MAX);
		fs_window_give(n->data);
	}
	n->owned = 0;
	n->data = NULL;
	n->size = 0;
}

long fs_file_write(const struct fs_call_ctx *c, struct fs_file *f, uint64_t buf, uint64_t len)
{
	struct fs_node *n = f->node;
	uint64_t off = (f->flags & O_APPEND) ? n->size : f->offset;
	long err = fs_own(n);

	if (err < 0)
		return err;
	if (off >= FS_FILE_MAX)
		return len ? -EFBIG : 0;
	if (len > FS_FILE_MAX - off)
		len = FS_FILE_MAX - off;
	if (len > KAGE_COPY_MAX)
		len = KAGE_COPY_MAX;
	if (native_caller_read(c->token, buf, n->data + off, len) < 0)
		return -EFAULT;
	if (off + len > n->size)
		n->size = off + len;
	f->offset = off + len;
	return (long)len;
}

long fs_data_fill(struct fs_node *n, uint64_t token, uint64_t va, uint64_t len)
{
	long err = fs_own(n);

	if (err < 0)
		return err;
	if (len > FS_FILE_MAX)
		return -EFBIG;
	for (uint64_t done = 0; done < len; done += KAGE_COPY_MAX) {
		uint64_t chunk = len - done < KAGE_COPY_MAX ? len - done : KAGE_COPY_MAX;

		if (native_caller_read(token, va + done, n->data + done, chunk) < 0)
			return -EFAULT;
	}
	n->size = len;
	return 0;
}

/*
 * The directory holding path's last component, and that component in
 * name: the directory, or NULL and *err. A directory in /proc (or a
 * gateway into it) is -EACCES: nothing there is the file server's to
 * change. A directory already removed is -ENOENT, as Linux answers for a
 * deleted working directory: an entry made there could never be reached.
 */
static struct fs_node *fs_parent(struct fs_node *at, const char *path, char *name, long *err)
{
	char dir[PROTO_PATH_MAX];
	size_t len = strlen(path);
	const char *slash;

	while (len > 1 && path[len - 1] == '/')
		len--;	/* "dir/" names dir */
	*err = !len ? -ENOENT : len >= sizeof(dir) ? -ENAMETOOLONG : 0;
	if (*err)
		return NULL;
	memcpy(dir, path, len);
	dir[len] = 0;
	slash = strrchr(dir, '/');
	if (strlen(slash ? slash + 1 : dir) > FS_NAME_MAX) {
		*err = -ENAMETOOLONG;
		return NULL;
	}
	strlcpy(name, slash ? slash + 1 : dir, FS_NAME_MAX + 1);
	if (slash)
		dir[slash - dir + (slash == dir)] = 0;	/* "/x" keeps "/" */
	at = slash ? fs_walk(at, dir, 0, NULL) : (at ? at : fs_root);
	if (!at || at->unlinked)
		*err = -ENOENT;
	else if ((at->mode & S_IFMT) != S_IFDIR)
		*err = -ENOTDIR;
	else if (at->gate)
		*err = -EACCES;
	else if (!name[0] || !strcmp(name, ".") || !strcmp(name, ".."))
		*err = -EEXIST;
	return *err ? NULL : at;
}

long fs_create(const struct fs_call_ctx *c, struct fs_node *at, const char *path, uint32_t mode,
	       struct fs_node **out)
{
	char name[FS_NAME_MAX + 1];
	long err;
	struct fs_node *dir = fs_parent(at, path, name, &err);

	if (!dir)
		return err;
	if (fs_child(dir, name, strlen(name)))
		return -EEXIST;
	*out = fs_new(dir, name, strlen(name), mode & ~c->t->umask);
	return *out ? 0 : -ENOSPC;
}

long fs_mkdirat(const struct fs_call_ctx *c, const uint64_t *a)
{
	char path[PROTO_PATH_MAX];
	struct fs_node *n;
	long err;
	struct fs_node *at = fs_start(c, (int64_t)a[0], a[1], path, &err);

	if (!at)
		return err;
	return fs_create(c, at, path, S_IFDIR | ((uint32_t)a[2] & S_IALLUGO), &n);
}

/* Whether unlinkat (rmdir with AT_REMOVEDIR) may remove n: 0, or why not. */
static long fs_removable(const struct fs_node *n, uint64_t flags)
{
	int dir = (n->mode & S_IFMT) == S_IFDIR;

	if (flags & AT_REMOVEDIR) {
		if (!dir)
			return -ENOTDIR;
		if (n->child)
			return -ENOTEMPTY;
	} else if (dir) {
		return -EISDIR;
	}
	return n == fs_root || n->pinned ? -EBUSY : 0;
}

long fs_unlinkat(const struct fs_call_ctx *c, const uint64_t *a)
{
	char path[PROTO_PATH_MAX], name[FS_NAME_MAX + 1];
	struct fs_node *dir, *n;
	long err;
	struct fs_node *at = fs_start(c, (int64_t)a[0], a[1], path, &err);

	if (!at)
		return err;
	dir = fs_parent(at, path, name, &err);
	if (!dir)
		return err == -EEXIST ? -EINVAL : err;
	n = fs_child(dir, name, strlen(name));
	if (!n)
		return -ENOENT;
	err = fs_removable(n, a[2]);
	if (err < 0)
		return err;
	fs_detach(n);	/* freed now, or at its last close */
	return 0;
}

/* True if a is d or one of d's ancestors: a directory cannot move into itself. */
static int fs_contains(const struct fs_node *a, const struct fs_node *d)
{
	for (; d != fs_root; d = d->parent)
		if (d == a)
			return 1;
	return a == fs_root;
}

/* Whether n may replace victim (the name it moves to): 0, or Linux's refusal. */
static long fs_replaceable(const struct fs_node *n, const struct fs_node *victim)
{
	int ndir = (n->mode & S_IFMT) == S_IFDIR, vdir = (victim->mode & S_IFMT) == S_IFDIR;

	if (victim->pinned)
		return -EBUSY;
	if (vdir && !ndir)
		return -EISDIR;
	if (vdir && victim->child)
		return -ENOTEMPTY;
	return !vdir && ndir ? -ENOTDIR : 0;
}

/* The two directories and names of a rename: 0, or -errno. */
static long fs_rename_ends(const struct fs_call_ctx *c, const uint64_t *a, struct fs_node **odir, char *oname,
			   struct fs_node **ndir, char *nname)
{
	char from[PROTO_PATH_MAX], to[PROTO_PATH_MAX];
	long err;
	struct fs_node *oat = fs_start(c, (int64_t)a[0], a[1], from, &err);
	struct fs_node *nat = oat ? fs_start(c, (int64_t)a[2], a[3], to, &err) : NULL;

	if (!nat)
		return err;
	*odir = fs_parent(oat, from, oname, &err);
	if (*odir)
		*ndir = fs_parent(nat, to, nname, &err);
	return err == -EEXIST ? -EBUSY : err;
}

long fs_renameat2(const struct fs_call_ctx *c, const uint64_t *a)
{
	char oname[FS_NAME_MAX + 1], nname[FS_NAME_MAX + 1];
	struct fs_node *odir = NULL, *ndir = NULL, *n, *victim;
	long err;

	if (a[4])
		return -EINVAL;	/* RENAME_NOREPLACE and friends: not yet */
	err = fs_rename_ends(c, a, &odir, oname, &ndir, nname);
	if (err < 0)
		return err;
	n = fs_child(odir, oname, strlen(oname));
	if (!n)
		return -ENOENT;
	if (n->pinned)
		return -EBUSY;
	if ((n->mode & S_IFMT) == S_IFDIR && fs_contains(n, ndir))
		return -EINVAL;
	victim = fs_child(ndir, nname, strlen(nname));
	if (victim == n)
		return 0;
	err = victim ? fs_replaceable(n, victim) : 0;
	if (err < 0)
		return err;
	if (victim)
		fs_detach(victim);
	n->nopen++;	/* keep it while it moves */
	fs_detach(n);
	strlcpy(n->name, nname, sizeof(n->name));
	fs_attach(ndir, n);
	n->nopen--;
	return 0;
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

/* chdir(path) and fchdir(fd); a path into /proc goes to the process server. */
long fs_chdir(const struct fs_call_ctx *c, const uint64_t *a, int by_fd)
{
	char path[PROTO_PATH_MAX];
	const char *rest;
	struct fs_node *n;
	long err;

	if (by_fd) {
		n = a[0] < FS_FDS && c->t->fd[a[0]] ? c->t->fd[a[0]]->node : NULL;
		if (!n)
			return -EBADF;
	} else {
		err = fs_path(c, a[0], path, sizeof(path));
		if (err < 0)
			return err;
		n = fs_walk(c->t->cwd, path, 0, &rest);
		if (n && n->gate)
			return fs_gate_forward(c, NR_chdir, a, n, (uint32_t)(rest - path));
		if (!n)
			return -ENOENT;
	}
	if ((n->mode & S_IFMT) != S_IFDIR)
		return -ENOTDIR;
	fs_set_cwd(c->t, n);
	return 0;
}

long fs_node_path(const struct fs_node *n, char *buf, size_t size)
{
	size_t pos = size - 1, len;

	if (n->procfs)
		return (long)strlcpy(buf, n->name, size);	/* a /proc node knows its whole path */
	buf[pos] = 0;
	for (; n != fs_root && n->parent != n; n = n->parent) {
		len = strlen(n->name);
		if (len + 1 > pos)
			return -ENAMETOOLONG;
		pos -= len;
		memcpy(buf + pos, n->name, len);
		buf[--pos] = '/';
	}
	if (pos == size - 1)
		buf[--pos] = '/';
	len = size - 1 - pos;
	memmove(buf, buf + pos, len + 1);	/* built from the end: move it to the start */
	return (long)len;
}

/* The working directory's absolute path, built from its name upwards. */
long fs_getcwd(const struct fs_call_ctx *c, const uint64_t *a)
{
	char buf[PROTO_PATH_MAX];
	const struct fs_node *n = c->t->cwd ? c->t->cwd : fs_root;
	long len;

	if (n->unlinked && !n->procfs)
		return -ENOENT;
	len = fs_node_path(n, buf, sizeof(buf));
	if (len < 0)
		return len;
	if (a[1] < (uint64_t)len + 1)
		return -ERANGE;
	if (native_caller_write(c->token, a[0], buf, (uint64_t)len + 1) < 0)
		return -EFAULT;
	return len + 1;
}
