/*
 * /proc in the file server: an ordinary, read-only subtree of the tree,
 * whose content the process server sends as snapshots of its table
 * (servers/protocol.h). A process's path call under /proc is not served
 * at once: it goes to the process server (PROC_OP_PROCFS), which sends a
 * snapshot if its table changed and forwards the call back
 * (FS_OP_PROC_REDO); then it is served here, on the fresh tree, like any
 * other. Opening, reading, fstat and getdents need nothing of their own.
 *
 * A snapshot updates the tree in place: a file whose text did not change
 * stays as it is, one nobody has open is rewritten, and one still open
 * is unlinked (its readers keep reading the old text, as with any
 * unlinked file) and replaced. /proc and /proc/self are never replaced,
 * so a directory handle on /proc sees processes come and go.
 *
 * Text lives in slots of this file (procfs_text), one per file node; a
 * slot is taken while its node points at it, so it goes with the node.
 * /proc/self is a link whose target depends on who looks: the walk
 * (fs_walk) asks procfs_follow, which knows the badge of the call being
 * redone and the process that badge belongs to. Links are followed
 * everywhere but at the end of an lstat's path.
 */
#include "lib/errno.h"
#include "lib/fmt.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/fs/fs_impl.h"

#define PROCFS_NODES 512	/* files under /proc; a snapshot's excess is left out */
#define PROCFS_LINK_DEPTH 4	/* links followed within one walk */
#define AT_FDCWD -100
#define AT_SYMLINK_NOFOLLOW 0x100

static struct fs_node *procfs_dir, *procfs_self_link;
static long procfs_proc_ep = -1;
static struct fs_node *procfs_owner[PROCFS_NODES];	/* slot i: the node showing procfs_text[i] */
static char procfs_text[PROCFS_NODES][PROTO_PROCFS_TEXT];
static int32_t procfs_self[PROTO_CLIENTS];	/* by badge, from the last snapshot */
static uint64_t procfs_client;			/* the badge of the call being redone, 0 if none */
static uint8_t procfs_nofollow;			/* and it is a stat of the link itself (lstat) */
static uint8_t procfs_snap[PROTO_PROCFS_MAX] __attribute__((aligned(8)));
static uint8_t procfs_seen[FS_NODES];		/* listed by the snapshot being applied */
static int procfs_depth;

static int procfs_is(const struct fs_node *n, uint32_t type)
{
	return (n->mode & FS_S_IFMT) == type;
}

int procfs_init(long proc_ep)
{
	procfs_proc_ep = proc_ep;
	procfs_dir = fs_child(fs_root, "proc", 4);
	if (procfs_dir && (!procfs_is(procfs_dir, FS_S_IFDIR) || procfs_dir->child))
		return -EEXIST;	/* the initramfs has a /proc of its own: leave it */
	if (!procfs_dir && !(procfs_dir = fs_new(fs_root, "proc", 4, FS_S_IFDIR | 0555)))
		return -ENOMEM;
	procfs_dir->mode = FS_S_IFDIR | 0555;
	procfs_dir->procfs = 1;
	procfs_dir->nopen++;	/* never freed */
	if (!(procfs_self_link = fs_new(procfs_dir, "self", 4, FS_S_IFLNK | 0777)))
		return -ENOMEM;
	procfs_self_link->procfs = 1;
	procfs_self_link->nopen++;
	return procfs_fd_init();
}

uint64_t procfs_badge_of(int32_t pid)
{
	for (uint64_t b = 1; b < PROTO_CLIENTS; b++)
		if (procfs_self[b] == pid && fs_table_of(b))
			return b;
	return 0;
}

struct fs_node *procfs_root(void)
{
	return procfs_dir;
}

int procfs_redoing(void)
{
	return procfs_client != 0;
}

struct fs_node *procfs_walk_nofollow(struct fs_node *at, const char *path)
{
	uint8_t was = procfs_nofollow;
	struct fs_node *n;

	procfs_nofollow = 1;
	n = fs_walk(at, path, 0);
	procfs_nofollow = was;
	return n;
}

/* Out of the tree with everything under it (freed now, or at the last close). */
void procfs_remove(struct fs_node *n)
{
	while (n->child)
		procfs_remove(n->child);
	fs_detach(n);
}

static int procfs_slot(void)
{
	for (int i = 0; i < PROCFS_NODES; i++) {
		const struct fs_node *n = procfs_owner[i];

		if (!n || !n->mode || n->data != (uint8_t *)procfs_text[i])
			return i;
	}
	return -1;
}

static void procfs_fill(struct fs_node *n, const char *text, size_t len)
{
	memcpy(n->data, text, len);
	n->data[len] = 0;	/* a link's target is read as a string */
	n->size = len;
}

/* A new node under dir; files get a text slot. NULL when nodes or slots ran out. */
struct fs_node *procfs_new(struct fs_node *dir, const char *name, uint32_t mode, const char *text,
				  size_t len)
{
	int slot = (mode & FS_S_IFMT) == FS_S_IFDIR ? -1 : procfs_slot();
	struct fs_node *n;

	if ((mode & FS_S_IFMT) != FS_S_IFDIR && slot < 0)
		return NULL;
	if (!(n = fs_new(dir, name, strlen(name), mode)))
		return NULL;
	n->procfs = 1;
	if (slot >= 0) {
		procfs_owner[slot] = n;
		n->data = (uint8_t *)procfs_text[slot];
		procfs_fill(n, text, len);
	}
	return n;
}

/* The node a record names now: n as it is, rewritten, or NULL where a new one must go. */
struct fs_node *procfs_keep(struct fs_node *n, uint32_t mode, const char *text, size_t len)
{
	if (!n->procfs || ((n->mode ^ mode) & FS_S_IFMT)) {
		procfs_remove(n);
		return NULL;
	}
	if (procfs_is(n, FS_S_IFDIR) || (n->size == len && memcmp(n->data, text, len) == 0))
		return n;
	if (n->nopen) {
		procfs_remove(n);	/* its readers keep the old text */
		return NULL;
	}
	procfs_fill(n, text, len);
	return n;
}

/* One record of a snapshot: 0, or -ENOSPC if it could not be shown. */
static long procfs_put(const struct proto_procfs_rec *r, const char *text)
{
	char path[sizeof(r->path)];
	struct fs_node *dir = procfs_dir, *n;
	const char *name = path, *slash;

	memcpy(path, r->path, sizeof(path));
	path[sizeof(path) - 1] = 0;
	if ((slash = strchr(path, '/'))) {
		dir = fs_child(procfs_dir, path, (size_t)(slash - path));
		if (!dir || !dir->procfs || !procfs_is(dir, FS_S_IFDIR) || strchr(slash + 1, '/'))
			return 0;	/* its directory was left out */
		name = slash + 1;
	}
	if (!*name || !strcmp(name, ".") || !strcmp(name, "..") || (dir == procfs_dir && !strcmp(name, "self")))
		return 0;
	if ((n = fs_child(dir, name, strlen(name))))
		n = procfs_keep(n, r->mode, text, r->len);
	if (!n && !(n = procfs_new(dir, name, r->mode, text, r->len)))
		return -ENOSPC;
	procfs_seen[fs_node_index(n)] = 1;
	return 0;
}

/* Removes what the snapshot did not list (process directories only if it lists processes). */
static void procfs_sweep(int processes)
{
	struct fs_node *n, *next, *c, *cnext;

	for (n = procfs_dir->child; n; n = next) {
		next = n->next;
		if (n == procfs_self_link || (procfs_is(n, FS_S_IFDIR) && !processes))
			continue;
		if (!procfs_seen[fs_node_index(n)]) {
			procfs_remove(n);
			continue;
		}
		for (c = n->child; c; c = cnext) {
			cnext = c->next;
			if (!procfs_seen[fs_node_index(c)] && !procfs_fd_is_dir(c))
				procfs_remove(c);
		}
	}
}

/* Whether the records fit in len bytes, each with its text. */
static int procfs_valid(const struct proto_procfs_head *h, size_t len)
{
	size_t off = sizeof(*h);

	for (uint32_t i = 0; i < h->nrec; i++) {
		const struct proto_procfs_rec *r = (const void *)(procfs_snap + off);
		uint32_t type;

		if (off > len || len - off < sizeof(*r) || r->len >= PROTO_PROCFS_TEXT ||
		    len - off - sizeof(*r) < r->len)
			return 0;
		type = r->mode & FS_S_IFMT;
		if (type != FS_S_IFREG && type != FS_S_IFDIR && type != FS_S_IFLNK)
			return 0;
		off += (sizeof(*r) + r->len + 7) & ~7ul;
	}
	return 1;
}

long procfs_snapshot(uint64_t token, uint64_t va, uint64_t len)
{
	const struct proto_procfs_head *h = (const void *)procfs_snap;
	size_t off = sizeof(*h);
	long err = 0;

	if (!procfs_dir)
		return -ENOENT;
	if (len < sizeof(*h) || len > sizeof(procfs_snap))
		return -EINVAL;
	if (native_caller_read(token, va, procfs_snap, len) < 0)
		return -EFAULT;
	if (!procfs_valid(h, len))
		return -EINVAL;
	memcpy(procfs_self, h->self, sizeof(procfs_self));
	memset(procfs_seen, 0, sizeof(procfs_seen));
	for (uint32_t i = 0; i < h->nrec; i++) {
		const struct proto_procfs_rec *r = (const void *)(procfs_snap + off);

		if (procfs_put(r, (const char *)(r + 1)) < 0)
			err = -ENOSPC;
		off += (sizeof(*r) + r->len + 7) & ~7ul;
	}
	procfs_sweep((h->flags & PROTO_PROCFS_PROCESSES) != 0);
	return err;
}

struct fs_node *procfs_follow(struct fs_node *n, int last)
{
	char name[12];
	struct fs_node *to;
	int32_t pid;

	if (n && n->procfs && procfs_is(n, FS_S_IFDIR))
		procfs_fd_refresh(n);	/* an fd directory is filled as a walk enters it */
	if (!n || !n->procfs || !procfs_is(n, FS_S_IFLNK) || (last && procfs_nofollow))
		return n;
	if (n == procfs_self_link) {
		pid = procfs_client < PROTO_CLIENTS ? procfs_self[procfs_client] : 0;
		if (pid <= 0)
			return NULL;
		fmt_snprintf(name, sizeof(name), "%d", pid);
		return fs_child(procfs_dir, name, strlen(name));
	}
	if (!n->data || procfs_depth >= PROCFS_LINK_DEPTH)
		return NULL;
	procfs_depth++;
	to = fs_walk(fs_root, (const char *)n->data, 0);
	procfs_depth--;
	return to;
}

/* Whether the path at va, from dirfd, starts in /proc (".." past it is not looked at). */
static int procfs_names(const struct fs_call_ctx *c, uint64_t dirfd, uint64_t va)
{
	char path[256];
	const char *s = path;
	struct fs_node *at;
	long err;

	if (!procfs_dir || fs_path(c, va, path, sizeof(path)) < 0 || !path[0])
		return 0;	/* "" with AT_EMPTY_PATH names dirfd itself, which is served as usual */
	if (path[0] == '/')
		at = fs_root;
	else if (!(at = fs_at(c, (int64_t)dirfd, &err)))
		return 0;	/* served as usual, which reports the error */
	if (at->procfs)
		return 1;
	while (*s == '/')
		s++;
	if (at == fs_root && strncmp(s, "dev/fd", 6) == 0 && (s[6] == '/' || !s[6]))
		return 1;	/* a link into /proc/self */
	return at == fs_root && strncmp(s, "proc", 4) == 0 && (s[4] == '/' || !s[4]);
}

long procfs_divert(const struct fs_call_ctx *c, uint64_t badge, uint64_t nr, const uint64_t *a)
{
	const uint64_t w[8] = { PROC_OP_PROCFS, badge, nr, a[0], a[1], a[2], a[3], a[4] };

	switch (nr) {
	case NR_OPENAT:
	case NR_NEWFSTATAT:
	case NR_STATX:
	case NR_READLINKAT:
		if (!procfs_names(c, a[0], a[1]))
			return 0;
		break;	/* writing opens are refused once links are followed (fs_openat) */
	case NR_CHDIR:
		if (!procfs_names(c, (uint64_t)AT_FDCWD, a[0]))
			return 0;
		break;
	case NR_MKDIRAT:
	case NR_UNLINKAT:
		return procfs_names(c, a[0], a[1]) ? -EACCES : 0;
	case NR_TRUNCATE:
		return procfs_names(c, (uint64_t)AT_FDCWD, a[0]) ? -EACCES : 0;
	case NR_FCHMODAT:
	case NR_FCHOWNAT:
		return procfs_names(c, a[0], a[1]) ? -EPERM : 0;
	case NR_RENAMEAT2:
		return procfs_names(c, a[0], a[1]) || procfs_names(c, a[2], a[3]) ? -EACCES : 0;
	default:
		return 0;
	}
	if (procfs_proc_ep < 0 || native_ipc_forward(c->token, procfs_proc_ep, w) < 0)
		return 0;	/* served on the tree as it is */
	return FS_BLOCKED;
}

long procfs_redo(struct fs_fdtable *t, uint64_t token, const struct kage_msg *m)
{
	const uint64_t a[6] = { m->w[3], m->w[4], m->w[5], m->w[6], m->w[7], 0 };
	long r;

	if (!t)
		return -EBADF;
	procfs_client = m->w[1];
	procfs_nofollow = ((m->w[2] == NR_NEWFSTATAT && (a[3] & AT_SYMLINK_NOFOLLOW)) || m->w[2] == NR_READLINKAT ||
			   (m->w[2] == NR_STATX && (a[2] & AT_SYMLINK_NOFOLLOW)));
	procfs_fd_refresh(NULL);	/* descriptors change without the process table changing */
	r = fs_call(t, token, m->w[2], a);
	procfs_client = 0;
	procfs_nofollow = 0;
	return r;
}
