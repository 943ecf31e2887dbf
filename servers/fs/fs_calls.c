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

/* The server's path buffers: one call is served at a time (struct fs_call_ctx). */
static char fs_paths[2][PROTO_PATH_MAX];

void fs_ctx_init(struct fs_call_ctx *c, struct fs_fdtable *t, uint64_t token, uint64_t badge)
{
	*c = (struct fs_call_ctx){ .t = t, .token = token, .badge = badge, .path = fs_paths[0], .path2 = fs_paths[1] };
}

static struct fs_file *fs_fd(const struct fs_call_ctx *c, uint64_t fd)
{
	return fs_fd_file(c->t, fd);
}

/*
 * The console is the console server's: the call goes on to it (rewritten
 * to one of its operations) and it answers the process itself. Without
 * a console server, reads see end of file and writes vanish. The call
 * stays held: a signal waits for a write's answer rather than end it
 * after some of its bytes went out (the restarted write would print
 * them again; this hart may be sending them while the signal comes on
 * another). A read lets go before it waits for input (console_read).
 */
static long fs_to_console(const struct fs_call_ctx *c, uint64_t op, uint64_t a, uint64_t b, uint64_t d)
{
	const uint64_t w[8] = { op, a, b, d };

	if (fs_console_ep < 0)
		return op == CONSOLE_OP_READ ? 0 : op == CONSOLE_OP_IOCTL ? -ENOTTY : (long)b;
	return native_ipc_forward_held(c->token, fs_console_ep, w) < 0 ? -EIO : FS_BLOCKED;
}

/* /dev/urandom and /dev/random: the process server's generator fills the buffer and answers. */
static long fs_to_random(const struct fs_call_ctx *c, uint64_t buf, uint64_t len)
{
	const uint64_t w[8] = { PROC_OP_RANDOM, buf, len };

	return native_ipc_forward(c->token, fs_proc_ep, w) < 0 ? -EIO : FS_BLOCKED;
}

/* read and pread64 (io->positional): io is one buffer. */
static long fs_read(const struct fs_call_ctx *c, struct fs_file *f, const struct fs_io *io)
{
	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	if (f->pipe)
		return fs_pipe_read(c, f, io->buf, io->len);
	if (fs_is(f->node, S_IFDIR))
		return -EISDIR;
	if (f->node == fs_console)
		return fs_to_console(c, CONSOLE_OP_READ, io->buf, io->len, (f->flags & O_NONBLOCK) != 0);
	if (f->node == fs_zero || f->node == fs_full)
		return fs_zeros_read(c->token, io->buf, io->len);
	if (f->node == fs_urandom || f->node == fs_random)
		return fs_to_random(c, io->buf, io->len);
	return fs_transfer(c, f, io);
}

/* write and pwrite64 (io->positional): io is one buffer. */
static long fs_write(const struct fs_call_ctx *c, struct fs_file *f, const struct fs_io *io)
{
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (f->pipe)
		return fs_pipe_write(c, f, io->buf, io->len);
	if (f->node == fs_console)
		return fs_to_console(c, CONSOLE_OP_WRITE, io->buf, io->len, 0);
	if (f->node == fs_null || f->node == fs_zero || f->node == fs_urandom || f->node == fs_random)
		return (long)io->len;	/* as Linux: written to the random devices, bytes are taken and change nothing here */
	if (f->node == fs_full)
		return -ENOSPC;
	if ((f->node->mode & S_IFMT) != S_IFREG)
		return -EINVAL;
	return fs_transfer(c, f, io);
}

static long fs_read_write(const struct fs_call_ctx *c, struct fs_file *f, uint64_t buf, uint64_t len, int write)
{
	const struct fs_io io = { .buf = buf, .len = len, .write = (uint8_t)write };

	return write ? fs_write(c, f, &io) : fs_read(c, f, &io);
}

/* readv and writev: each iovec in turn, stopping at a short transfer. */
static long fs_vector(const struct fs_call_ctx *c, struct fs_file *f, uint64_t iov, uint64_t cnt, int write)
{
	int stream = f->pipe || f->node == fs_console || f->node == fs_urandom || f->node == fs_random;
	uint64_t v[2];
	long total = 0, r;

	if (cnt > UIO_MAXIOV)
		return -EINVAL;
	if (f->node == fs_console && write && (f->flags & O_ACCMODE) != O_RDONLY)
		return fs_to_console(c, CONSOLE_OP_WRITEV, iov, cnt, 0);
	/* A regular file's: the whole array as one transfer, which can be answered later too. */
	if (!stream && fs_is(f->node, S_IFREG) && (f->flags & O_ACCMODE) != (write ? O_RDONLY : O_WRONLY))
		return fs_transfer(c, f, &(struct fs_io){ .iov = iov, .iovcnt = cnt, .write = (uint8_t)write });
	/* A pipe or the console may block: the first non-empty iovec alone, whose reply can come later. */
	for (uint64_t i = 0; stream && i < cnt; i++) {
		if (native_caller_read(c->token, iov + 16 * i, v, sizeof(v)) < 0)
			return -EFAULT;
		if (v[1])
			return fs_read_write(c, f, v[0], v[1], write);
	}
	for (uint64_t i = 0; !stream && i < cnt; i++) {
		if (native_caller_read(c->token, iov + 16 * i, v, sizeof(v)) < 0)
			return total ? total : -EFAULT;
		r = fs_read_write(c, f, v[0], v[1], write);
		if (r < 0)
			return total ? total : r;
		total += r;
		if ((uint64_t)r < v[1])
			break;
	}
	return total;
}

/* lseek: an offset below 0 or past the largest file is EINVAL, as Linux's for a regular file. */
static long fs_lseek(struct fs_file *f, int64_t off, uint64_t whence)
{
	uint64_t base, step = off < 0 ? 0 - (uint64_t)off : (uint64_t)off;

	if (f->node == fs_console)
		return -ESPIPE;
	if (whence == SEEK_SET)
		base = 0;
	else if (whence == SEEK_CUR)
		base = f->offset;
	else if (whence == SEEK_END)
		base = f->node->size;
	else
		return -EINVAL;
	if (off < 0 ? step > base : step > FS_SIZE_MAX - base)
		return -EINVAL;
	f->offset = off < 0 ? base - step : base + step;
	return (long)f->offset;
}

/* A second descriptor for f: at the lowest free number from `from` (dup, F_DUPFD), or at `at` (dup3). */
static long fs_dup_file(const struct fs_call_ctx *c, struct fs_file *f, uint64_t from, int64_t at, int cloexec)
{
	long r;

	f->refs++;
	r = at < 0 ? fs_install_fd(c->t, f, from, cloexec) : fs_place_fd(c->t, (uint64_t)at, f, cloexec);
	if (r < 0)
		f->refs--;	/* it held another reference: this one was never the last */
	return r;
}

static long fs_dup3(const struct fs_call_ctx *c, uint64_t old, uint64_t new, uint64_t flags)
{
	struct fs_file *f = fs_fd(c, old);

	/* Linux's order: the flags and the same number, a new number past RLIMIT_NOFILE, the old one. */
	if (old == new || (flags & ~(uint64_t)O_CLOEXEC))
		return -EINVAL;
	if (!f || new >= c->t->nofile)
		return -EBADF;
	return fs_dup_file(c, f, 0, (int64_t)new, (flags & O_CLOEXEC) != 0);
}

static long fs_fcntl(const struct fs_call_ctx *c, uint64_t fd, uint64_t cmd, uint64_t arg)
{
	struct fs_file *f = fs_fd(c, fd);

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg >= c->t->nofile)
			return -EINVAL;	/* as Linux: from past RLIMIT_NOFILE */
		return fs_dup_file(c, f, arg, -1, cmd == F_DUPFD_CLOEXEC);
	case F_GETFD: return fs_fd_cloexec(c->t, fd) ? FD_CLOEXEC : 0;
	case F_SETFD:
		fs_fd_set_cloexec(c->t, fd, (arg & FD_CLOEXEC) != 0);
		return 0;
	case F_GETFL: return (long)(f->flags & ~(uint32_t)O_CLOEXEC);
	case F_SETFL:	/* only O_APPEND and O_NONBLOCK may change */
		f->flags = (f->flags & ~(uint32_t)(O_APPEND | O_NONBLOCK)) | ((uint32_t)arg & (O_APPEND | O_NONBLOCK));
		return 0;
	case F_GETLK: case F_SETLK: case F_SETLKW:
	case F_OFD_GETLK: case F_OFD_SETLK: case F_OFD_SETLKW:
		return fs_fcntl_lock(c, f, cmd, arg);
	case F_GETPIPE_SZ: case F_SETPIPE_SZ: return fs_pipe_size(f, cmd, arg);
	default: return -EINVAL;
	}
}

int fs_crash_armed;
/* Where the injected bug writes: null, as far as the compiler can tell any pointer it loads. */
static uint64_t *volatile fs_crash_pointer;

/* The test route to FS_OP_STATS (servers/protocol.h): its five words, and the calls waiting. */
static long fs_stats_to(const struct fs_call_ctx *c, uint64_t arg)
{
	uint64_t w[FS_STATS_WORDS];

	fs_stats(w);
	w[5] = fs_counts.waits;
	return native_caller_write(c->token, arg, w, sizeof(w)) < 0 ? -EFAULT : 0;
}

/* The console's ioctls are the console server's (termios); FIONREAD of pipes and files is answered here. */
static long fs_ioctl(const struct fs_call_ctx *c, struct fs_file *f, uint64_t req, uint64_t arg)
{
	int32_t n;

	if (req == PROTO_IOCTL_CRASH && fs_crash_armed && f->node && fs_is(f->node, S_IFREG))
		*fs_crash_pointer = req;	/* the injected bug (servers/protocol.h) */
	if (req == PROTO_IOCTL_FS_STATS && f->node == fs_null)
		return fs_stats_to(c, arg);
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

/* pread64 and pwrite64: at off, leaving the description's offset where it was. */
static long fs_positional(const struct fs_call_ctx *c, struct fs_file *f, const uint64_t *a, int write)
{
	const struct fs_io io = { .buf = a[1], .len = a[2], .off = a[3], .positional = 1, .write = (uint8_t)write };

	if (f->node == fs_console)
		return -ESPIPE;
	if ((int64_t)io.off < 0)
		return -EINVAL;
	return write ? fs_write(c, f, &io) : fs_read(c, f, &io);
}

/*
 * fsync, fdatasync, syncfs and sync_file_range: every file is in memory,
 * so there is nothing to write back, but the arguments are checked as
 * Linux checks them: only files and directories have data to sync (a
 * pipe, the console or another device: EINVAL, or ESPIPE for a range).
 */
static long fs_sync(const struct fs_file *f, uint64_t nr, const uint64_t *a)
{
	int data = f->node && (fs_is(f->node, S_IFREG) || fs_is(f->node, S_IFDIR));
	uint64_t end = a[1] + a[2];

	if (nr == NR_syncfs)
		return 0;
	if (nr != NR_sync_file_range)
		return data ? 0 : -EINVAL;
	if (a[3] & ~(uint64_t)(SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER))
		return -EINVAL;
	if ((int64_t)a[1] < 0 || (int64_t)a[2] < 0 || (int64_t)end < 0 || end < a[1])
		return -EINVAL;
	return data ? 0 : -ESPIPE;
}

/* The calls that need a socket's descriptor (bind ... sendmmsg). */
static int fs_socket_call(uint64_t nr)
{
	return (nr >= NR_bind && nr <= NR_recvmsg) || nr == NR_accept4 || nr == NR_recvmmsg || nr == NR_sendmmsg;
}

/* Calls taking a descriptor as their first argument, but read and write (fs_call). */
static long fs_fd_call(const struct fs_call_ctx *c, struct fs_file *f, uint64_t nr, const uint64_t *a)
{
	/*
	 * No descriptor is a socket (socket() is EAFNOSUPPORT): Linux's answer
	 * for any other is ENOTSOCK. bash takes a standard input whose
	 * getpeername fails otherwise for a network connection, and reads
	 * ~/.bashrc even when not interactive.
	 */
	if (fs_socket_call(nr))
		return -ENOTSOCK;
	if (nr == NR_fsync || nr == NR_fdatasync || nr == NR_syncfs || nr == NR_sync_file_range)
		return fs_sync(f, nr, a);
	if (nr == NR_fstatfs)
		return fs_statfs_node(c, f->node ? f->node : fs_root, a[1]);
	if (nr == NR_flock)
		return fs_flock(c, f, a[1]);
	if (f->pipe && nr != NR_readv && nr != NR_writev && nr != NR_fstat && nr != NR_dup && nr != NR_ioctl &&
	    nr != NR_fchmod && nr != NR_fchown)
		return nr == NR_lseek || nr == NR_pread64 || nr == NR_pwrite64 ? -ESPIPE
		       : nr == NR_ftruncate ? -EINVAL : -ENOTDIR;
	switch (nr) {
	case NR_readv: return fs_vector(c, f, a[1], a[2], 0);
	case NR_writev: return fs_vector(c, f, a[1], a[2], 1);
	case NR_pread64: return fs_positional(c, f, a, 0);
	case NR_pwrite64: return fs_positional(c, f, a, 1);
	case NR_lseek: return fs_lseek(f, (int64_t)a[1], a[2]);
	case NR_getdents64: return fs_getdents64(c, f, a[1], a[2]);
	case NR_fstat: return fs_stat_node(c, f->node, a[1], 0);
	case NR_ftruncate:
		if ((f->flags & O_ACCMODE) == O_RDONLY || !fs_is(f->node, S_IFREG) || (int64_t)a[1] < 0)
			return -EINVAL;
		return fs_resize(c, f->node, a[1]);
	case NR_ioctl: return fs_ioctl(c, f, a[1], a[2]);
	case NR_fchmod:
	case NR_fchown:
		if (!f->node || f->node->procfs)
			return f->node ? -EPERM : 0;	/* a pipe's mode is not kept */
		if (nr == NR_fchmod)
			fs_set_mode(f->node, a[1]);
		else
			fs_touch(f->node, FS_TIME_C);
		return 0;
	case NR_dup: return fs_dup_file(c, f, 0, -1, 0);
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

long fs_call(struct fs_fdtable *t, uint64_t token, const struct kage_msg *m)
{
	const uint64_t nr = m->w[0], *a = &m->w[1];
	struct fs_call_ctx c;
	struct fs_file *f;

	fs_ctx_init(&c, t, token, m->badge);
	if (!fs_list_empty(&t->waits))
		fs_wait_stale(&c);
	switch (nr) {
	case NR_read:
	case NR_write:
		/* The commonest calls, on any descriptor (a pipe's too), straight to their handler. */
		f = fs_fd(&c, a[0]);
		if (nr == NR_read)
			c.msg = m;	/* its answer may carry its bytes */
		return f ? fs_read_write(&c, f, a[1], a[2], nr == NR_write) : -EBADF;
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
	case NR_symlinkat: return fs_symlinkat(&c, a);
	case NR_mknodat: return fs_mknodat(&c, a);
	case NR_linkat: return fs_linkat(&c, a);
	case NR_unlinkat: return fs_unlinkat(&c, a);
	case NR_renameat2: return fs_renameat2(&c, a);
	case NR_chdir: return fs_chdir(&c, a, 0);
	case NR_fchdir: return fs_chdir(&c, a, 1);
	case NR_truncate: return fs_truncate_path(&c, a);
	case NR_ppoll: case NR_pselect6: return fs_poll(&c, nr, a);
	case NR_fchmodat: case NR_fchownat: return fs_chmod_path(&c, nr, a);
	case NR_umask: return fs_umask(t, a[0]);
	case NR_statfs: return fs_statfs_path(&c, a[0], a[1]);
	case NR_utimensat: return fs_utimensat(&c, a);
	default:
		f = fs_fd(&c, a[0]);
		return f ? fs_fd_call(&c, f, nr, a) : -EBADF;
	}
}
