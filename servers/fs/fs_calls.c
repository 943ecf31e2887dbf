/*
 * Linux calls on descriptors, and fs_call, which dispatches every call
 * the file server answers (the path calls are in paths.c and ramfs.c). A
 * process's memory is reached only through its call's token
 * (KAGE_COPY_CALLER), so bad pointers are -EFAULT. Reads and writes of
 * the console go on to servers/console.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/fs/fs_impl.h"

#define FS_IOV_MAX 1024		/* readv/writev's iovecs, Linux's UIO_MAXIOV */

static struct fs_file *fs_fd(const struct fs_call_ctx *c, uint64_t fd)
{
	return fd < FS_FDS ? c->t->fd[fd] : NULL;
}

static int fs_is(const struct fs_node *n, uint32_t type)
{
	return (n->mode & S_IFMT) == type;
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

	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	if (f->pipe)
		return fs_pipe_read(c, f, buf, len);
	if (fs_is(f->node, S_IFDIR))
		return -EISDIR;
	if (f->node == fs_console)
		return fs_to_console(c, CONSOLE_OP_READ, buf, len, (f->flags & O_NONBLOCK) != 0);
	r = fs_file_read(c, f->node, f->offset, buf, len);
	if (r > 0)
		f->offset += (uint64_t)r;
	return r;
}

static long fs_write(const struct fs_call_ctx *c, struct fs_file *f, uint64_t buf, uint64_t len)
{
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (f->pipe)
		return fs_pipe_write(c, f, buf, len);
	if (f->node == fs_console)
		return fs_to_console(c, CONSOLE_OP_WRITE, buf, len, 0);
	if (f->node == fs_null)
		return (long)len;
	if ((f->node->mode & S_IFMT) != S_IFREG)
		return -EINVAL;
	return fs_file_write(c, f, buf, len);
}

/* readv and writev: each iovec in turn, stopping at a short transfer. */
static long fs_vector(const struct fs_call_ctx *c, struct fs_file *f, uint64_t iov, uint64_t cnt, int write)
{
	int stream = f->pipe || f->node == fs_console;
	uint64_t v[2];
	long total = 0, r;

	if (cnt > FS_IOV_MAX)
		return -EINVAL;
	if (f->node == fs_console && write && (f->flags & O_ACCMODE) != O_RDONLY)
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

/* One entry of a directory, as getdents64 reports it. */
struct fs_dirent {
	uint64_t ino;
	uint8_t type;			/* DT_*: S_IF* >> 12 */
	char name[FS_NAME_MAX + 1];
};

/*
 * Entry i of directory n (*cursor: entry i of the tree's list, advanced
 * as i grows): 1 and *e, or 0 past the last. A /proc directory's node
 * holds its entries as data, the process server's records.
 */
static int fs_dir_entry(const struct fs_node *n, uint64_t i, const struct fs_node **cursor, struct fs_dirent *e)
{
	const struct proto_procfs_dirent *d = (const struct proto_procfs_dirent *)n->data;

	if (n->procfs) {
		if (i >= n->size / sizeof(*d))
			return 0;
		e->ino = d[i].ino;
		e->type = d[i].type;
		memcpy(e->name, d[i].name, sizeof(d[i].name));
		e->name[sizeof(d[i].name) - 1] = 0;
		return 1;
	}
	if (!*cursor)
		return 0;
	e->ino = (*cursor)->ino;
	e->type = (uint8_t)(((*cursor)->mode & S_IFMT) >> 12);
	strlcpy(e->name, (*cursor)->name, sizeof(e->name));
	*cursor = (*cursor)->next;
	return 1;
}

/* Puts e as a struct linux_dirent64 at buf: its length, 0 if it does not fit in room, or -EFAULT. */
static long fs_dirent_put(const struct fs_call_ctx *c, uint64_t buf, uint64_t room, const struct fs_dirent *e,
			  uint64_t next)
{
	uint8_t rec[(sizeof(struct linux_dirent64) + FS_NAME_MAX + 1 + 7) & ~7ul];
	size_t nl = strlen(e->name), reclen = (sizeof(struct linux_dirent64) + nl + 1 + 7) & ~7ul;
	struct linux_dirent64 d = { .d_ino = e->ino, .d_off = (int64_t)next, .d_reclen = (uint16_t)reclen,
				    .d_type = e->type };

	if (reclen > room)
		return 0;
	memset(rec, 0, reclen);
	memcpy(rec, &d, sizeof(d));
	memcpy(rec + sizeof(d), e->name, nl);
	return native_caller_write(c->token, buf, rec, reclen) < 0 ? -EFAULT : (long)reclen;
}

static long fs_getdents64(const struct fs_call_ctx *c, struct fs_file *f, uint64_t buf, uint64_t len)
{
	static struct fs_dirent e;
	const struct fs_node *cursor = f->node->child;
	uint64_t done = 0;
	long r = 0;
	int more;

	if (!fs_is(f->node, S_IFDIR))
		return -ENOTDIR;
	for (uint64_t i = 0; i < f->offset && cursor && !f->node->procfs; i++)
		cursor = cursor->next;
	for (more = fs_dir_entry(f->node, f->offset, &cursor, &e); more; more = fs_dir_entry(f->node, f->offset, &cursor, &e)) {
		r = fs_dirent_put(c, buf + done, len - done, &e, f->offset + 1);
		if (r <= 0)
			break;
		done += (uint64_t)r;
		f->offset++;
	}
	if (r < 0 && !done)
		return r;
	return done || !more ? (long)done : -EINVAL;	/* buffer too small for one record */
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
	if (old == new || (flags & ~(uint64_t)O_CLOEXEC))
		return -EINVAL;
	fs_fd_close(c->t, new);
	f->refs++;
	return fs_install_fd(c, f, new, (flags & O_CLOEXEC) != 0);
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
		r = fs_install_fd(c, f, arg, cmd == F_DUPFD_CLOEXEC);
		if (r >= 0)
			f->refs++;
		return r;
	case F_GETFD: return fs_fd_cloexec(c->t, fd) ? FD_CLOEXEC : 0;
	case F_SETFD:
		fs_fd_set_cloexec(c->t, fd, (arg & FD_CLOEXEC) != 0);
		return 0;
	case F_GETFL: return (long)(f->flags & ~(uint32_t)O_CLOEXEC);
	case F_SETFL:	/* only O_APPEND and O_NONBLOCK may change */
		f->flags = (f->flags & ~(uint32_t)(O_APPEND | O_NONBLOCK)) | ((uint32_t)arg & (O_APPEND | O_NONBLOCK));
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

	if (req == PROTO_IOCTL_CRASH && fs_crash_armed && fs_is(f->node, S_IFREG))
		*fs_crash_pointer = req;	/* the injected bug (servers/protocol.h) */
	if (f->node == fs_console)
		return fs_to_console(c, CONSOLE_OP_IOCTL, req, arg, 0);
	if (req != FIONREAD || (!f->pipe && !fs_is(f->node, S_IFREG)))
		return -ENOTTY;
	if (f->pipe)
		n = (int32_t)fs_pipe_unread(f);
	else
		n = f->offset < f->node->size ? (int32_t)(f->node->size - f->offset) : 0;
	return native_caller_write(c->token, arg, &n, sizeof(n)) < 0 ? -EFAULT : 0;
}

/* Calls taking a descriptor as their first argument. */
static long fs_fd_call(const struct fs_call_ctx *c, struct fs_file *f, uint64_t nr, const uint64_t *a)
{
	if (f->pipe && nr != NR_read && nr != NR_write && nr != NR_readv && nr != NR_writev && nr != NR_fstat &&
	    nr != NR_dup && nr != NR_ioctl && nr != NR_fchmod && nr != NR_fchown)
		return nr == NR_lseek || nr == NR_pread64 || nr == NR_pwrite64 ? -ESPIPE
		       : nr == NR_ftruncate ? -EINVAL : -ENOTDIR;
	switch (nr) {
	case NR_read: return fs_read(c, f, a[1], a[2]);
	case NR_write: return fs_write(c, f, a[1], a[2]);
	case NR_readv: return fs_vector(c, f, a[1], a[2], 0);
	case NR_writev: return fs_vector(c, f, a[1], a[2], 1);
	case NR_pread64:
		if (f->node == fs_console || (f->flags & O_ACCMODE) == O_WRONLY)
			return f->node == fs_console ? -ESPIPE : -EBADF;
		return fs_is(f->node, S_IFDIR) ? -EISDIR : fs_file_read(c, f->node, a[3], a[1], a[2]);
	case NR_pwrite64: {
		uint64_t keep = f->offset;
		long r;

		if (f->node == fs_console)
			return -ESPIPE;
		f->offset = a[3];
		r = fs_write(c, f, a[1], a[2]);
		f->offset = keep;
		return r;
	}
	case NR_lseek: return fs_lseek(f, (int64_t)a[1], a[2]);
	case NR_getdents64: return fs_getdents64(c, f, a[1], a[2]);
	case NR_fstat: return fs_stat_node(c, f->node, a[1], 0);
	case NR_ftruncate:
		if ((f->flags & O_ACCMODE) == O_RDONLY || !fs_is(f->node, S_IFREG))
			return -EINVAL;
		return (int64_t)a[1] < 0 ? -EINVAL : fs_truncate(f->node, a[1]);
	case NR_ioctl: return fs_ioctl(c, f, a[1], a[2]);
	case NR_fchmod:
	case NR_fchown:
		if (!f->node || f->node->procfs)
			return f->node ? -EPERM : 0;	/* a pipe's mode is not kept */
		if (nr == NR_fchmod)
			fs_set_mode(f->node, a[1]);
		return 0;
	case NR_dup: {
		long r = fs_install_fd(c, f, 0, 0);

		if (r >= 0)
			f->refs++;
		return r;
	}
	default: return -ENOSYS;
	}
}

/* umask: the process's, kept in its table; every file and directory it makes loses these bits. */
static long fs_umask(struct fs_fdtable *t, uint64_t mask)
{
	long old = t->umask;

	t->umask = (uint32_t)mask & 0777;
	return old;
}

long fs_call(struct fs_fdtable *t, uint64_t token, uint64_t badge, uint64_t nr, const uint64_t *a)
{
	const struct fs_call_ctx c = { t, token, badge };
	struct fs_file *f;

	switch (nr) {
	case NR_openat: return fs_openat(&c, a);
	case NR_close: return fs_fd_close(t, a[0]);
	case NR_dup3: return fs_dup3(&c, a[0], a[1], a[2]);
	case NR_fcntl: return fs_fcntl(&c, a[0], a[1], a[2]);
	case NR_newfstatat: return fs_stat_path(&c, a, 0);
	case NR_statx: return fs_stat_path(&c, a, 1);
	case NR_faccessat: case NR_faccessat2: return fs_access(&c, nr, a);
	case NR_readlinkat: return fs_readlink(&c, a);
	case NR_pipe2: return fs_pipe_create(&c, a[0], a[1]);
	case NR_getcwd: return fs_getcwd(&c, a);
	case NR_mkdirat: return fs_mkdirat(&c, a);
	case NR_unlinkat: return fs_unlinkat(&c, a);
	case NR_renameat2: return fs_renameat2(&c, a);
	case NR_chdir: return fs_chdir(&c, a, 0);
	case NR_fchdir: return fs_chdir(&c, a, 1);
	case NR_truncate: return fs_truncate_path(&c, a);
	case NR_ppoll: case NR_pselect6: return fs_poll(&c, nr, a);
	case NR_fchmodat: case NR_fchownat: return fs_chmod_path(&c, nr, a);
	case NR_umask: return fs_umask(t, a[0]);
	default:
		f = fs_fd(&c, a[0]);
		return f ? fs_fd_call(&c, f, nr, a) : -EBADF;
	}
}
