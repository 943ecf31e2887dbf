/*
 * The process server's side of the file server: descriptor tables follow
 * the processes (new, fork, execve, exit), and execve gets an executable's
 * bytes. Each is one call on the file server (servers/protocol.h), which
 * never waits on anyone, so these calls always come back.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "servers/proc/proc.h"

#define FILES_EXEC_BUF 0x3000000000ul	/* a copy of an executable the file server holds */
#define FILES_EXEC_MAX (16ul << 20)	/* the largest file the file server keeps */

long proc_fs_ep = -1;

static long files_op(uint64_t op, uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t out[6])
{
	const uint64_t w[6] = { op, a, b, c, d };
	uint64_t reply[6];

	return native_ipc_call(proc_fs_ep, w, out ? out : reply);
}

int files_new(const struct proc *p)
{
	return (int)files_op(FS_OP_TABLE_NEW, proc_badge(p), 0, 0, 0, 0);
}

int files_fork(const struct proc *parent, const struct proc *child)
{
	return (int)files_op(FS_OP_TABLE_FORK, proc_badge(parent), proc_badge(child), 0, 0, 0);
}

int files_share(const struct proc *owner, const struct proc *thread)
{
	return (int)files_op(FS_OP_TABLE_SHARE, proc_badge(owner), proc_badge(thread), 0, 0, 0);
}

void files_exec(const struct proc *p)
{
	files_op(FS_OP_TABLE_EXEC, proc_badge(p), 0, 0, 0, 0);
}

void files_exit(const struct proc *p)
{
	files_op(FS_OP_TABLE_EXIT, proc_badge(p), 0, 0, 0, 0);
}

/* A file the server keeps a copy of: read into FILES_EXEC_BUF (mapped here, fresh). */
static long files_exec_copy(struct files_exe *fe)
{
	uint64_t len = (fe->size + 4095) & ~4095ul, out[6];
	long r;

	native_space_unmap(KAGE_HANDLE_SELF_SPACE, FILES_EXEC_BUF, FILES_EXEC_MAX);
	if (len > FILES_EXEC_MAX)
		return -ENOEXEC;
	if (len && (r = native_space_map(KAGE_HANDLE_SELF_SPACE, FILES_EXEC_BUF, len,
					 KAGE_PROT_READ | KAGE_PROT_WRITE)) < 0)
		return r;
	for (uint64_t done = 0; done < fe->size; done += (uint64_t)r) {
		r = files_op(FS_OP_EXEC_READ, (uint64_t)fe->node, done, FILES_EXEC_BUF + done, fe->size - done, out);
		if (r <= 0)
			return r < 0 ? r : -EIO;
	}
	fe->data = (const uint8_t *)FILES_EXEC_BUF;
	return 0;
}

int files_exec_open(const struct proc *p, const char *path, struct files_exe *fe)
{
	uint64_t out[6];
	long r = files_op(FS_OP_EXEC_OPEN, proc_badge(p), (uint64_t)path, 0, 0, out);

	if (r < 0)
		return (int)r;
	*fe = (struct files_exe){ .node = r, .size = out[1], .mode = (uint32_t)out[2] };
	if ((int64_t)out[3] >= 0 && out[3] <= proc_files.size && fe->size <= proc_files.size - out[3]) {
		fe->data = (const uint8_t *)proc_files.cpio + out[3];	/* in the initramfs: no copy */
		return 0;
	}
	if ((r = files_exec_copy(fe)) < 0)
		files_exec_close(fe);
	return (int)r;
}

void files_exec_close(const struct files_exe *fe)
{
	files_op(FS_OP_EXEC_CLOSE, (uint64_t)fe->node, 0, 0, 0, 0);
	if (fe->data == (const uint8_t *)FILES_EXEC_BUF)
		native_space_unmap(KAGE_HANDLE_SELF_SPACE, FILES_EXEC_BUF, FILES_EXEC_MAX);
}
