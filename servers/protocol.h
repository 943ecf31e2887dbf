/*
 * The messages between kage's servers, in one place.
 *
 * The kernel forwards every Linux system call of a process to the process
 * server (badge: the process's slot + 1). The process server answers the
 * calls of process life itself and passes the file calls (its table in
 * servers/proc/linux.c)
 * on to the file server with ipc_forward, unchanged, so the file server
 * sees the process's badge and answers the process directly. The file
 * server reaches a process's buffers by the call's token
 * (KAGE_COPY_CALLER), never by a handle to its space.
 *
 * Who calls whom, so that no two servers can wait on each other:
 *   console -> proc  (^C, ^\, ^Z), synchronous call, answered at once
 *   console -> fs    (the console's readiness, for poll), synchronous call,
 *                    answered at once
 *   proc    -> fs    (descriptor tables, executables), synchronous call
 *   fs      -> console, fs -> proc: only ipc_forward of a process's call,
 *                    which never waits.
 * /proc goes round this graph rather than against it: a process's path
 * call under /proc reaches the file server, which forwards it (rewritten
 * to PROC_OP_PROCFS) to the process server; that one sends the file server
 * a snapshot of its table (FS_OP_PROC_SNAPSHOT, a synchronous call) and
 * forwards the call back (FS_OP_PROC_REDO), and the file server answers
 * the process from the fresh tree.
 * Neither fs nor proc ever calls the console server, and fs never calls
 * anyone, so the graph of waiting has no cycle.
 *
 * A process's call that a server keeps to answer later (a read, a poll)
 * may be aborted by the kernel meanwhile (a signal): its token goes stale
 * and every copy or reply with it fails with -ESRCH. A server then drops
 * that waiter without consuming what it was waiting for.
 */
#ifndef KAGE_SERVERS_PROTOCOL_H
#define KAGE_SERVERS_PROTOCOL_H

#include <stdint.h>

/* Badges. Processes use 1 .. PROTO_CLIENTS - 1. */
#define PROTO_CLIENTS 128
#define PROTO_BADGE_HELPER 0		/* a server's own helper task (timer, UART interrupt) */
#define PROTO_BADGE_PROC 0x10000	/* the process server's calls */
#define PROTO_BADGE_FS 0x10001		/* the file server's forwards */
#define PROTO_BADGE_CONSOLE 0x10002	/* the console server's calls */

/*
 * The file server's operations for the process server (KAGE_MSG_CALL,
 * w0 = op, badge PROTO_BADGE_PROC); the answer's w0 is >= 0 or -errno.
 */
enum fs_op {
	FS_OP_TABLE_NEW = 1,	/* w1: badge. A table with 0, 1, 2 on the console */
	FS_OP_TABLE_FORK,	/* w1: parent's badge, w2: child's. The child shares every description */
	FS_OP_TABLE_EXEC,	/* w1: badge. Closes the close-on-exec descriptors */
	FS_OP_TABLE_EXIT,	/* w1: badge. Closes everything; pending calls are dropped */
	FS_OP_EXEC_OPEN,	/* w1: badge, w2: path (proc's memory). -> w0: node, w1: size, w2: mode,
				 * w3: offset of the bytes in the initramfs, or -1 (use FS_OP_EXEC_READ).
				 * The node stays alive until FS_OP_EXEC_CLOSE */
	FS_OP_EXEC_READ,	/* w1: node, w2: offset, w3: buffer (proc's memory), w4: length. -> w0: bytes */
	FS_OP_EXEC_CLOSE,	/* w1: node */
	FS_OP_TABLE_SHARE,	/* w1: owner's badge, w2: a thread's. The thread uses the owner's table;
				 * FS_OP_TABLE_EXIT of the thread's badge ends only that */
	FS_OP_FD_OPEN,		/* w1: badge, w2: fd. -> as FS_OP_EXEC_OPEN, and w4: the description's open flags.
				 * -EBADF for no such descriptor, -ENODEV unless it names a regular file.
				 * For mmap; the node stays alive until FS_OP_EXEC_CLOSE */
	/*
	 * Badge CONSOLE: w1 is 1 when a read of the console would find input
	 * (poll's POLLIN), 0 when not. Sent whenever that changes, so the file
	 * server can answer polls that include the console by itself.
	 */
	FS_OP_CONSOLE_READY,
	FS_OP_PROC_SNAPSHOT,	/* w1: buffer (proc's memory), w2: length. /proc becomes what it lists */
	FS_OP_PROC_REDO,	/* a process's call forwarded back, words as PROC_OP_PROCFS's: served
				 * on the fresh /proc, answered to the process */
	FS_OP_ARM_CRASH,	/* from now on PROTO_IOCTL_CRASH crashes the file server (below) */
};

/*
 * Fault injection, for the isolation demonstration (docs/comparison.md):
 * with "kage.crash=fs" on the kernel command line the process server
 * arms the file server (FS_OP_ARM_CRASH), which then writes through a
 * null pointer when a process makes this ioctl on a regular file it has
 * open: a user-mode server dies of it (MODE=micro), the kernel panics
 * (MODE=mono). Unarmed, it is an ioctl like any unknown one (-ENOTTY).
 */
#define PROTO_IOCTL_CRASH 0x4b47dead

/* The process server's operations for the other servers (KAGE_MSG_CALL, w0 = op). */
enum proc_op {
	PROC_OP_TIMER = 0,	/* badge HELPER: a sleep may have ended */
	PROC_OP_SIGPIPE,	/* badge FS, a forwarded write: w1 the writer's badge; it gets SIGPIPE */
	PROC_OP_INTERRUPT,	/* badge CONSOLE: a signal key was typed: w1 the signal (2 SIGINT, 3 SIGQUIT,
				 * 20 SIGTSTP), w2 the terminal's foreground process group (0: none set) */
	PROC_OP_PROCFS,		/* badge FS, a forwarded path call under /proc: w1 the process's badge,
				 * w2 its system call number, w3-w7 its a0-a4 */
};

/*
 * FS_OP_PROC_SNAPSHOT's buffer: a struct proto_procfs_head, then nrec
 * records, each a struct proto_procfs_rec and its len bytes of text,
 * padded to 8 bytes. Directories come before what they hold. Paths are
 * relative to /proc ("meminfo", "12", "12/stat"). Files and links not
 * listed are removed; process directories too, but only when flags has
 * PROTO_PROCFS_PROCESSES (else the process server saw no change in its
 * table and sends none of them).
 */
#define PROTO_PROCFS_MAX (128u << 10)	/* the whole buffer */
#define PROTO_PROCFS_TEXT 512		/* one file's text, less than this */
#define PROTO_PROCFS_PROCESSES 1

struct proto_procfs_head {
	uint32_t flags;
	uint32_t nrec;
	int32_t self[PROTO_CLIENTS];	/* by badge: the process /proc/self names (0: none) */
};

struct proto_procfs_rec {
	char path[24];			/* NUL-terminated */
	uint16_t len;			/* bytes of text (a link's: its target) */
	uint16_t mode;			/* S_IFREG | 0444, S_IFDIR | 0555 or S_IFLNK | 0777 */
	uint32_t reserved;
};

/* The console server's operations (a file server forward of a process's call, or its helper). */
enum console_op {
	CONSOLE_OP_INPUT = 0,	/* badge HELPER: the UART has input */
	CONSOLE_OP_READ,	/* w1: buffer, w2: length (the process's memory), w3: 1 for O_NONBLOCK */
	CONSOLE_OP_WRITE,	/* w1: buffer, w2: length */
	CONSOLE_OP_WRITEV,	/* w1: iovec array, w2: count */
	CONSOLE_OP_IOCTL,	/* w1: request, w2: argument (termios, process groups, window size) */
};

#endif
