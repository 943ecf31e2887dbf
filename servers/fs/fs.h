/*
 * The file layer: a tree of nodes built from the initramfs, open file
 * descriptions, and per-process descriptor tables. Handlers are plain
 * functions of a descriptor table and the call's arguments; the process
 * server's loop calls them (a separate file-server task, with its own
 * loop around the same handlers, comes with the microkernel/monolith
 * comparison).
 *
 * Ownership: nodes live as long as the server (the initramfs is
 * read-only for now: files come from it, their data stays in the mapped
 * archive). An open file description counts the descriptors naming it
 * (across processes after fork); the last close frees it.
 */
#ifndef KAGE_SERVERS_FS_FS_H
#define KAGE_SERVERS_FS_FS_H

#include <stddef.h>
#include <stdint.h>

#define FS_FDS 64
#define FS_NODES 512
#define FS_FILES 256

struct fs_node {
	uint32_t mode;			/* st_mode */
	uint32_t ino;
	char name[60];
	struct fs_node *parent, *child, *next;	/* the directory tree */
	const uint8_t *data;		/* file contents (in the mapped initramfs) */
	uint64_t size;
};

struct fs_pipe;

struct fs_file {
	uint32_t refs;			/* descriptors naming it; 0: free */
	uint32_t flags;			/* O_ACCMODE | O_APPEND | O_NONBLOCK ... as opened */
	struct fs_node *node;		/* NULL for a pipe end */
	struct fs_pipe *pipe;
	uint64_t offset;		/* bytes, or the next entry for a directory */
};

struct fs_fdtable {
	struct fs_file *fd[FS_FDS];
	uint64_t cloexec;		/* bit n: close fd n on execve */
};

/* Builds the tree from a cpio archive already mapped in the server: 0 or -ENOMEM/-EINVAL. */
int fs_init(const void *cpio, size_t size);
/* A new process's table: fds 0, 1 and 2 on the console. */
int fs_table_init(struct fs_fdtable *t);
/* fork: the child shares every open file description. */
void fs_table_copy(struct fs_fdtable *to, const struct fs_fdtable *from);
/* exit: every descriptor closed. execve: those marked close-on-exec. */
void fs_table_close_all(struct fs_fdtable *t);
void fs_table_exec(struct fs_fdtable *t);
/* The node at an absolute path (for execve), or NULL. */
struct fs_node *fs_lookup(const char *path);

/* fs_call results that are not answers: answer later (the token is kept), or kill with SIGPIPE. */
#define FS_BLOCKED (-0x7fffffffffffffffl - 1)
#define FS_SIGPIPE (-0x7fffffffffffffffl)

/*
 * Linux calls on descriptors, for the process whose memory is `space`
 * (a handle) and whose table is t; a[] are the call's six arguments and
 * token its reply token (for answers given later, when a pipe blocks).
 * The result is what lands in a0, or FS_BLOCKED, or FS_SIGPIPE.
 */
long fs_call(struct fs_fdtable *t, long space, uint64_t token, uint64_t nr, const uint64_t *a);
/* Copies a NUL-terminated string out of a process: its length, or -EFAULT/-ENAMETOOLONG. */
long fs_user_string(long space, uint64_t va, char *buf, size_t max);
/* True if nr is a call fs_call serves. */
int fs_serves(uint64_t nr);

#endif
