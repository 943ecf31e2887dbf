/*
 * The calls that change the namespace (create, mkdir, unlink, rename) or
 * move in it (chdir, getcwd). Nothing is made, removed or renamed in
 * /proc or over a gateway into it. What may fail for want of memory is
 * done before anything changes, so a refused call leaves the tree as it
 * was.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/fs/fs_impl.h"

/* A path's last component: where it starts in the path, its length, and whether a "/" followed it. */
struct fs_last {
	const char *name;
	size_t len;
	int slash;
};

/* The directory (dir, when there is one) and last component of path[0..len), a trailing "/" dropped. */
static void fs_split(const char *path, size_t *len, size_t *dirlen, struct fs_last *last)
{
	size_t slash, full = *len;

	while (*len > 1 && path[*len - 1] == '/')
		(*len)--;	/* "dir/" names dir */
	last->slash = *len < full;
	for (slash = *len; slash > 0 && path[slash - 1] != '/'; slash--)
		;
	last->name = path + slash;
	last->len = *len - slash;
	*dirlen = slash > 1 ? slash - 1 : slash;	/* "/x" keeps "/" */
}

/* A directory new entries may be made in: 0, or why not (the checks of fs_parent). */
static long fs_dir_open_for_entries(const struct fs_node *dir)
{
	if (dir->unlinked)
		return -ENOENT;
	if (!fs_is(dir, S_IFDIR))
		return -ENOTDIR;
	return dir->gate ? -EACCES : 0;
}

/*
 * The directory holding path's last component, and that component in
 * *last (never a link followed: the calls that change names act on the
 * link itself): the directory, or NULL and *err. A directory in /proc
 * (or a gateway into it) is -EACCES: nothing there is the file server's
 * to change. A directory already removed is -ENOENT, as Linux answers
 * for a deleted working directory: an entry made there could never be
 * reached.
 */
static struct fs_node *fs_parent(struct fs_node *at, const char *path, struct fs_last *last, long *err)
{
	size_t len = strlen(path), dirlen;
	struct fs_node *dir = at ? at : fs_root;
	struct fs_walk w;

	fs_split(path, &len, &dirlen, last);
	*err = !len ? -ENOENT : last->len > FS_NAME_MAX ? -ENAMETOOLONG : 0;
	if (!*err && dirlen) {
		*err = fs_walk(&w, at, path, dirlen, 0);
		dir = w.node;
		fs_walk_done(&w);
	}
	if (*err)
		return NULL;
	*err = fs_dir_open_for_entries(dir);
	if (*err)
		return NULL;
	if (!last->len || (last->len == 1 && last->name[0] == '.') ||
	    (last->len == 2 && last->name[0] == '.' && last->name[1] == '.'))
		*err = -EEXIST;
	return *err ? NULL : dir;
}

long fs_make(const struct fs_call_ctx *c, struct fs_node *dir, const char *name, size_t len, uint32_t mode,
	     struct fs_node **out)
{
	long err = fs_dir_open_for_entries(dir);

	if (err < 0)
		return err;
	if (fs_child(dir, name, len))
		return -EEXIST;
	if ((mode & S_IFMT) != S_IFLNK)
		mode &= ~c->t->umask;	/* a link's mode is always 0777, as Linux's */
	*out = fs_new(dir, name, len, mode);
	return *out ? 0 : -ENOSPC;	/* tmpfs's answer when it has no memory for an inode */
}

/*
 * A new entry of the path's directory, named by its last component, of
 * mode (less the umask): 0 and *out, or -errno. A trailing "/" asks for
 * a directory: for anything else it is -EEXIST if the name is taken,
 * else -ENOENT, as Linux answers.
 */
static long fs_create(const struct fs_call_ctx *c, struct fs_node *at, const char *path, uint32_t mode,
		      struct fs_node **out)
{
	struct fs_last last;
	long err;
	struct fs_node *dir = fs_parent(at, path, &last, &err);

	if (!dir)
		return err;
	if (last.slash && (mode & S_IFMT) != S_IFDIR)
		return fs_child(dir, last.name, last.len) ? -EEXIST : -ENOENT;
	return fs_make(c, dir, last.name, last.len, mode, out);
}

long fs_mkdirat(const struct fs_call_ctx *c, const uint64_t *a)
{
	struct fs_node *n;
	long err;
	struct fs_node *at = fs_start(c, (int64_t)a[0], a[1], c->path, &err);

	if (!at)
		return err;
	return fs_create(c, at, c->path, S_IFDIR | ((uint32_t)a[2] & S_IALLUGO), &n);
}

/*
 * mknodat(dirfd, path, mode, dev): a named pipe (S_IFIFO), an empty
 * regular file (S_IFREG, or no type), or a socket's name (S_IFSOCK: it
 * opens as ENXIO, as Linux's unbound one), its permissions less the
 * umask. A directory is EPERM and an unknown type EINVAL, as Linux checks
 * before the path. Devices (S_IFCHR, S_IFBLK) are EPERM: kage has no
 * device numbers to give a node (its devices are the file server's own
 * nodes in /dev), so it answers as Linux does a caller without
 * CAP_MKNOD, after the same checks of the name.
 */
long fs_mknodat(const struct fs_call_ctx *c, const uint64_t *a)
{
	uint32_t type = (uint32_t)a[2] & S_IFMT, perm = (uint32_t)a[2] & S_IALLUGO;
	struct fs_last last;
	struct fs_node *n, *dir;
	long err;
	struct fs_node *at = fs_start(c, (int64_t)a[0], a[1], c->path, &err);

	if (!at)
		return err;
	if (!type)
		type = S_IFREG;
	if (type == S_IFDIR)
		return -EPERM;
	if (type != S_IFREG && type != S_IFIFO && type != S_IFSOCK && type != S_IFCHR && type != S_IFBLK)
		return -EINVAL;
	if (type != S_IFCHR && type != S_IFBLK)
		return fs_create(c, at, c->path, type | perm, &n);
	dir = fs_parent(at, c->path, &last, &err);
	if (!dir)
		return err;
	if (fs_child(dir, last.name, last.len))
		return -EEXIST;
	return last.slash ? -ENOENT : -EPERM;
}

/*
 * symlinkat(target, dirfd, path): a link holding target as its data
 * (st_size its length). The target is not looked at: it may name nothing
 * yet. An empty one is -ENOENT and one of PATH_MAX bytes or more
 * -ENAMETOOLONG, as Linux's getname answers.
 */
long fs_symlinkat(const struct fs_call_ctx *c, const uint64_t *a)
{
	struct fs_node *n;
	long err, len = fs_path(c, a[0], c->path2);
	struct fs_node *at = len < 0 ? NULL : fs_start(c, (int64_t)a[1], a[2], c->path, &err);

	if (len < 0)
		return len;
	if (!len)
		return -ENOENT;
	if (!at)
		return err;
	err = fs_create(c, at, c->path, S_IFLNK | 0777, &n);
	if (err < 0)
		return err;
	err = fs_data_put(n, c->path2, (uint64_t)len);
	if (err < 0)
		fs_detach(n);	/* as if never made */
	return err;
}

/* Whether n may have one more name: 0, or Linux's refusal (vfs_link's, and EXDEV for /proc and pipes). */
static long fs_linkable(const struct fs_node *n)
{
	if (!n || n->procfs)
		return -EXDEV;	/* /proc's, or a pipe2 pipe's: another file system's */
	if (fs_is(n, S_IFDIR))
		return -EPERM;
	if (n->unlinked)
		return -ENOENT;	/* an open file whose names are all gone (AT_EMPTY_PATH) */
	return n->nnames == UINT32_MAX ? -EMLINK : 0;
}

/*
 * linkat(olddirfd, oldpath, newdirfd, newpath, flags): one more name for
 * a file, which the file then has as its own (st_nlink counts them; its
 * data goes with its last name and last close). The old path's last link
 * is followed with AT_SYMLINK_FOLLOW only, else the link itself gets the
 * name, as on Linux; AT_EMPTY_PATH names olddirfd's file (every process
 * is root, which Linux lets do it). The new name is made as mknodat's.
 */
long fs_linkat(const struct fs_call_ctx *c, const uint64_t *a)
{
	uint64_t follow = (a[4] & AT_SYMLINK_FOLLOW) ? 0 : AT_SYMLINK_NOFOLLOW;
	struct fs_node *n, *dir, *at;
	struct fs_last last;
	long err;

	if (a[4] & ~(uint64_t)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = fs_lookup_at(c, a, (a[4] & AT_EMPTY_PATH) | follow, &n, FS_GATE_NODE);	/* /proc's: n NULL */
	if (err < 0)
		return err;
	at = fs_start(c, (int64_t)a[2], a[3], c->path2, &err);
	dir = at ? fs_parent(at, c->path2, &last, &err) : NULL;
	if (!dir)
		return err == -EACCES ? -EXDEV : err;	/* a name in /proc: another file system */
	if (fs_entry(dir, last.name, last.len))
		return -EEXIST;
	if (last.slash)
		return -ENOENT;	/* "name/" asks for a directory, which a link never makes */
	err = fs_linkable(n);
	if (err == 0)
		err = fs_link(dir, last.name, last.len, n);
	return err == -ENOMEM ? -ENOSPC : err;	/* tmpfs's answer when it has no memory for a name */
}

/* Whether unlinkat (rmdir with AT_REMOVEDIR) may remove name d: 0, or why not. */
static long fs_removable(const struct fs_dentry *d, uint64_t flags)
{
	const struct fs_node *n = d->node;
	int dir = fs_is(n, S_IFDIR);

	if (flags & AT_REMOVEDIR) {
		if (!dir)
			return -ENOTDIR;
		if (n->nkids)
			return -ENOTEMPTY;
	} else if (dir) {
		return -EISDIR;
	}
	return n == fs_root || d->pinned ? -EBUSY : 0;
}

long fs_unlinkat(const struct fs_call_ctx *c, const uint64_t *a)
{
	struct fs_last last;
	struct fs_node *dir;
	struct fs_dentry *d;
	long err;
	struct fs_node *at = fs_start(c, (int64_t)a[0], a[1], c->path, &err);

	if (!at)
		return err;
	dir = fs_parent(at, c->path, &last, &err);
	if (!dir)
		return err == -EEXIST ? -EINVAL : err;
	d = fs_entry(dir, last.name, last.len);
	if (!d)
		return -ENOENT;
	if (last.slash && !(a[2] & AT_REMOVEDIR))
		return fs_is(d->node, S_IFDIR) ? -EISDIR : -ENOTDIR;	/* "name/" is a directory's name, as Linux reads it */
	err = fs_removable(d, a[2]);
	if (err < 0)
		return err;
	fs_touch(dir, FS_TIME_MC);
	fs_touch(d->node, FS_TIME_C);
	fs_unlink(d);	/* its node goes now, or at its last close, when this was its last name */
	return 0;
}

/* True if a is d or one of d's ancestors: a directory cannot move into itself. */
static int fs_contains(const struct fs_node *a, const struct fs_node *d)
{
	for (; d != fs_root; d = fs_node_dir(d))
		if (d == a)
			return 1;
	return a == fs_root;
}

/* Whether n may replace name victim (the name it moves to): 0, or Linux's refusal. */
static long fs_replaceable(const struct fs_node *n, const struct fs_dentry *victim)
{
	int ndir = fs_is(n, S_IFDIR), vdir = fs_is(victim->node, S_IFDIR);

	if (victim->pinned)
		return -EBUSY;
	if (vdir && !ndir)
		return -EISDIR;
	if (vdir && victim->node->nkids)
		return -ENOTEMPTY;
	return !vdir && ndir ? -ENOTDIR : 0;
}

/* The two directories and last components of a rename: 0, or -errno. */
static long fs_rename_ends(const struct fs_call_ctx *c, const uint64_t *a, struct fs_node **odir,
			   struct fs_last *oname, struct fs_node **ndir, struct fs_last *nname)
{
	long err;
	struct fs_node *oat = fs_start(c, (int64_t)a[0], a[1], c->path, &err);
	struct fs_node *nat = oat ? fs_start(c, (int64_t)a[2], a[3], c->path2, &err) : NULL;

	if (!nat)
		return err;
	*odir = fs_parent(oat, c->path, oname, &err);
	if (*odir)
		*ndir = fs_parent(nat, c->path2, nname, &err);
	return err == -EEXIST ? -EBUSY : err;
}

long fs_renameat2(const struct fs_call_ctx *c, const uint64_t *a)
{
	struct fs_last oname, nname;
	struct fs_node *odir = NULL, *ndir = NULL, *n;
	struct fs_dentry *d, *victim;
	long err;

	if (a[4] & ~(uint64_t)RENAME_NOREPLACE)
		return -EINVAL;	/* RENAME_EXCHANGE and RENAME_WHITEOUT: not kept */
	err = fs_rename_ends(c, a, &odir, &oname, &ndir, &nname);
	if (err < 0)
		return err;
	d = fs_entry(odir, oname.name, oname.len);
	if (!d)
		return -ENOENT;
	n = d->node;
	if (d->pinned)
		return -EBUSY;
	if (!fs_is(n, S_IFDIR) && (oname.slash || nname.slash))
		return -ENOTDIR;	/* "name/" is a directory's name */
	if (fs_is(n, S_IFDIR) && fs_contains(n, ndir))
		return -EINVAL;
	victim = fs_entry(ndir, nname.name, nname.len);
	if (victim && (a[4] & RENAME_NOREPLACE))
		return -EEXIST;
	if (victim && victim->node == n)
		return 0;	/* two names of one file (or the same name): as Linux, nothing is done */
	err = victim ? fs_replaceable(n, victim) : 0;
	if (err == 0)
		err = fs_move(d, ndir, nname.name, nname.len, victim);
	if (err < 0)
		return err;
	fs_touch(odir, FS_TIME_MC);
	fs_touch(ndir, FS_TIME_MC);
	fs_touch(n, FS_TIME_C);
	return 0;
}

/* chdir(path) and fchdir(fd); a path into /proc goes to the process server. */
long fs_chdir(const struct fs_call_ctx *c, const uint64_t *a, int by_fd)
{
	struct fs_file *f;
	struct fs_node *n = NULL;
	struct fs_walk w;
	long err;

	if (by_fd) {
		f = fs_fd_file(c->t, a[0]);
		n = f ? f->node : NULL;
		if (!n)
			return -EBADF;
	} else {
		err = fs_path(c, a[0], c->path);
		if (err <= 0)
			return err < 0 ? err : -ENOENT;
		err = fs_walk(&w, c->t->cwd, c->path, (size_t)err, 0);
		n = w.node;
		if (err == 0 && n->gate)
			err = fs_gate_forward(c, NR_chdir, a, &w);
		fs_walk_done(&w);
		if (err < 0 || n->gate)
			return err;
	}
	if (!fs_is(n, S_IFDIR))
		return -ENOTDIR;
	fs_set_cwd(c->t, n);
	return 0;
}

long fs_entry_path(const struct fs_dentry *d, char *buf, size_t size)
{
	size_t pos = size - 1, len;

	if (d->node->procfs)
		return (long)strlcpy(buf, d->name, size);	/* a /proc node's name is its whole path */
	buf[pos] = 0;
	for (; d->dir; d = d->dir->names) {
		len = d->len;
		if (len + 1 > pos)
			return -ENAMETOOLONG;
		pos -= len;
		memcpy(buf + pos, d->name, len);
		buf[--pos] = '/';
	}
	if (pos == size - 1)
		buf[--pos] = '/';
	len = size - 1 - pos;
	memmove(buf, buf + pos, len + 1);	/* built from the end: move it to the start */
	return (long)len;
}

long fs_node_path(const struct fs_node *n, char *buf, size_t size)
{
	return fs_entry_path(n->names, buf, size);
}

/* The working directory's absolute path, built from its name upwards. */
long fs_getcwd(const struct fs_call_ctx *c, const uint64_t *a)
{
	const struct fs_node *n = c->t->cwd ? c->t->cwd : fs_root;
	long len;

	if (n->unlinked && !n->procfs)
		return -ENOENT;
	len = fs_node_path(n, c->path, PROTO_PATH_MAX);
	if (len < 0)
		return len;
	if (a[1] < (uint64_t)len + 1)
		return -ERANGE;
	if (native_caller_write(c->token, a[0], c->path, (uint64_t)len + 1) < 0)
		return -EFAULT;
	return len + 1;
}
