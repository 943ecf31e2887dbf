/*
 * Linux calls on descriptors. A process's memory is reached only through
 * its call's token (KAGE_COPY_CALLER), so bad pointers are -EFAULT. Reads
 * and writes of the console go on to servers/console.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/fs/fs_impl.h"


#define AT_FDCWD -100
#define AT_EMPTY_PATH 0x1000
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_EACCESS 0x200
#define X_OK 1
#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1
#define FIONREAD 0x541B
#define CHUNK 256

static struct fs_file *fs_fd(const struct fs_call_ctx *c, uint64_t fd)
{
	return fd < FS_FDS ? c->t->fd[fd] : NULL;
}

static int fs_is(const struct fs_node *n, uint32_t type)
{
	return (n->mode & FS_S_IFMT) == type;
}

long fs_install_fd(const struct fs_call_ctx *c, struct fs_file *f, uint64_t from, int cloexec)
{
	for (uint64_t fd = from; fd < FS_FDS; fd++) {
		if (c->t->fd[fd])
			continue;
		fs_fd_set(c->t, fd, f, cloexec);
		return (long)fd;
	}
	return -EMFILE;
}

/*
 * The console is the console server's: the call goes on to it (rewritten
 * to one of its operations) and it answers the process itself. Without
 * a console server, reads see end of file and writes vanish.
 */
static long fs_to_console(const struct fs_call_ctx *c, uint64_t op, uint64_t a, uint64_t b, uint64_t d)
{
	const uint64_t w[8] = { op, a, b, d };

	if (fs_console_ep < 0)
		return op == CONSOLE_OP_READ ? 0 : op == CONSOLE_OP_IOCTL ? -ENOTTY : (long)b;
	return native_ipc_forward(c->token, fs_console_ep, w) < 0 ? -EIO : FS_BLOCKED;
}

long fs_file_read(const struct fs_call_ctx *c, const struct fs_node *n, uint64_t off, uint64_t buf,
			 uint64_t len)
{
	if (off >= n->size)
		return 0;
	if (len > n->size - off)
		len = n->size - off;
	if (len > KAGE_COPY_MAX)
		len = KAGE_COPY_MAX;
	return native_caller_write(c->token, buf, n->data + off, len) < 0 ? -EFAULT : (long)len;
}

static long fs_read(const struct fs_call_ctx *c, struct fs_file *f, uint64_t buf, uint64_t len)
{
	long r;

	if ((f->flags & FS_O_ACCMODE) == FS_O_WRONLY)
		return -EBADF;
	if (f->pipe)
		return fs_pipe_read(c, f, buf, len);
	if (fs_is(f->node, FS_S_IFDIR))
		return -EISDIR;
	if (f->node == fs_console)
		return fs_to_console(c, CONSOLE_OP_READ, buf, len, (f->flags & FS_O_NONBLOCK) != 0);
	if ((r = fs_file_read(c, f->node, f->offset, buf, len)) > 0)
		f->offset += (uint64_t)r;
	return r;
}

static long fs_write(const struct fs_call_ctx *c, struct fs_file *f, uint64_t buf, uint64_t len)
{
	if ((f->flags & FS_O_ACCMODE) == FS_O_RDONLY)
		return -EBADF;
	if (f->pipe)
		return fs_pipe_write(c, f, buf, len);
	if (f->node == fs_console)
		return fs_to_console(c, CONSOLE_OP_WRITE, buf, len, 0);
	if (f->node == fs_null)
		return (long)len;
	if ((f->node->mode & FS_S_IFMT) != FS_S_IFREG)
		return -EINVAL;
	return fs_file_write(c, f, buf, len);
}

/* readv and writev: each iovec in turn, stopping at a short transfer. */
static long fs_vector(const struct fs_call_ctx *c, struct fs_file *f, uint64_t iov, uint64_t cnt, int write)
{
	int stream = f->pipe || f->node == fs_console;
	uint64_t v[2];
	long total = 0, r;

	if (cnt > 1024)
		return -EINVAL;
	if (f->node == fs_console && write && (f->flags & FS_O_ACCMODE) != FS_O_RDONLY)
		return fs_to_console(c, CONSOLE_OP_WRITEV, iov, cnt, 0);
	/* A pipe or the console may block: the first non-empty iovec alone, whose reply can come later. */
	for (uint64_t i = 0; stream && i < cnt; i++) {
		if (native_caller_read(c->token, iov + 16 * i, v, sizeof(v)) < 0)
			return -EFAULT;
		if (v[1])
			return write ? fs_write(c, f, v[0], v[1]) : fs_read(c, f, v[0], v[1]);
	}
	for (uint64_t i = 0; !stream && i < cnt; i++) {
		if (native_caller_read(c->token, iov + 16 * i, v, sizeof(v)) < 0)
			return total ? total : -EFAULT;
		r = write ? fs_write(c, f, v[0], v[1]) : fs_read(c, f, v[0], v[1]);
		if (r < 0)
			return total ? total : r;
		total += r;
		if ((uint64_t)r < v[1])
			break;
	}
	return total;
}

long fs_path(const struct fs_call_ctx *c, uint64_t va, char *buf, size_t max)
{
	return native_read_string(c->token, KAGE_COPY_CALLER, va, buf, max);
}

struct fs_node *fs_at(const struct fs_call_ctx *c, int64_t dirfd, long *err)
{
	struct fs_file *f;

	if (dirfd == AT_FDCWD)
		return c->t->cwd ? c->t->cwd : fs_root;
	if (!(f = fs_fd(c, (uint64_t)dirfd))) {
		*err = -EBADF;
		return NULL;
	}
	if (!f->node || !fs_is(f->node, FS_S_IFDIR)) {	/* a pipe has no node */
		*err = -ENOTDIR;
		return NULL;
	}
	return f->node;
}

static long fs_openat(const struct fs_call_ctx *c, const uint64_t *a)
{
	char path[256];
	long err = fs_path(c, a[1], path, sizeof(path));
	struct fs_node *at, *n;
	struct fs_file *f;

	if (err < 0)
		return err;
	if (!(at = fs_at(c, (int64_t)a[0], &err)))
		return err;
	n = fs_walk(at, path, 0);
	if (!n && (err = procfs_fd_open(c, at, path, (a[2] & FS_O_CLOEXEC) != 0)) != -ENOENT)
		return err;	/* /proc/N/fd/M of a pipe: that pipe end */
	if (n && (a[2] & FS_O_CREAT) && (a[2] & FS_O_EXCL))
		return -EEXIST;
	if (!n && !(a[2] & FS_O_CREAT))
		return -ENOENT;
	if (n && n->procfs && ((a[2] & FS_O_ACCMODE) != FS_O_RDONLY || (a[2] & (FS_O_CREAT | FS_O_TRUNC))))
		return -EACCES;	/* /proc is read-only (fs_create refuses new files there) */
	if (!n && (err = fs_create(c, at, path, FS_S_IFREG | ((uint32_t)a[3] & 07777), &n)) < 0)
		return err;
	if ((a[2] & FS_O_DIRECTORY) && !fs_is(n, FS_S_IFDIR))
		return -ENOTDIR;
	if ((a[2] & FS_O_ACCMODE) != FS_O_RDONLY && fs_is(n, FS_S_IFDIR))
		return -EISDIR;
	if ((a[2] & FS_O_TRUNC) && (a[2] & FS_O_ACCMODE) != FS_O_RDONLY && fs_is(n, FS_S_IFREG) &&
	    (err = fs_truncate(n, 0)) < 0)
		return err;
	if (!(f = fs_file_new(n, (uint32_t)a[2])))
		return -ENFILE;
	if ((err = fs_install_fd(c, f, 0, (a[2] & FS_O_CLOEXEC) != 0)) < 0)
		f->refs = 0;
	return err;
}

/* struct statx: 256 bytes; the fields a ramfs has, with STATX_BASIC_STATS' mask. */
static long fs_statx_node(const struct fs_call_ctx *c, const struct fs_node *n, uint64_t buf)
{
	uint8_t stx[256];
	uint32_t w32[4] = { 0x7ff, 4096, 0, 1 };	/* stx_mask, stx_blksize, -, stx_nlink */
	uint64_t w64[3] = { n->ino, n->size, (n->size + 511) / 512 };
	uint16_t mode = (uint16_t)n->mode;
	uint32_t rdev[2] = { n == fs_console ? 5 : n == fs_null ? 1 : 0, n == fs_console ? 1 : n == fs_null ? 3 : 0 };

	memset(stx, 0, sizeof(stx));
	memcpy(stx, w32, 8);		/* stx_mask, stx_blksize */
	memcpy(stx + 16, &w32[3], 4);	/* stx_nlink; uid and gid 0 */
	memcpy(stx + 28, &mode, 2);
	memcpy(stx + 32, w64, sizeof(w64));	/* stx_ino, stx_size, stx_blocks */
	memcpy(stx + 128, rdev, sizeof(rdev));	/* stx_rdev_major, stx_rdev_minor */
	return native_caller_write(c->token, buf, stx, sizeof(stx)) < 0 ? -EFAULT : 0;
}

static long fs_stat_node(const struct fs_call_ctx *c, const struct fs_node *n, uint64_t buf, int statx)
{
	static const struct fs_node pipe_node = { .mode = FS_S_IFIFO | 0600 };
	uint64_t st[16];	/* struct stat of the generic Linux ABI: 128 bytes */

	n = n ? n : &pipe_node;
	if (statx)
		return fs_statx_node(c, n, buf);
	memset(st, 0, sizeof(st));
	st[1] = n->ino;
	st[2] = n->mode | (1ull << 32);		/* st_mode, st_nlink */
	st[4] = n == fs_console ? (5 << 8) | 1 : n == fs_null ? (1 << 8) | 3 : 0;	/* st_rdev */
	st[6] = n->size;
	st[7] = 4096;				/* st_blksize */
	st[8] = (n->size + 511) / 512;		/* st_blocks */
	return native_caller_write(c->token, buf, st, sizeof(st)) < 0 ? -EFAULT : 0;
}

/* newfstatat (dirfd, path, buf, flags) and statx (dirfd, path, flags, mask, buf). */
static long fs_stat_path(const struct fs_call_ctx *c, const uint64_t *a, int statx)
{
	uint64_t flags = statx ? a[2] : a[3], buf = statx ? a[4] : a[2];
	char path[256];
	long err = fs_path(c, a[1], path, sizeof(path));
	struct fs_node *at, *n;

	if (err < 0)
		return err;
	if (!path[0] && (flags & AT_EMPTY_PATH)) {
		struct fs_file *f = fs_fd(c, a[0]);

		return f ? fs_stat_node(c, f->node, buf, statx) : -EBADF;
	}
	if (!path[0])
		return -ENOENT;
	if (!(at = fs_at(c, (int64_t)a[0], &err)))
		return err;
	return (n = fs_walk(at, path, 0)) ? fs_stat_node(c, n, buf, statx) : -ENOENT;
}

/*
 * The node a (dirfd a[0], path a[1]) names, for the *at calls; with
 * AT_EMPTY_PATH and an empty path, dirfd's own (NULL for a pipe).
 */
static long fs_node_at_path(const struct fs_call_ctx *c, const uint64_t *a, uint64_t flags, struct fs_node **n)
{
	char path[256];
	long err = fs_path(c, a[1], path, sizeof(path));
	struct fs_node *at;
	struct fs_file *f;

	if (err < 0)
		return err;
	if (!path[0] && (flags & AT_EMPTY_PATH)) {
		if (!(f = fs_fd(c, a[0])))
			return -EBADF;
		*n = f->node;
		return 0;
	}
	if (!path[0])
		return -ENOENT;
	if (!(at = fs_at(c, (int64_t)a[0], &err)))
		return err;
	return (*n = fs_walk(at, path, 0)) ? 0 : -ENOENT;
}

/*
 * faccessat (dirfd, path, mode) and faccessat2 (flags too). Every process
 * is root, so reading and writing are always allowed and executing needs
 * one execute bit (or a directory), as Linux decides for root.
 */
static long fs_access(const struct fs_call_ctx *c, const uint64_t *a, uint64_t flags)
{
	struct fs_node *n;
	long err;

	if (a[2] & ~7ul || flags & ~(uint64_t)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((err = fs_node_at_path(c, a, flags, &n)) < 0)
		return err;
	if ((a[2] & X_OK) && n && !fs_is(n, FS_S_IFDIR) && !(n->mode & 0111))
		return -EACCES;
	return 0;
}

/* struct linux_dirent64 records: ino, offset, reclen, type, name. */
static long fs_getdents64(const struct fs_call_ctx *c, struct fs_file *f, uint64_t buf, uint64_t len)
{
	uint8_t rec[(19 + FS_NAME_MAX + 1 + 7) & ~7ul];	/* ino, off, reclen, type, name */
	struct fs_node *e = f->node->child;
	uint64_t done = 0, i;

	if (!fs_is(f->node, FS_S_IFDIR))
		return -ENOTDIR;
	if (!f->offset && procfs_fd_is_dir(f->node)) {
		procfs_fd_refresh(f->node);	/* a listing shows the table as it is now */
		e = f->node->child;
	}
	for (i = 0; e && i < f->offset; i++)
		e = e->next;
	for (; e; e = e->next, f->offset++) {
		size_t nl = strlen(e->name), reclen = (19 + nl + 1 + 7) & ~7ul;
		uint64_t ino = e->ino, next = f->offset + 1;

		if (done + reclen > len)
			break;
		memset(rec, 0, sizeof(rec));
		memcpy(rec, &ino, 8);
		memcpy(rec + 8, &next, 8);
		rec[16] = (uint8_t)reclen, rec[17] = (uint8_t)(reclen >> 8);
		rec[18] = (uint8_t)((e->mode & FS_S_IFMT) >> 12);	/* DT_* = S_IFMT >> 12 */
		memcpy(rec + 19, e->name, nl);
		if (native_caller_write(c->token, buf + done, rec, reclen) < 0)
			return done ? (long)done : -EFAULT;
		done += reclen;
	}
	return done || !e ? (long)done : -EINVAL;	/* buffer too small for one record */
}

static long fs_lseek(struct fs_file *f, int64_t off, uint64_t whence)
{
	int64_t base;

	if (f->node == fs_console)
		return -ESPIPE;
	if (whence == 0)
		base = 0;
	else if (whence == 1)
		base = (int64_t)f->offset;
	else if (whence == 2)
		base = (int64_t)f->node->size;
	else
		return -EINVAL;
	if (base + off < 0)
		return -EINVAL;
	f->offset = (uint64_t)(base + off);
	return (long)f->offset;
}

static long fs_dup3(const struct fs_call_ctx *c, uint64_t old, uint64_t new, uint64_t flags)
{
	struct fs_file *f = fs_fd(c, old);

	if (!f || new >= FS_FDS)
		return -EBADF;
	if (old == new || (flags & ~(uint64_t)FS_O_CLOEXEC))
		return -EINVAL;
	fs_fd_close(c->t, new);
	f->refs++;
	return fs_install_fd(c, f, new, (flags & FS_O_CLOEXEC) != 0);
}

static long fs_fcntl(const struct fs_call_ctx *c, uint64_t fd, uint64_t cmd, uint64_t arg)
{
	struct fs_file *f = fs_fd(c, fd);
	long r;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg >= FS_FDS)
			return -EINVAL;
		if ((r = fs_install_fd(c, f, arg, cmd == F_DUPFD_CLOEXEC)) >= 0)
			f->refs++;
		return r;
	case F_GETFD: return fs_fd_cloexec(c->t, fd) ? FD_CLOEXEC : 0;
	case F_SETFD:
		fs_fd_set_cloexec(c->t, fd, (arg & FD_CLOEXEC) != 0);
		return 0;
	case F_GETFL: return (long)(f->flags & ~(uint32_t)FS_O_CLOEXEC);
	case F_SETFL:	/* only O_APPEND and O_NONBLOCK may change */
		f->flags = (f->flags & ~(FS_O_APPEND | 04000u)) | ((uint32_t)arg & (FS_O_APPEND | 04000u));
		return 0;
	default: return -EINVAL;
	}
}

int fs_crash_armed;
/* Where the injected bug writes: null, as far as the compiler can tell any pointer it loads. */
static uint64_t *volatile fs_crash_pointer;

/* The console's ioctls are the console server's (termios); FIONREAD of pipes and files is answered here. */
static long fs_ioctl(const struct fs_call_ctx *c, struct fs_file *f, uint64_t req, uint64_t arg)
{
	int32_t n;

	if (req == PROTO_IOCTL_CRASH && fs_crash_armed && fs_is(f->node, FS_S_IFREG))
		*fs_crash_pointer = req;	/* the injected bug (servers/protocol.h) */
	if (f->node == fs_console)
		return fs_to_console(c, CONSOLE_OP_IOCTL, req, arg, 0);
	if (req != FIONREAD || (!f->pipe && !fs_is(f->node, FS_S_IFREG)))
		return -ENOTTY;
	if (f->pipe)
		n = (int32_t)fs_pipe_unread(f);
	else
		n = f->offset < f->node->size ? (int32_t)(f->node->size - f->offset) : 0;
	return native_caller_write(c->token, arg, &n, sizeof(n)) < 0 ? -EFAULT : 0;
}

static long fs_truncate_path(const struct fs_call_ctx *c, const uint64_t *a)
{
	char path[256];
	struct fs_node *n;
	long err = fs_path(c, a[0], path, sizeof(path));

	if (err < 0)
		return err;
	if (!(n = fs_walk(c->t->cwd, path, 0)))
		return -ENOENT;
	if (fs_is(n, FS_S_IFDIR))
		return -EISDIR;
	return !fs_is(n, FS_S_IFREG) || (int64_t)a[1] < 0 ? -EINVAL : fs_truncate(n, a[1]);
}

/* chmod's change: the permission bits, never the type. */
static void fs_set_mode(struct fs_node *n, uint64_t mode)
{
	n->mode = (n->mode & FS_S_IFMT) | ((uint32_t)mode & 07777);
}

/*
 * chmod and chown of a path (fchmodat, fchownat): the permission bits
 * change; owners stay root, the only user, so chown only checks its path.
 * /proc's files refuse both before they get here (procfs_divert).
 */
static long fs_chmod_path(const struct fs_call_ctx *c, uint64_t nr, const uint64_t *a)
{
	uint64_t flags = nr == NR_FCHOWNAT ? a[4] : 0;
	struct fs_node *n;
	long err;

	if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((err = fs_node_at_path(c, a, flags, &n)) < 0)
		return err;
	if (!n)
		return -EPERM;	/* a pipe */
	if (nr == NR_FCHMODAT)
		fs_set_mode(n, a[2]);
	return 0;
}

/* Calls taking a descriptor as their first argument. */
static long fs_fd_call(const struct fs_call_ctx *c, struct fs_file *f, uint64_t nr, const uint64_t *a)
{
	if (f->pipe && nr != NR_READ && nr != NR_WRITE && nr != NR_READV && nr != NR_WRITEV && nr != NR_FSTAT &&
	    nr != NR_DUP && nr != NR_IOCTL && nr != NR_FCHMOD && nr != NR_FCHOWN)
		return nr == NR_LSEEK || nr == NR_PREAD64 || nr == NR_PWRITE64 ? -ESPIPE
		       : nr == NR_FTRUNCATE ? -EINVAL : -ENOTDIR;
	switch (nr) {
	case NR_READ: return fs_read(c, f, a[1], a[2]);
	case NR_WRITE: return fs_write(c, f, a[1], a[2]);
	case NR_READV: return fs_vector(c, f, a[1], a[2], 0);
	case NR_WRITEV: return fs_vector(c, f, a[1], a[2], 1);
	case NR_PREAD64:
		if (f->node == fs_console || (f->flags & FS_O_ACCMODE) == FS_O_WRONLY)
			return f->node == fs_console ? -ESPIPE : -EBADF;
		return fs_is(f->node, FS_S_IFDIR) ? -EISDIR : fs_file_read(c, f->node, a[3], a[1], a[2]);
	case NR_PWRITE64: {
		uint64_t keep = f->offset;
		long r;

		if (f->node == fs_console)
			return -ESPIPE;
		f->offset = a[3];
		r = fs_write(c, f, a[1], a[2]);
		f->offset = keep;
		return r;
	}
	case NR_LSEEK: return fs_lseek(f, (int64_t)a[1], a[2]);
	case NR_GETDENTS64: return fs_getdents64(c, f, a[1], a[2]);
	case NR_FSTAT: return fs_stat_node(c, f->node, a[1], 0);
	case NR_FTRUNCATE:
		if ((f->flags & FS_O_ACCMODE) == FS_O_RDONLY || !fs_is(f->node, FS_S_IFREG))
			return -EINVAL;
		return (int64_t)a[1] < 0 ? -EINVAL : fs_truncate(f->node, a[1]);
	case NR_IOCTL: return fs_ioctl(c, f, a[1], a[2]);
	case NR_FCHMOD:
	case NR_FCHOWN:
		if (!f->node || f->node->procfs)
			return f->node ? -EPERM : 0;	/* a pipe's mode is not kept */
		if (nr == NR_FCHMOD)
			fs_set_mode(f->node, a[1]);
		return 0;
	case NR_DUP: {
		long r = fs_install_fd(c, f, 0, 0);

		if (r >= 0)
			f->refs++;
		return r;
	}
	default: return -ENOSYS;
	}
}

long fs_call(struct fs_fdtable *t, uint64_t token, uint64_t nr, const uint64_t *a)
{
	const struct fs_call_ctx c = { t, token };
	struct fs_file *f;

	switch (nr) {
	case NR_OPENAT: return fs_openat(&c, a);
	case NR_CLOSE: return fs_fd_close(t, a[0]);
	case NR_DUP3: return fs_dup3(&c, a[0], a[1], a[2]);
	case NR_FCNTL: return fs_fcntl(&c, a[0], a[1], a[2]);
	case NR_NEWFSTATAT: return fs_stat_path(&c, a, 0);
	case NR_STATX: return fs_stat_path(&c, a, 1);
	case NR_FACCESSAT: return fs_access(&c, a, 0);
	case NR_FACCESSAT2: return fs_access(&c, a, a[3]);
	case NR_PIPE2: return fs_pipe_create(&c, a[0], a[1]);
	case NR_GETCWD: return fs_getcwd(&c, a);
	case NR_MKDIRAT: return fs_mkdirat(&c, a);
	case NR_UNLINKAT: return fs_unlinkat(&c, a);
	case NR_RENAMEAT2: return fs_renameat2(&c, a);
	case NR_CHDIR: return fs_chdir(&c, a, 0);
	case NR_TRUNCATE: return fs_truncate_path(&c, a);
	case NR_FCHDIR: return fs_chdir(&c, a, 1);
	case NR_PPOLL: case NR_PSELECT6: return fs_poll(&c, nr, a);
	case NR_FCHMODAT: case NR_FCHOWNAT: return fs_chmod_path(&c, nr, a);
	case NR_READLINKAT: return procfs_readlink(&c, a);
	default:
		if (!(f = fs_fd(&c, a[0])))
			return -EBADF;
		return fs_fd_call(&c, f, nr, a);
	}
}
