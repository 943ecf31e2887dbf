/*
 * Pipes: a ring per pipe that holds up to 64 KiB (Linux's default), and
 * queues of the reads and writes that wait on it, oldest first. A read of an empty pipe with writers, or a
 * write to a full one with readers, is answered later (its reply token
 * is kept in the queue); every change runs the pipe: the oldest waiting
 * reader takes what the ring has (or the end of file), the oldest waiting
 * writer moves what fits, and so on while anything moves; then the polls
 * that watch the pipe look again. A write of at most PIPE_BUF bytes goes
 * into the ring whole or waits, so it is never interleaved with another.
 *
 * Why the ring grows: most pipes carry a line or two, and a shell makes
 * thousands of them, so a ring starts at one page and doubles only when
 * a write needs the room (memory decides: a write that finds no room and
 * cannot grow the ring gets -ENOMEM, as on Linux). Why a waiting writer
 * goes on only when half the pipe is free (or all it has left fits): a
 * reader taking 4 KiB at a time from a full pipe would otherwise make a
 * copy from the writer per read; so it is one copy per 32 KiB.
 *
 * Why copy first and consume after: a waiting call the kernel aborted (a
 * signal) has a stale token, and its copy fails with -ESRCH; the waiter is
 * dropped and the bytes stay for the next reader. The one exception is a
 * read that finds bytes, answered at once: in user mode its answer makes
 * the copy (native_answer_copy, one trap fewer), after the handler has
 * taken the bytes, and a copy that fails gives them back
 * (fs_pipe_untake). It is taken only when the bytes lie in one piece and
 * no waiting writer moves into the room they leave, so the ring still
 * holds them when the answer copies them.
 *
 * Ownership: a pipe lives while an end has an open file description
 * (readers and writers count them: a description opened O_RDWR, which a
 * named pipe's may be, counts as both) or, for a named pipe (fifo.c), an
 * open of it waits; a named pipe's pipe holds its node. Its waiters are
 * its queues' and their tables' (struct fs_wait). Invariant, after every
 * run: readers wait only on an empty pipe that has writers, and a writer
 * waits only when the pipe has room for neither its next bytes nor half
 * the pipe (or it is behind another writer). So a writer never waits on
 * an empty pipe, and a reader never on a full one.
 */
#include "lib/errno.h"
#include "lib/heap.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/fs/fs_impl.h"

#define FS_PIPE_SIZE 65536		/* what a pipe holds (F_GETPIPE_SZ) */
#define FS_PIPE_FIRST 4096		/* its ring at first; it doubles as writes need, up to FS_PIPE_SIZE */
#define FS_PIPE_WAKE (FS_PIPE_SIZE / 2)	/* the room a waiting writer waits for (or what it has left, if less) */
#define FS_PIPE_SEEN_WRITER (~0ull)	/* an end's offset: its POLLHUP needs no writer to come first */

struct fs_pipe {
	uint32_t readers, writers;	/* open file descriptions of each end */
	uint8_t *ring;
	uint32_t size;			/* the ring's, a power of two */
	uint32_t head, len;		/* the bytes in the ring */
	uint64_t ino;
	uint64_t writer_opens;		/* descriptions ever opened to write: a reader's POLLHUP waits for one */
	struct fs_list rq, wq;		/* waiting reads and writes (struct fs_pipe_wait), oldest first */
	struct fs_list openers;		/* opens of a named pipe waiting for its other end (fifo.c) */
	struct fs_node *fifo;		/* the named pipe it is the pipe of, or NULL (pipe2's) */
	struct fs_watchers watchers;	/* polls watching either end */
};

struct fs_pipe_wait {
	struct fs_wait w;		/* in_queue: on rq or wq */
	struct fs_pipe *pipe;
	uint64_t buf, len, done;	/* the call's buffer, and what a writer has moved of it */
};

_Static_assert(FS_PIPE_WAKE >= PIPE_BUF, "a write of PIPE_BUF bytes waits only for its own room");
_Static_assert((FS_PIPE_FIRST & (FS_PIPE_FIRST - 1)) == 0 && FS_PIPE_SIZE % FS_PIPE_FIRST == 0 &&
	       (FS_PIPE_SIZE / FS_PIPE_FIRST & (FS_PIPE_SIZE / FS_PIPE_FIRST - 1)) == 0,
	       "the ring doubles from its first size to the pipe's");

static struct fs_pipe_wait *fs_pipe_first(struct fs_list *q)
{
	return fs_list_empty(q) ? NULL : fs_container_of(q->next, struct fs_pipe_wait, w.in_queue);
}

/* w leaves its queue and table, and is freed. */
static void fs_pipe_unwait(struct fs_pipe_wait *w)
{
	fs_list_del(&w->w.in_queue);
	fs_wait_end(&w->w);
	heap_free(&fs_heap, w);
}

/* Answers a waiting call (0, or -ESRCH when the kernel had aborted it) and frees its waiter. */
static long fs_pipe_answer(struct fs_pipe_wait *w, long value)
{
	const uint64_t v[6] = { (uint64_t)value };
	long r = native_ipc_reply(w->w.token, v);

	fs_pipe_unwait(w);
	return r;
}

/* Copies up to len bytes of the ring to user memory, leaving them there: the count, or the copy's error. */
static long fs_pipe_peek(const struct fs_pipe *p, uint64_t token, uint64_t buf, uint64_t len)
{
	uint64_t n = len < p->len ? len : p->len, first = p->size - p->head;
	long err;

	if (first > n)
		first = n;
	err = native_caller_write(token, buf, p->ring + p->head, first);
	if (err == 0 && n > first)
		err = native_caller_write(token, buf + first, p->ring, n - first);
	return err < 0 ? err : (long)n;
}

static void fs_pipe_consume(struct fs_pipe *p, uint64_t n)
{
	p->head = (uint32_t)((p->head + n) % p->size);
	p->len -= (uint32_t)n;
}

/* The ring made big enough for need bytes (doubling), its bytes kept in order: 0, or -ENOMEM. */
static long fs_pipe_grow(struct fs_pipe *p, uint64_t need)
{
	uint32_t size = p->size, first = p->size - p->head;
	uint8_t *ring;

	while (size < need)
		size *= 2;
	ring = heap_alloc(&fs_heap, size);
	if (!ring)
		return -ENOMEM;
	if (first > p->len)
		first = p->len;
	memcpy(ring, p->ring + p->head, first);
	memcpy(ring + first, p->ring, p->len - first);
	heap_free(&fs_heap, p->ring);
	p->ring = ring;
	p->size = size;
	p->head = 0;
	return 0;
}

/*
 * Moves the next bytes of a write of len (done of them moved) from user
 * memory into the ring, as many as fit; one of at most PIPE_BUF bytes
 * moves whole or not at all. The count; the copy's error; or -ENOMEM when
 * the ring is full and could not grow.
 */
static long fs_pipe_push(struct fs_pipe *p, uint64_t token, uint64_t buf, uint64_t len, uint64_t done)
{
	uint64_t room = FS_PIPE_SIZE - p->len, n = len - done < room ? len - done : room;
	uint64_t tail, first;
	long err;

	if (!n || (len <= PIPE_BUF && n < len))
		return 0;
	if (p->len + n > p->size && fs_pipe_grow(p, p->len + n) < 0) {
		n = p->size - p->len;	/* what fits without growing */
		if (!n || (len <= PIPE_BUF && n < len))
			return -ENOMEM;
	}
	tail = (p->head + p->len) % p->size;
	first = p->size - tail;
	if (first > n)
		first = n;
	err = native_caller_read(token, buf + done, p->ring + tail, first);
	if (err == 0 && n > first)
		err = native_caller_read(token, buf + done + first, p->ring, n - first);
	if (err < 0)
		return err;
	p->len += (uint32_t)n;
	return (long)n;
}

/* What a write that moved nothing gets for push's error r: -ENOMEM, or -EFAULT for any failed copy. */
static long fs_pipe_error(long r)
{
	return r == -ENOMEM ? -ENOMEM : -EFAULT;
}

/* A read's n bytes back at the head of the ring: its answer's copy failed (native_answer_copy). */
static void fs_pipe_untake(void *arg, uint64_t n)
{
	struct fs_pipe *p = arg;

	p->head = (uint32_t)((p->head + p->size - n) % p->size);
	p->len += (uint32_t)n;
}

/* The room waiting writer w goes on for: what it has left, or half the pipe. */
static uint64_t fs_pipe_room_wanted(const struct fs_pipe_wait *w)
{
	uint64_t left = w->len - w->done;

	return left < FS_PIPE_WAKE ? left : FS_PIPE_WAKE;
}

/* The oldest waiting read takes what the ring has, or the end of file: whether there was one to serve. */
static int fs_pipe_serve_reader(struct fs_pipe *p)
{
	struct fs_pipe_wait *w = fs_pipe_first(&p->rq);
	long n;

	if (!w || (!p->len && p->writers))
		return 0;
	n = p->len ? fs_pipe_peek(p, w->w.token, w->buf, w->len) : 0;
	if (n == -ESRCH)
		fs_pipe_unwait(w);
	else if (fs_pipe_answer(w, n < 0 ? -EFAULT : n) == 0 && n > 0)
		fs_pipe_consume(p, (uint64_t)n);
	return 1;
}

/* The oldest waiting write moves what it can: whether anything changed. */
static int fs_pipe_serve_writer(struct fs_pipe *p)
{
	struct fs_pipe_wait *w = fs_pipe_first(&p->wq);
	long r;

	if (!w)
		return 0;
	if (p->readers && FS_PIPE_SIZE - p->len < fs_pipe_room_wanted(w))
		return 0;	/* it waits for more room */
	if (!p->readers) {
		/* As Linux: SIGPIPE, and the count moved so far or -EPIPE. */
		fs_signal_caller(w->w.token, w->w.badge, SIGPIPE, w->done ? (long)w->done : -EPIPE);
		fs_pipe_unwait(w);
		return 1;
	}
	r = fs_pipe_push(p, w->w.token, w->buf, w->len, w->done);
	if (r == -ESRCH) {
		fs_pipe_unwait(w);	/* its call was aborted: what it moved so far stays */
		return 1;
	}
	if (r > 0)
		w->done += (uint64_t)r;
	if (r < 0 || w->done == w->len) {
		fs_pipe_answer(w, r < 0 && !w->done ? fs_pipe_error(r) : (long)w->done);
		return 1;
	}
	return r > 0;
}

/* Waiting reads and writes go on while anything moves. */
static __attribute__((noinline)) void fs_pipe_run_queues(struct fs_pipe *p)
{
	int moved;

	do {
		moved = 0;
		while (fs_pipe_serve_reader(p))
			moved = 1;
		while (fs_pipe_serve_writer(p))
			moved = 1;
	} while (moved);
}

/*
 * Something changed: the waiting calls go on, then polls look again. Why
 * the queues are looked at apart: most reads and writes find nobody
 * waiting, and the loop that serves them costs a few dozen instructions
 * of saved registers even then.
 */
static void fs_pipe_run(struct fs_pipe *p)
{
	if (!fs_list_empty(&p->rq) || !fs_list_empty(&p->wq))
		fs_pipe_run_queues(p);
	fs_watchers_wake(&p->watchers);
}

/*
 * The caller's call waits in queue q: FS_BLOCKED, or -ENOMEM. It came
 * held (lib/kage_abi.h): here, where Linux would sleep, a signal may
 * interrupt it, and one that came meanwhile does so now.
 */
static long fs_pipe_wait(const struct fs_call_ctx *c, struct fs_pipe *p, struct fs_list *q, uint64_t buf,
			 uint64_t len, uint64_t done)
{
	struct fs_pipe_wait *w;

	if (native_ipc_let_go(c->token) != 0)
		return FS_BLOCKED;	/* interrupted, or gone: nobody to answer */
	w = heap_alloc(&fs_heap, sizeof(*w));
	if (!w)
		return -ENOMEM;
	*w = (struct fs_pipe_wait){ .pipe = p, .buf = buf, .len = len, .done = done };
	fs_list_add_tail(q, &w->w.in_queue);
	fs_wait_start(&w->w, c, q == &p->rq ? FS_WAIT_READ : FS_WAIT_WRITE);
	return FS_BLOCKED;
}

void fs_pipe_wait_drop(struct fs_wait *w)
{
	struct fs_pipe_wait *pw = fs_container_of(w, struct fs_pipe_wait, w);
	struct fs_pipe *p = pw->pipe;

	fs_pipe_unwait(pw);
	fs_pipe_run(p);	/* the next in its queue may go on now */
}

/*
 * Whether a read may take its n bytes now and have its answer copy them
 * (fs_pipe_read_answered): they lie in one piece of the ring, and no
 * waiting writer moves into the room they leave, which the copy, made
 * after, still reads.
 */
static int fs_pipe_answer_may_copy(struct fs_pipe *p, uint64_t n)
{
	const struct fs_pipe_wait *w = fs_pipe_first(&p->wq);

	return n <= p->size - p->head && fs_list_empty(&p->rq) &&
	       (!w || FS_PIPE_SIZE - (p->len - n) < fs_pipe_room_wanted(w));
}

/* A read of n bytes the ring has, answered with its copy (native_answer_copy): the count, or -EFAULT. */
static long fs_pipe_read_answered(const struct fs_call_ctx *c, struct fs_pipe *p, uint64_t buf, uint64_t n)
{
	if (native_answer_copy(c->msg, buf, p->ring + p->head, n, fs_pipe_untake, p) < 0)
		return -EFAULT;	/* in the kernel the copy is made at once, and failed: nothing taken */
	fs_pipe_consume(p, n);
	fs_pipe_run(p);	/* the polls see the room; no writer moves into it */
	return (long)n;
}

long fs_pipe_read(const struct fs_call_ctx *c, struct fs_file *f, uint64_t buf, uint64_t len)
{
	struct fs_pipe *p = f->pipe;
	uint64_t n = len < p->len ? len : p->len;
	long r;

	if (!len)
		return 0;
	if (n && c->msg && fs_pipe_answer_may_copy(p, n))
		return fs_pipe_read_answered(c, p, buf, n);
	if (p->len) {
		r = fs_pipe_peek(p, c->token, buf, len);
		if (r < 0)
			return -EFAULT;
		fs_pipe_consume(p, (uint64_t)r);
		fs_pipe_run(p);	/* room for a waiting writer */
		return r;
	}
	if (!p->writers)
		return 0;	/* end of file */
	if (f->flags & O_NONBLOCK)
		return -EAGAIN;
	return fs_pipe_wait(c, p, &p->rq, buf, len, 0);
}

long fs_pipe_write(const struct fs_call_ctx *c, struct fs_file *f, uint64_t buf, uint64_t len)
{
	struct fs_pipe *p = f->pipe;
	int nonblock = (f->flags & O_NONBLOCK) != 0;
	uint64_t done = 0;
	long r;

	if (!len)
		return 0;	/* before the readers are checked, as on Linux */
	if (!p->readers)
		return FS_SIGPIPE;
	if (!fs_list_empty(&p->wq) && !nonblock)
		return fs_pipe_wait(c, p, &p->wq, buf, len, 0);	/* behind the writers waiting */
	/*
	 * A waiting reader takes what came and makes room: fill it again
	 * before waiting, or writer and reader would both wait on a pipe
	 * that is neither full nor empty.
	 */
	do {
		r = fs_pipe_push(p, c->token, buf, len, done);
		if (r < 0)
			return done ? (long)done : fs_pipe_error(r);
		done += (uint64_t)r;
		fs_pipe_run(p);
	} while (r > 0 && done < len);
	if (done == len || nonblock)
		return done ? (long)done : -EAGAIN;
	r = fs_pipe_wait(c, p, &p->wq, buf, len, done);
	return r == -ENOMEM && done ? (long)done : r;
}

void fs_pipe_unhold(struct fs_pipe *p)
{
	struct fs_node *fifo = p->fifo;

	if (p->readers || p->writers || !fs_list_empty(&p->openers))
		return;
	fs_watchers_end(&p->watchers);	/* the polls watching it stop */
	heap_free(&fs_heap, p->ring);
	heap_free(&fs_heap, p);
	fs_counts.pipes--;
	if (fifo) {
		fifo->fifo = NULL;
		fifo->nopen--;	/* the pipe's hold: the node may go now (unlinked, nothing open) */
		fs_node_release(fifo);
	}
}

struct fs_pipe *fs_pipe_make(struct fs_node *fifo)
{
	struct fs_pipe *p = heap_zalloc(&fs_heap, sizeof(*p));
	uint8_t *ring = heap_alloc(&fs_heap, FS_PIPE_FIRST);

	if (!p || !ring) {
		heap_free(&fs_heap, ring);
		heap_free(&fs_heap, p);
		return NULL;
	}
	p->ring = ring;
	p->size = FS_PIPE_FIRST;
	fs_list_init(&p->rq);
	fs_list_init(&p->wq);
	fs_list_init(&p->openers);
	fs_list_init(&p->watchers.polls);
	p->ino = fifo ? fifo->ino : fs_new_ino();
	p->fifo = fifo;
	if (fifo) {
		fifo->fifo = p;
		fifo->nopen++;	/* held while its pipe lives, so a waiting open keeps it */
	}
	fs_counts.pipes++;
	return p;
}

struct fs_file *fs_pipe_end(struct fs_pipe *p, struct fs_node *n, uint32_t flags)
{
	struct fs_file *f = fs_file_new(n, flags);
	uint32_t mode = flags & O_ACCMODE;

	if (!f)
		return NULL;
	f->pipe = p;
	/* A reader opened while no writer is there sees no hang-up until one has come (Linux's f_version). */
	f->offset = mode == O_RDONLY && !p->writers ? p->writer_opens : FS_PIPE_SEEN_WRITER;
	if (mode != O_WRONLY)
		p->readers++;
	if (mode != O_RDONLY) {
		p->writers++;
		p->writer_opens++;
	}
	fs_watchers_wake(&p->watchers);	/* a hang-up or an error may be over */
	return f;
}

uint32_t fs_pipe_readers(const struct fs_pipe *p)
{
	return p->readers;
}

uint32_t fs_pipe_writers(const struct fs_pipe *p)
{
	return p->writers;
}

struct fs_list *fs_pipe_openers(struct fs_pipe *p)
{
	return &p->openers;
}

/* A new pipe and its two ends (not yet installed): 0, or -ENFILE / -ENOMEM with nothing taken. */
static long fs_pipe_new(uint32_t nb, struct fs_file **rd, struct fs_file **wr)
{
	struct fs_pipe *p = fs_pipe_make(NULL);

	*rd = p ? fs_pipe_end(p, NULL, O_RDONLY | nb) : NULL;
	*wr = *rd ? fs_pipe_end(p, NULL, O_WRONLY | nb) : NULL;
	if (*wr)
		return 0;
	if (*rd)
		fs_file_put(*rd);	/* the pipe goes with its only end */
	else if (p)
		fs_pipe_unhold(p);
	return p ? -ENOMEM : -ENFILE;	/* ENFILE: Linux's answer when a pipe's inode cannot be had */
}

long fs_pipe_create(const struct fs_call_ctx *c, uint64_t fds, uint64_t flags)
{
	int cloexec = (flags & O_CLOEXEC) != 0;
	struct fs_file *rd, *wr;
	int32_t n[2];
	long r0, r1;

	if (flags & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	r0 = fs_pipe_new((uint32_t)(flags & O_NONBLOCK), &rd, &wr);
	if (r0 < 0)
		return r0;
	r0 = fs_install_fd(c->t, rd, 0, cloexec);
	r1 = r0 < 0 ? r0 : fs_install_fd(c->t, wr, 0, cloexec);
	n[0] = (int32_t)r0, n[1] = (int32_t)r1;
	if (r1 >= 0 && native_caller_write(c->token, fds, n, sizeof(n)) == 0)
		return 0;
	/* Both ends go again, installed or not: the pipe goes with the second. */
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
	uint32_t mode = f->flags & O_ACCMODE;

	if (mode != O_WRONLY)
		p->readers--;
	if (mode != O_RDONLY)
		p->writers--;
	fs_pipe_run(p);	/* end of file for a reader, EPIPE for a writer */
	fs_pipe_unhold(p);
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
	uint32_t mode = f->flags & O_ACCMODE, ev = 0;
	int hung_up = !p->writers && f->offset != p->writer_opens;

	if (mode != O_WRONLY)
		ev |= fs_pipe_events(p->len > 0, POLLIN | POLLRDNORM, hung_up, POLLHUP);
	if (mode != O_RDONLY)
		ev |= fs_pipe_events(p->len < FS_PIPE_SIZE, POLLOUT | POLLWRNORM, !p->readers, POLLERR);
	return ev;
}

uint64_t fs_pipe_id(const struct fs_file *f)
{
	return f->pipe->ino;
}

uint64_t fs_pipe_unread(const struct fs_file *f)
{
	return f->pipe->len;
}

/*
 * What a pipe holds is fixed: F_SETPIPE_SZ of at most that is granted as
 * that (Linux too rounds a request up, to whole pages); more is -EPERM,
 * Linux's answer past its pipe-max-size, which here is 64 KiB. Programs
 * that would write a whole document into a pipe before reading it (bash's
 * here-documents) ask F_GETPIPE_SZ how much fits.
 */
long fs_pipe_size(const struct fs_file *f, uint64_t cmd, uint64_t size)
{
	if (!f->pipe)
		return -EBADF;
	if (cmd == F_SETPIPE_SZ && size > (uint64_t)INT32_MAX)
		return -EINVAL;
	if (cmd == F_SETPIPE_SZ && size > FS_PIPE_SIZE)
		return -EPERM;
	return FS_PIPE_SIZE;
}

struct fs_watchers *fs_pipe_watchers(const struct fs_file *f)
{
	return &f->pipe->watchers;
}
