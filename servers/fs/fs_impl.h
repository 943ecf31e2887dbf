/* Shared by servers/fs's files: constants of the Linux ABI and internal helpers. */
#ifndef KAGE_SERVERS_FS_FS_IMPL_H
#define KAGE_SERVERS_FS_FS_IMPL_H

#include "lib/native.h"
#include "servers/fs/fs.h"
#include "servers/protocol.h"

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

#endif
