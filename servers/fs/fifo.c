/*
 * Named pipes (mknodat's S_IFIFO, mkfifo): a node whose pipe, pipe.c's
 * ring and queues, exists while one of its ends is open or an open of it
 * waits. Opening the node opens an end of that pipe, as Linux's
 * fifo_open does: a reader waits for a writer and a writer for a reader,
 * unless O_NONBLOCK (a reader then opens at once, a writer with no reader
 * is ENXIO); O_RDWR never waits. Reads, writes, end of file and SIGPIPE
 * are then a pipe's. A pipe2 pipe is opened again the same way through
 * /proc/N/fd/M, never waiting, as Linux's pipefs opens are.
 *
 * Ownership: the pipe holds its node (nopen) and the node points at it
 * while it exists. A waiting open is a held call let go (a signal
 * interrupts it, EINTR as on Linux), on its table's list of waits and on
 * the pipe's openers, which keep the pipe. The open of the other end answers it, with a
 * descriptor put in its table; one found stale (the kernel took its call
 * back) is dropped instead. Invariant: openers wait for a reader only
 * while the pipe has no reader, and for a writer only while it has no
 * writer, since every open answers the openers it is the other end of;
 * so readers and writers never wait at once.
 */
#include "lib/errno.h"
#include "lib/heap.h"
#include "lib/native.h"
#include "servers/fs/fs_impl.h"

struct fs_fifo_wait {
	struct fs_wait w;		/* FS_WAIT_OPEN; in_queue: on its pipe's openers */
	struct fs_pipe *pipe;
	struct fs_node *node;		/* the named pipe (its pipe holds it) */
	uint32_t flags;			/* the open's: O_RDONLY or O_WRONLY, and the rest */
};

static int fs_fifo_reads(uint32_t flags)
{
	return (flags & O_ACCMODE) != O_WRONLY;
}

static int fs_fifo_writes(uint32_t flags)
{
	return (flags & O_ACCMODE) != O_RDONLY;
}

/* Whether opener w waits for an end an open with these flags gives. */
static int fs_fifo_partner(const struct fs_fifo_wait *w, uint32_t flags)
{
	return fs_fifo_reads(w->flags) ? fs_fifo_writes(flags) : fs_fifo_reads(flags);
}

/* w leaves its queue and table, and is freed (its pipe stays: the caller unholds it when done with it). */
static void fs_fifo_unwait(struct fs_fifo_wait *w)
{
	fs_list_del(&w->w.in_queue);
	fs_wait_end(&w->w);
	heap_free(&fs_heap, w);
}

void fs_fifo_wait_drop(struct fs_wait *w)
{
	struct fs_fifo_wait *fw = fs_container_of(w, struct fs_fifo_wait, w);
	struct fs_pipe *p = fw->pipe;

	fs_fifo_unwait(fw);
	fs_pipe_unhold(p);	/* the last thing holding it, maybe */
}

/* Whether an opener of p still waits for an end the flags give (stale ones are dropped on the way). */
static int fs_fifo_partner_waits(struct fs_pipe *p, uint32_t flags)
{
	struct fs_list *q = fs_pipe_openers(p), *next;
	uint64_t probe;

	for (struct fs_list *l = q->next; l != q; l = next) {
		struct fs_fifo_wait *w = fs_container_of(l, struct fs_fifo_wait, w.in_queue);

		next = l->next;
		if (!fs_fifo_partner(w, flags))
			continue;
		if (native_caller_read(w->w.token, 0, &probe, 0) == 0)
			return 1;
		fs_fifo_unwait(w);	/* a signal took its call back */
	}
	return 0;
}

/* Opener w has its other end now: a descriptor of its own in its table, and its answer. */
static void fs_fifo_finish(struct fs_fifo_wait *w)
{
	struct fs_file *f = fs_pipe_end(w->pipe, w->node, w->flags);
	long fd = f ? fs_install_fd(w->w.owner, f, 0, (w->flags & O_CLOEXEC) != 0) : -ENOMEM;
	const uint64_t v[6] = { (uint64_t)fd };

	if (f && fd < 0)
		fs_file_put(f);
	if (native_ipc_reply(w->w.token, v) < 0 && fd >= 0)
		fs_fd_close(w->w.owner, (uint64_t)fd);	/* its call was taken back meanwhile: as if never opened */
	fs_fifo_unwait(w);
}

/* p has a new end: the openers waiting for one like it are answered. */
static void fs_fifo_wake(struct fs_pipe *p)
{
	struct fs_list *q = fs_pipe_openers(p), *next;

	for (struct fs_list *l = q->next; l != q; l = next) {
		struct fs_fifo_wait *w = fs_container_of(l, struct fs_fifo_wait, w.in_queue);
		int wants_writer = fs_fifo_reads(w->flags);

		next = l->next;	/* finishing w frees it, and only it */
		if (wants_writer ? fs_pipe_writers(p) : fs_pipe_readers(p))
			fs_fifo_finish(w);
	}
}

/* A new end of p for the caller (n: its named pipe): its descriptor, or -errno with nothing kept. */
static long fs_fifo_open_end(const struct fs_call_ctx *c, struct fs_pipe *p, struct fs_node *n, uint32_t flags)
{
	struct fs_file *f = fs_pipe_end(p, n, flags);
	long fd = f ? fs_install_fd(c->t, f, 0, (flags & O_CLOEXEC) != 0) : -ENOMEM;

	if (f && fd < 0)
		fs_file_put(f);
	if (fd >= 0)
		fs_fifo_wake(p);
	return fd;
}

/* Whether an open of p with these flags waits (1), goes on (0), or is refused (-ENXIO). */
static long fs_fifo_must_wait(struct fs_pipe *p, uint32_t flags, int may_wait)
{
	int nonblock = (flags & O_NONBLOCK) || !may_wait;

	if (fs_fifo_reads(flags) && fs_fifo_writes(flags))
		return 0;	/* O_RDWR: it is its own other end */
	if (fs_fifo_reads(flags))
		return !nonblock && !fs_pipe_writers(p) && !fs_fifo_partner_waits(p, flags);
	if (fs_pipe_readers(p) || fs_fifo_partner_waits(p, flags))
		return 0;
	return nonblock ? -ENXIO : 1;
}

/* The caller's open waits on p's openers: FS_BLOCKED, or -ENOMEM. Where Linux sleeps, a signal may interrupt it. */
static long fs_fifo_wait(const struct fs_call_ctx *c, struct fs_pipe *p, struct fs_node *n, uint32_t flags)
{
	struct fs_fifo_wait *w;

	if (native_ipc_let_go(c->token) != 0)
		return FS_BLOCKED;	/* interrupted, or gone: nobody to answer */
	w = heap_alloc(&fs_heap, sizeof(*w));
	if (!w)
		return -ENOMEM;
	*w = (struct fs_fifo_wait){ .pipe = p, .node = n, .flags = flags };
	fs_list_add_tail(fs_pipe_openers(p), &w->w.in_queue);
	fs_wait_start(&w->w, c, FS_WAIT_OPEN);
	return FS_BLOCKED;
}

long fs_fifo_open(const struct fs_call_ctx *c, struct fs_node *n, uint32_t flags, int may_wait)
{
	struct fs_pipe *p = n->fifo ? n->fifo : fs_pipe_make(n);
	long r;

	if (!p)
		return -ENOMEM;
	r = fs_fifo_must_wait(p, flags, may_wait);
	if (r == 0)
		r = fs_fifo_open_end(c, p, n, flags);
	else if (r == 1)
		r = fs_fifo_wait(c, p, n, flags);
	fs_pipe_unhold(p);	/* made for nothing, or its last opener dropped on the way: it goes */
	return r;
}

long fs_pipe_reopen(const struct fs_call_ctx *c, struct fs_pipe *p, uint32_t flags)
{
	if (flags & O_DIRECTORY)
		return -ENOTDIR;
	return fs_fifo_open_end(c, p, NULL, flags);
}
