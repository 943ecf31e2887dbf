/* Shared by servers/fs's files: the call context and the internal helpers of each file. */
#ifndef KAGE_SERVERS_FS_FS_IMPL_H
#define KAGE_SERVERS_FS_FS_IMPL_H

#include "lib/linux_abi.h"
#include "lib/native.h"
#include "servers/fs/fs.h"
#include "servers/protocol.h"

/*
 * The call being served: the caller's table, its token (the reply, and
 * the right to its memory) and the badge it came with (its thread).
 */
struct fs_call_ctx {
	struct fs_fdtable *t;
	uint64_t token;
	uint64_t badge;
};

extern struct fs_file fs_files[FS_FILES];
extern struct fs_node *fs_root, *fs_console, *fs_null;
extern long fs_console_ep;	/* the console server's endpoint, or -1 */
extern long fs_proc_ep;		/* the process server's, badged PROTO_BADGE_FS */
extern int fs_crash_armed;	/* PROTO_IOCTL_CRASH crashes this server (FS_OP_ARM_CRASH) */

/* Nodes (fs.c): creation in dir (NULL: a node outside the tree), detaching from the tree. */
struct fs_node *fs_new(struct fs_node *dir, const char *name, size_t len, uint32_t mode);
struct fs_node *fs_child(struct fs_node *dir, const char *name, size_t len);
void fs_detach(struct fs_node *n);
void fs_attach(struct fs_node *dir, struct fs_node *n);
/* Sets t's working directory (NULL: none, on exit), keeping the nodes' counts. */
void fs_set_cwd(struct fs_fdtable *t, struct fs_node *dir);
/*
 * Resolves path from `at` (absolute paths from the root); create_dirs
 * makes missing parents. A path that walks into /proc ends at the
 * gateway it went through (n->gate set), with *rest, if asked, where the
 * part for the process server starts.
 */
struct fs_node *fs_walk(struct fs_node *at, const char *path, int create_dirs, const char **rest);

/* Reads at `off` of a file into the caller's memory (at most KAGE_COPY_MAX): the count, 0 at the end. */
long fs_file_read(const struct fs_call_ctx *c, const struct fs_node *n, uint64_t off, uint64_t buf, uint64_t len);
/* File data (ramfs.c). */
long fs_truncate(struct fs_node *n, uint64_t size);
void fs_data_free(struct fs_node *n);
long fs_file_write(const struct fs_call_ctx *c, struct fs_file *f, uint64_t buf, uint64_t len);
/* n's data becomes len bytes read from the caller's memory at va: 0, -ENOSPC, -EFBIG or -EFAULT. */
long fs_data_fill(struct fs_node *n, uint64_t token, uint64_t va, uint64_t len);
/* The namespace calls (ramfs.c); a[] as fs_call's. */
long fs_create(const struct fs_call_ctx *c, struct fs_node *at, const char *path, uint32_t mode,
	       struct fs_node **out);
long fs_mkdirat(const struct fs_call_ctx *c, const uint64_t *a);
long fs_unlinkat(const struct fs_call_ctx *c, const uint64_t *a);
long fs_renameat2(const struct fs_call_ctx *c, const uint64_t *a);
long fs_chdir(const struct fs_call_ctx *c, const uint64_t *a, int by_fd);
long fs_getcwd(const struct fs_call_ctx *c, const uint64_t *a);
/* The directory a *at call starts from (paths.c), or NULL with *err; the caller's path at va into buf. */
struct fs_node *fs_at(const struct fs_call_ctx *c, int64_t dirfd, long *err);
long fs_path(const struct fs_call_ctx *c, uint64_t va, char *buf, size_t max);
/* Both: the path at va into path (PROTO_PATH_MAX bytes), and the directory it starts from, or NULL with *err. */
struct fs_node *fs_start(const struct fs_call_ctx *c, int64_t dirfd, uint64_t va, char *path, long *err);
/* n's absolute path into buf (NUL-terminated): its length, or -ENAMETOOLONG. */
long fs_node_path(const struct fs_node *n, char *buf, size_t size);

/* Open file descriptions and descriptors (fs.c). */
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
/* openat's work once the node is found: checks, O_TRUNC, a description and a descriptor. */
long fs_open_node(const struct fs_call_ctx *c, struct fs_node *n, uint64_t flags);
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
/* A number naming a pipe while it exists, for /proc/N/fd's "pipe:[N]". */
unsigned fs_pipe_id(const struct fs_file *f);

/* ppoll and pselect6 (poll.c): the answer, or FS_BLOCKED. */
long fs_poll(const struct fs_call_ctx *c, uint64_t nr, const uint64_t *a);
/* Something a poll may wait for changed: waiting polls look again. */
void fs_poll_wake(void);
/* The process owning t is gone: its waiting polls are dropped. */
void fs_poll_forget(const struct fs_fdtable *t);

/* The descriptor table of a process's key (main.c), or NULL. */
struct fs_fdtable *fs_table_of_key(uint64_t key);

/* Gateways into /proc (mount.c). */
int fs_mount_init(void);
/* The depth in /proc that gateway n stands for, and the node a path climbing out of /proc resumes at. */
int fs_gate_depth(const struct fs_node *n);
struct fs_node *fs_gate_exit(void);
/*
 * A call whose path walked through gateway `gate`, the process server's
 * part starting at path + skip: forwarded to it (FS_BLOCKED), or -errno.
 */
long fs_gate_forward(const struct fs_call_ctx *c, uint64_t nr, const uint64_t *a, const struct fs_node *gate,
		     uint32_t skip);
/* The process server's operations for /proc (FS_OP_PROC_*); out[] as fs_operation's. */
long fs_proc_open(uint64_t token, const struct kage_msg *m);
long fs_proc_link(uint64_t token, const struct kage_msg *m);
long fs_proc_fds(uint64_t token, const struct kage_msg *m, uint64_t out[5]);

#endif
