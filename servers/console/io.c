/*
 * The console's reads and writes: queues of the calls that wait.
 *
 * Readers wait in arrival order for input; any number may wait. Each
 * takes what the line discipline lets one read take (a line, in
 * canonical mode), and the input is consumed only once that reader has
 * it: a reader whose call the kernel aborted (a signal: its token is
 * stale, -ESRCH) is dropped and leaves the input for the next.
 *
 * Writers are served whole, one after the other, as Linux's terminal
 * does (a write is never interleaved with another), but in pieces of
 * CONSOLE_CHUNK bytes: after each piece the server goes back to its
 * loop and asks its helper to call it again (CONSOLE_CONTINUE on its
 * notification), so input, ^C and the other servers' calls are served
 * between pieces and, since the helper is scheduled like any task (or,
 * in the kernel, runs at the next safe point), other programs run too.
 * A writer whose token goes stale is dropped. A write that fits in one
 * piece with nobody ahead of it is answered at once. Before each piece
 * the server asks whether a signal waits for the writer
 * (console_write_interrupted): a caught signal ends a long write short
 * instead of waiting for all of it.
 *
 * Ownership: the queued records are the console's heap's; a record is
 * freed when its call is answered or found stale.
 */
#include "lib/errno.h"
#include "lib/heap.h"
#include "lib/linux_abi.h"
#include "lib/native.h"
#include "servers/console/console.h"

#define CONSOLE_CHUNK 256	/* bytes written between two looks at input: 22 ms at 115200 baud */

struct console_reader {
	uint64_t token, buf, len;
	int nonblock;
	struct console_reader *next;
};

/* A write or writev: the iovec being written (or the one buffer), and how far it is. */
struct console_writer {
	uint64_t token;
	uint64_t iov, iovcnt, idx;	/* writev's array, its length, the iovec being written */
	uint64_t buf, len, off;		/* the buffer being written and how much of it is done */
	uint64_t total;			/* bytes written by the whole call */
	struct console_writer *next;
};

static struct {
	struct console_reader *head, **tail;
} console_readers = { NULL, &console_readers.head };

static struct {
	struct console_writer *head, **tail;
} console_writers = { NULL, &console_writers.head };

static void console_answer(uint64_t token, long r)
{
	uint64_t v[6] = { (uint64_t)r };

	native_ipc_reply(token, v);
}

/* Drops readers whose calls are gone; every new reader sweeps, so the queue holds only live ones. */
static void console_sweep_readers(void)
{
	struct console_reader **p = &console_readers.head;

	while (*p) {
		struct console_reader *r = *p;

		if (native_caller_read(r->token, 0, 0, 0) == 0) {
			p = &r->next;
			continue;
		}
		*p = r->next;
		heap_free(&console_heap, r);
	}
	console_readers.tail = p;
}

long console_read(uint64_t token, uint64_t buf, uint64_t len, uint64_t nonblock)
{
	struct console_reader *r;

	/*
	 * The file server forwards it held (fs_to_console); it may wait for
	 * input, so from here a signal may end it. Input goes only to a
	 * reader that got it, so an ended read loses nothing.
	 */
	if (native_ipc_let_go(token) != 0)
		return CONSOLE_LATER;	/* a signal came first: nobody to answer */
	if (!len || !console_has_input())
		return 0;	/* no input device: end of file */
	console_sweep_readers();
	if (nonblock && (console_readers.head || tty_available(len) < 0))
		return -EAGAIN;
	r = heap_alloc(&console_heap, sizeof(*r));
	if (!r)
		return -ENOMEM;
	*r = (struct console_reader){ token, buf, len, nonblock != 0, NULL };
	*console_readers.tail = r;
	console_readers.tail = &r->next;
	return CONSOLE_LATER;	/* answered by console_deliver, now or when input comes */
}

/* Whether the first reader could be served (or dropped): 0 when it must wait for input. */
static int console_serve_reader(void)
{
	struct console_reader *r = console_readers.head;
	long n = tty_available(r->len), err;

	if (n < 0)
		return 0;
	err = n ? native_caller_write(r->token, r->buf, tty_input(), (uint64_t)n) : 0;
	if (err != -ESRCH) {
		uint64_t v[6] = { err < 0 ? (uint64_t)-EFAULT : (uint64_t)n };

		if (native_ipc_reply(r->token, v) == 0 && err >= 0)
			tty_consume((size_t)n);
	}
	console_readers.head = r->next;
	if (!r->next)
		console_readers.tail = &console_readers.head;
	heap_free(&console_heap, r);
	return 1;
}

void console_deliver(void)
{
	while (console_readers.head && console_serve_reader())
		;
}

/*
 * The next piece of w: 1 while more remains, 0 when the call is done (a
 * bad buffer after some bytes ends it short, as on Linux), or a negative
 * errno when nothing was written (-ESRCH: the caller is gone).
 */
static int console_write_piece(struct console_writer *w)
{
	char chunk[CONSOLE_CHUNK];
	uint64_t room = sizeof(chunk), n;
	struct linux_iovec v;
	long err = 0;

	while (room && (w->off < w->len || w->idx < w->iovcnt)) {
		if (w->off == w->len) {	/* the next iovec */
			err = native_caller_read(w->token, w->iov + w->idx * sizeof(v), &v, sizeof(v));
			if (err < 0)
				break;
			w->idx++;
			w->buf = v.iov_base;
			w->len = v.iov_len;
			w->off = 0;
			continue;
		}
		n = w->len - w->off < room ? w->len - w->off : room;
		err = native_caller_read(w->token, w->buf + w->off, chunk, n);
		if (err < 0)
			break;
		for (uint64_t i = 0; i < n; i++)
			tty_out(chunk[i]);
		w->off += n;
		w->total += n;
		room -= n;
	}
	if (err == -ESRCH || (err < 0 && !w->total))
		return err == -ESRCH ? -ESRCH : -EFAULT;
	return err == 0 && (w->off < w->len || w->idx < w->iovcnt);
}

/* The first writer is done (or gone): the next one's turn. */
static void console_next_writer(void)
{
	struct console_writer *w = console_writers.head;

	console_writers.head = w->next;
	if (!w->next)
		console_writers.tail = &console_writers.head;
	heap_free(&console_heap, w);
}

/*
 * A signal waits to interrupt w (the write is held: kernel ipc_hold): a
 * write some of which went out ends short with that count, as Linux's
 * terminal ends it, and the signal follows the answer; one nothing of
 * which went out is let go, and the signal takes it (it restarts, or
 * fails with EINTR, as the handler says). Whether w is done (1) or goes
 * on (0).
 */
static int console_write_interrupted(struct console_writer *w)
{
	long waits = native_ipc_interrupt_waits(w->token);

	if (waits <= 0)
		return waits < 0;	/* the caller is gone (-ESRCH), or nothing waits */
	if (w->total) {
		console_answer(w->token, (long)w->total);
		return 1;
	}
	/* 1: the signal took the call; 0: it is gone after all, and the write goes on, no longer held. */
	return native_ipc_let_go(w->token) != 0;
}

void console_pump(void)
{
	while (console_writers.head) {
		struct console_writer *w = console_writers.head;
		int r = console_write_interrupted(w) ? -ESRCH : console_write_piece(w);

		if (r == 0)
			console_answer(w->token, (long)w->total);
		else if (r < 0 && r != -ESRCH)
			console_answer(w->token, r);
		if (r <= 0)
			console_next_writer();
		/* One piece a turn, unless nothing would call back (no helper): then all of it now. */
		if (console_writers.head && console_continue() == 0)
			return;
	}
}

/*
 * A write (iovcnt 0: the one buffer buf/len, else writev's array). With
 * nobody ahead, its first piece goes out at once, and a write that fits
 * in it is answered now; the rest waits in the queue.
 */
static long console_start_write(uint64_t token, uint64_t iov, uint64_t iovcnt, uint64_t buf, uint64_t len)
{
	struct console_writer first = { .token = token, .iov = iov, .iovcnt = iovcnt, .buf = buf, .len = len };
	struct console_writer *w;

	if (!console_writers.head) {
		int r = console_write_piece(&first);

		if (r <= 0)
			return r < 0 ? r : (long)first.total;
	}
	w = heap_alloc(&console_heap, sizeof(*w));
	if (!w)
		return first.total ? (long)first.total : -ENOMEM;	/* what went out, as a short write */
	*w = first;
	*console_writers.tail = w;
	console_writers.tail = &w->next;
	if (console_writers.head == w && console_continue() < 0)
		console_pump();	/* no helper to call back: the rest now */
	return CONSOLE_LATER;
}

long console_write(uint64_t token, uint64_t buf, uint64_t len)
{
	return console_start_write(token, 0, 0, buf, len);
}

long console_writev(uint64_t token, uint64_t iov, uint64_t cnt)
{
	if (cnt > UIO_MAXIOV)
		return -EINVAL;
	return console_start_write(token, iov, cnt, 0, 0);
}
