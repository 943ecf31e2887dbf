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

/*
 * The node (dirfd a[0], path a[1]) names, for the *at calls: 0 and *n
 * (NULL for a pipe, with AT_EMPTY_PATH and an empty path), 1 and the
 * gateway in *n with *skip when the path goes into /proc, or -errno.
 */
static long fs_lookup_at(const struct fs_call_ctx *c, const uint64_t *a, uint64_t flags, struct fs_node **n,
			 size_t *skip)
{
	struct fs_node *at;
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
	err = fs_walk(at, c->path, (size_t)len, n, skip);
	if (err < 0)
		return err;
	return (*n)->gate ? 1 : 0;
}

long fs_open_node(const struct fs_call_ctx *c, struct fs_node *n, uint64_t flags)
{
	int writing = (flags & O_ACCMODE) != O_RDONLY;
	struct fs_file *f;
	long err;

	if (n == fs_tty) {
		if (!fs_console_ctty || !fs_console)
			return -ENXIO;
		n = fs_console;	/* the description is the console's, as Linux's open of /dev/tty gives the tty's */
	}
	if ((flags & O_DIRECTORY) && !fs_is(n, S_IFDIR))
		return -ENOTDIR;
	if (writing && fs_is(n, S_IFDIR))
		return -EISDIR;
	if (n->procfs && (writing || (flags & O_TRUNC)))
		return -EACCES;	/* /proc's files are read-only */
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

/* openat(dirfd, path, flags, mode). */
long fs_openat(const struct fs_call_ctx *c, const uint64_t *a)
{
	struct fs_node *n = NULL;
	int created = 0;
	size_t rest;
	long err;
	struct fs_node *at = fs_start(c, (int64_t)a[0], a[1], c->path, &err);

	if (!at)
		return err;
	err = fs_walk(at, c->path, strlen(c->path), &n, &rest);
	if (err == 0 && n->gate)
		return fs_gate_forward(c, NR_openat, a, n, rest);
	if (err == 0 && (a[2] & O_CREAT) && (a[2] & O_EXCL))
		return -EEXIST;
	if (err == -ENOENT && (a[2] & O_CREAT)) {
		err = fs_create(c, at, c->path, S_IFREG | ((uint32_t)a[3] & S_IALLUGO), &n);
		created = err == 0;
	}
	if (err < 0)
		return err;
	/* A file just made is empty already: no truncation to move its times (Linux's FMODE_CREATED). */
	err = fs_open_node(c, n, created ? a[2] & ~(uint64_t)O_TRUNC : a[2]);
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
	stx.stx_nlink = 1;
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
	static const struct fs_node pipe_node = { .mode = S_IFIFO | 0600 };
	struct linux_stat st = { 0 };
	uint32_t major, minor;

	n = n ? n : &pipe_node;
	if (statx)
		return fs_statx_node(c, n, buf);
	fs_rdev(n, &major, &minor);
	st.st_ino = fs_ino(n);
	st.st_mode = n->mode;
	st.st_nlink = 1;
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
	size_t skip;
	long r = fs_lookup_at(c, a, flags, &n, &skip);

	if (r == 1)
		return fs_gate_forward(c, statx ? NR_statx : NR_newfstatat, a, n, skip);
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
	size_t skip;
	long r;

	if (a[2] & ~(uint64_t)(R_OK | W_OK | X_OK) || flags & ~(uint64_t)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	r = fs_lookup_at(c, a, flags, &n, &skip);
	if (r == 1)
		return fs_gate_forward(c, nr, a, n, skip);
	if (r < 0)
		return r;
	if ((a[2] & X_OK) && n && !fs_is(n, S_IFDIR) && !(n->mode & S_IXUGO))
		return -EACCES;
	return 0;
}

/* readlinkat: the tree has no links of its own; /proc's are the process server's. */
long fs_readlink(const struct fs_call_ctx *c, const uint64_t *a)
{
	struct fs_node *n;
	size_t skip;
	long r = fs_lookup_at(c, a, 0, &n, &skip);

	if (r == 1)
		return fs_gate_forward(c, NR_readlinkat, a, n, skip);
	return r < 0 ? r : -EINVAL;
}

long fs_truncate_path(const struct fs_call_ctx *c, const uint64_t *a)
{
	const uint64_t at[2] = { (uint64_t)AT_FDCWD, a[0] };
	struct fs_node *n;
	size_t skip;
	long r = fs_lookup_at(c, at, 0, &n, &skip);

	if (r == 1)
		return -EACCES;	/* /proc is read-only */
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
	size_t skip;
	long r;

	if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	r = fs_lookup_at(c, a, flags, &n, &skip);
	if (r < 0)
		return r;
	if (r == 1 || (n && n->procfs))
		return -EPERM;
	if (!n)
		return -EPERM;	/* a pipe */
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
	size_t skip;
	long r = fs_lookup_at(c, a, 0, &n, &skip);

	if (r < 0)
		return r;
	return fs_statfs_node(c, r == 1 ? NULL : n, buf);
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
	size_t skip;
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
		r = fs_lookup_at(c, a, a[3], &n, &skip);
	} else {
		f = fs_fd_file(c->t, a[0]);
		r = f ? 0 : -EBADF;
		n = f ? f->node : NULL;
	}
	if (r < 0)
		return r;
	if (r == 1 || !n || n->procfs)
		return r == 1 || n ? -EPERM : 0;	/* /proc keeps no times; a pipe's are not kept */
	if (set_a)
		n->atime = at;
	if (set_m)
		n->mtime = mt;
	if (set_a || set_m)
		n->ctime = now;
	return 0;
}
