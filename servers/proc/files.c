/*
 * The process server's side of the file server: descriptor tables follow
 * the processes (new, fork, execve, exit), execve gets an executable's
 * bytes, and mmap a mapped file's. Each is one call on the file server (servers/protocol.h), which
 * never waits on anyone, so these calls always come back.
 *
 * If the file server dies (MODE=micro: it is a task like any other), the
 * kernel answers every call to it with -EPIPE. This server then goes on
 * without files: its own calls and the processes' file calls fail with
 * -EIO, and a process's writes to descriptors 1 and 2 go to the kernel
 * console, so that what runs on can still say so.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "servers/proc/proc.h"

/* Copies of executables the file server holds: above the file server's half (servers in the kernel share it). */
#define FILES_EXEC_BUF (NATIVE_SELF_BASE + NATIVE_SELF_SIZE / 2)
#define FILES_EXEC_MAX (16ul << 20)	/* the largest file the file server keeps */

long proc_fs_ep = -1;

/* The file server is gone: said once. */
static void files_note_gone(void)
{
	static int said;

	if (!said++)
		native_say("kage: proc: the file server is gone: file calls fail with EIO, "
			   "writes to fds 1 and 2 go to the kernel console\n");
}

long files_op(const uint64_t w[6], uint64_t out[6])
{
	uint64_t reply[6];
	long r = native_ipc_call(proc_fs_ep, w, out ? out : reply);

	if (r != -EPIPE)
		return r;
	files_note_gone();
	return -EIO;
}

/* An operation of up to four arguments. */
static long files_op4(uint64_t op, uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t out[6])
{
	const uint64_t w[6] = { op, a, b, c, d };

	return files_op(w, out);
}

void files_arm_crash(void)
{
	files_op4(FS_OP_ARM_CRASH, 0, 0, 0, 0, 0);
}

long files_gone(const struct kage_msg *m)
{
	const uint64_t nr = m->w[0], fd = m->w[1], buf = m->w[2], len = m->w[3];
	char chunk[128];

	files_note_gone();
	if (nr != NR_write || (fd != 1 && fd != 2))
		return -EIO;
	for (uint64_t done = 0; done < len; done += sizeof(chunk)) {
		uint64_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);

		if (native_caller_read(m->token, buf + done, chunk, n) < 0)
			return done ? (long)done : -EFAULT;
		for (uint64_t i = 0; i < n; i++)
			native_putc(chunk[i]);
	}
	return (long)len;
}

int files_new(const struct process *p)
{
	return (int)files_op4(FS_OP_TABLE_NEW, proc_key(p), 0, 0, 0, 0);
}

int files_fork(const struct process *parent, const struct process *child)
{
	return (int)files_op4(FS_OP_TABLE_FORK, proc_key(parent), proc_key(child), 0, 0, 0);
}

void files_exec(const struct process *p)
{
	files_op4(FS_OP_TABLE_EXEC, proc_key(p), 0, 0, 0, 0);
}

void files_exit(const struct process *p)
{
	files_op4(FS_OP_TABLE_EXIT, proc_key(p), 0, 0, 0, 0);
}

/*
 * Windows of this server's space for copies of files written at run time:
 * two, since an execve holds a program and its interpreter at once.
 */
#define FILES_WINDOWS 2

static uint8_t files_window_busy[FILES_WINDOWS];

static uint64_t files_window(int i)
{
	return FILES_EXEC_BUF + (uint64_t)i * FILES_EXEC_MAX;
}

long files_read(const struct files_exe *fe, uint64_t off, void *buf, uint64_t len)
{
	uint64_t out[6];

	return files_op4(FS_OP_EXEC_READ, (uint64_t)fe->node, off, (uint64_t)buf, len, out);
}

/* A file the server keeps a copy of: read into a free window (mapped here, fresh). */
static long files_exec_copy(struct files_exe *fe)
{
	uint64_t len = (fe->size + 4095) & ~4095ul;
	int w = 0;
	long r;

	while (w < FILES_WINDOWS && files_window_busy[w])
		w++;
	if (w == FILES_WINDOWS)
		return -EBUSY;	/* cannot happen: one execve at a time, two files each */
	if (len > FILES_EXEC_MAX)
		return -ENOEXEC;
	native_space_unmap(KAGE_HANDLE_SELF_SPACE, files_window(w), FILES_EXEC_MAX);
	r = len ? native_space_map(KAGE_HANDLE_SELF_SPACE, files_window(w), len, KAGE_PROT_READ | KAGE_PROT_WRITE) : 0;
	if (r < 0)
		return r;
	files_window_busy[w] = 1;
	fe->data = (const uint8_t *)files_window(w);
	for (uint64_t done = 0; done < fe->size; done += (uint64_t)r) {
		r = files_read(fe, done, (uint8_t *)files_window(w) + done, fe->size - done);
		if (r <= 0)
			return r < 0 ? r : -EIO;
	}
	return 0;
}

/*
 * Every process running a program, or mapping a library, shares its
 * read-only pages straight from the initramfs, as a page cache would give
 * them; tools/mkcpio puts every file of a page or more page-aligned in
 * the archive, so that this is the usual case. Writable pages are copied.
 */
uint64_t files_map_shared(long space, uint64_t va, const uint8_t *at, uint64_t len, unsigned prot)
{
	const uint8_t *base = proc_files.cpio;
	uint64_t off;

	if (!prot || (prot & KAGE_PROT_WRITE) || !base || !len || (len & 4095) || at < base || at >= base + proc_files.size ||
	    (uint64_t)(at - base) + len > proc_files.size)
		return 0;
	off = (uint64_t)(at - base) + proc_files.page_off;
	if (off & 4095)
		return 0;
	return native_space_map_phys(space, va, proc_files.handle, off, len, prot) == 0 ? len : 0;
}

/* The answer of FS_OP_EXEC_OPEN or FS_OP_FD_OPEN: the file's bytes in the initramfs, or NULL. */
static void files_held(struct files_exe *fe, long node, const uint64_t out[6])
{
	*fe = (struct files_exe){ .node = node, .size = out[1], .mode = (uint32_t)out[2] };
	if ((int64_t)out[3] >= 0 && out[3] <= proc_files.size && fe->size <= proc_files.size - out[3])
		fe->data = (const uint8_t *)proc_files.cpio + out[3];	/* in the initramfs: no copy */
}

int files_exec_open(const struct process *p, const char *path, struct files_exe *fe)
{
	uint64_t out[6];
	long r = files_op4(FS_OP_EXEC_OPEN, proc_key(p), (uint64_t)path, 0, 0, out);

	if (r < 0)
		return (int)r;
	files_held(fe, r, out);
	if (fe->data)
		return 0;
	r = files_exec_copy(fe);
	if (r < 0)
		files_exec_close(fe);
	return (int)r;
}

int files_fd_open(const struct process *p, int fd, struct files_exe *fe, uint32_t *flags)
{
	uint64_t out[6];
	long r = fd < 0 ? -EBADF : files_op4(FS_OP_FD_OPEN, proc_key(p), (uint64_t)fd, 0, 0, out);

	if (r < 0)
		return (int)r;
	files_held(fe, r, out);
	*flags = (uint32_t)out[4];
	return 0;
}

void files_exec_close(const struct files_exe *fe)
{
	files_op4(FS_OP_EXEC_CLOSE, (uint64_t)fe->node, 0, 0, 0, 0);
	for (int w = 0; w < FILES_WINDOWS; w++) {
		if (!files_window_busy[w] || fe->data != (const uint8_t *)files_window(w))
			continue;
		native_space_unmap(KAGE_HANDLE_SELF_SPACE, files_window(w), FILES_EXEC_MAX);
		files_window_busy[w] = 0;
	}
}
