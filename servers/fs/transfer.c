/*
 * Reads and writes of regular files, of any length. One call of the
 * server moves at most one piece (KAGE_COPY_MAX bytes): a call that
 * wants more is answered later, and its transfer waits in a queue whose
 * first transfer moves one more piece each time the server's helper
 * calls (fs_transfer_pump), then goes to the back. So other processes'
 * calls are served between the pieces, and a 200 MiB read gets its full
 * count, as on Linux (MAX_RW_COUNT at most), not a short one.
 *
 * Linux does not interrupt a regular-file read or write with a signal,
 * and a restarted one would lose what was moved: the call comes held
 * (the process server forwards file calls with KAGE_FORWARD_HOLD), so
 * a signal waits for its answer. Killing the process still ends it: the
 * next piece finds the caller gone.
 *
 * A queued transfer owns a reference on its open file description (the
 * descriptor may be closed meanwhile), reserves the description's offset
 * up to where it will end, and a write reserves the file's size the same
 * way, so other calls on the description or O_APPEND writers land after
 * it, as Linux's f_pos and inode locks order them. What it did not move
 * is given back at its end, unless another call moved the offset or the
 * size meanwhile.
 */
#include "lib/errno.h"
#include "lib/heap.h"
#include "lib/native.h"
#include "servers/fs/fs_impl.h"

struct fs_transfer {
	struct fs_transfer *next;	/* in the queue */
	struct fs_file *f;		/* a queued transfer's own reference */
	uint64_t token;
	uint64_t pos;			/* the file position of its next byte */
	uint64_t buf, len;		/* what is left of the current buffer */
	uint64_t iov, iovcnt, idx;	/* readv/writev: the array, and the next iovec in it; 0: one buffer */
	uint64_t left;			/* bytes it may still move: the count asked, within EOF or RLIMIT_FSIZE */
	uint64_t done;			/* bytes moved */
	uint64_t offset_end;		/* the description's offset as it left it (moves_offset) */
	uint64_t size_was, size_end;	/* a queued write past the end: the size before, the size reserved */
	long err;			/* why it stopped short, when it did */
	uint8_t write, moves_offset;
};

static struct {
	struct fs_transfer *head, **tail;
} fs_transfers = { NULL, &fs_transfers.head };

static uint64_t fs_min(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* The next non-empty iovec as the current buffer: 1, or 0 at the end (x->err set if unreadable). */
static int fs_xfer_next_iov(struct fs_transfer *x)
{
	uint64_t v[2];

	while (x->iov && x->idx < x->iovcnt) {
		if (native_caller_read(x->token, x->iov + 16 * x->idx++, v, sizeof(v)) < 0) {
			x->err = -EFAULT;
			return 0;
		}
		if (v[1]) {
			x->buf = v[0];
			x->len = v[1];
			return 1;
		}
	}
	return 0;
}

/* readv/writev's total length: as Linux, -EINVAL past SSIZE_MAX, -EFAULT for an unreadable array. */
static long fs_xfer_total(uint64_t token, uint64_t iov, uint64_t cnt, uint64_t *total)
{
	uint64_t v[2];

	*total = 0;
	for (uint64_t i = 0; i < cnt; i++) {
		if (native_caller_read(token, iov + 16 * i, v, sizeof(v)) < 0)
			return -EFAULT;
		if ((int64_t)v[1] < 0 || v[1] > INT64_MAX - *total)
			return -EINVAL;
		*total += v[1];
	}
	return 0;
}

/*
 * One piece, across iovecs: 1 while more is left to move, else 0 (a
 * short step ends it: end of file, memory, or the caller's buffer).
 */
static int fs_xfer_piece(struct fs_transfer *x)
{
	uint64_t budget = KAGE_COPY_MAX, n;
	long r;

	while (budget && x->left) {
		if (!x->len && !fs_xfer_next_iov(x))
			return 0;
		n = fs_min(fs_min(x->len, budget), x->left);
		if (x->write)
			r = fs_data_write(x->f->node, x->token, x->buf, x->pos, n);
		else
			r = fs_data_read(x->token, x->f->node, x->pos, x->buf, n);
		if (r <= 0) {
			x->err = r;
			return 0;
		}
		x->pos += (uint64_t)r, x->buf += (uint64_t)r, x->len -= (uint64_t)r;
		x->done += (uint64_t)r, x->left -= (uint64_t)r, budget -= (uint64_t)r;
		if ((uint64_t)r < n)
			return 0;
	}
	return x->left != 0;
}

/* The transfer is over: what it reserved and did not use goes back; its answer. */
static long fs_xfer_end(struct fs_transfer *x)
{
	struct fs_node *n = x->f->node;

	if (x->moves_offset && x->done && x->f->offset == x->offset_end)
		x->f->offset = x->pos;
	if (x->size_end && n->size == x->size_end && x->pos < x->size_end)
		fs_truncate(n, x->pos > x->size_was ? x->pos : x->size_was);	/* shrinking takes no memory */
	return x->done ? (long)x->done : x->err;
}

/* The rest of x waits in the queue, holding what it will use: FS_BLOCKED, or x's answer now. */
static long fs_xfer_queue(struct fs_transfer *x)
{
	struct fs_transfer *q = heap_alloc(&fs_heap, sizeof(*q));

	if (!q || fs_helper_wake() < 0) {
		heap_free(&fs_heap, q);
		return fs_xfer_end(x);	/* a short count: no memory for the queue, or nothing would call back */
	}
	*q = *x;
	q->f->refs++;
	if (q->moves_offset)
		q->f->offset = q->offset_end = q->pos + q->left;
	if (q->write && q->pos + q->left > q->f->node->size) {
		q->size_was = q->f->node->size;
		q->size_end = q->pos + q->left;
		fs_truncate(q->f->node, q->size_end);	/* owned already: growing takes no memory */
	}
	*fs_transfers.tail = q;
	fs_transfers.tail = &q->next;
	return FS_BLOCKED;
}

/* Where x starts and how much it may move; 0, or the call's answer (nothing to move, -errno, FS_SIGXFSZ). */
static long fs_xfer_begin(const struct fs_call_ctx *c, struct fs_transfer *x, const struct fs_io *io)
{
	struct fs_node *n = x->f->node;
	uint64_t total = io->len, end;
	long err = io->iov ? fs_xfer_total(c->token, io->iov, io->iovcnt, &total) : 0;

	if (err < 0)
		return err;
	x->left = fs_min(total, LINUX_RW_MAX);
	x->pos = io->positional ? io->off : x->f->offset;
	if (!x->write) {
		x->left = x->pos < n->size ? fs_min(x->left, n->size - x->pos) : 0;
		return 0;
	}
	if (x->f->flags & O_APPEND)
		x->pos = n->size;	/* pwrite too, as Linux */
	if (!x->left)
		return 0;	/* as Linux: nothing to write is 0 before any check */
	end = fs_min(c->t->fsize, FS_SIZE_MAX);
	if (x->pos >= end)
		return x->pos >= c->t->fsize ? FS_SIGXFSZ : -EFBIG;
	x->left = fs_min(x->left, end - x->pos);	/* one crossing RLIMIT_FSIZE is cut short there */
	return fs_own(n);
}

long fs_transfer(const struct fs_call_ctx *c, struct fs_file *f, const struct fs_io *io)
{
	struct fs_transfer x = { .f = f, .token = c->token, .buf = io->buf, .len = io->len, .iov = io->iov,
				 .iovcnt = io->iovcnt, .write = io->write, .moves_offset = !io->positional,
				 .offset_end = f->offset };
	long r = fs_xfer_begin(c, &x, io);

	if (r < 0 || !x.left)
		return r;
	if (fs_xfer_piece(&x))
		return fs_xfer_queue(&x);
	return fs_xfer_end(&x);
}

void fs_transfer_pump(void)
{
	struct fs_transfer *x = fs_transfers.head;
	uint64_t answer[6] = { 0 };

	if (!x)
		return;
	fs_transfers.head = x->next;
	if (!x->next)
		fs_transfers.tail = &fs_transfers.head;
	x->next = NULL;
	if (fs_xfer_piece(x)) {
		*fs_transfers.tail = x;
		fs_transfers.tail = &x->next;
		fs_helper_wake();
		return;
	}
	answer[0] = (uint64_t)fs_xfer_end(x);
	native_ipc_reply(x->token, answer);	/* -ESRCH when the caller was killed meanwhile: nobody to tell */
	fs_file_put(x->f);
	heap_free(&fs_heap, x);
	if (fs_transfers.head)
		fs_helper_wake();
}
