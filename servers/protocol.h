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
};

/* The process server's operations for the other servers (KAGE_MSG_CALL, w0 = op). */
enum proc_op {
	PROC_OP_TIMER = 0,	/* badge HELPER: a sleep may have ended */
	PROC_OP_SIGPIPE,	/* badge FS, a forwarded write: w1 the writer's badge; it gets SIGPIPE */
	PROC_OP_INTERRUPT,	/* badge CONSOLE: a signal key was typed: w1 the signal (2 SIGINT, 3 SIGQUIT,
				 * 20 SIGTSTP), w2 the terminal's foreground process group (0: none set) */
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
