/* Shared by servers/fs's files: constants of the Linux ABI and internal helpers. */
#ifndef KAGE_SERVERS_FS_FS_IMPL_H
#define KAGE_SERVERS_FS_FS_IMPL_H

#include "lib/native.h"
#include "servers/fs/fs.h"
#include "servers/protocol.h"

/* The Linux calls the file server answers (riscv64 numbers). */
enum {
	NR_DUP = 23, NR_DUP3 = 24, NR_FCNTL = 25, NR_IOCTL = 29, NR_OPENAT = 56, NR_CLOSE = 57,
	NR_GETDENTS64 = 61, NR_LSEEK = 62, NR_READ = 63, NR_WRITE = 64, NR_READV = 65, NR_WRITEV = 66,
	NR_PREAD64 = 67, NR_PWRITE64 = 68, NR_NEWFSTATAT = 79, NR_FSTAT = 80, NR_PIPE2 = 59,
	NR_GETCWD = 17, NR_MKDIRAT = 34, NR_UNLINKAT = 35, NR_FTRUNCATE = 46, NR_CHDIR = 49, NR_FCHDIR = 50,
	NR_RENAMEAT2 = 276, NR_TRUNCATE = 45, NR_STATX = 291, NR_FACCESSAT = 48, NR_FACCESSAT2 = 439,
	NR_PSELECT6 = 72, NR_PPOLL = 73, NR_READLINKAT = 78, NR_FCHMOD = 52, NR_FCHMODAT = 53, NR_FCHOWNAT = 54, NR_FCHOWN = 55,
};

#define FS_S_IFMT 0170000
#define FS_S_IFDIR 0040000
#define FS_S_IFREG 0100000
#define FS_S_IFCHR 0020000
#define FS_S_IFLNK 0120000

#define FS_O_ACCMODE 3
#define FS_O_RDONLY 0
#define FS_O_WRONLY 1
#define FS_O_RDWR 2
#define FS_O_CREAT 0100
#define FS_O_NONBLOCK 04000
#define FS_O_TRUNC 01000
#define FS_O_APPEND 02000
#define FS_O_DIRECTORY 0200000
#define FS_O_EXCL 0200
#define FS_O_CLOEXEC 02000000

#define FS_S_IFIFO 0010000

/* poll's events (asm-generic/poll.h). */
#define FS_POLLIN 0x1
#define FS_POLLPRI 0x2
#define FS_POLLOUT 0x4
#define FS_POLLERR 0x8
#define FS_POLLHUP 0x10
#define FS_POLLNVAL 0x20
#define FS_POLLRDNORM 0x40
#define FS_POLLRDBAND 0x80
#define FS_POLLWRNORM 0x100
#define FS_POLLWRBAND 0x200

/* The call being served: the caller's table, and its token (the reply, and the right to its memory). */
struct fs_call_ctx {
	struct fs_fdtable *t;
	uint64_t token;
};

extern struct fs_file fs_files[FS_FILES];
extern struct fs_node *fs_root, *fs_console, *fs_null;
extern long fs_console_ep;	/* the console server's endpoint, or -1 */
extern int fs_crash_armed;	/* PROTO_IOCTL_CRASH crashes this server (FS_OP_ARM_CRASH) */

/* Nodes (fs.c): slot index, creation in dir, detaching from the tree, release when unused. */
unsigned fs_node_index(const struct fs_node *n);
struct fs_node *fs_new(struct fs_node *dir, const char *name, size_t len, uint32_t mode);
struct fs_node *fs_child(struct fs_node *dir, const char *name, size_t len);
void fs_detach(struct fs_node *n);
void fs_attach(struct fs_node *dir, struct fs_node *n);
/* Sets t's working directory (NULL: none, on exit), keeping the nodes' counts. */
void fs_set_cwd(struct fs_fdtable *t, struct fs_node *dir);

/* Reads at `off` of a file into the caller's memory (at most KAGE_COPY_MAX): the count, 0 at the end. */
long fs_file_read(const struct fs_call_ctx *c, const struct fs_node *n, uint64_t off, uint64_t buf, uint64_t len);
/* File data (ramfs.c). */
long fs_truncate(struct fs_node *n, uint64_t size);
void fs_data_free(struct fs_node *n);
long fs_file_write(const struct fs_call_ctx *c, struct fs_file *f, uint64_t buf, uint64_t len);
/* The namespace calls (ramfs.c); a[] as fs_call's. */
long fs_create(const struct fs_call_ctx *c, struct fs_node *at, const char *path, uint32_t mode,
	       struct fs_node **out);
long fs_mkdirat(const struct fs_call_ctx *c, const uint64_t *a);
long fs_unlinkat(const struct fs_call_ctx *c, const uint64_t *a);
long fs_renameat2(const struct fs_call_ctx *c, const uint64_t *a);
long fs_chdir(const struct fs_call_ctx *c, const uint64_t *a, int by_fd);
long fs_getcwd(const struct fs_call_ctx *c, const uint64_t *a);
/* The directory a *at call starts from (fs_calls.c), or NULL with *err. */
struct fs_node *fs_at(const struct fs_call_ctx *c, int64_t dirfd, long *err);
long fs_path(const struct fs_call_ctx *c, uint64_t va, char *buf, size_t max);

/* Resolves path from `at` (absolute paths from the root); create_dirs makes missing parents. */
struct fs_node *fs_walk(struct fs_node *at, const char *path, int create_dirs);
struct fs_file *fs_file_new(struct fs_node *n, uint32_t flags);
int fs_fd_close(struct fs_fdtable *t, uint64_t fd);
/* Puts f (or NULL) in slot fd with its close-on-exec flag; keeps t->top above every open fd. */
void fs_fd_set(struct fs_fdtable *t, uint64_t fd, struct fs_file *f, int cloexec);
void fs_fd_set_cloexec(struct fs_fdtable *t, uint64_t fd, int cloexec);
int fs_fd_cloexec(const struct fs_fdtable *t, uint64_t fd);
/* Drops one reference to an open file description; the last one closes it. */
void fs_file_put(struct fs_file *f);
/* The lowest free descriptor at or above `from`, now naming f: it, or -EMFILE. */
long fs_install_fd(const struct fs_call_ctx *c, struct fs_file *f, uint64_t from, int cloexec);

/* Pipes (pipe.c). */
long fs_pipe_create(const struct fs_call_ctx *c, uint64_t fds, uint64_t flags);
long fs_pipe_read(const struct fs_call_ctx *c, struct fs_file *f, uint64_t buf, uint64_t len);
long fs_pipe_write(const struct fs_call_ctx *c, struct fs_file *f, uint64_t buf, uint64_t len);
void fs_pipe_release(struct fs_file *f);
/* The process owning t is gone: it waits on no pipe any more. */
void fs_pipe_forget(const struct fs_fdtable *t);
/* What poll sees on a pipe end; FIONREAD's count. */
uint32_t fs_pipe_poll(const struct fs_file *f);
uint64_t fs_pipe_unread(const struct fs_file *f);

/* ppoll and pselect6 (poll.c): the answer, or FS_BLOCKED. */
long fs_poll(const struct fs_call_ctx *c, uint64_t nr, const uint64_t *a);
/* Something a poll may wait for changed: waiting polls look again. */
void fs_poll_wake(void);
/* The process owning t is gone: its waiting poll is dropped. */
void fs_poll_forget(const struct fs_fdtable *t);

/* /proc (procfs.c): made at start, updated by the process server's snapshots. */
int procfs_init(long proc_ep);
long procfs_snapshot(uint64_t token, uint64_t va, uint64_t len);
/* A process's call: 0 to serve it now, FS_BLOCKED if it went to the process server, or -errno. */
long procfs_divert(const struct fs_call_ctx *c, uint64_t badge, uint64_t nr, const uint64_t *a);
/* FS_OP_PROC_REDO: the call served for the table t of the process it came from. */
long procfs_redo(struct fs_fdtable *t, uint64_t token, const struct kage_msg *m);
/* A node met on a walk (last: its final one): itself, or where a /proc link points for the caller. */
struct fs_node *procfs_follow(struct fs_node *n, int last);
/* procfs.c's tree work, for procfs_fd.c: nodes made, kept or rewritten, removed. */
struct fs_node *procfs_new(struct fs_node *dir, const char *name, uint32_t mode, const char *text, size_t len);
struct fs_node *procfs_keep(struct fs_node *n, uint32_t mode, const char *text, size_t len);
void procfs_remove(struct fs_node *n);
struct fs_node *procfs_root(void);
/* A call whose path names /proc or /dev/fd is being served (procfs_redo): only then can it name an fd link. */
int procfs_redoing(void);
/* The badge of a process of the last snapshot whose table is here (0: none). */
uint64_t procfs_badge_of(int32_t pid);
/* The node path names, its last link not followed (lstat's walk). */
struct fs_node *procfs_walk_nofollow(struct fs_node *at, const char *path);

/* /proc/N/fd and /dev/fd (procfs_fd.c). */
int procfs_fd_init(void);
/* Brings the fd directory dir up to date with its process's table (NULL: gives every process an empty one). */
void procfs_fd_refresh(struct fs_node *dir);
int procfs_fd_is_dir(const struct fs_node *n);
/* readlinkat of the links the file server keeps. */
long procfs_readlink(const struct fs_call_ctx *c, const uint64_t *a);
/* openat of a pipe's link: a new descriptor for the same pipe end, or -ENOENT if path is none. */
long procfs_fd_open(const struct fs_call_ctx *c, struct fs_node *at, const char *path, int cloexec);

/* The descriptor table of a badge (main.c), or NULL. */
struct fs_fdtable *fs_table_of(uint64_t badge);
/* n's absolute path into buf (NUL-terminated): its length, or -ENAMETOOLONG. */
long fs_node_path(const struct fs_node *n, char *buf, size_t size);
/* A number naming a pipe while it exists, for /proc/N/fd's "pipe:[N]". */
unsigned fs_pipe_id(const struct fs_file *f);

#endif
