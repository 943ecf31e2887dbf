/*
 * The calls that name a file by path: openat, newfstatat and statx,
 * faccessat, readlinkat, truncate, fchmodat and fchownat. Each resolves
 * its path from the root, the working directory or a dirfd; a path that
 * walks into /proc goes on to the process server (mount.c) for the calls
 * that read, and is refused for those that would change it (/proc is
 * read-only). The namespace calls that change the tree are in ramfs.c.
 */
#include "lib/errno.h"
#include "lib/heap.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/fs/fs_impl.h"

long fs_path(const struct fs_call_ctx *c, uint64_t va, char *buf)
{
	return native_read_string(c->token, KAGE_COPY_CALLER, va, buf, PROTO_PATH_MAX);
}

struct fs_node *fs_at(const struct fs_call_ctx *c, int64_t dirfd, long *err)
{
	struct fs_file *f;

	if (dirfd == AT_FDCWD)
		return c->t->cwd ? c->t->cwd : fs_root;
	f = dirfd >= 0 ? fs_fd_file(c->t, (uint64_t)dirfd) : NULL;
	if (!f) {
		*err = -EBADF;
		return NULL;
	}
	if (!f->node || !fs_is(f->node, S_IFDIR)) {	/* a pipe has no node */
		*err = -ENOTDIR;
		return NULL;
	}
	return f->node;
}

struct fs_node *fs_start(const struct fs_call_ctx *c, int64_t dirfd, uint64_t va, char *path, long *err)
{
	*err = fs_path(c, va, path);
	return *err < 0 ? NULL : fs_at(c, dirfd, err);
}

long fs_lookup_at(const struct fs_call_ctx *c, const uint64_t *a, uint64_t flags, struct fs_node **n, long gate)
{
	struct fs_node *at;
	struct fs_walk w;
	long len = fs_path(c, a[1], c->path), err;

	if (len < 0)
		return len;
	if (!len && (flags & AT_EMPTY_PATH)) {
		struct fs_file *f = fs_fd_file(c->t, a[0]);

		*n = f ? f->node : NULL;
		return f ? 0 : -EBADF;
	}
	if (!len)
		return -ENOENT;
	at = fs_at(c, (int64_t)a[0], &err);
	if (!at)
		return err;
	err = fs_walk(&w, at, c->path, (size_t)len, (flags & AT_SYMLINK_NOFOLLOW) ? FS_WALK_NOFOLLOW : 0);
	*n = err == 0 && !w.node->gate ? w.node : NULL;
	if (err == 0 && w.node->gate)
		err = gate > 0 ? fs_gate_forward(c, (uint64_t)gate, a, &w) : gate == FS_GATE_NODE ? 0 : gate;
	fs_walk_done(&w);
	return err;
}

long fs_open_node(const struct fs_call_ctx *c, struct fs_node *n, uint64_t flags, int may_wait)
{
	int writing = (flags & O_ACCMODE) != O_RDONLY;
	struct fs_file *f;
	long err;

	if (n == fs_tty) {
		if (!fs_console_ctty || !fs_console)
			return -ENXIO;
		n = fs_console;	/* the description is the console's, as Linux's open of /dev/tty gives the tty's */
	}
	if ((flags & O_CREAT) && fs_is(n, S_IFDIR))
		return -EISDIR;
	if ((flags & O_DIRECTORY) && !fs_is(n, S_IFDIR))
		return -ENOTDIR;
	if (fs_is(n, S_IFLNK))
		return -ELOOP;	/* O_NOFOLLOW found the link itself, which is not opened */
	if (writing && fs_is(n, S_IFDIR))
		return -EISDIR;
	if (n->procfs && (writing || (flags & O_TRUNC)))
		return -EACCES;	/* /proc's files are read-only */
	if (fs_is(n, S_IFIFO))
		return fs_fifo_open(c, n, (uint32_t)flags, may_wait);
	if (fs_is(n, S_IFSOCK))
		return -ENXIO;	/* as Linux opens a socket's name: no socket is bound to it */
	if ((flags & O_TRUNC) && writing && fs_is(n, S_IFREG)) {
		err = fs_truncate(n, 0);
		if (err < 0)
			return err;
	}
	f = fs_file_new(n, (uint32_t)flags);
	if (!f)
		return -ENOMEM;
	err = fs_install_fd(c->t, f, 0, (flags & O_CLOEXEC) != 0);
	if (err < 0)
		fs_file_put(f);	/* the description goes, and with it its hold on n */
	return err;
}

/*
 * A file made by openat's O_CREAT in the directory its walk ended in
 * (after the links it followed: a dangling link makes its target, as on
 * Linux): 0 and *n, or -errno.
 */
static long fs_open_create(const struct fs_call_ctx *c, const struct fs_walk *w, uint64_t mode, struct fs_node **n)
{
	if (!w->dir)
		return -ENOENT;	/* a directory on the way is missing */
	return fs_make(c, w->dir, w->last, w->last_len, S_IFREG | ((uint32_t)mode & S_IALLUGO), n);
}

/* openat(dirfd, path, flags, mode). */
long fs_openat(const struct fs_call_ctx *c, const uint64_t *a)
{
	const uint64_t flags = a[2];
	unsigned walk = (flags & O_NOFOLLOW) || ((flags & O_CREAT) && (flags & O_EXCL)) ? FS_WALK_NOFOLLOW : 0;
	struct fs_node *n = NULL;
	struct fs_walk w;
	int created = 0;
	long err;
	struct fs_node *at = fs_start(c, (int64_t)a[0], a[1], c->path, &err);
	size_t len = at ? strlen(c->path) : 0;

	if (!at)
		return err;
	if (!len)
		return -ENOENT;	/* an empty path names nothing, as on Linux */
	if ((flags & O_CREAT) && c->path[len - 1] == '/')
		return -EISDIR;	/* as Linux: a name for a directory cannot be created as a file */
	err = fs_walk(&w, at, c->path, len, walk);
	if (err == 0 && w.node->gate) {
		err = fs_gate_forward(c, NR_openat, a, &w);
		fs_walk_done(&w);
		return err;
	}
	if (err == 0 && (flags & O_CREAT) && (flags & O_EXCL))
		err = -EEXIST;	/* a link too: O_EXCL does not follow one */
	n = w.node;
	if (err == -ENOENT && (flags & O_CREAT)) {
		err = fs_open_create(c, &w, a[3], &n);
		created = err == 0;
	}
	fs_walk_done(&w);
	if (err < 0)
		return err;
	/* A file just made is empty already: no truncation to move its times (Linux's FMODE_CREATED). */
	err = fs_open_node(c, n, created ? flags & ~(uint64_t)O_TRUNC : flags, 1);
	if (err < 0 && created)
		fs_detach(n);	/* as if never made: Linux refuses a descriptor before it creates */
	return err;
}

/* The inode number stat reports: the process server's for /proc's files. */
static uint64_t fs_ino(const struct fs_node *n)
{
	return n->procfs ? n->procfs_ino : n->ino;
}

/* Linux's numbers for the devices (Documentation/admin-guide/devices.txt): the console 5:1, tty 5:0, the memory devices 1:n. */
static void fs_rdev(const struct fs_node *n, uint32_t *major, uint32_t *minor)
{
	static const struct { struct fs_node *const *node; uint32_t major, minor; } devs[] = {
		{ &fs_console, 5, 1 }, { &fs_null, 1, 3 }, { &fs_zero, 1, 5 }, { &fs_full, 1, 7 },
		{ &fs_random, 1, 8 }, { &fs_urandom, 1, 9 }, { &fs_tty, 5, 0 },
	};

	*major = *minor = 0;
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		if (n == *devs[i].node) {
			*major = devs[i].major;
			*minor = devs[i].minor;
		}
	}
}

/*
 * st_nlink: a file's names; a directory's name, its "." and its
 * subdirectories' "..", as tmpfs counts, and 0 once removed.
 */
static uint32_t fs_stat_nlink(const struct fs_node *n)
{
	if (n->procfs)
		return fs_is(n, S_IFDIR) ? 2 : 1;
	if (fs_is(n, S_IFDIR))
		return n->unlinked ? 0 : 2 + n->nsubdirs;
	return n->nnames;
}

/* A directory's size is 0 (a /proc directory's node holds its entries as data). */
static uint64_t fs_stat_size(const struct fs_node *n)
{
	return fs_is(n, S_IFDIR) ? 0 : n->size;
}

/* The 512-byte blocks it takes: a file's own pages (a hole takes none), or its bytes in the initramfs. */
static uint64_t fs_stat_blocks(const struct fs_node *n)
{
	return n->archive ? (n->size + 511) / 512 : n->npages * 8;
}

static struct linux_statx_timestamp fs_statx_time(int64_t ns)
{
	return (struct linux_statx_timestamp){ .tv_sec = ns / FS_NS, .tv_nsec = (uint32_t)(ns % FS_NS) };
}

static long fs_statx_node(const struct fs_call_ctx *c, const struct fs_node *n, uint64_t buf)
{
	struct linux_statx stx = { 0 };

	stx.stx_mask = STATX_BASIC_STATS;
	stx.stx_blksize = 4096;
	stx.stx_nlink = fs_stat_nlink(n);
	stx.stx_mode = (uint16_t)n->mode;
	stx.stx_ino = fs_ino(n);
	stx.stx_size = fs_stat_size(n);
	stx.stx_blocks = fs_stat_blocks(n);
	stx.stx_atime = fs_statx_time(n->atime);
	stx.stx_mtime = fs_statx_time(n->mtime);
	stx.stx_ctime = fs_statx_time(n->ctime);
	fs_rdev(n, &stx.stx_rdev_major, &stx.stx_rdev_minor);
	return native_caller_write(c->token, buf, &stx, sizeof(stx)) < 0 ? -EFAULT : 0;
}

long fs_stat_node(const struct fs_call_ctx *c, const struct fs_node *n, uint64_t buf, int statx)
{
	static const struct fs_node pipe_node = { .mode = S_IFIFO | 0600, .nnames = 1 };
	struct linux_stat st = { 0 };
	uint32_t major, minor;

	n = n ? n : &pipe_node;
	if (statx)
		return fs_statx_node(c, n, buf);
	fs_rdev(n, &major, &minor);
	st.st_ino = fs_ino(n);
	st.st_mode = n->mode;
	st.st_nlink = fs_stat_nlink(n);
	st.st_rdev = major << 8 | minor;
	st.st_size = (int64_t)fs_stat_size(n);
	st.st_blksize = 4096;
	st.st_blocks = (int64_t)fs_stat_blocks(n);
	st.st_atime = n->atime / FS_NS;
	st.st_atime_nsec = n->atime % FS_NS;
	st.st_mtime = n->mtime / FS_NS;
	st.st_mtime_nsec = n->mtime % FS_NS;
	st.st_ctime = n->ctime / FS_NS;
	st.st_ctime_nsec = n->ctime % FS_NS;
	return native_caller_write(c->token, buf, &st, sizeof(st)) < 0 ? -EFAULT : 0;
}

/* newfstatat (dirfd, path, buf, flags) and statx (dirfd, path, flags, mask, buf). */
long fs_stat_path(const struct fs_call_ctx *c, const uint64_t *a, int statx)
{
	uint64_t flags = statx ? a[2] : a[3], buf = statx ? a[4] : a[2];
	struct fs_node *n;
	long r = fs_lookup_at(c, a, flags, &n, statx ? NR_statx : NR_newfstatat);

	return r < 0 ? r : fs_stat_node(c, n, buf, statx);
}

/*
 * faccessat (dirfd, path, mode) and faccessat2 (flags too). Every process
 * is root, so reading and writing are always allowed and executing needs
 * one execute bit (or a directory), as Linux decides for root.
 */
long fs_access(const struct fs_call_ctx *c, uint64_t nr, const uint64_t *a)
{
	uint64_t flags = nr == NR_faccessat2 ? a[3] : 0;
	struct fs_node *n;
	long r;

	if (a[2] & ~(uint64_t)(R_OK | W_OK | X_OK) || flags & ~(uint64_t)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	r = fs_lookup_at(c, a, flags, &n, (long)nr);
	if (r < 0)
		return r;
	if ((a[2] & X_OK) && n && !fs_is(n, S_IFDIR) && !(n->mode & S_IXUGO))
		return -EACCES;
	return 0;
}

/*
 * readlinkat(dirfd, path, buf, size): a link's target, cut to size bytes
 * and without a NUL, as Linux gives it; anything else is -EINVAL. /proc's
 * links are the process server's.
 */
long fs_readlink(const struct fs_call_ctx *c, const uint64_t *a)
{
	struct fs_node *n;
	uint64_t len;
	long r;

	if ((int64_t)a[3] <= 0)
		return -EINVAL;	/* before the path, as Linux checks */
	r = fs_lookup_at(c, a, AT_SYMLINK_NOFOLLOW, &n, NR_readlinkat);
	if (r < 0)
		return r;
	if (!n || !fs_is(n, S_IFLNK))
		return -EINVAL;
	len = n->size < a[3] ? n->size : a[3];	/* a target is shorter than PROTO_PATH_MAX (fs_symlinkat, archive.c) */
	fs_data_peek(n, 0, c->path2, len);
	return native_caller_write(c->token, a[2], c->path2, len) < 0 ? -EFAULT : (long)len;
}

long fs_truncate_path(const struct fs_call_ctx *c, const uint64_t *a)
{
	const uint64_t at[2] = { (uint64_t)AT_FDCWD, a[0] };
	struct fs_node *n;
	long r = fs_lookup_at(c, at, 0, &n, -EACCES);	/* /proc is read-only */

	if (r < 0)
		return r;
	if (fs_is(n, S_IFDIR))
		return -EISDIR;
	if (!fs_is(n, S_IFREG) || (int64_t)a[1] < 0)
		return -EINVAL;
	return fs_resize(c, n, a[1]);
}

void fs_set_mode(struct fs_node *n, uint64_t mode)
{
	n->mode = (n->mode & S_IFMT) | ((uint32_t)mode & S_IALLUGO);
	fs_touch(n, FS_TIME_C);
}

/*
 * chmod and chown of a path (fchmodat, fchownat): the permission bits
 * change; owners stay root, the only user, so chown only checks its path.
 * /proc refuses both.
 */
long fs_chmod_path(const struct fs_call_ctx *c, uint64_t nr, const uint64_t *a)
{
	uint64_t flags = nr == NR_fchownat ? a[4] : 0;
	struct fs_node *n;
	long r;

	if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	r = fs_lookup_at(c, a, flags, &n, -EPERM);
	if (r < 0)
		return r;
	if (!n || n->procfs)
		return -EPERM;	/* a pipe, or /proc */
	if (nr == NR_fchmodat)
		fs_set_mode(n, a[2]);
	else
		fs_touch(n, FS_TIME_C);
	return 0;
}

/*
 * statfs and fstatfs. The file system is memory: its blocks are the
 * pages the server holds and the frames still free, which it could
 * take; a file needs a page at most, so every free frame is a free
 * inode too. /proc (n NULL, its gateway, or one of its open files) is /proc.
 */
long fs_statfs_node(const struct fs_call_ctx *c, const struct fs_node *n, uint64_t buf)
{
	struct linux_statfs st = { .f_bsize = 4096, .f_frsize = 4096, .f_namelen = FS_NAME_MAX,
				   .f_flags = LINUX_ST_VALID };
	struct kage_stats ks;
	struct heap_stats hs;

	if (n && !n->procfs) {
		if (native_stats(&ks) < 0)
			return -EIO;
		heap_stats(&fs_heap, &hs);
		st.f_type = TMPFS_MAGIC;
		st.f_bfree = st.f_bavail = ks.frames_free;
		st.f_blocks = hs.pages + hs.meta_pages + ks.frames_free;
		st.f_ffree = ks.frames_free;
		st.f_files = fs_counts.nodes + ks.frames_free;
	} else {
		st.f_type = PROC_SUPER_MAGIC;
	}
	return native_caller_write(c->token, buf, &st, sizeof(st)) < 0 ? -EFAULT : 0;
}

long fs_statfs_path(const struct fs_call_ctx *c, uint64_t path, uint64_t buf)
{
	const uint64_t a[2] = { (uint64_t)AT_FDCWD, path };
	struct fs_node *n;
	long r = fs_lookup_at(c, a, 0, &n, FS_GATE_NODE);	/* /proc's: n NULL */

	return r < 0 ? r : fs_statfs_node(c, n, buf);
}

/* One of utimensat's two times: UTIME_OMIT leaves it (0), else *ns is set; -EINVAL for a bad one. */
static int fs_utime_value(const struct linux_timespec *ts, int64_t now, int64_t *ns)
{
	if (!ts || ts->tv_nsec == UTIME_NOW) {
		*ns = now;
		return 1;
	}
	if (ts->tv_nsec == UTIME_OMIT)
		return 0;
	if (ts->tv_nsec < 0 || ts->tv_nsec >= FS_NS || ts->tv_sec < 0 || ts->tv_sec > INT64_MAX / FS_NS - 1)
		return -EINVAL;	/* (before 1970 is kept nowhere: kage's times are unsigned in effect) */
	*ns = ts->tv_sec * FS_NS + ts->tv_nsec;
	return 1;
}

/*
 * utimensat(dirfd, path, times[2], flags): a NULL path names dirfd
 * itself (futimens). Sets atime and mtime as asked, ctime to now.
 */
long fs_utimensat(const struct fs_call_ctx *c, const uint64_t *a)
{
	struct linux_timespec ts[2];
	int64_t now = fs_now(), at = 0, mt = 0;
	struct fs_node *n;
	struct fs_file *f;
	long r;
	int set_a, set_m;

	if (a[3] & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (a[2] && native_caller_read(c->token, a[2], ts, sizeof(ts)) < 0)
		return -EFAULT;
	set_a = fs_utime_value(a[2] ? &ts[0] : NULL, now, &at);
	set_m = fs_utime_value(a[2] ? &ts[1] : NULL, now, &mt);
	if (set_a < 0 || set_m < 0)
		return -EINVAL;
	if (a[1]) {
		r = fs_lookup_at(c, a, a[3], &n, -EPERM);	/* /proc keeps no times */
	} else {
		f = fs_fd_file(c->t, a[0]);
		r = f ? 0 : -EBADF;
		n = f ? f->node : NULL;
	}
	if (r < 0)
		return r;
	if (!n || n->procfs)
		return n ? -EPERM : 0;	/* /proc keeps no times; a pipe's are not kept */
	if (set_a)
		n->atime = at;
	if (set_m)
		n->mtime = mt;
	if (set_a || set_m)
		n->ctime = now;
	return 0;
}
