/*
 * The messages between kage's servers, in one place.
 *
 * The kernel forwards every Linux system call of a process to the process
 * server (badge: proto_badge of the thread's process and its own slot).
 * The process server answers the calls of process life itself and passes
 * the file calls (its table in servers/proc/linux.c) on to the file server
 * with ipc_forward, unchanged, so the file server sees the thread's badge,
 * finds the process's descriptor table from it, and answers the process
 * directly. The file server reaches a process's buffers by the call's
 * token (KAGE_COPY_CALLER), never by a handle to its space.
 *
 * Who calls whom, so that no two servers can wait on each other:
 *   console -> proc  (^C, ^\, ^Z), synchronous call, answered at once
 *   console -> fs    (the console's readiness, for poll), synchronous call,
 *                    answered at once
 *   proc    -> fs    (descriptor tables, executables, /proc's files),
 *                    synchronous call
 *   fs      -> console, fs -> proc: only ipc_forward of a process's call,
 *                    which never waits.
 * /proc is the process server's: the file server's tree has a gateway
 * where /proc is (/dev/fd and /dev/stdin are links into it), and a process's call whose
 * path walks through one is forwarded, rewritten to PROC_OP_PROCFS, to the
 * process server, which answers it itself, asking the file server
 * synchronously for what only it has (a descriptor for the text it made,
 * a process's descriptors). That is the graph's own direction.
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

/*
 * Badges. A thread's: its process's key in bits 24-47 and its own slot
 * in bits 0-23, each at least 1 (the process server hands them out and
 * reuses them, 16 million of each). The file server keys descriptor
 * tables by the process's key alone, so every thread of a process shares
 * its table without being announced. The servers' own badges lie above
 * every thread's.
 */
#define PROTO_KEY_BITS 24
#define PROTO_KEY_MAX ((1u << PROTO_KEY_BITS) - 1)	/* the largest process key or thread slot */
#define PROTO_BADGE_HELPER 0		/* a server's own helper task (timer, UART interrupt) */
#define PROTO_BADGE_PROC (1ull << 48)	/* the process server's calls */
#define PROTO_BADGE_FS ((1ull << 48) + 1)	/* the file server's forwards */
#define PROTO_BADGE_CONSOLE ((1ull << 48) + 2)	/* the console server's calls */

static inline uint64_t proto_badge(uint32_t process, uint32_t thread)
{
	return (uint64_t)process << PROTO_KEY_BITS | thread;
}

static inline uint32_t proto_badge_process(uint64_t badge)
{
	return badge < PROTO_BADGE_PROC ? (uint32_t)(badge >> PROTO_KEY_BITS) : 0;
}

static inline uint32_t proto_badge_thread(uint64_t badge)
{
	return badge < PROTO_BADGE_PROC ? (uint32_t)(badge & PROTO_KEY_MAX) : 0;
}

/*
 * The file server's operations for the process server (KAGE_MSG_CALL,
 * w0 = op, badge PROTO_BADGE_PROC); the answer's w0 is >= 0 or -errno.
 * A "key" is a process's number, as in its badges.
 */
enum fs_op {
	FS_OP_TABLE_NEW = 1,	/* w1: key, w2: pid. A table with 0, 1, 2 on the console, umask 022 */
	FS_OP_TABLE_FORK,	/* w1: parent's key, w2: child's, w3: child's pid. The child shares every description */
	FS_OP_TABLE_EXEC,	/* w1: key. Closes the close-on-exec descriptors */
	FS_OP_TABLE_EXIT,	/* w1: key. Closes everything; pending calls are dropped */
	/*
	 * EXEC_OPEN: w1: key, w2: path (proc's memory), found from that
	 * process's working directory, w3: where the file's absolute path
	 * goes (proc's memory, w4 bytes; an empty string if it does not
	 * fit; w3 0: nowhere), as Linux's /proc/N/exe names it whatever
	 * path execve was given. -> w1: a memory object with the file's
	 * bytes, given to the caller's handle table (read-only; -1 for an
	 * empty file), w2: the size, w3: the mode, and in its high half where
	 * the file starts in the object's first page (0: page-aligned, so
	 * whole pages can be mapped as they are). A snapshot: later writes to
	 * the file do not reach it. -EACCES unless a regular file.
	 */
	FS_OP_EXEC_OPEN,
	FS_OP_FD_OPEN,		/* w1: key, w2: fd. -> as FS_OP_EXEC_OPEN, and w4: the description's open flags.
				 * -EBADF for no such descriptor, -ENODEV unless it names a regular file (mmap) */
	/*
	 * Badge CONSOLE: w1 is 1 when a read of the console would find input
	 * (poll's POLLIN), 0 when not. Sent whenever that changes, so the file
	 * server can answer polls that include the console by itself.
	 */
	FS_OP_CONSOLE_READY,
	/*
	 * Badge CONSOLE: the console has a foreground process group from now
	 * on (TIOCSPGRP), so it is a controlling terminal and /dev/tty opens
	 * it; before, /dev/tty is ENXIO, as Linux answers a process without
	 * one (init=/bin/sh's). Sent once.
	 */
	FS_OP_CONSOLE_CTTY,
	FS_OP_ARM_CRASH,	/* from now on PROTO_IOCTL_CRASH crashes the file server (below) */
	/*
	 * /proc. PROC_OPEN: w1: key, w2: open flags or PROTO_PROCFS_CHDIR,
	 * w3: a struct proto_procfs_file and its text (proc's memory), w4: its
	 * length. A descriptor (-> w0) for a file holding that text, or, with
	 * CHDIR, the process's working directory becomes that /proc directory.
	 */
	FS_OP_PROC_OPEN,
	FS_OP_PROC_LINK,	/* w1: key, w2: enum proto_procfs_act, w3: target (below), w4: its key and fd,
				 * or a path (proc's memory), w5: open flags, or a buffer (proc's memory) */
	/*
	 * PROC_FDS: w1: key, w2: a bitmap (proc's memory) of w3 bits for the
	 * descriptors from w4 on (w3 and w4 multiples of 64): that process's
	 * open descriptors. -> w0: 0, w1: its umask, w2: one past its highest
	 * open descriptor (ask again from there for more), w3: its table's
	 * slots (/proc's FDSize); -ESRCH for no such table.
	 */
	FS_OP_PROC_FDS,
	/*
	 * TABLE_LIMIT: w1: key, w2: the process's RLIMIT_NOFILE (soft; at most
	 * Linux's fs.nr_open, 1,048,576, else -EINVAL), w3: its RLIMIT_FSIZE
	 * (soft; ~0 for none). New descriptors lie below w2 (EMFILE, or
	 * EBADF/EINVAL for dup3 and F_DUPFD past it, as Linux answers); those
	 * open stay. A write or truncate past w3 is EFBIG and SIGXFSZ. fork
	 * copies them, execve keeps them; a new table has 1,024 and none.
	 */
	FS_OP_TABLE_LIMIT,
	/*
	 * STATS: the file server's objects, so that a test can see them back
	 * where they were after a run. -> w0: its heap's allocations in use,
	 * w1: nodes (files, directories, /proc's open files), w2: open file
	 * descriptions, w3: pipes, w4: descriptor tables. The same five
	 * words reach a program by PROTO_IOCTL_FS_STATS (below).
	 */
	FS_OP_STATS,
	/*
	 * CLOCK: w1: the wall clock, in ns since the epoch, at time CSR 0.
	 * Sent at start and whenever the clock is set: file times read it.
	 */
	FS_OP_CLOCK,
	/*
	 * PROC_PATH: w1: key, w2: the number a PROC_OP_PROCFS with
	 * PROTO_PROCFS_HELD gave, w3: a buffer of w4 bytes (proc's memory).
	 * The rest of that call's path, with its NUL, which the file server
	 * held for it and now lets go: -> w0: its length; -ENOENT when none
	 * is held (the thread has called again, or its process ended),
	 * -ENAMETOOLONG when it does not fit.
	 */
	FS_OP_PROC_PATH,
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
/*
 * A test's route to FS_OP_STATS: this ioctl on /dev/null writes its five
 * answer words (w0..w4) and a sixth, the calls waiting in the file server
 * (pipe reads and writes, polls), 48 bytes, to the argument. Elsewhere
 * -ENOTTY.
 */
#define PROTO_IOCTL_FS_STATS 0x4b470001

/* The process server's operations for the other servers (KAGE_MSG_CALL, w0 = op). */
enum proc_op {
	PROC_OP_TIMER = 0,	/* badge HELPER: a sleep may have ended */
	/*
	 * Badge FS, a forwarded call: w1 the caller's badge; its thread gets
	 * signal w2 (SIGPIPE for a write with no reader, SIGXFSZ for a file
	 * written past RLIMIT_FSIZE) and the call the answer w3.
	 */
	PROC_OP_SIGNAL,
	PROC_OP_INTERRUPT,	/* badge CONSOLE: a signal key was typed: w1 the signal (SIGINT, SIGQUIT,
				 * SIGTSTP), w2 the terminal's foreground process group (0: none set) */
	/*
	 * Badge FS, a forwarded call of a process whose path walked into
	 * /proc: w1 the thread's badge, w2 the system call's number, w3
	 * proto_procfs_where(the /proc directory the rest of the path starts
	 * from, where that rest starts in the path string), w4 the path, w5-w7
	 * the call's arguments after its path (openat: flags, mode; newfstatat:
	 * buffer, flags; statx: flags, mask, buffer; readlinkat: buffer, size;
	 * faccessat2: mode, flags; chdir: none). The process server answers
	 * the process. When a symbolic link led there, the rest of the path is
	 * not in the process's memory: w3's offset is PROTO_PROCFS_HELD and w4
	 * a number the process server gives FS_OP_PROC_PATH for it.
	 */
	PROC_OP_PROCFS,
	/*
	 * Badge FS, a forwarded read of /dev/urandom or /dev/random: w1 the
	 * buffer, w2 its length. The process server fills it from its
	 * generator (at most 1 MiB a call: a device's short count) and
	 * answers the process.
	 */
	PROC_OP_RANDOM,
};

/*
 * The directories of /proc, as the two servers name them: kind and pid
 * (0: "self", the caller's). The root has depth 0, a process's directory,
 * /proc/sys and /proc/kage 1, a process's fd directory and
 * /proc/sys/kernel 2: the file server counts ".." against that to see
 * when a path climbs out of /proc again.
 */
enum proto_procfs_kind {
	PROTO_PROCFS_ROOT = 1, PROTO_PROCFS_PID, PROTO_PROCFS_FD,
	PROTO_PROCFS_SYS, PROTO_PROCFS_SYS_KERNEL, PROTO_PROCFS_KAGE,
};

static inline uint64_t proto_procfs_dir(enum proto_procfs_kind kind, uint32_t pid)
{
	return (uint64_t)pid << 8 | kind;
}

static inline enum proto_procfs_kind proto_procfs_kind_of(uint64_t dir)
{
	return (enum proto_procfs_kind)(dir & 0xff);
}

static inline uint32_t proto_procfs_pid_of(uint64_t dir)
{
	return (uint32_t)(dir >> 8);
}

static inline int proto_procfs_depth(uint64_t dir)
{
	switch (proto_procfs_kind_of(dir)) {
	case PROTO_PROCFS_ROOT: return 0;
	case PROTO_PROCFS_FD:
	case PROTO_PROCFS_SYS_KERNEL: return 2;
	default: return 1;
	}
}

/* PROC_OP_PROCFS's w3: a directory and an offset into the path (< 65536), and back. */
#define PROTO_PROCFS_SKIP_BITS 16
#define PROTO_PROCFS_HELD 0xffffu	/* the offset that says the file server holds the rest of the path */

static inline uint64_t proto_procfs_where(uint64_t dir, uint32_t skip)
{
	return dir << PROTO_PROCFS_SKIP_BITS | skip;
}

static inline uint64_t proto_procfs_where_dir(uint64_t where)
{
	return where >> PROTO_PROCFS_SKIP_BITS;
}

static inline uint32_t proto_procfs_where_skip(uint64_t where)
{
	return (uint32_t)(where & ((1u << PROTO_PROCFS_SKIP_BITS) - 1));
}

/* What FS_OP_PROC_OPEN's buffer starts with; the text follows (a directory's: its entries). */
struct proto_procfs_file {
	uint64_t ino;
	uint32_t mode;			/* S_IFREG | 0444 or S_IFDIR | 0555 */
	uint32_t reserved;
	uint64_t dir;			/* a directory's proto_procfs_dir, else 0 */
	char path[48];			/* its absolute path, for getcwd and /proc/N/fd's links */
};

/* A directory's text: one record per entry. */
struct proto_procfs_dirent {
	uint64_t ino;
	uint8_t type;			/* DT_*: S_IF* >> 12 */
	char name[23];			/* NUL-terminated */
};

#define PROTO_PROCFS_CHDIR (~0ull)	/* FS_OP_PROC_OPEN's w2: become the working directory */
#define PROTO_PATH_MAX 4096		/* a path, and a link's target, with its NUL: Linux's PATH_MAX */

/* FS_OP_PROC_LINK: what to do with a /proc link's target, and what the target is. */
enum proto_procfs_act {
	PROTO_PROCFS_OPEN,		/* w5: open flags -> w0: a descriptor in the caller's table */
	PROTO_PROCFS_STAT,		/* w5: a struct stat (proc's memory) */
	PROTO_PROCFS_STATX,		/* w5: a struct statx (proc's memory) */
	PROTO_PROCFS_CHDIR_TO,		/* the caller's working directory becomes the target */
	PROTO_PROCFS_READLINK,		/* w5: PROTO_PATH_MAX bytes (proc's memory) -> w0: the length */
};

enum proto_procfs_target {
	PROTO_PROCFS_PATH,		/* w4: an absolute path (proc's memory) */
	PROTO_PROCFS_FDLINK,		/* w4: key << 32 | fd: what that descriptor names */
};

/* The console server's operations (a file server forward of a process's call, or its helper). */
enum console_op {
	CONSOLE_OP_INPUT = 0,	/* badge HELPER: the UART has input */
	CONSOLE_OP_READ,	/* w1: buffer, w2: length (the process's memory), w3: 1 for O_NONBLOCK */
	CONSOLE_OP_WRITE,	/* w1: buffer, w2: length */
	CONSOLE_OP_WRITEV,	/* w1: iovec array, w2: count */
	CONSOLE_OP_IOCTL,	/* w1: request, w2: argument (termios, process groups, window size) */
	/*
	 * READY: answers 0, and only once the server has started (its helper
	 * and notification made): the process server's way to see the start
	 * done before it notes the objects its leak check compares (audit.c).
	 */
	CONSOLE_OP_READY,
};

#endif
