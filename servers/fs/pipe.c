/*
 * Pipes: a 4 KiB ring per pipe. A read of an empty pipe with writers, or
 * a write to a full one with readers, is answered later (its reply token
 * is kept); each transfer then wakes the other side, and waiting polls
 * look again. One reader and one writer may wait on a pipe at a time;
 * another gets -EAGAIN, unless the kernel has aborted the waiting call.
 * Invariants: readers and writers count the open file descriptions of
 * each end; a waiter's owner is the descriptor table of the process
 * waiting, cleared when that process goes (fs_pipe_forget).
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/fs/fs_impl.h"

#define FS_PIPES 32
#define FS_PIPE_SIZE 4096

struct fs_wait {
	const struct fs_fdtable *owner;	/* NULL: nobody waits */
	uint64_t token;			/* its call: the reply, and the right to its buffer */
	uint64_t buf, len, done;
};

struct fs_pipe {
	uint32_t readers, writers;	/* both 0: a free slot */
	uint8_t data[FS_PIPE_SIZE];
	size_t head, len;		/* the bytes in the ring */
	struct fs_wait reader, writer;
};

static struct fs_pipe fs_pipes[FS_PIPES];

/* Answers a waiting call (0, or -ESRCH when the kernel had aborted it) and frees the place. */
static long fs_answer(struct fs_wait *w, long value)
{
	const uint64_t v[6] = { (uint64_t)value };

	w->owner = NULL;
	return native_ipc_reply(w->token, v);
}

/* Whether a call still waits in w: one the kernel aborted (stale token) frees the place. */
static int fs_wait_busy(struct fs_wait *w)
{
	if (w->owner && native_caller_read(w->token, 0, 0, 0) == -ESRCH)
		w->owner = NULL;
	return w->owner != NULL;
}

/* Copies up to len bytes of the ring to user memory, leaving them there: the count, or the copy's error. */
static long fs_pipe_peek(const struct fs_pipe *p, uint64_t token, uint64_t buf, uint64_t len)
{
	uint64_t n = len < p->len ? len : p->len, first = FS_PIPE_SIZE - p->head;
	long err;

	if (first > n)
		first = n;
	err = native_caller_write(token, buf, p->data + p->head, first);
	if (err == 0 && n > first)
		err = native_caller_write(token, buf + first, p->data, n - first);
	return err < 0 ? err : (long)n;
}

static void fs_pipe_drop(struct fs_pipe *p, uint64_t n)
{
	p->head = (p->head + n) % FS_PIPE_SIZE;
	p->len -= n;
}

/* Moves up to len bytes of user memory into the ring: the count, or the copy's error. */
static long fs_pipe_in(struct fs_pipe *p, uint64_t token, uint64_t buf, uint64_t len)
{
	uint64_t room = FS_PIPE_SIZE - p->len, n = len < room ? len : room;
	uint64_t tail = (p->head + p->len) % FS_PIPE_SIZE, first = FS_PIPE_SIZE - tail;
	long err;

	if (first > n)
		first = n;
	err = native_caller_read(token, buf, p->data + tail, first);
	if (err == 0 && n > first)
		err = native_caller_read(token, buf + first, p->data, n - first);
	if (err < 0)
		return err;
	p->len += n;
	return (long)n;
}

/*
 * A waiting reader takes what the ring has, or the end of file. The bytes
 * leave the ring only once the reader has them: a reader whose call was
 * aborted leaves them for the next.
 */
static void fs_pipe_feed(struct fs_pipe *p)
{
	struct fs_wait *w = &p->reader;
	long n;

	if (!w->owner || (!p->len && p->writers))
		return;
	n = p->len ? fs_pipe_peek(p, w->token, w->buf, w->len) : 0;
	if (n == -ESRCH) {
		w->owner = NULL;
		return;
	}
	if (fs_answer(w, n < 0 ? -EFAULT : n) == 0 && n > 0)
		fs_pipe_drop(p, (uint64_t)n);
}

/* Data arrived, room appeared or an end closed: waiting readers and writers go on, and polls look again. */
static void fs_pipe_wake(struct fs_pipe *p)
{
	struct fs_wait *w = &p->writer;
	long r;

	fs_pipe_feed(p);
	if (w->owner && !p->readers)
		fs_answer(w, -EPIPE);
	while (w->owner && p->len < FS_PIPE_SIZE) {
		r = fs_pipe_in(p, w->token, w->buf + w->done, w->len - w->done);
		if (r == -ESRCH) {
			w->owner = NULL;	/* the writer's call was aborted: what it wrote so far stays */
			break;
		}
		if (r > 0)
			w->done += (uint64_t)r;
		if (r < 0 || w->done == w->len) {
			fs_answer(w, r < 0 && !w->done ? r : (long)w->done);
			break;
		}
		if (!p->reader.owner)
			break;
		fs_pipe_feed(p);
	}
	fs_pipe_feed(p);
	fs_poll_wake();
}

static void fs_wait_set(struct fs_wait *w, const struct fs_call_ctx *c, uint64_t buf, uint64_t len, uint64_t done)
{
	*w = (struct fs_wait){ .owner = c->t, .token = c->token, .buf = buf, .len = len,
			       .done = done };
}

long fs_pipe_read(const struct fs_call_ctx *c, struct fs_file *f, uint64_t buf, uint64_t len)
{
	struct fs_pipe *p = f->pipe;
	long r;

	if (!len)
		return 0;
	if (p->len) {
		r = fs_pipe_peek(p, c->token, buf, len);
		if (r < 0)
			return -EFAULT;
		fs_pipe_drop(p, (uint64_t)r);
		fs_pipe_wake(p);	/* room for a waiting writer */
		return r;
	}
	if (!p->writers)
		return 0;	/* end of file */
	if ((f->flags & O_NONBLOCK) || fs_wait_busy(&p->reader))
		return -EAGAIN;
	fs_wait_set(&p->reader, c, buf, len, 0);
	return FS_BLOCKED;
}

long fs_pipe_write(const struct fs_call_ctx *c, struct fs_file *f, uint64_t buf, uint64_t len)
{
	struct fs_pipe *p = f->pipe;
	long r = 0, n;

	if (!len)
		return 0;	/* before the readers are checked, as on Linux */
	if (!p->readers)
		return FS_SIGPIPE;
	/*
	 * A waiting reader takes what came and makes room: fill it again
	 * before waiting, or writer and reader would both wait on a pipe
	 * that is neither full nor empty.
	 */
	do {
		n = fs_pipe_in(p, c->token, buf + (uint64_t)r, len - (uint64_t)r);
		if (n < 0)
			return r ? r : -EFAULT;
		r += n;
		fs_pipe_wake(p);
	} while (n && (uint64_t)r < len);
	if ((uint64_t)r == len || (f->flags & O_NONBLOCK))
		return r ? r : -EAGAIN;
	if (fs_wait_busy(&p->writer))
		return r ? r : -EAGAIN;
	fs_wait_set(&p->writer, c, buf, len, (uint64_t)r);
	return FS_BLOCKED;
}

long fs_pipe_create(const struct fs_call_ctx *c, uint64_t fds, uint64_t flags)
{
	struct fs_file *rd, *wr;
	struct fs_pipe *p = 0;
	int32_t n[2];
	long r0, r1;

	if (flags & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	for (int i = 0; i < FS_PIPES && !p; i++)
		if (!fs_pipes[i].readers && !fs_pipes[i].writers)
			p = &fs_pipes[i];
	if (!p)
		return -ENFILE;
	memset(p, 0, sizeof(*p));
	rd = fs_file_new(NULL, O_RDONLY | (uint32_t)(flags & O_NONBLOCK));
	wr = rd ? fs_file_new(NULL, O_WRONLY | (uint32_t)(flags & O_NONBLOCK)) : NULL;
	if (!wr) {
		if (rd)
			rd->refs = 0;
		return -ENFILE;
	}
	rd->pipe = wr->pipe = p;
	p->readers = p->writers = 1;
	r0 = fs_install_fd(c, rd, 0, (flags & O_CLOEXEC) != 0);
	r1 = r0 < 0 ? r0 : fs_install_fd(c, wr, 0, (flags & O_CLOEXEC) != 0);
	n[0] = (int32_t)r0, n[1] = (int32_t)r1;
	if (r1 >= 0 && native_caller_write(c->token, fds, n, sizeof(n)) == 0)
		return 0;
	/* Both ends go again, installed or not: the pipe's slot is free once more. */
	if (r0 >= 0)
		fs_fd_close(c->t, (uint64_t)r0);
	else
		fs_file_put(rd);
	if (r1 >= 0)
		fs_fd_close(c->t, (uint64_t)r1);
	else
		fs_file_put(wr);
	return r1 < 0 ? r1 : -EFAULT;
}

void fs_pipe_release(struct fs_file *f)
{
	struct fs_pipe *p = f->pipe;

	if ((f->flags & O_ACCMODE) == O_RDONLY)
		p->readers--;
	else
		p->writers--;
	fs_pipe_wake(p);	/* end of file for a reader, EPIPE for a writer */
}

/* ready_bits when ready, and gone_bits when the other end is gone. */
static uint32_t fs_pipe_events(int ready, uint32_t ready_bits, int gone, uint32_t gone_bits)
{
	uint32_t ev = 0;

	if (ready)
		ev |= ready_bits;
	if (gone)
		ev |= gone_bits;
	return ev;
}

uint32_t fs_pipe_poll(const struct fs_file *f)
{
	const struct fs_pipe *p = f->pipe;

	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return fs_pipe_events(p->len > 0, POLLIN | POLLRDNORM, !p->writers, POLLHUP);
	return fs_pipe_events(p->len < FS_PIPE_SIZE, POLLOUT | POLLWRNORM, !p->readers, POLLERR);
}

unsigned fs_pipe_id(const struct fs_file *f)
{
	return (unsigned)(f->pipe - fs_pipes) + 1;
}

uint64_t fs_pipe_unread(const struct fs_file *f)
{
	return f->pipe->len;
}

void fs_pipe_forget(const struct fs_fdtable *t)
{
	for (int i = 0; i < FS_PIPES; i++) {
		if (fs_pipes[i].reader.owner == t)
			fs_pipes[i].reader.owner = NULL;
		if (fs_pipes[i].writer.owner == t)
			fs_pipes[i].writer.owner = NULL;
	}
}
