/*
 * /proc, the process server's own file system (procfs.c: names and
 * calls; procfs_text.c: what each file says; procfs_maps.c: maps;
 * procfs_fd.c: /proc/N/fd, the descriptors the file server holds).
 *
 * The file server's tree has a gateway where /proc is (and /dev/fd,
 * which names /proc/self/fd): a process's path call that walks into one
 * reaches this server as PROC_OP_PROCFS (servers/protocol.h) with the
 * /proc directory the rest of its path starts from. This server resolves
 * the rest, makes the text of what it names from its own tables at that
 * moment, and answers the process: a descriptor for that text from the
 * file server (FS_OP_PROC_OPEN, which then serves read, lseek, fstat and
 * getdents of it alone), a stat, a link's target, or a working directory.
 * A link out of /proc (exe, fd/N) is followed by the file server on its
 * side (FS_OP_PROC_LINK). So /proc costs one forward and one call per
 * open, has no table of its own to keep in step, and shows every process.
 */
#ifndef KAGE_SERVERS_PROC_PROCFS_H
#define KAGE_SERVERS_PROC_PROCFS_H

#include "servers/proc/proc.h"

#define PROCFS_TEXT_PAGE 4096u	/* room for any one file's text; listings get what their entries need */

/* What a name under /proc is. */
enum procfs_type { PROCFS_DIR, PROCFS_FILE, PROCFS_LINK };

/* The files, in the order a listing shows them. */
enum procfs_file {
	/* /proc itself */
	PROCFS_SELF, PROCFS_MEMINFO, PROCFS_UPTIME, PROCFS_LOADAVG, PROCFS_MOUNTS, PROCFS_VERSION,
	PROCFS_SYSSTAT, PROCFS_CPUINFO, PROCFS_SYSDIR, PROCFS_KAGEDIR,
	PROCFS_ROOT_END,
	/* /proc/N */
	PROCFS_STAT = PROCFS_ROOT_END, PROCFS_STATUS, PROCFS_COMM, PROCFS_CMDLINE, PROCFS_EXE, PROCFS_FDDIR,
	PROCFS_MAPS,
	PROCFS_PID_END,
	/* /proc/sys, /proc/sys/kernel (read-only), /proc/kage (kage's own: its servers' objects) */
	PROCFS_KERNELDIR = PROCFS_PID_END,
	PROCFS_SYS_END,
	PROCFS_PID_MAX = PROCFS_SYS_END, PROCFS_RANDOMIZE, PROCFS_THREADS_MAX,
	PROCFS_SYSK_END,
	PROCFS_OBJECTS = PROCFS_SYSK_END,
	PROCFS_KAGE_END,
	PROCFS_FDLINK = PROCFS_KAGE_END,	/* /proc/N/fd/M */
	PROCFS_DIRSELF,			/* a directory itself */
};

struct procfs_node {
	enum procfs_type type;
	enum procfs_file file;
	struct process *proc;		/* whose (NULL: the system's) */
	int fd;				/* an fd link's descriptor */
	uint64_t dir;			/* a directory's proto_procfs_dir, with its real pid */
};

/* File f of p's directory (p NULL: of /proc itself) as a node: 0, or -ENOENT (a zombie has no exe or fd). */
long procfs_node_of(struct process *p, enum procfs_file f, struct procfs_node *n);
/* A file's name in its directory; what stat says of n's type and permissions. */
const char *procfs_name(enum procfs_file f);
uint32_t procfs_mode(const struct procfs_node *n);
/* How many bytes n's text or listing may need. */
size_t procfs_capacity(const struct procfs_node *n);
/* The text of a file into buf (at most size bytes): its length. */
size_t procfs_text(const struct procfs_node *n, char *buf, size_t size);
/*
 * /proc/N/maps (procfs_maps.c): its text after the head bytes buf starts
 * with (a heap block), grown in place or moved as it needs: the block,
 * and in *len the head and the text; NULL when memory is out (buf freed).
 */
void *procfs_maps(const struct process *p, void *buf, size_t head, size_t *len);
/* The entries of a directory that `opener` opens into buf as struct proto_procfs_dirent records: their bytes. */
size_t procfs_list(const struct procfs_node *n, const struct process *opener, char *buf, size_t size);
/* One entry of a listing into buf, if it fits in size: the bytes used. */
size_t procfs_entry(char *buf, size_t size, uint64_t ino, uint32_t mode, const char *name);
/* The inode number /proc gives n. */
uint64_t procfs_ino(const struct procfs_node *n);
/* What the file server says of a process's table besides its descriptors (FS_OP_PROC_FDS). */
struct procfs_fdinfo {
	uint32_t umask;
	uint64_t top;			/* one past the highest open descriptor */
	uint64_t size;			/* the table's slots: FDSize */
};

#define PROCFS_FD_WINDOW 1024		/* descriptors asked for at a time */

/* p's open descriptors from first (a multiple of 64) on, as a map of PROCFS_FD_WINDOW bits, and *info: 0 or -errno. */
long procfs_fds(const struct process *p, uint64_t map[PROCFS_FD_WINDOW / 64], uint64_t first,
		struct procfs_fdinfo *info);
/* /proc/N/fd/M, of p's descriptor fd (-1 for a name that is no number), as a node: 0, or -ENOENT if it is not open. */
long procfs_fd_node(struct process *p, long fd, struct procfs_node *n);
/* fd link n followed by caller: the file server's answer to `act` (arg its w5), a descriptor, 0, a length or -errno. */
long procfs_fd_follow(const struct process *caller, const struct procfs_node *n, enum proto_procfs_act act,
		      uint64_t arg);
/* /proc/N/fd's entries as `opener` opens it, into buf: their bytes; and how many bytes they may need. */
size_t procfs_fd_list(struct process *p, const struct process *opener, char *buf, size_t size);
size_t procfs_fd_capacity(const struct process *p);

#endif
