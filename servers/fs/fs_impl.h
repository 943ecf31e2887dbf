/* Shared by servers/fs's files: the call context and the internal helpers of each file. */
#ifndef KAGE_SERVERS_FS_FS_IMPL_H
#define KAGE_SERVERS_FS_FS_IMPL_H

#include <stddef.h>
#include "lib/linux_abi.h"
#include "lib/native.h"
#include "servers/fs/fs.h"
#include "servers/protocol.h"

/*
 * The call being served: the caller's table, its token (the reply, and
 * the right to its memory) and the badge it came with (its thread), and
 * the server's two path buffers (PROTO_PATH_MAX bytes each: kept off the
 * stack, which in MODE=mono every server's handlers share). The server
 * serves one call at a time, so one pair does for every call.
 */
struct fs_call_ctx {
	struct fs_fdtable *t;
	uint64_t token;
	uint64_t badge;
	char *path, *path2;
	/* The call's message if it is a read, whose answer may carry its bytes (native_answer_copy); else NULL. */
	const struct kage_msg *msg;
};

/* A context for a call of t's process (fs_calls.c). */
void fs_ctx_init(struct fs_call_ctx *c, struct fs_fdtable *t, uint64_t token, uint64_t badge);

extern struct fs_node *fs_root, *fs_console, *fs_null;
/* /dev/zero, /dev/full, /dev/urandom and /dev/random (archive.c; NULL if they could not be made). */
extern struct fs_node *fs_zero, *fs_full, *fs_urandom, *fs_random;
/*
 * /dev/tty: every process's controlling terminal is the console, once the
 * console has a foreground group (fs_console_ctty, FS_OP_CONSOLE_CTTY);
 * until then an open is ENXIO, as for a Linux process without one.
 */
extern struct fs_node *fs_tty;
extern int fs_console_ctty;
extern long fs_console_ep;	/* the console server's endpoint, or -1 */
extern long fs_proc_ep;		/* the process server's, badged PROTO_BADGE_FS */
extern int fs_crash_armed;	/* PROTO_IOCTL_CRASH crashes this server (FS_OP_ARM_CRASH) */

static inline void fs_list_init(struct fs_list *l)
{
	l->next = l->prev = l;
}

static inline int fs_list_empty(const struct fs_list *l)
{
	return l->next == l;
}

static inline void fs_list_add_tail(struct fs_list *head, struct fs_list *e)
{
	e->prev = head->prev;
	e->next = head;
	head->prev->next = e;
	head->prev = e;
}

static inline void fs_list_del(struct fs_list *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
	fs_list_init(e);
}

#define fs_container_of(p, type, member) ((type *)(void *)((char *)(p) - offsetof(type, member)))

static inline int fs_is(const struct fs_node *n, uint32_t type)
{
	return (n->mode & S_IFMT) == type;
}

/* The name index and the root (tree.c), before any other node: 0 or -ENOMEM. */
int fs_tree_init(void);
/*
 * Nodes and the tree (tree.c). fs_new: a node with a name in dir (NULL:
 * outside the tree, unnamed only then), or NULL when memory is out.
 * fs_link: one more name for n in dir: 0 or -ENOMEM. fs_entry: dir's
 * name called name[0..len), or NULL; fs_child: the node it names ("."
 * and ".." too), or NULL. fs_node_dir: the directory of n's first name
 * (its ".."; the root and nodes outside the tree: n itself).
 */
struct fs_node *fs_new(struct fs_node *dir, const char *name, size_t len, uint32_t mode);
long fs_link(struct fs_node *dir, const char *name, size_t len, struct fs_node *n);
struct fs_dentry *fs_entry(const struct fs_node *dir, const char *name, size_t len);
struct fs_node *fs_child(struct fs_node *dir, const char *name, size_t len);
struct fs_node *fs_node_dir(const struct fs_node *n);
/* Removes name d (its node goes now, or at its last close, when it was the last). */
void fs_unlink(struct fs_dentry *d);
/* Removes the only name of n (a directory's, or a node just made). */
void fs_detach(struct fs_node *n);
/* Renames d to name in dir, replacing name victim there (if not NULL): 0, or -ENOMEM with nothing changed. */
long fs_move(struct fs_dentry *d, struct fs_node *dir, const char *name, size_t len, struct fs_dentry *victim);
/* Frees n if nothing holds it any more (out of the tree, not open, not pinned). */
void fs_node_release(struct fs_node *n);
/* Sets t's working directory (NULL: none, on exit), keeping the nodes' counts. */
void fs_set_cwd(struct fs_fdtable *t, struct fs_node *dir);
/*
 * A path walk (fs_walk): where it ended, and what following links made
 * on the way, which fs_walk_done frees (call it after every walk).
 */
struct fs_walk {
	const char *path;	/* the path walked: the caller's, or buf once a link rewrote it */
	size_t len;
	char *buf;		/* the path as links rewrote it (heap), or NULL */
	unsigned links;		/* symbolic links followed so far */
	struct fs_node *node;	/* what the path names; a gateway: the process server's part is path + rest */
	struct fs_dentry *entry;	/* the name its last step went through (NULL: ".", "..", the root) */
	size_t rest;
	/* -ENOENT for the last component alone: the directory that lacks it, and its name (in path). */
	struct fs_node *dir;
	const char *last;
	size_t last_len;
};

#define FS_WALK_NOFOLLOW 1u	/* a link as the last component is the answer (lstat), not followed */
#define FS_LINKS_MAX 40		/* links one walk follows, Linux's MAXSYMLINKS; then -ELOOP */

/*
 * Resolves path[0..len) from `at` (absolute paths from the root; NULL:
 * the root): 0 and w->node, or -ENOENT, -ENOTDIR, -ENAMETOOLONG (a
 * component longer than NAME_MAX), -ELOOP, -ENOMEM. Symbolic links are
 * followed (relative targets from the link's directory), the last one
 * unless flags has FS_WALK_NOFOLLOW and no "/" follows it. A path that
 * walks into /proc ends at the gateway it went through (gate set), the
 * part for the process server at w->path + w->rest.
 */
long fs_walk(struct fs_walk *w, struct fs_node *at, const char *path, size_t len, unsigned flags);
void fs_walk_done(struct fs_walk *w);
/* The directories of path[0..len) from the root, made where missing (the archive's): 0 and *out the last, or -errno. */
long fs_mkdirs(const char *path, size_t len, struct fs_node **out);
/* The name in directory n at seq >= *seq, which it sets to that seq; NULL past the last. */
struct fs_dentry *fs_dir_next(const struct fs_node *n, uint64_t *seq);

/* File data (data.c). Gives n its own pages, a copy of what the initramfs had: 0 or -ENOSPC. */
long fs_own(struct fs_node *n);
/* Copies up to len bytes of n at off to the caller's buf (holes read as zeros): the count, 0 at the end, or -EFAULT. */
long fs_data_read(uint64_t token, const struct fs_node *n, uint64_t off, uint64_t buf, uint64_t len);
/* The same into this server's memory (a /proc directory's records). */
/* A read of /dev/zero or /dev/full: zeros, at most KAGE_COPY_MAX (a device's short count); or -EFAULT. */
long fs_zeros_read(uint64_t token, uint64_t buf, uint64_t len);
void fs_data_peek(const struct fs_node *n, uint64_t off, void *dst, uint64_t len);
/*
 * Writes len bytes from the caller's va into n (owned) at off, growing it:
 * the count (short when memory or the caller's buffer ran out), or
 * -ENOSPC / -EFAULT when nothing was written.
 */
long fs_data_write(struct fs_node *n, uint64_t token, uint64_t va, uint64_t off, uint64_t len);
/* n's size becomes size (pages beyond it go, a hole before it reads as zeros): 0 or -ENOSPC. */
long fs_truncate(struct fs_node *n, uint64_t size);
/* truncate(2) of n by the caller: the same, within RLIMIT_FSIZE (FS_SIGXFSZ) and Linux's largest file (-EFBIG). */
long fs_resize(const struct fs_call_ctx *c, struct fs_node *n, uint64_t size);
void fs_data_free(struct fs_node *n);
/* An empty n's data becomes len bytes of this server's at src (a link's target): 0 or -ENOSPC. */
long fs_data_put(struct fs_node *n, const void *src, uint64_t len);
/* n's data becomes len bytes read from the caller's memory at va: 0, -ENOMEM or -EFAULT. */
long fs_data_fill(struct fs_node *n, uint64_t token, uint64_t va, uint64_t len);
/* A read or write of a regular file (transfer.c): one buffer, or (iov != 0) readv/writev's array. */
struct fs_io {
	uint64_t buf, len;
	uint64_t iov, iovcnt;
	uint64_t off;		/* positional: where (pread64, pwrite64); else the description's offset */
	uint8_t positional, write;
};
/* The count, -errno, FS_SIGXFSZ, or FS_BLOCKED while the rest moves in pieces (answered later). */
long fs_transfer(const struct fs_call_ctx *c, struct fs_file *f, const struct fs_io *io);

/* The initramfs (archive.c): n's bytes there as a memory object (a slice), and where it starts in its page. */
long fs_archive_slice(const struct fs_node *n, uint64_t *page_off);

/*
 * The namespace calls (ramfs.c); a[] as fs_call's. fs_make: a new entry
 * name[0..len) of dir, of mode (less the caller's umask, but a link's):
 * 0 and *out, or -ENOENT (dir removed), -ENOTDIR, -EACCES (/proc),
 * -EEXIST, -ENOSPC.
 */
long fs_make(const struct fs_call_ctx *c, struct fs_node *dir, const char *name, size_t len, uint32_t mode,
	     struct fs_node **out);
long fs_mkdirat(const struct fs_call_ctx *c, const uint64_t *a);
long fs_symlinkat(const struct fs_call_ctx *c, const uint64_t *a);
long fs_mknodat(const struct fs_call_ctx *c, const uint64_t *a);
long fs_linkat(const struct fs_call_ctx *c, const uint64_t *a);
long fs_unlinkat(const struct fs_call_ctx *c, const uint64_t *a);
long fs_renameat2(const struct fs_call_ctx *c, const uint64_t *a);
long fs_chdir(const struct fs_call_ctx *c, const uint64_t *a, int by_fd);
long fs_getcwd(const struct fs_call_ctx *c, const uint64_t *a);
/* The absolute path of name d, or of n's first name, into buf (NUL-terminated): its length, or -ENAMETOOLONG. */
long fs_entry_path(const struct fs_dentry *d, char *buf, size_t size);
long fs_node_path(const struct fs_node *n, char *buf, size_t size);

/*
 * The node (dirfd a[0], path a[1]) names, for the *at calls (paths.c),
 * the last link followed unless flags has AT_SYMLINK_NOFOLLOW: 0 and *n
 * (NULL for a pipe, with AT_EMPTY_PATH and an empty path), or -errno. A
 * path into /proc is `gate`'s: a call number forwards the call as that
 * call to the process server (FS_BLOCKED), FS_GATE_NODE answers 0 with
 * *n NULL, and a negative errno refuses it. The path is read into c->path.
 */
long fs_lookup_at(const struct fs_call_ctx *c, const uint64_t *a, uint64_t flags, struct fs_node **n, long gate);
#define FS_GATE_NODE 0

/* The directory a *at call starts from (paths.c), or NULL with *err; the caller's path at va into buf. */
struct fs_node *fs_at(const struct fs_call_ctx *c, int64_t dirfd, long *err);
long fs_path(const struct fs_call_ctx *c, uint64_t va, char *buf);
/* Both: the path at va into path (PROTO_PATH_MAX bytes), and the directory it starts from, or NULL with *err. */
struct fs_node *fs_start(const struct fs_call_ctx *c, int64_t dirfd, uint64_t va, char *path, long *err);

/* The caller of token (badge) gets signal sig, and `answer` for its call (main.c): 0, or -errno if its call is gone. */
long fs_signal_caller(uint64_t token, uint64_t badge, int sig, long answer);
/* FS_OP_STATS's answer (main.c): heap allocations in use, nodes, descriptions, pipes, tables. */
void fs_stats(uint64_t w[5]);
#define FS_STATS_WORDS 6	/* what PROTO_IOCTL_FS_STATS writes: FS_OP_STATS's five, and the calls waiting */
/* A fresh inode number (tree.c). */
uint64_t fs_new_ino(void);

/* Open file descriptions (table.c): a new one naming n (NULL: a pipe end), or NULL when memory is out. */
struct fs_file *fs_file_new(struct fs_node *n, uint32_t flags);
/* Drops one reference to an open file description; the last one closes it. */
void fs_file_put(struct fs_file *f);
/* Descriptors (table.c): what fd names in t, or NULL; its close-on-exec flag. */
static inline struct fs_file *fs_fd_file(const struct fs_fdtable *t, uint64_t fd)
{
	return fd < t->cap ? (struct fs_file *)(t->slot[fd] & ~FS_FD_CLOEXEC) : NULL;
}

static inline int fs_fd_cloexec(const struct fs_fdtable *t, uint64_t fd)
{
	return fd < t->cap && (t->slot[fd] & FS_FD_CLOEXEC);
}

void fs_fd_set_cloexec(struct fs_fdtable *t, uint64_t fd, int cloexec);
int fs_fd_close(struct fs_fdtable *t, uint64_t fd);
/* The lowest free descriptor at or above `from`, now holding the caller's reference to f: it, -EMFILE or -ENOMEM. */
long fs_install_fd(struct fs_fdtable *t, struct fs_file *f, uint64_t from, int cloexec);
/* Descriptor fd (closed if open) now holds the caller's reference to f: fd, -EBADF (past the limit) or -ENOMEM. */
long fs_place_fd(struct fs_fdtable *t, uint64_t fd, struct fs_file *f, int cloexec);
/* FS_OP_PROC_FDS: t's open descriptors from `first` (a multiple of 64) into map, bits long (a multiple of 64). */
void fs_table_fds(const struct fs_fdtable *t, uint64_t *map, uint64_t first, uint64_t bits);

/*
 * openat's work once the node is found: checks, O_TRUNC, a description
 * and a descriptor (or FS_BLOCKED: a named pipe's open waits for its
 * other end, unless may_wait is 0, as for an open through /proc).
 */
long fs_open_node(const struct fs_call_ctx *c, struct fs_node *n, uint64_t flags, int may_wait);
/* stat or statx of a node (NULL: a pipe) into the caller's memory at buf. */
long fs_stat_node(const struct fs_call_ctx *c, const struct fs_node *n, uint64_t buf, int statx);
/* The path calls (paths.c); a[] as fs_call's. */
long fs_openat(const struct fs_call_ctx *c, const uint64_t *a);
long fs_stat_path(const struct fs_call_ctx *c, const uint64_t *a, int statx);
long fs_access(const struct fs_call_ctx *c, uint64_t nr, const uint64_t *a);
long fs_readlink(const struct fs_call_ctx *c, const uint64_t *a);
long fs_truncate_path(const struct fs_call_ctx *c, const uint64_t *a);
long fs_chmod_path(const struct fs_call_ctx *c, uint64_t nr, const uint64_t *a);
/* chmod's change: the permission bits, never the type. */
void fs_set_mode(struct fs_node *n, uint64_t mode);

#define FS_NS 1000000000l	/* ns a second */

/* File times (times.c): the time CSR's rate, the wall clock at its 0 (FS_OP_CLOCK), now in ns. */
void fs_time_init(uint64_t hz);
void fs_time_set_boot(uint64_t boot_ns);
int64_t fs_now(void);
void fs_time_fix(int64_t ns);
#define FS_TIME_A 1u
#define FS_TIME_M 2u
#define FS_TIME_C 4u
#define FS_TIME_MC (FS_TIME_M | FS_TIME_C)
/* Sets the node's times named by `what` (FS_TIME_*) to now. */
void fs_touch(struct fs_node *n, unsigned what);
/* utimensat (paths.c). */
long fs_utimensat(const struct fs_call_ctx *c, const uint64_t *a);
/* getdents64 (dir.c). */
long fs_getdents64(const struct fs_call_ctx *c, struct fs_file *f, uint64_t buf, uint64_t len);

/*
 * A thread's call that waits in the file server (wait.c): a pipe read
 * or write, or a poll. It is on its table's list of waits until it is
 * answered or dropped, and on the list of what it waits for.
 */
enum fs_wait_kind { FS_WAIT_READ, FS_WAIT_WRITE, FS_WAIT_POLL, FS_WAIT_LOCK, FS_WAIT_PATH, FS_WAIT_OPEN };

struct fs_wait {
	struct fs_list in_table;	/* on its table's `waits` */
	struct fs_list in_queue;	/* on a pipe's readers or writers (FIFO), or the timed polls */
	struct fs_fdtable *owner;
	uint64_t badge, token;
	enum fs_wait_kind kind;
};

/* w (its kind's part filled in by the caller) is the caller's call, waiting from now on. */
void fs_wait_start(struct fs_wait *w, const struct fs_call_ctx *c, enum fs_wait_kind kind);
/* w is answered or dropped: it leaves its table (its kind's code frees it). */
void fs_wait_end(struct fs_wait *w);
/* The caller's thread calls again: a call of it still waiting was aborted, and goes. */
void fs_wait_stale(const struct fs_call_ctx *c);
/* Drops w unanswered (its call was aborted, or its process is gone), and frees it. */
void fs_wait_drop(struct fs_wait *w);
/* The process owning t is gone: every waiting call of its threads goes. */
void fs_wait_forget(struct fs_fdtable *t);

/* statfs of the file system holding n (NULL or a /proc node: /proc), and of a path (paths.c). */
long fs_statfs_node(const struct fs_call_ctx *c, const struct fs_node *n, uint64_t buf);
long fs_statfs_path(const struct fs_call_ctx *c, uint64_t path, uint64_t buf);

/* File locks (lock.c): fcntl's F_GETLK, F_SETLK(W) and F_OFD_* (cmd), and flock; answers or FS_BLOCKED. */
long fs_fcntl_lock(const struct fs_call_ctx *c, struct fs_file *f, uint64_t cmd, uint64_t arg);
long fs_flock(const struct fs_call_ctx *c, struct fs_file *f, uint64_t op);
/* t closes a descriptor of f: its process's POSIX locks on the file go, as POSIX says. */
void fs_lock_close(struct fs_fdtable *t, const struct fs_file *f);
/* f's last reference goes: its OFD locks and flock go. */
void fs_lock_file_gone(const struct fs_file *f);
/* A waiting lock call leaves its queue, and is freed. */
void fs_lock_wait_drop(struct fs_wait *w);

/* Pipes (pipe.c). fs_pipe_make: a pipe with no end yet, of the named pipe fifo (NULL: pipe2's), or NULL. */
struct fs_pipe *fs_pipe_make(struct fs_node *fifo);
/* A new open file description of p (n: its named pipe), a reader, a writer or both by flags: it, or NULL. */
struct fs_file *fs_pipe_end(struct fs_pipe *p, struct fs_node *n, uint32_t flags);
/* p goes if nothing holds it any more: no end open, no open of it waiting. */
void fs_pipe_unhold(struct fs_pipe *p);
uint32_t fs_pipe_readers(const struct fs_pipe *p);
uint32_t fs_pipe_writers(const struct fs_pipe *p);
/* The opens of p's named pipe that wait for its other end (struct fs_fifo_wait's in_queue). */
struct fs_list *fs_pipe_openers(struct fs_pipe *p);
long fs_pipe_create(const struct fs_call_ctx *c, uint64_t fds, uint64_t flags);
long fs_pipe_read(const struct fs_call_ctx *c, struct fs_file *f, uint64_t buf, uint64_t len);
long fs_pipe_write(const struct fs_call_ctx *c, struct fs_file *f, uint64_t buf, uint64_t len);
void fs_pipe_release(struct fs_file *f);
/* A waiting read or write of a pipe leaves its queue, and is freed. */
void fs_pipe_wait_drop(struct fs_wait *w);
/* What poll sees on a pipe end; FIONREAD's count. */
uint32_t fs_pipe_poll(const struct fs_file *f);
uint64_t fs_pipe_unread(const struct fs_file *f);
/* fcntl's F_GETPIPE_SZ and F_SETPIPE_SZ (size) of f: the capacity, or -errno. */
long fs_pipe_size(const struct fs_file *f, uint64_t cmd, uint64_t size);
/* A number naming a pipe while it exists, for /proc/N/fd's "pipe:[N]". */
uint64_t fs_pipe_id(const struct fs_file *f);

/*
 * Named pipes (fifo.c). fs_fifo_open: an open of named pipe n, which
 * waits for the other end unless O_NONBLOCK or O_RDWR (or may_wait is
 * 0): a descriptor, FS_BLOCKED, or -errno. fs_pipe_reopen: a new
 * description of pipe p (an open through /proc/N/fd), never waiting.
 */
long fs_fifo_open(const struct fs_call_ctx *c, struct fs_node *n, uint32_t flags, int may_wait);
long fs_pipe_reopen(const struct fs_call_ctx *c, struct fs_pipe *p, uint32_t flags);
/* A waiting open leaves its pipe and its node, and is freed. */
void fs_fifo_wait_drop(struct fs_wait *w);

/*
 * What polls watch (a pipe, the console): the polls to look at again
 * when it changes, and a mark so that a poll watches each thing once.
 */
struct fs_watchers {
	struct fs_list polls;
	uint64_t mark;
};

/* ppoll and pselect6 (poll.c): the answer, or FS_BLOCKED. */
long fs_poll(const struct fs_call_ctx *c, uint64_t nr, const uint64_t *a);
/* Something ws stands for changed: the polls watching it look again. */
void fs_watchers_wake(struct fs_watchers *ws);
/* ws goes (its pipe is freed): the polls watching it stop, and look again. */
void fs_watchers_end(struct fs_watchers *ws);
/* A waiting poll is dropped: it leaves what it watches, and is freed. */
void fs_poll_wait_drop(struct fs_wait *w);

/*
 * What one poll or select asks (poll_scan.c): the call and its
 * arguments, and when it is checked again whether it may write its
 * answers (final: the deadline came).
 */
struct fs_poll_ask {
	const struct fs_fdtable *t;
	uint64_t token;
	uint64_t nr;			/* NR_ppoll or NR_pselect6 */
	const uint64_t *a;		/* the call's arguments */
};

/* A poll's check: how many descriptors are ready (their answers written), or -errno. */
long fs_poll_check(const struct fs_poll_ask *q, int final);
/* Calls see(ws, arg) for what each descriptor of the poll stands for: 0, or the first error. */
long fs_poll_watched(const struct fs_poll_ask *q, long (*see)(struct fs_watchers *ws, void *arg), void *arg);
/* What poll reports for fd of t, before the caller's events select from it. */
uint32_t fs_poll_fd(const struct fs_fdtable *t, int64_t fd);
/* What a descriptor stands for, for a poll to watch: its pipe's, the console's, or NULL. */
struct fs_watchers *fs_poll_target(const struct fs_fdtable *t, int64_t fd);
/* The console's watchers, and whether a read of it would find input (poll.c). */
extern struct fs_watchers fs_console_watchers;
extern int fs_console_readable;
struct fs_watchers *fs_pipe_watchers(const struct fs_file *f);

/* Gateways into /proc (mount.c). */
int fs_mount_init(void);
/* The depth in /proc that gateway n stands for, and the node a path climbing out of /proc resumes at. */
int fs_gate_depth(const struct fs_node *n);
struct fs_node *fs_gate_exit(void);
/*
 * A call (as nr, its arguments a[]) whose path walked through a gateway,
 * where w ended: forwarded to the process server (FS_BLOCKED), or -errno.
 */
long fs_gate_forward(const struct fs_call_ctx *c, uint64_t nr, const uint64_t *a, const struct fs_walk *w);
/* A held path leaves its table, and is freed (taken, or its call gone). */
void fs_held_path_drop(struct fs_wait *w);
/* The process server's operations for /proc (FS_OP_PROC_*); out[] as fs_operation's. */
long fs_proc_open(uint64_t token, const struct kage_msg *m);
long fs_proc_link(uint64_t token, const struct kage_msg *m);
long fs_proc_fds(uint64_t token, const struct kage_msg *m, uint64_t out[5]);
long fs_proc_path(uint64_t token, const struct kage_msg *m);

#endif
