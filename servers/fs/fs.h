/*
 * The file server: a tree of nodes built from the initramfs, open file
 * descriptions, and per-process descriptor tables. Handlers are plain
 * functions of a descriptor table and the call's arguments; the receive
 * loop (main.c) finds the table by the process part of the forwarded
 * call's badge and serves the process server's own operations
 * (servers/protocol.h).
 *
 * Ownership: a node lives while it is in the tree or open (an unlinked
 * file stays readable through its descriptors). Files from the initramfs
 * keep their data in the mapped archive until first written; then each
 * gets its own window of the server's address space (FS_FILE_MAX bytes of
 * demand-zero memory), which goes when the file does. An open file
 * description counts the descriptors naming it (across processes after
 * fork); the last close frees it. A process's table is shared by all its
 * threads, and holds what Linux keeps in its fs_struct too: the working
 * directory and the umask.
 */
#ifndef KAGE_SERVERS_FS_FS_H
#define KAGE_SERVERS_FS_FS_H

#include <stddef.h>
#include <stdint.h>
#include "servers/protocol.h"

#define FS_FDS PROTO_FDS	/* descriptors per process: Linux's default RLIMIT_NOFILE */
#define FS_NODES 2048		/* files, directories and /proc's open files */
#define FS_WINDOWS 512 		/* files with data of their own (written since boot, /proc's open files) */
#define FS_FILES 256
#define FS_FILE_MAX (16ul << 20)		/* largest file, the size of a data window */
#define FS_NAME_MAX 255			/* longest file name, as Linux's NAME_MAX */

struct fs_node {
	uint32_t mode;			/* st_mode; 0: a free slot */
	uint32_t ino;
	char name[FS_NAME_MAX + 1];	/* a /proc file's: its absolute path */
	struct fs_node *parent, *child, *next;	/* the directory tree */
	uint8_t *data;			/* contents: in the initramfs, or its own window once written */
	uint64_t size;
	uint64_t procfs_ino;		/* a /proc file's inode number, as the process server gave it */
	uint64_t gate;			/* a gateway into /proc: the /proc directory it stands for (protocol.h) */
	uint32_t nopen;			/* open file descriptions, working directories and holds naming it */
	uint8_t owned;			/* data is in the node's window (writable) */
	uint8_t unlinked;		/* out of the tree; freed at its last close */
	uint8_t procfs;			/* made by the process server for an open of /proc: read-only */
	uint8_t pinned;			/* a gateway or a device: never unlinked, renamed or freed */
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
	uint64_t cloexec[FS_FDS / 64];	/* bit n: close fd n on execve */
	uint32_t top;			/* fds from here up are closed: loops over the table stop here */
	uint32_t umask;			/* taken from the mode of every file and directory made */
	struct fs_node *cwd;		/* the working directory (NULL: the root) */
};

/*
 * Builds the tree from a cpio archive already mapped in the server (mem:
 * its memory object, whose physical address is base): 0 or -ENOMEM/-EINVAL.
 */
int fs_init(const void *cpio, size_t size, long mem, uint64_t base);
/* A new process's table: fds 0, 1 and 2 on the console. */
int fs_table_init(struct fs_fdtable *t);
/* fork: the child shares every open file description. */
void fs_table_copy(struct fs_fdtable *to, const struct fs_fdtable *from);
/* exit: every descriptor closed. execve: those marked close-on-exec. */
void fs_table_close_all(struct fs_fdtable *t);
void fs_table_exec(struct fs_fdtable *t);
/* The node at path, relative to t's working directory (for execve), or NULL (also for /proc's). */
struct fs_node *fs_lookup(const struct fs_fdtable *t, const char *path);
void fs_node_release(struct fs_node *n);
/* n's bytes (at least one) as a memory object: a new handle, or -errno; *page_off as FS_OP_EXEC_OPEN says. */
long fs_node_pages(const struct fs_node *n, uint64_t *page_off);

/*
 * fs_call results that are not answers: no reply now (the token is kept
 * for a later answer, or the call went on to another server), or the
 * writer gets SIGPIPE.
 */
#define FS_BLOCKED (-0x7fffffffffffffffl - 1)
#define FS_SIGPIPE (-0x7fffffffffffffffl)

/*
 * Linux calls on descriptors and paths, for the thread whose badge is
 * `badge` and whose process's table is t; a[] are the call's six
 * arguments and token its reply token (its memory is reached through it;
 * answers given later keep it). The result is what lands in a0, or
 * FS_BLOCKED, or FS_SIGPIPE.
 */
long fs_call(struct fs_fdtable *t, uint64_t token, uint64_t badge, uint64_t nr, const uint64_t *a);

/* Polls (poll.c): the timer's helper calling `endpoint`, with the timebase; 0 or a negative errno. */
int fs_poll_init(long endpoint, uint64_t hz);
/* The helper's call: polls whose deadline passed are answered. */
void fs_poll_expire(void);
/* The console server's FS_OP_CONSOLE_READY: whether a console read would find input. */
void fs_console_ready(int readable);

#endif
