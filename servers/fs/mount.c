/*
 * Gateways: the places in the tree where another server's file system
 * begins. /proc is the process server's (servers/proc/procfs.h). A call
 * whose path walks through a gateway is forwarded to the process server
 * (PROC_OP_PROCFS) with the /proc directory the rest of its path starts
 * from, and answered there. /dev/fd, /dev/stdin, /dev/stdout and
 * /dev/stderr are symbolic links into it, as on Linux. What the process
 * server then asks of this server is here too: the rest of a path that
 * links rewrote (held here, since the caller's memory does not have it),
 * a descriptor (or a working directory) for the text it made, a
 * process's open descriptors, and what a /proc link to a file here (exe,
 * fd/N) opens, stats or reads as.
 *
 * Invariants: a gateway is a pinned directory node with `gate` set and no
 * children; a node made for an open of /proc (procfs) is outside the
 * tree, read-only, and freed at its last close; only a directory of /proc
 * has `gate` set among those. A held path is on its table's list of waits
 * (FS_WAIT_PATH) from the forward until the process server takes it, the
 * thread calls again, or its process ends.
 */
#include "lib/errno.h"
#include "lib/fmt.h"
#include "lib/heap.h"
#include "lib/string.h"
#include "servers/fs/fs_impl.h"

static struct fs_node *fs_proc_gate;	/* /proc */

/* The rest of a path a link led into /proc, for the process server to take (FS_OP_PROC_PATH). */
struct fs_held_path {
	struct fs_wait w;		/* FS_WAIT_PATH */
	uint64_t id;			/* PROC_OP_PROCFS's w4 names it by this */
	size_t len;
	char path[];
};

static uint64_t fs_held_next = 1;

/* A gateway at dir/name (an empty directory of the archive's is taken over): NULL when out of nodes. */
static struct fs_node *fs_mount(struct fs_node *dir, const char *name, uint64_t gate)
{
	struct fs_node *n = fs_child(dir, name, strlen(name));

	if (n && (!fs_is(n, S_IFDIR) || n->nkids))
		return NULL;	/* the archive has one with content: leave it */
	if (!n)
		n = fs_new(dir, name, strlen(name), S_IFDIR | 0555);
	if (!n)
		return NULL;
	n->mode = S_IFDIR | 0555;
	n->gate = gate;
	n->pinned = 1;
	n->names->pinned = 1;
	return n;
}

/* A link dir/name -> target, unless the archive has that name: 0, or -ENOMEM. */
static long fs_link_into_proc(struct fs_node *dir, const char *name, const char *target)
{
	struct fs_node *n;
	long err;

	if (fs_child(dir, name, strlen(name)))
		return 0;
	n = fs_new(dir, name, strlen(name), S_IFLNK | 0777);
	if (!n)
		return -ENOMEM;
	err = fs_data_put(n, target, strlen(target));
	if (err < 0)
		fs_detach(n);
	return err < 0 ? -ENOMEM : 0;
}

int fs_mount_init(void)
{
	static const char *const links[][2] = {
		{ "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" }, { "stdout", "/proc/self/fd/1" },
		{ "stderr", "/proc/self/fd/2" },
	};
	struct fs_node *dev = fs_child(fs_root, "dev", 3);
	long err = 0;

	fs_proc_gate = fs_mount(fs_root, "proc", proto_procfs_dir(PROTO_PROCFS_ROOT, 0));
	if (!fs_proc_gate)
		return -EEXIST;
	for (size_t i = 0; dev && fs_is(dev, S_IFDIR) && !err && i < sizeof(links) / sizeof(links[0]); i++)
		err = fs_link_into_proc(dev, links[i][0], links[i][1]);
	return (int)err;
}

int fs_gate_depth(const struct fs_node *n)
{
	return proto_procfs_depth(n->gate);
}

struct fs_node *fs_gate_exit(void)
{
	return fs_proc_gate ? fs_node_dir(fs_proc_gate) : fs_root;
}

/* Where a path call's path is (a[] index), and its arguments after the path start. */
static int fs_gate_path_arg(uint64_t nr)
{
	return nr == NR_chdir ? 0 : 1;
}

/* path[0..len) held for the caller's thread until the process server takes it: the hold, or NULL. */
static struct fs_held_path *fs_hold_path(const struct fs_call_ctx *c, const char *path, size_t len)
{
	struct fs_held_path *h = heap_alloc(&fs_heap, sizeof(*h) + len + 1);

	if (!h)
		return NULL;
	h->id = fs_held_next++;
	h->len = len;
	memcpy(h->path, path, len);
	h->path[len] = 0;
	fs_wait_start(&h->w, c, FS_WAIT_PATH);
	return h;
}

void fs_held_path_drop(struct fs_wait *w)
{
	fs_wait_end(w);
	heap_free(&fs_heap, fs_container_of(w, struct fs_held_path, w));
}

long fs_gate_forward(const struct fs_call_ctx *c, uint64_t nr, const uint64_t *a, const struct fs_walk *walk)
{
	int p = fs_gate_path_arg(nr);
	uint64_t w[8] = { PROC_OP_PROCFS, c->badge, nr, proto_procfs_where(walk->node->gate, (uint32_t)walk->rest),
			  a[p], a[p + 1], a[p + 2], a[p + 3] };
	struct fs_held_path *h = NULL;

	if (fs_proc_ep < 0)
		return -ENOENT;
	if (walk->buf) {
		/* A link rewrote the path: the process server takes its rest from here, not from the caller. */
		h = fs_hold_path(c, walk->path + walk->rest, walk->len - walk->rest);
		if (!h)
			return -ENOMEM;
		w[3] = proto_procfs_where(walk->node->gate, PROTO_PROCFS_HELD);
		w[4] = h->id;
	}
	if (native_ipc_forward(c->token, fs_proc_ep, w) == 0)
		return FS_BLOCKED;
	if (h)
		fs_held_path_drop(&h->w);
	return -EIO;
}

/*
 * FS_OP_PROC_PATH: w1 the caller's key, w2 the number PROC_OP_PROCFS
 * gave, w3 a buffer of w4 bytes (proc's memory): the held path, with its
 * NUL, given up. Its length, -ENOENT (not held: the thread called again
 * or ended), or -ENAMETOOLONG.
 */
long fs_proc_path(uint64_t token, const struct kage_msg *m)
{
	struct fs_fdtable *t = fs_table_of_key(m->w[1]);
	long r = -ENOENT;

	for (struct fs_list *l = t ? t->waits.next : NULL; l && l != &t->waits; l = l->next) {
		struct fs_wait *w = fs_container_of(l, struct fs_wait, in_table);
		struct fs_held_path *h = fs_container_of(w, struct fs_held_path, w);

		if (w->kind != FS_WAIT_PATH || h->id != m->w[2])
			continue;
		r = h->len < m->w[4] ? (long)h->len : -ENAMETOOLONG;
		if (r >= 0 && native_caller_write(token, m->w[3], h->path, h->len + 1) < 0)
			r = -EFAULT;
		fs_held_path_drop(w);
		break;
	}
	return r;
}

/* A context for a process server operation on the table it names by key (w1): 0, or -ESRCH for none. */
static long fs_proc_ctx(struct fs_call_ctx *c, uint64_t token, const struct kage_msg *m)
{
	struct fs_fdtable *t = fs_table_of_key(m->w[1]);

	fs_ctx_init(c, t, token, 0);
	return t ? 0 : -ESRCH;
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
		return -ENOMEM;
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
	struct fs_call_ctx c;
	struct fs_node *n;
	long r = fs_proc_ctx(&c, token, m);

	if (r < 0)
		return r;
	r = fs_proc_node(token, m->w[3], m->w[4], &n);
	if (r < 0)
		return r;
	if (m->w[2] == PROTO_PROCFS_CHDIR) {
		fs_set_cwd(c.t, n);
		return 0;
	}
	n->nopen++;	/* held across fs_open_node, which takes its own */
	r = fs_open_node(&c, n, m->w[2], 0);
	n->nopen--;
	fs_node_release(n);
	return r;
}

/* What a /proc link names: a path here (proc's memory), or a process's descriptor. */
static long fs_proc_target(const struct fs_call_ctx *c, const struct kage_msg *m, struct fs_node **n,
			   struct fs_file **f)
{
	struct fs_fdtable *t;
	struct fs_walk w;
	long len;

	*n = NULL;
	*f = NULL;
	if (m->w[3] == PROTO_PROCFS_FDLINK) {
		t = fs_table_of_key(m->w[4] >> 32);
		*f = t ? fs_fd_file(t, (uint32_t)m->w[4]) : NULL;
		if (!*f)
			return -ENOENT;
		*n = (*f)->node;
		return 0;
	}
	len = fs_path(c, m->w[4], c->path);
	if (len < 0)
		return len == -ENAMETOOLONG ? len : -EFAULT;
	len = fs_walk(&w, fs_root, c->path, (size_t)len, 0);
	*n = w.node;
	fs_walk_done(&w);
	return len < 0 || (*n)->gate ? -ENOENT : 0;
}

/* What a descriptor's link reads as: the file's path, "/dev/console", or "pipe:[N]". */
static long fs_proc_readlink(const struct fs_call_ctx *c, const struct fs_node *n, const struct fs_file *f,
			     uint64_t buf)
{
	char *target = c->path2;
	long len;

	if (!n)
		len = fmt_snprintf(target, PROTO_PATH_MAX, "pipe:[%lu]", (unsigned long)fs_pipe_id(f));
	else if (n->procfs)
		len = (long)strlcpy(target, n->names->name, PROTO_PATH_MAX);
	else
		len = fs_node_path(n, target, PROTO_PATH_MAX);
	if (len < 0)
		len = fmt_snprintf(target, PROTO_PATH_MAX, "?");
	if (n && n->unlinked && !n->procfs && (size_t)len + 11 < PROTO_PATH_MAX)
		len += fmt_snprintf(target + len, PROTO_PATH_MAX - (size_t)len, " (deleted)");
	return native_caller_write(c->token, buf, target, (uint64_t)len) < 0 ? -EFAULT : len;
}

/*
 * The caller gets a descriptor of its own for what a link names: a new
 * open file description of the file, or of the pipe, with the flags it
 * asks, as Linux reopens. This call is the process server's, so it cannot
 * wait: a named pipe's end with no other end opens as with O_NONBLOCK
 * (a reader at once, a writer ENXIO), where Linux would wait.
 */
static long fs_proc_reopen(const struct fs_call_ctx *c, struct fs_node *n, struct fs_file *f, uint64_t flags)
{
	return n ? fs_open_node(c, n, flags, 0) : fs_pipe_reopen(c, f->pipe, (uint32_t)flags);
}

long fs_proc_link(uint64_t token, const struct kage_msg *m)
{
	struct fs_call_ctx c;
	struct fs_node *n;
	struct fs_file *f;
	long err = fs_proc_ctx(&c, token, m);

	if (err < 0)
		return err;
	err = fs_proc_target(&c, m, &n, &f);
	if (err < 0)
		return err;
	switch (m->w[2]) {
	case PROTO_PROCFS_OPEN: return fs_proc_reopen(&c, n, f, m->w[5]);
	case PROTO_PROCFS_STAT: return fs_stat_node(&c, n, m->w[5], 0);
	case PROTO_PROCFS_STATX: return fs_stat_node(&c, n, m->w[5], 1);
	case PROTO_PROCFS_READLINK: return fs_proc_readlink(&c, n, f, m->w[5]);
	case PROTO_PROCFS_CHDIR_TO:
		if (!n || (n->mode & S_IFMT) != S_IFDIR)
			return -ENOTDIR;
		fs_set_cwd(c.t, n);
		return 0;
	default: return -EINVAL;
	}
}

/*
 * FS_OP_PROC_FDS: w2 a bitmap (proc's memory) of w3 bits for the
 * descriptors from w4 on (both multiples of 64): the process's open ones.
 * Its answer: w1 the umask, w2 one past the highest open descriptor (so
 * the caller knows whether to ask for more), w3 the table's slots.
 */
long fs_proc_fds(uint64_t token, const struct kage_msg *m, uint64_t out[5])
{
	const struct fs_fdtable *t = fs_table_of_key(m->w[1]);
	uint64_t map[16], bits = m->w[3], first = m->w[4], n;

	if (!t)
		return -ESRCH;
	if ((bits | first) % 64 || first > LINUX_NR_OPEN)
		return -EINVAL;
	for (uint64_t done = 0; done < bits; done += n) {
		n = bits - done < 64 * 16 ? bits - done : 64 * 16;
		fs_table_fds(t, map, first + done, n);
		if (native_caller_write(token, m->w[2] + done / 8, map, n / 8) < 0)
			return -EFAULT;
	}
	out[1] = t->umask;
	out[2] = t->top;
	out[3] = t->cap;
	return 0;
}
