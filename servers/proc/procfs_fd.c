/*
 * /proc/N/fd: a process's open descriptors, as a directory of links
 * (procfs.h tells /proc's design). The descriptor tables are the file
 * server's, so this file keeps nothing: it asks the file server which
 * descriptors are open (FS_OP_PROC_FDS) when /proc/N/fd is looked in or
 * listed, and hands a link /proc/N/fd/M back to the file server
 * (FS_OP_PROC_LINK, PROTO_PROCFS_FDLINK) when a call follows it: an open
 * of it is a new open file description of what descriptor M names (at
 * offset 0, with the caller's own flags, as on Linux), and stat, readlink
 * and chdir through it see that file.
 *
 * procfs.c resolves paths and serves the calls; it comes here for the
 * fd directory's names, its listing, and its links' targets.
 */
#include "lib/errno.h"
#include "lib/fmt.h"
#include "servers/proc/procfs.h"

long procfs_fds(const struct process *p, uint64_t map[PROCFS_FD_WINDOW / 64], uint64_t first,
		struct procfs_fdinfo *info)
{
	const uint64_t w[6] = { FS_OP_PROC_FDS, proc_key(p), (uint64_t)map, PROCFS_FD_WINDOW, first };
	uint64_t out[6];
	long err = files_op(w, out);

	*info = err == 0 ? (struct procfs_fdinfo){ (uint32_t)out[1], out[2], out[3] } : (struct procfs_fdinfo){ 0 };
	return err;
}

long procfs_fd_node(struct process *p, long fd, struct procfs_node *n)
{
	uint64_t map[PROCFS_FD_WINDOW / 64], bit;
	struct procfs_fdinfo info;

	if (fd < 0 || fd >= LINUX_NR_OPEN)
		return -ENOENT;
	bit = (uint64_t)fd % PROCFS_FD_WINDOW;
	if (procfs_fds(p, map, (uint64_t)fd - bit, &info) < 0 || !(map[bit / 64] & (1ull << (bit % 64))))
		return -ENOENT;
	*n = (struct procfs_node){ .type = PROCFS_LINK, .file = PROCFS_FDLINK, .proc = p, .fd = (int)fd };
	return 0;
}

long procfs_fd_follow(const struct process *caller, const struct procfs_node *n, enum proto_procfs_act act,
		      uint64_t arg)
{
	const uint64_t w[6] = { FS_OP_PROC_LINK, proc_key(caller), act, PROTO_PROCFS_FDLINK,
				(uint64_t)proc_key(n->proc) << 32 | (uint32_t)n->fd, arg };

	return files_op(w, NULL);
}

/* The lowest descriptor not in map (a window of them): set there, and whether there was one. */
static int procfs_add_next_fd(uint64_t map[PROCFS_FD_WINDOW / 64])
{
	for (int fd = 0; fd < PROCFS_FD_WINDOW; fd++) {
		if (!(map[fd / 64] & (1ull << (fd % 64)))) {
			map[fd / 64] |= 1ull << (fd % 64);
			return 1;
		}
	}
	return 0;
}

/* The link of p's descriptor fd as an entry. */
static size_t procfs_fd_entry(struct process *p, uint64_t fd, char *buf, size_t size)
{
	struct procfs_node n = { .type = PROCFS_LINK, .file = PROCFS_FDLINK, .proc = p, .fd = (int)fd };
	char name[12];

	fmt_snprintf(name, sizeof(name), "%d", (int)fd);
	return procfs_entry(buf, size, procfs_ino(&n), procfs_mode(&n), name);
}

/*
 * A window at a time. Linux lists the table as it is at the first
 * getdents, when the descriptor opendir took exists; so when a process
 * opens its own fd directory, the descriptor this open is about to get
 * (the lowest free one) is listed too (ls /proc/self/fd shows 3).
 */
size_t procfs_fd_list(struct process *p, const struct process *opener, char *buf, size_t size)
{
	uint64_t map[PROCFS_FD_WINDOW / 64], first;
	struct procfs_fdinfo info;
	int next = p == opener;
	size_t used = 0;

	for (first = 0;; first += PROCFS_FD_WINDOW) {
		if (procfs_fds(p, map, first, &info) < 0)
			return used;
		if (next)
			next = !procfs_add_next_fd(map);
		for (uint64_t i = 0; i < PROCFS_FD_WINDOW; i++)
			if (map[i / 64] & (1ull << (i % 64)))
				used += procfs_fd_entry(p, first + i, buf + used, size - used);
		if (first + PROCFS_FD_WINDOW >= info.top)
			break;
	}
	if (next)	/* every one up to the window's end is open: the next is the one after */
		used += procfs_fd_entry(p, first + PROCFS_FD_WINDOW, buf + used, size - used);
	return used;
}

size_t procfs_fd_capacity(const struct process *p)
{
	uint64_t map[PROCFS_FD_WINDOW / 64];
	struct procfs_fdinfo fds;

	/* a link per open descriptor, and the one opendir is about to get */
	if (procfs_fds(p, map, 0, &fds) < 0)
		return 0;
	return (fds.top + 1) * sizeof(struct proto_procfs_dirent);
}
