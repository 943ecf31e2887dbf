/*
 * /proc/N/fd and /dev/fd: a directory of links per process, one per open
 * descriptor, named by its number. The descriptor tables are this
 * server's, not the process server's, so these directories are made
 * here rather than from the snapshots. Every /proc/N gets its fd
 * directory, empty, when a /proc path is looked up (procfs_redo); its
 * links are made when a walk passes through it (procfs_follow) or it is
 * listed, so `ls /proc/self/fd` sees the descriptor its own opendir took,
 * and only the processes someone looks at cost nodes and text slots.
 *
 * A link's target reads as on Linux: the file's path, "/dev/console", or
 * "pipe:[N]". Opening a link to a file or a device follows the path;
 * opening a pipe's link gives a new descriptor for the same pipe end (the
 * descriptor is duplicated: kage keeps no separate open of a pipe), which
 * is what shells need of /dev/fd/N for process substitution and for
 * redirections to /proc/self/fd/N. /dev/fd is a link to /proc/self/fd.
 *
 * Invariants: an fd directory is a procfs node named "fd" directly under
 * a /proc/N directory; its children are links only, removed when their
 * descriptor closes (or rewritten, as procfs_keep does, when it names
 * another file); the snapshot's sweep leaves fd directories alone.
 */
#include "lib/errno.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "servers/fs/fs_impl.h"

#define PROCFS_FD_LINK (FS_S_IFLNK | 0700)
#define PROCFS_FD_DIR (FS_S_IFDIR | 0500)

int procfs_fd_init(void)
{
	struct fs_node *dev = fs_walk(fs_root, "dev", 0), *n;

	if (!dev || (dev->mode & FS_S_IFMT) != FS_S_IFDIR || fs_child(dev, "fd", 2))
		return 0;	/* no /dev, or the initramfs has its own /dev/fd */
	if (!(n = procfs_new(dev, "fd", FS_S_IFLNK | 0777, "/proc/self/fd", 13)))
		return -ENOMEM;
	n->nopen++;	/* never freed */
	return 0;
}

int procfs_fd_is_dir(const struct fs_node *n)
{
	const struct fs_node *root = procfs_root();

	return n->procfs && (n->mode & FS_S_IFMT) == FS_S_IFDIR && strcmp(n->name, "fd") == 0 && root &&
	       n->parent != n && n->parent->parent == root;
}

/* A decimal number and nothing else, or -1. */
static long procfs_fd_number(const char *s)
{
	long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 1000000)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* What the link of f reads as: its length. */
static long procfs_fd_target(const struct fs_file *f, char *buf, size_t size)
{
	long len;

	if (f->pipe)
		return fmt_snprintf(buf, size, "pipe:[%u]", fs_pipe_id(f));
	if ((len = fs_node_path(f->node, buf, size)) < 0)
		return fmt_snprintf(buf, size, "?");
	if (f->node->unlinked && (size_t)len + 10 < size)
		len += fmt_snprintf(buf + len, size - (size_t)len, " (deleted)");
	return len;
}

/* The table of the process whose directory is pdir (/proc/N), or NULL. */
static struct fs_fdtable *procfs_fd_table(const struct fs_node *pdir)
{
	long pid = procfs_fd_number(pdir->name);
	uint64_t badge = pid > 0 ? procfs_badge_of((int32_t)pid) : 0;

	return badge ? fs_table_of(badge) : NULL;
}

/* One process's fd directory, made or brought up to date. */
static void procfs_fd_update(struct fs_node *pdir)
{
	struct fs_node *dir = fs_child(pdir, "fd", 2), *n, *next;
	struct fs_fdtable *t = procfs_fd_table(pdir);
	char name[12], target[256];
	long fd, len;

	if (dir && !procfs_fd_is_dir(dir))
		return;	/* not ours */
	if (!dir && (!t || !(dir = procfs_new(pdir, "fd", PROCFS_FD_DIR, 0, 0))))
		return;
	for (n = dir->child; n; n = next) {
		next = n->next;
		fd = procfs_fd_number(n->name);
		if (!t || fd < 0 || fd >= FS_FDS || !t->fd[fd])
			procfs_remove(n);
	}
	for (fd = 0; t && fd < (long)t->top; fd++) {
		if (!t->fd[fd])
			continue;
		fmt_snprintf(name, sizeof(name), "%ld", fd);
		len = procfs_fd_target(t->fd[fd], target, sizeof(target));
		if ((n = fs_child(dir, name, strlen(name))))
			n = procfs_keep(n, PROCFS_FD_LINK, target, (size_t)len);
		if (!n && !procfs_new(dir, name, PROCFS_FD_LINK, target, (size_t)len))
			return;	/* out of nodes: the listing is short */
	}
}

void procfs_fd_refresh(struct fs_node *dir)
{
	struct fs_node *root = procfs_root(), *p;

	if (dir) {
		if (procfs_fd_is_dir(dir))
			procfs_fd_update(dir->parent);
		return;
	}
	for (p = root ? root->child : NULL; p; p = p->next)
		if (p->procfs && (p->mode & FS_S_IFMT) == FS_S_IFDIR && procfs_fd_number(p->name) > 0 &&
		    !fs_child(p, "fd", 2) && procfs_fd_table(p))
			procfs_new(p, "fd", PROCFS_FD_DIR, 0, 0);	/* filled when looked into */
}

long procfs_readlink(const struct fs_call_ctx *c, const uint64_t *a)
{
	char path[256];
	long err = fs_path(c, a[1], path, sizeof(path));
	struct fs_node *at, *n;
	size_t len;

	if (err < 0)
		return err;
	if (!(at = fs_at(c, (int64_t)a[0], &err)))
		return err;
	if (!(n = procfs_walk_nofollow(at, path)))
		return -ENOENT;
	if ((n->mode & FS_S_IFMT) != FS_S_IFLNK || !n->data)
		return -EINVAL;
	if ((int64_t)a[3] <= 0)
		return -EINVAL;
	len = n->size < a[3] ? n->size : a[3];	/* truncated, without a NUL, as Linux does */
	return native_caller_write(c->token, a[2], n->data, len) < 0 ? -EFAULT : (long)len;
}

long procfs_fd_open(const struct fs_call_ctx *c, struct fs_node *at, const char *path, int cloexec)
{
	struct fs_node *n = procfs_redoing() ? procfs_walk_nofollow(at, path) : NULL;
	struct fs_fdtable *t;
	struct fs_file *f;
	long fd, r;

	if (!n || !n->procfs || (n->mode & FS_S_IFMT) != FS_S_IFLNK || n->parent == n ||
	    !procfs_fd_is_dir(n->parent))
		return -ENOENT;
	fd = procfs_fd_number(n->name);
	t = procfs_fd_table(n->parent->parent);
	if (!t || fd < 0 || fd >= FS_FDS || !(f = t->fd[fd]) || !f->pipe)
		return -ENOENT;
	if ((r = fs_install_fd(c, f, 0, cloexec)) >= 0)
		f->refs++;
	return r;
}
