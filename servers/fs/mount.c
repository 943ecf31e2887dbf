/*
 * Gateways: the places in the tree where another server's file system
 * begins. /proc is the process server's (servers/proc/procfs.h); /dev/fd
 * is a second gateway into it, standing for /proc/self/fd. A call whose
 * path walks through a gateway is forwarded to the process server
 * (PROC_OP_PROCFS) with the /proc directory the rest of its path starts
 * from, and answered there. What the process server then asks of this
 * server is here too: a descriptor (or a working directory) for the text
 * it made, a process's open descriptors, and what a /proc link to a file
 * here (exe, fd/N) opens, stats or reads as.
 *
 * Invariants: a gateway is a pinned directory node with `gate` set and no
 * children; a node made for an open of /proc (procfs) is outside the
 * tree, read-only, and freed at its last close; only a directory of /proc
 * has `gate` set among those.
 */
#include "lib/errno.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "servers/fs/fs_impl.h"

static struct fs_node *fs_proc_gate;	/* /proc */

/* A gateway at dir/name (an empty directory of the archive's is taken over): NULL when out of nodes. */
static struct fs_node *fs_mount(struct fs_node *dir, const char *name, uint64_t gate)
{
	struct fs_node *n = fs_child(dir, name, strlen(name));

	if (n && ((n->mode & S_IFMT) != S_IFDIR || n->child))
		return NULL;	/* the archive has one with content: leave it */
	if (!n)
		n = fs_new(dir, name, strlen(name), S_IFDIR | 0555);
	if (!n)
		return NULL;
	n->mode = S_IFDIR | 0555;
	n->gate = gate;
	n->pinned = 1;
	return n;
}

int fs_mount_init(void)
{
	struct fs_node *dev = fs_walk(fs_root, "dev", 0, NULL);

	fs_proc_gate = fs_mount(fs_root, "proc", proto_procfs_dir(PROTO_PROCFS_ROOT, 0));
	if (!fs_proc_gate)
		return -EEXIST;
	if (dev && (dev->mode & S_IFMT) == S_IFDIR && !fs_child(dev, "fd", 2))
		fs_mount(dev, "fd", proto_procfs_dir(PROTO_PROCFS_FD, 0));
	return 0;
}

int fs_gate_depth(const struct fs_node *n)
{
	return proto_procfs_depth(n->gate);
}

struct fs_node *fs_gate_exit(void)
{
	return fs_proc_gate ? fs_proc_gate->parent : fs_root;
}

/* Where a path call's path is (a[] index), and its arguments after the path start. */
static int fs_gate_path_arg(uint64_t nr)
{
	return nr == NR_chdir ? 0 : 1;
}

long fs_gate_forward(const struct fs_call_ctx *c, uint64_t nr, const uint64_t *a, const struct fs_node *gate,
		     uint32_t skip)
{
	int p = fs_gate_path_arg(nr);
	const uint64_t w[8] = { PROC_OP_PROCFS, c->badge, nr, proto_procfs_where(gate->gate, skip), a[p],
				a[p + 1], a[p + 2], a[p + 3] };

	if (fs_proc_ep < 0)
		return -ENOENT;
	return native_ipc_forward(c->token, fs_proc_ep, w) < 0 ? -EIO : FS_BLOCKED;
}

/* The table a process server operation names by key (w1), or NULL. */
static struct fs_fdtable *fs_proc_table(const struct kage_msg *m)
{
	return fs_table_of_key(m->w[1]);
}

/* A node outside the tree holding a /proc file's text (or a directory's entries) as the header says. */
static long fs_proc_node(uint64_t token, uint64_t va, uint64_t len, struct fs_node **out)
{
	struct proto_procfs_file h;
	struct fs_node *n;
	long err;

	if (len < sizeof(h) || native_caller_read(token, va, &h, sizeof(h)) < 0)
		return -EINVAL;
	h.path[sizeof(h.path) - 1] = 0;
	if ((h.mode & S_IFMT) != S_IFREG && (h.mode & S_IFMT) != S_IFDIR)
		return -EINVAL;
	n = fs_new(NULL, h.path, strlen(h.path), h.mode);
	if (!n)
		return -ENFILE;
	n->unlinked = 1;	/* freed at its last close */
	n->procfs = 1;
	n->procfs_ino = h.ino;
	n->gate = (h.mode & S_IFMT) == S_IFDIR ? h.dir : 0;
	err = fs_data_fill(n, token, va + sizeof(h), len - sizeof(h));
	if (err < 0) {
		fs_node_release(n);
		return err;
	}
	*out = n;
	return 0;
}

long fs_proc_open(uint64_t token, const struct kage_msg *m)
{
	const struct fs_call_ctx c = { fs_proc_table(m), token, 0 };
	struct fs_node *n;
	long r;

	if (!c.t)
		return -ESRCH;
	r = fs_proc_node(token, m->w[3], m->w[4], &n);
	if (r < 0)
		return r;
	if (m->w[2] == PROTO_PROCFS_CHDIR) {
		fs_set_cwd(c.t, n);
		return 0;
	}
	n->nopen++;	/* held across fs_open_node, which takes its own */
	r = fs_open_node(&c, n, m->w[2]);
	n->nopen--;
	fs_node_release(n);
	return r;
}

/* What a /proc link names: a path here (proc's memory), or a process's descriptor. */
static long fs_proc_target(uint64_t token, const struct kage_msg *m, struct fs_node **n, struct fs_file **f)
{
	char path[PROTO_PATH_MAX];
	struct fs_fdtable *t;
	uint64_t fd = (uint32_t)m->w[4];

	*n = NULL;
	*f = NULL;
	if (m->w[3] == PROTO_PROCFS_FDLINK) {
		t = fs_table_of_key(m->w[4] >> 32);
		*f = t && fd < FS_FDS ? t->fd[fd] : NULL;
		if (!*f)
			return -ENOENT;
		*n = (*f)->node;
		return 0;
	}
	if (native_read_string(token, KAGE_COPY_CALLER, m->w[4], path, sizeof(path)) < 0)
		return -EFAULT;
	*n = fs_walk(fs_root, path, 0, NULL);
	return *n && !(*n)->gate ? 0 : -ENOENT;
}

/* What a descriptor's link reads as: the file's path, "/dev/console", or "pipe:[N]". */
static long fs_proc_readlink(uint64_t token, const struct fs_node *n, const struct fs_file *f, uint64_t buf)
{
	char target[PROTO_PATH_MAX];
	long len;

	if (!n)
		len = fmt_snprintf(target, sizeof(target), "pipe:[%u]", fs_pipe_id(f));
	else if (n->procfs)
		len = (long)strlcpy(target, n->name, sizeof(target));
	else
		len = fs_node_path(n, target, sizeof(target));
	if (len < 0)
		len = fmt_snprintf(target, sizeof(target), "?");
	if (n && n->unlinked && !n->procfs && (size_t)len + 11 < sizeof(target))
		len += fmt_snprintf(target + len, sizeof(target) - (size_t)len, " (deleted)");
	return native_caller_write(token, buf, target, (uint64_t)len) < 0 ? -EFAULT : len;
}

/* The caller gets its own descriptor for what a link names: the same pipe end, or a new open of the file. */
static long fs_proc_reopen(const struct fs_call_ctx *c, struct fs_node *n, struct fs_file *f, uint64_t flags)
{
	long fd;

	if (n)
		return fs_open_node(c, n, flags);
	fd = fs_install_fd(c, f, 0, (flags & O_CLOEXEC) != 0);	/* kage keeps no separate open of a pipe */
	if (fd >= 0)
		f->refs++;
	return fd;
}

long fs_proc_link(uint64_t token, const struct kage_msg *m)
{
	const struct fs_call_ctx c = { fs_proc_table(m), token, 0 };
	struct fs_node *n;
	struct fs_file *f;
	long err;

	if (!c.t)
		return -ESRCH;
	err = fs_proc_target(token, m, &n, &f);
	if (err < 0)
		return err;
	switch (m->w[2]) {
	case PROTO_PROCFS_OPEN: return fs_proc_reopen(&c, n, f, m->w[5]);
	case PROTO_PROCFS_STAT: return fs_stat_node(&c, n, m->w[5], 0);
	case PROTO_PROCFS_STATX: return fs_stat_node(&c, n, m->w[5], 1);
	case PROTO_PROCFS_READLINK: return fs_proc_readlink(token, n, f, m->w[5]);
	case PROTO_PROCFS_CHDIR_TO:
		if (!n || (n->mode & S_IFMT) != S_IFDIR)
			return -ENOTDIR;
		fs_set_cwd(c.t, n);
		return 0;
	default: return -EINVAL;
	}
}

long fs_proc_fds(uint64_t token, const struct kage_msg *m, uint64_t out[5])
{
	const struct fs_fdtable *t = fs_proc_table(m);
	uint64_t map[FS_FDS / 64] = { 0 };

	if (!t)
		return -ESRCH;
	for (uint32_t fd = 0; fd < t->top; fd++)
		if (t->fd[fd])
			map[fd / 64] |= 1ull << (fd % 64);
	if (native_caller_write(token, m->w[2], map, sizeof(map)) < 0)
		return -EFAULT;
	out[1] = t->umask;
	return 0;
}
