/*
 * The file server's start and message handler. The process server starts it
 * from a boot module with the initramfs, its own endpoint, and send
 * handles to the process and console servers (struct kage_bootinfo).
 * Processes' file calls arrive forwarded by the process server with the
 * calling thread's badge, whose process part names the descriptor table;
 * the process server's own operations (protocol.h) with
 * PROTO_BADGE_PROC, the console server's readiness with
 * PROTO_BADGE_CONSOLE, and its timer helper's expiries with badge 0.
 */
#include "lib/errno.h"
#include "lib/heap.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/fs/fs.h"
#include "servers/fs/fs_impl.h"

#define INITRAMFS_VA 0x2000000000ul

struct heap fs_heap;
long fs_console_ep = -1, fs_proc_ep = -1;
static long fs_endpoint = -1;

void fs_stats(uint64_t w[5])
{
	struct heap_stats st;

	heap_stats(&fs_heap, &st);
	w[0] = st.in_use;
	w[1] = fs_counts.nodes;
	w[2] = fs_counts.files;
	w[3] = fs_counts.pipes;
	w[4] = fs_counts.tables;
}

long fs_signal_caller(uint64_t token, uint64_t badge, int sig, long answer)
{
	const uint64_t w[8] = { PROC_OP_SIGNAL, badge, (uint64_t)sig, (uint64_t)answer };

	return native_ipc_forward(token, fs_proc_ep, w);
}

/*
 * A regular file's pages for the process server (whose call token is):
 * a memory object in its table, and what it needs to use it (out[1-4] as
 * FS_OP_EXEC_OPEN says). An empty file has no object (-1).
 */
static long fs_give_pages(uint64_t token, const struct fs_node *n, uint64_t out[5])
{
	uint64_t page_off = 0;
	long mem, given = -1;

	if ((n->mode & S_IFMT) != S_IFREG)
		return -EACCES;
	if (n->size) {
		mem = fs_node_pages(n, &page_off);
		if (mem < 0)
			return mem;
		given = native_handle_copy_to_caller(mem, token, KAGE_RIGHT_READ, 0);
		native_handle_close(mem);
		if (given < 0)
			return given;
	}
	out[1] = (uint64_t)given;
	out[2] = n->size;
	out[3] = n->mode | page_off << 32;
	return 0;
}

/*
 * FS_OP_EXEC_OPEN: an executable's pages, found from the process's
 * working directory, and its absolute path: the name it was found by
 * (a hard link's own, as Linux's /proc/N/exe names it).
 */
static long fs_exec_open(uint64_t token, const struct kage_msg *m, uint64_t out[5])
{
	const uint64_t where = m->w[3], room = m->w[4];
	struct fs_call_ctx c;
	struct fs_walk w;
	struct fs_node *n;
	long len;

	fs_ctx_init(&c, fs_table_of_key(m->w[1]), token, 0);
	if (!c.t)
		return -EINVAL;
	len = fs_path(&c, m->w[2], c.path);
	if (len < 0)
		return len;
	len = fs_walk(&w, c.t->cwd, c.path, (size_t)len, 0);
	fs_walk_done(&w);
	if (len < 0)
		return len;	/* ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, as Linux's execve */
	n = w.node;
	if (where && room) {
		len = w.entry ? fs_entry_path(w.entry, c.path2, PROTO_PATH_MAX) : fs_node_path(n, c.path2, PROTO_PATH_MAX);
		if (len < 0 || (uint64_t)len >= room)
			len = 0;	/* too long for the process server's record: it keeps the path it has */
		c.path2[len] = 0;
		if (native_caller_write(token, where, c.path2, (uint64_t)len + 1) < 0)
			return -EFAULT;
	}
	return fs_give_pages(token, n, out);
}

/*
 * FS_OP_FD_OPEN: the pages of the file behind a process's descriptor, for
 * mmap, and its open flags (out[4]). Only regular files have pages:
 * pipes, the console and directories are -ENODEV, as Linux answers for
 * files without an mmap operation.
 */
static long fs_fd_open(uint64_t token, const struct kage_msg *m, uint64_t out[5])
{
	struct fs_fdtable *t = fs_table_of_key(m->w[1]);
	struct fs_file *f = t ? fs_fd_file(t, m->w[2]) : NULL;
	struct fs_node *n = f ? f->node : NULL;
	long err;

	if (!t)
		return -EINVAL;
	if (!f)
		return -EBADF;
	if (!n || n == fs_console || (n->mode & S_IFMT) != S_IFREG)
		return -ENODEV;
	err = fs_give_pages(token, n, out);
	out[4] = f->flags;
	return err;
}

/* The process server's operations; out[0] is set from the result. */
static void fs_operation(uint64_t token, const struct kage_msg *m, uint64_t out[5])
{
	struct fs_fdtable *t = fs_table_of_key(m->w[1]);
	long r = 0;

	switch (m->w[0]) {
	case FS_OP_TABLE_NEW: r = fs_table_new(m->w[1], (uint32_t)m->w[2], NULL); break;
	case FS_OP_TABLE_FORK: r = t ? fs_table_new(m->w[2], (uint32_t)m->w[3], t) : -EINVAL; break;
	case FS_OP_TABLE_EXEC: if (t) fs_table_exec(t); break;
	case FS_OP_TABLE_EXIT: fs_table_end(m->w[1]); break;
	case FS_OP_TABLE_LIMIT: r = t ? fs_table_limit(t, m->w[2], m->w[3]) : -ESRCH; break;
	case FS_OP_STATS:
		fs_stats(out);
		r = (long)out[0];
		break;
	case FS_OP_EXEC_OPEN: r = fs_exec_open(token, m, out); break;
	case FS_OP_FD_OPEN: r = fs_fd_open(token, m, out); break;
	case FS_OP_PROC_OPEN: r = fs_proc_open(token, m); break;
	case FS_OP_PROC_LINK: r = fs_proc_link(token, m); break;
	case FS_OP_PROC_FDS: r = fs_proc_fds(token, m, out); break;
	case FS_OP_PROC_PATH: r = fs_proc_path(token, m); break;
	case FS_OP_ARM_CRASH: fs_crash_armed = 1; break;
	case FS_OP_CLOCK: fs_time_set_boot(m->w[1]); break;
	default: r = -ENOSYS;
	}
	out[0] = (uint64_t)r;
}

/* A call of another server or of the helper; out[0] is set from the result. */
static void fs_server_call(uint64_t token, const struct kage_msg *m, uint64_t out[5])
{
	if (m->badge == PROTO_BADGE_PROC) {
		fs_operation(token, m, out);
	} else if (m->badge == PROTO_BADGE_HELPER) {
		fs_poll_expire();	/* the timer fired, or a transfer asked to go on */
		fs_transfer_pump();
	} else if (m->badge == PROTO_BADGE_CONSOLE && m->w[0] == FS_OP_CONSOLE_READY) {
		fs_console_ready(m->w[1] != 0);
	} else if (m->badge == PROTO_BADGE_CONSOLE && m->w[0] == FS_OP_CONSOLE_CTTY) {
		fs_console_ctty = 1;
	} else {
		out[0] = (uint64_t)-ENOSYS;
	}
}

/* A process's forwarded call: the answer for it, or 0 when none goes now (*reply cleared). */
static long fs_serve_process(uint64_t token, const struct kage_msg *m, int *reply)
{
	struct fs_fdtable *t = fs_table_of_key(proto_badge_process(m->badge));
	long r;

	*reply = 1;
	if (!t)
		return -EBADF;	/* a process the process server never announced */
	r = fs_call(t, token, m);
	if (r == FS_SIGPIPE || r == FS_SIGXFSZ) {
		/* The process server delivers the signal, and answers the call with it. */
		int sig = r == FS_SIGPIPE ? SIGPIPE : SIGXFSZ;
		long answer = r == FS_SIGPIPE ? -EPIPE : -EFBIG;

		r = fs_signal_caller(token, m->badge, sig, answer) == 0 ? FS_BLOCKED : answer;
	}
	*reply = r != FS_BLOCKED;
	return r;
}

/* Every message the file server gets (native_serve): whether to answer now. */
static long fs_handle(uint64_t token, const struct kage_msg *m, uint64_t out[5])
{
	int reply = 0;

	if (m->kind == KAGE_MSG_SYSCALL) {
		out[0] = (uint64_t)fs_serve_process(token, m, &reply);
	} else if (m->kind == KAGE_MSG_CALL) {
		fs_server_call(token, m, out);
		reply = 1;
	}
	return reply;
}

long native_main(const char *args, const struct kage_bootinfo *bi)
{
	const struct kage_bootitem *rd = native_boot_item(bi, KAGE_BOOT_INITRD, NULL);
	const void *cpio = rd ? native_map_item(rd, INITRAMFS_VA, KAGE_PROT_READ) : NULL;
	long err = !rd ? -ENOENT : !cpio ? -ENOMEM : 0;

	(void)args;
	fs_endpoint = native_boot_handle(bi, KAGE_BOOT_ENDPOINT, "fs");
	fs_proc_ep = native_boot_handle(bi, KAGE_BOOT_ENDPOINT, "proc");
	fs_console_ep = native_boot_handle(bi, KAGE_BOOT_ENDPOINT, "console");
	if (fs_endpoint < 0 || fs_proc_ep < 0 || native_heap_init(&fs_heap, KAGE_SERVER_FS) < 0)
		return 1;	/* started wrongly: nobody could call it anyway */
	err = fs_init(err == 0 ? cpio : NULL, rd ? rd->size : 0, rd ? rd->handle : -1, rd ? rd->base : 0);
	if (!fs_root || !fs_console || !fs_null) {
		native_say("kage: fs: no memory for the tree: error %ld\n", err);
		return 1;
	}
	if (err < 0)	/* serve anyway, with what could be built: the process server reports what then fails */
		native_say("kage: fs: cannot read the initramfs: error %ld\n", err);
	fs_time_init(bi->timebase_hz);
	err = fs_poll_init(fs_endpoint, bi->timebase_hz);
	if (err < 0)
		native_say("kage: fs: no timer for poll timeouts: error %ld\n", err);
	err = fs_mount_init();
	if (err < 0)
		native_say("kage: fs: no /proc: error %ld\n", err);
	return native_serve(fs_endpoint, fs_handle);
}
