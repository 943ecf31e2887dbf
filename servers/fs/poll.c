/*
 * ppoll and pselect6 (select on riscv64; glibc's poll is ppoll) that wait.
 * When nothing is ready the call waits: its token and arguments are kept
 * in a poller, which watches each pipe (and the console) its descriptors
 * named when it began to wait; when one of those changes, the pollers
 * watching it, and only those, check again, by reading their pollfd
 * arrays or fd sets once more through their tokens. Deadlines come from
 * a helper task that turns the kernel's timer into a call (lib/native.c),
 * as for the process server's sleeps. Signal masks are not applied.
 *
 * Ownership: a poller is its table's (struct fs_wait) and owns its
 * watches, each a link in one pipe's or the console's list of watchers;
 * a pipe that goes unlinks the watches on it first. Invariants: a poller
 * watches each thing once (the marks see to it), is on the timed list
 * (by deadline, earliest first) exactly when it has a deadline, and is
 * answered once, or dropped when the kernel aborted its call (a stale
 * token) or its process exits.
 */
#include "lib/errno.h"
#include "lib/heap.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/fs/fs_impl.h"

#define FS_FOREVER (~0ull)
#define FS_POLL_STACK 4096

struct fs_watch {
	struct fs_list link;		/* on a struct fs_watchers' polls */
	struct fs_poller *p;
};

struct fs_poller {
	struct fs_wait w;		/* in_queue: on fs_timed when it has a deadline */
	uint64_t nr;			/* NR_ppoll or NR_pselect6 */
	uint64_t a[5];			/* the call's arguments */
	uint64_t deadline;		/* time CSR ticks, or FS_FOREVER */
	uint32_t nwatch;
	struct fs_watch watch[];
};

struct fs_poll_clock {
	long notif;
	int helper;			/* its helper runs: signalling notif calls the server */
	uint64_t hz;
	uint64_t armed;			/* the deadline the timer is set for (0: none) */
};

static struct fs_poll_clock fs_clock = { .notif = -1 };
static struct fs_list fs_timed = { &fs_timed, &fs_timed };
static uint64_t fs_watch_mark;
struct fs_watchers fs_console_watchers = { { &fs_console_watchers.polls, &fs_console_watchers.polls }, 0 };
int fs_console_readable;
static unsigned char fs_poll_stack[FS_POLL_STACK] __attribute__((aligned(16)));

int fs_poll_init(long endpoint, uint64_t hz)
{
	long err;

	fs_clock.hz = hz;
	fs_clock.notif = native_notif_create();
	if (fs_clock.notif < 0)
		return (int)fs_clock.notif;
	err = native_helper_start(endpoint, fs_clock.notif, fs_poll_stack, FS_POLL_STACK);
	fs_clock.helper = err >= 0;
	return (int)err;
}

/* The timer's bits and these only wake the helper: its call says nothing of why. */
#define FS_HELPER_CONTINUE 0x2

long fs_helper_wake(void)
{
	return fs_clock.helper ? native_notif_signal(fs_clock.notif, FS_HELPER_CONTINUE) : -ENODEV;
}

static struct fs_poll_ask fs_poller_ask(const struct fs_poller *p)
{
	return (struct fs_poll_ask){ p->w.owner, p->w.token, p->nr, p->a };
}

/* The timespec at ts as a deadline from now (FS_FOREVER without one), or -EFAULT / -EINVAL. */
static long fs_poll_deadline(uint64_t token, uint64_t ts, uint64_t now, uint64_t *deadline)
{
	int64_t v[2];

	*deadline = FS_FOREVER;
	if (!ts)
		return 0;
	if (native_caller_read(token, ts, v, sizeof(v)) < 0)
		return -EFAULT;
	if (v[0] < 0 || v[1] < 0 || v[1] >= 1000000000)
		return -EINVAL;
	if (v[0] < (1ll << 32))	/* longer than a century waits forever */
		*deadline = now + native_ticks(fs_clock.hz, (uint64_t)v[0], (uint64_t)v[1]);
	return 0;
}

/* Linux writes the time left back into the timespec (glibc's select reports it); failures do not matter. */
static void fs_poll_left(uint64_t token, uint64_t nr, const uint64_t *a, uint64_t deadline)
{
	uint64_t ts = nr == NR_ppoll ? a[2] : a[4], now = native_time(), hz = fs_clock.hz ? fs_clock.hz : 1;
	uint64_t left = deadline > now ? deadline - now : 0, v[2] = { left / hz, left % hz * 1000000000ull / hz };

	if (ts && deadline != FS_FOREVER)
		native_caller_write(token, ts, v, sizeof(v));
}

/* Sets the timer for the earliest deadline of a waiting poll, if that is not the one it is set for. */
static void fs_poll_arm(void)
{
	uint64_t first = 0;

	if (!fs_list_empty(&fs_timed))
		first = fs_container_of(fs_timed.next, struct fs_poller, w.in_queue)->deadline;
	if (first != fs_clock.armed)
		native_timer_at(fs_clock.notif, fs_clock.hz, first);
	fs_clock.armed = first;
}

static void fs_poller_free(struct fs_poller *p)
{
	for (uint32_t i = 0; i < p->nwatch; i++)
		fs_list_del(&p->watch[i].link);
	fs_list_del(&p->w.in_queue);
	fs_wait_end(&p->w);
	heap_free(&fs_heap, p);
}

void fs_poll_wait_drop(struct fs_wait *w)
{
	fs_poller_free(fs_container_of(w, struct fs_poller, w));
	fs_poll_arm();
}

/* Answers a waiting poll with r, unless the kernel aborted its call (-ESRCH from a copy), and frees it. */
static void fs_poll_answer(struct fs_poller *p, long r)
{
	const uint64_t v[6] = { (uint64_t)r };

	if (r != -ESRCH) {
		fs_poll_left(p->w.token, p->nr, p->a, p->deadline);
		native_ipc_reply(p->w.token, v);
	}
	fs_poller_free(p);
}

/* Counts what a poll would watch, each thing once. */
static long fs_watch_count(struct fs_watchers *ws, void *arg)
{
	if (ws->mark != fs_watch_mark) {
		ws->mark = fs_watch_mark;
		(*(uint32_t *)arg)++;
	}
	return 0;
}

/* A poller taking its watches, in the places fs_watch_count counted. */
struct fs_watch_fill {
	struct fs_poller *p;
	uint32_t room;
};

/* The poller watches ws (once). */
static long fs_watch_add(struct fs_watchers *ws, void *arg)
{
	struct fs_watch_fill *fill = arg;
	struct fs_watch *w;

	if (ws->mark == fs_watch_mark || fill->p->nwatch == fill->room)
		return 0;
	ws->mark = fs_watch_mark;
	w = &fill->p->watch[fill->p->nwatch++];
	w->p = fill->p;
	fs_list_add_tail(&ws->polls, &w->link);
	return 0;
}

/* Puts p on the timed list, in deadline order. */
static void fs_poll_timed(struct fs_poller *p)
{
	struct fs_list *l = fs_timed.next;

	while (l != &fs_timed && fs_container_of(l, struct fs_poller, w.in_queue)->deadline <= p->deadline)
		l = l->next;
	fs_list_add_tail(l, &p->w.in_queue);	/* before l */
}

/* The caller's poll waits: FS_BLOCKED, or -errno (-ENOMEM when there is no memory for its poller). */
static long fs_poll_wait(const struct fs_call_ctx *c, const struct fs_poll_ask *q, uint64_t deadline)
{
	struct fs_watch_fill fill;
	struct fs_poller *p;
	uint32_t n = 0;
	long err;

	fs_watch_mark++;
	err = fs_poll_watched(q, fs_watch_count, &n);
	if (err < 0)
		return err;
	if (native_ipc_let_go(c->token) != 0)
		return FS_BLOCKED;	/* where Linux sleeps a signal interrupts it: one came, or the caller is gone */
	p = heap_alloc(&fs_heap, sizeof(*p) + n * sizeof(struct fs_watch));
	if (!p)
		return -ENOMEM;
	*p = (struct fs_poller){ .nr = q->nr, .deadline = deadline };
	memcpy(p->a, q->a, sizeof(p->a));
	fs_list_init(&p->w.in_queue);
	fill = (struct fs_watch_fill){ p, n };
	fs_watch_mark++;
	fs_poll_watched(q, fs_watch_add, &fill);	/* the same memory, read again: what it counted */
	if (deadline != FS_FOREVER)
		fs_poll_timed(p);
	fs_wait_start(&p->w, c, FS_WAIT_POLL);
	fs_poll_arm();
	return FS_BLOCKED;
}

long fs_poll(const struct fs_call_ctx *c, uint64_t nr, const uint64_t *a)
{
	const struct fs_poll_ask q = { c->t, c->token, nr, a };
	uint64_t now = native_time(), deadline;
	long r;

	if (nr == NR_ppoll ? a[1] > c->t->nofile : (int32_t)a[0] < 0)
		return -EINVAL;	/* as Linux: more pollfds than RLIMIT_NOFILE */
	r = fs_poll_deadline(c->token, nr == NR_ppoll ? a[2] : a[4], now, &deadline);
	if (r < 0)
		return r;
	r = fs_poll_check(&q, deadline <= now);
	if (r == 0 && deadline > now)
		return fs_poll_wait(c, &q, deadline);
	fs_poll_left(c->token, nr, a, deadline);
	return r;
}

/* p checks again; answered if something is ready (or its deadline came, when final). */
static void fs_poll_recheck(struct fs_poller *p, int final)
{
	const struct fs_poll_ask q = fs_poller_ask(p);
	long r = fs_poll_check(&q, final);

	if (r != 0 || final)
		fs_poll_answer(p, r);
}

void fs_watchers_wake(struct fs_watchers *ws)
{
	struct fs_list *l, *next;

	if (fs_list_empty(&ws->polls))
		return;	/* every pipe transfer comes here */
	/* An answered poller leaves this list at its own link only: it watches each thing once. */
	for (l = ws->polls.next; l != &ws->polls; l = next) {
		next = l->next;
		fs_poll_recheck(fs_container_of(l, struct fs_watch, link)->p, 0);
	}
	fs_poll_arm();
}

void fs_watchers_end(struct fs_watchers *ws)
{
	while (!fs_list_empty(&ws->polls)) {
		struct fs_watch *w = fs_container_of(ws->polls.next, struct fs_watch, link);

		fs_list_del(&w->link);
		fs_poll_recheck(w->p, 0);
	}
	fs_poll_arm();
}

void fs_poll_expire(void)
{
	uint64_t now = native_time();

	fs_clock.armed = 0;	/* the timer has fired */
	while (!fs_list_empty(&fs_timed)) {
		struct fs_poller *p = fs_container_of(fs_timed.next, struct fs_poller, w.in_queue);

		if (p->deadline > now)
			break;
		fs_poll_recheck(p, 1);
	}
	fs_poll_arm();
}

void fs_console_ready(int readable)
{
	fs_console_readable = readable;
	fs_watchers_wake(&fs_console_watchers);
}
