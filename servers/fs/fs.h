/*
 * The file server: a tree of nodes built from the initramfs, open file
 * descriptions, pipes, and per-process descriptor tables, all in the
 * server's heap (lib/heap.h), so that memory and the processes' rlimits
 * bound them, not a table's size. Handlers are plain functions of a
 * descriptor table and the call's arguments; the receive loop (main.c)
 * finds the table by the process part of the forwarded call's badge and
 * serves the process server's own operations (servers/protocol.h).
 *
 * Ownership: a node lives while it has a name in the tree or is open (an
 * unlinked file stays readable through its descriptors); a directory
 * holds its names (struct fs_dentry), each naming a node, which may have
 * several (hard links); the tree holds the root. Files from the initramfs keep their
 * data in the mapped archive until first written; then, as every file
 * made at run time, their bytes are heap pages found by page number
 * (a radix tree: holes read as zeros and take nothing), which go when
 * the file is truncated or deleted. An open file description counts the
 * descriptors naming it (across processes after fork); the last close
 * frees it. A process's table is shared by all its threads, and holds
 * what Linux keeps in its fs_struct too (the working directory, the
 * umask) and the rlimits that bound it (RLIMIT_NOFILE, RLIMIT_FSIZE).
 */
#ifndef KAGE_SERVERS_FS_FS_H
#define KAGE_SERVERS_FS_FS_H

#include <stddef.h>
#include <stdint.h>
#include "lib/linux_abi.h"
#include "servers/fs/radix.h"
#include "servers/protocol.h"

#define FS_NAME_MAX NAME_MAX		/* longest file name */
#define FS_SIZE_MAX ((uint64_t)LINUX_MAX_LFS_FILESIZE)	/* largest file: Linux's */
#define FS_NOFILE_DEFAULT INR_OPEN_CUR	/* RLIMIT_NOFILE until the process server says otherwise */

/* An intrusive doubly linked list: a head, or a link in an object; an unlinked link points at itself. */
struct fs_list {
	struct fs_list *next, *prev;
};

/*
 * A name in a directory (tree.c): the name index and its directory's
 * order hold it, and it names one node. A node's names are a list
 * through them.
 */
struct fs_dentry {
	struct fs_node *dir;		/* the directory it is in (a ghost's: was in); NULL outside the tree */
	struct fs_node *node;		/* what it names */
	struct fs_dentry *hnext;	/* the next in the name index's bucket */
	struct fs_dentry *next_name;	/* its node's next name */
	uint64_t seq;			/* its place in its directory's order (getdents) */
	uint32_t hash;			/* the name index's hash of it and its directory */
	uint32_t len;
	uint8_t pinned;			/* a device's or a gateway's own name: never removed or renamed */
	char name[];			/* NUL-terminated; a /proc file's: its absolute path */
};

struct fs_node {
	uint32_t mode;			/* st_mode */
	uint32_t nopen;			/* open file descriptions, working directories and holds naming it */
	uint64_t ino;
	/*
	 * Its names in the tree (nnames of them: a file's st_nlink), the
	 * first the one its path is read from; when none is left, the last
	 * one, out of the tree (its ghost). Never empty.
	 */
	struct fs_dentry *names;
	uint32_t nnames;
	uint32_t nsubdirs;		/* a directory's: its names of directories (st_nlink is 2 more) */
	/* A directory: its names by their seq, how many, and the seq the next one gets. */
	struct fs_radix kids;
	uint64_t nkids, next_seq;
	/* Contents: still in the initramfs (archive set), or its own pages by page number. */
	const uint8_t *archive;
	struct fs_radix pages;
	uint64_t npages;		/* pages it has: st_blocks */
	uint64_t size;
	uint64_t procfs_ino;		/* a /proc file's inode number, as the process server gave it */
	uint64_t gate;			/* a gateway into /proc: the /proc directory it stands for (protocol.h) */
	uint8_t unlinked;		/* out of the tree (no name left); freed at its last close */
	uint8_t procfs;			/* made by the process server for an open of /proc: read-only */
	uint8_t pinned;			/* a gateway or a device: never freed */
	struct fs_lockset *locks;	/* its file locks and their waiters, or NULL (lock.c) */
	struct fs_pipe *fifo;		/* a named pipe's pipe while an end is open or an open waits, or NULL */
	int64_t atime, mtime, ctime;	/* ns since the epoch (times.c) */
};

struct fs_pipe;
struct fs_lockset;

struct fs_file {
	uint32_t refs;			/* descriptors naming it */
	uint32_t flags;			/* O_ACCMODE | O_APPEND | O_NONBLOCK ... as opened */
	struct fs_node *node;		/* NULL for a pipe2 end; a named pipe's end has both */
	struct fs_pipe *pipe;
	/*
	 * Bytes; a directory's: the seq of the next entry to list; a pipe
	 * end's: its pipe's count of writers' opens until which poll sees
	 * no hang-up (pipe.c).
	 */
	uint64_t offset;
};

/*
 * A descriptor table. slot[fd] is an open file description's address
 * with FS_FD_CLOEXEC in its lowest bit (descriptions are 16-byte aligned),
 * or 0. The first FS_FDS_FIRST slots are the table's own (first); past
 * them the array is a heap block of its own, grown on demand up to
 * RLIMIT_NOFILE.
 */
#define FS_FD_CLOEXEC 1ul
#define FS_FDS_FIRST 64			/* a table's slots at first: Linux's NR_OPEN_DEFAULT */

struct fs_fdtable {
	uintptr_t *slot;
	uint32_t cap;			/* slots allocated */
	uint32_t top;			/* one past the highest open descriptor: loops stop here */
	uint32_t hint;			/* no descriptor below it is free */
	uint32_t umask;			/* taken from the mode of every file and directory made */
	uint32_t key;			/* its process's, as in the badges */
	uint32_t pid;			/* its process's pid: F_GETLK's l_pid */
	uint64_t nofile;		/* RLIMIT_NOFILE: new descriptors lie below it */
	uint64_t fsize;			/* RLIMIT_FSIZE: no file is written past it (RLIM_INFINITY: none) */
	struct fs_node *cwd;		/* the working directory (NULL: the root) */
	struct fs_list waits;		/* its threads' calls waiting here (struct fs_wait) */
	uintptr_t first[FS_FDS_FIRST];	/* slot, until it grows */
};

/* The server's objects, for FS_OP_STATS (and calls waiting, for its test route). */
struct fs_counts {
	uint64_t nodes, files, pipes, tables, waits;
};

struct heap;
extern struct heap fs_heap;		/* everything the server allocates */
extern struct fs_counts fs_counts;

/*
 * Builds the tree from a cpio archive already mapped in the server (mem:
 * its memory object, whose physical address is base): 0 or -ENOMEM/-EINVAL.
 */
int fs_init(const void *cpio, size_t size, long mem, uint64_t base);

/* Descriptor tables (table.c). The table of a process's key, or NULL. */
struct fs_fdtable *fs_table_of_key(uint64_t key);
/* FS_OP_TABLE_NEW (from NULL: fds 0-2 on the console) and _FORK (a copy of from): 0 or -errno. */
long fs_table_new(uint64_t key, uint32_t pid, const struct fs_fdtable *from);
/* FS_OP_TABLE_EXIT: every descriptor closed, every waiting call dropped, the table freed. */
void fs_table_end(uint64_t key);
/* FS_OP_TABLE_EXEC: the close-on-exec descriptors closed. */
void fs_table_exec(struct fs_fdtable *t);
/* FS_OP_TABLE_LIMIT. */
long fs_table_limit(struct fs_fdtable *t, uint64_t nofile, uint64_t fsize);

/* n's bytes (at least one) as a memory object: a new handle, or -errno; *page_off as FS_OP_EXEC_OPEN says. */
long fs_node_pages(const struct fs_node *n, uint64_t *page_off);

/*
 * fs_call results that are not answers: no reply now (the token is kept
 * for a later answer, or the call went on to another server), or the
 * caller gets a signal with its answer: SIGPIPE and -EPIPE (a write with
 * no reader), SIGXFSZ and -EFBIG (a file written past RLIMIT_FSIZE).
 */
#define FS_BLOCKED (-0x7fffffffffffffffl - 1)
#define FS_SIGPIPE (-0x7fffffffffffffffl)
#define FS_SIGXFSZ (-0x7ffffffffffffffel)

/*
 * Linux calls on descriptors and paths, for the thread whose badge is
 * m's badge and whose process's table is t; m is the call's message
 * (w[0] its number, w[1..6] its six arguments) and token its reply token
 * (its memory is reached through it; answers given later keep it). The
 * result is what lands in a0, or one of the above.
 */
long fs_call(struct fs_fdtable *t, uint64_t token, const struct kage_msg *m);

/* Polls (poll.c): the timer's helper calling `endpoint`, with the timebase; 0 or a negative errno. */
int fs_poll_init(long endpoint, uint64_t hz);
/* The helper's call: polls whose deadline passed are answered. */
void fs_poll_expire(void);
/* Asks the helper for a call soon (0), or -ENODEV when there is no helper. */
long fs_helper_wake(void);
/* The helper's call: the next piece of the first long read or write waiting (transfer.c). */
void fs_transfer_pump(void);
/* The console server's FS_OP_CONSOLE_READY: whether a console read would find input. */
void fs_console_ready(int readable);

#endif
