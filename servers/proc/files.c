/*
 * The process server's side of the file server: descriptor tables follow
 * the processes (new, fork, execve, exit), and execve and mmap get a
 * file's pages as a memory object the file server hands over with its
 * answer. Each is one call on the file server (servers/protocol.h), which
 * never waits on anyone, so these calls always come back.
 *
 * A file's pages: whole pages of a page-aligned file are mapped into a
 * program as they are, read-only (its text, a library's), so every
 * process running it shares them, as a page cache would give them; the
 * rest is copied by the kernel from the object (mem_read), never through
 * this server. Where the bytes live (the initramfs, or a copy of a file
 * written at run time) is the file server's business.
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

#define PAGE 4096ul

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

/* An operation of up to three arguments. */
static long files_op3(uint64_t op, uint64_t a, uint64_t b, uint64_t c, uint64_t out[6])
{
	const uint64_t w[6] = { op, a, b, c };

	return files_op(w, out);
}

void files_clock(uint64_t boot_ns)
{
	files_op3(FS_OP_CLOCK, boot_ns, 0, 0, NULL);
}

void files_arm_crash(void)
{
	files_op3(FS_OP_ARM_CRASH, 0, 0, 0, NULL);
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
	return (int)files_op3(FS_OP_TABLE_NEW, proc_key(p), (uint64_t)p->pid, 0, NULL);
}

int files_fork(const struct process *parent, const struct process *child)
{
	return (int)files_op3(FS_OP_TABLE_FORK, proc_key(parent), proc_key(child), (uint64_t)child->pid, NULL);
}

void files_exec(const struct process *p)
{
	files_op3(FS_OP_TABLE_EXEC, proc_key(p), 0, 0, NULL);
}

void files_exit(const struct process *p)
{
	files_op3(FS_OP_TABLE_EXIT, proc_key(p), 0, 0, NULL);
}

/* The answer of FS_OP_EXEC_OPEN or FS_OP_FD_OPEN: the file's pages, now held here. */
static void files_held(struct files_pages *fp, const uint64_t out[6])
{
	*fp = (struct files_pages){ .mem = (long)out[1], .size = out[2], .mode = (uint32_t)out[3],
				    .page_off = (uint32_t)(out[3] >> 32) & (PAGE - 1) };
}

int files_exec_open(const struct process *p, const char *path, struct files_pages *fp, char *exe)
{
	const uint64_t w[6] = { FS_OP_EXEC_OPEN, proc_key(p), (uint64_t)path, (uint64_t)exe, exe ? PROC_EXE_MAX : 0 };
	uint64_t out[6];
	long r = files_op(w, out);

	if (r < 0)
		return (int)r;
	files_held(fp, out);
	return 0;
}

int files_fd_open(const struct process *p, int fd, struct files_pages *fp, uint32_t *flags)
{
	uint64_t out[6];
	long r = fd < 0 ? -EBADF : files_op3(FS_OP_FD_OPEN, proc_key(p), (uint64_t)fd, 0, out);

	if (r < 0)
		return (int)r;
	files_held(fp, out);
	*flags = (uint32_t)out[4];
	return 0;
}

void files_close(struct files_pages *fp)
{
	if (fp->mem >= 0)
		native_handle_close(fp->mem);
	fp->mem = -1;
}

long files_read(const struct files_pages *fp, uint64_t off, void *buf, uint64_t len)
{
	long err;

	if (off >= fp->size)
		return 0;
	if (len > fp->size - off)
		len = fp->size - off;
	if (len > KAGE_COPY_MAX)
		len = KAGE_COPY_MAX;
	err = native_mem_read(fp->mem, off, KAGE_HANDLE_SELF_SPACE, (uint64_t)buf, len, 0);
	return err < 0 ? err : (long)len;
}

long files_copy(const struct files_pages *fp, uint64_t off, long space, uint64_t va, uint64_t len)
{
	long err = 0;

	if (off >= fp->size)
		return 0;	/* past the end: the region's zeros stay */
	if (len > fp->size - off)
		len = fp->size - off;
	for (uint64_t done = 0; done < len && err == 0; done += KAGE_COPY_MAX) {
		uint64_t n = len - done < KAGE_COPY_MAX ? len - done : KAGE_COPY_MAX;

		err = native_mem_read(fp->mem, off + done, space, va + done, n, 0);
	}
	return err;
}

uint64_t files_share(long space, uint64_t va, const struct files_pages *fp, uint64_t off, uint64_t len,
		     unsigned prot)
{
	uint64_t at = fp->page_off + off;	/* the object counts pages from the one holding the file's start */

	if (!prot || (prot & KAGE_PROT_WRITE) || fp->mem < 0 || !len || ((at | len) & (PAGE - 1)))
		return 0;
	if (off >= fp->size || len > ((fp->size - off) & ~(PAGE - 1)))
		return 0;	/* whole pages of the file only: a slice's last page goes on into the next file */
	return native_space_map_phys(space, va, fp->mem, at, len, prot) == 0 ? len : 0;
}

uint64_t files_map_lazy(long space, uint64_t va, const struct files_pages *fp, uint64_t off, uint64_t len,
			unsigned prot)
{
	uint64_t at = fp->page_off + off, pages;

	if (!prot || fp->mem < 0 || off >= fp->size || ((at | off) & (PAGE - 1)))
		return 0;
	pages = (fp->size - off + PAGE - 1) & ~(PAGE - 1);
	if (len > pages)
		len = pages;	/* past the file's last page: zero-fill, the caller's */
	return native_space_map_phys(space, va, fp->mem, at, len, prot | KAGE_MAP_LAZY) == 0 ? len : 0;
}
