/*
 * ppoll and pselect6 (select on riscv64; glibc's poll is ppoll) for every
 * kind of descriptor. When nothing is ready the call waits: its token and
 * arguments are kept, and it is checked again, by reading its pollfd
 * array or fd sets once more through the token, whenever a pipe or the
 * console changes and at its deadline. The deadline comes from a helper
 * task that turns the kernel's timer into a call (lib/native.c), as for
 * the process server's sleeps. Signal masks are not applied.
 * Invariant: a thread has at most one waiting poll (it makes one call at
 * a time; a process's threads may each have one); it is answered once,
 * or dropped when the kernel aborted its call (a stale token) or its
 * process exits.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/fs/fs_impl.h"

#define FS_POLL_MAX 1024		/* RLIMIT_NOFILE: more pollfds is EINVAL, as on Linux */
#define FS_POLL_CHUNK 64
#define FS_FOREVER (~0ull)
#define FS_POLL_STACK 4096

/* select's sets in poll's terms (Linux's POLLIN_SET, POLLOUT_SET, POLLEX_SET). */
#define FS_SELECT_IN (POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR)
#define FS_SELECT_OUT (POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR)
#define FS_SELECT_EX POLLPRI

struct fs_poller {
	const struct fs_fdtable *owner;	/* NULL: a free place */
	uint64_t badge;			/* the thread waiting */
	uint64_t token;
	uint64_t nr;			/* NR_ppoll or NR_pselect6 */
	uint64_t a[5];			/* the call's arguments */
	uint64_t deadline;		/* time CSR ticks, or FS_FOREVER */
};

#define FS_POLLERS 128		/* threads waiting in poll at once */
static struct fs_poller fs_pollers[FS_POLLERS];
static unsigned fs_npollers;
static long fs_poll_notif = -1;
static uint64_t fs_hz, fs_armed;	/* the timebase; the deadline the timer is set for (0: none) */
static int fs_console_readable;
static unsigned char fs_poll_stack[FS_POLL_STACK] __attribute__((aligned(16)));

int fs_poll_init(long endpoint, uint64_t hz)
{
	fs_hz = hz;
	fs_poll_notif = native_notif_create();
	if (fs_poll_notif < 0)
		return (int)fs_poll_notif;
	return (int)native_helper_start(endpoint, fs_poll_notif, fs_poll_stack, FS_POLL_STACK);
}

/* What poll reports for fd of t, before the caller's events select from it. */
static uint32_t fs_poll_fd(const struct fs_fdtable *t, int64_t fd)
{
	const struct fs_file *f = fd >= 0 && fd < FS_FDS ? t->fd[fd] : NULL;
	const int console_in = fs_console_readable || fs_console_ep < 0;	/* no console server: end of file */

	if (!f)
		return POLLNVAL;
	if (f->pipe)
		return fs_pipe_poll(f);
	if (f->node == fs_console && !console_in)
		return POLLOUT | POLLWRNORM;
	if (f->node == fs_console)
		return POLLOUT | POLLWRNORM | POLLIN | POLLRDNORM;
	return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;	/* files and devices never wait */
}

/* Every pollfd checked, its revents written back: how many are ready, or the copy's error. */
static long fs_ppoll_check(const struct fs_fdtable *t, uint64_t token, uint64_t fds, uint64_t nfds)
{
	struct linux_pollfd pf[FS_POLL_CHUNK];
	long ready = 0, err;
	uint64_t n;

	for (uint64_t i = 0; i < nfds; i += n) {
		n = nfds - i < FS_POLL_CHUNK ? nfds - i : FS_POLL_CHUNK;
		err = native_caller_read(token, fds + i * sizeof(*pf), pf, n * sizeof(*pf));
		if (err < 0)
			return err;
		for (uint64_t j = 0; j < n; j++) {
			uint32_t m = pf[j].fd < 0 ? 0 : fs_poll_fd(t, pf[j].fd);
			uint32_t want = (uint16_t)pf[j].events | POLLERR | POLLHUP | POLLNVAL;

			pf[j].revents = (int16_t)(m & want);
			ready += pf[j].revents != 0;
		}
		err = native_caller_write(token, fds + i * sizeof(*pf), pf, n * sizeof(*pf));
		if (err < 0)
			return err;
	}
	return ready;
}

/*
 * pselect6's three sets (a[1..3], each may be NULL) for descriptors below
 * a[0]: how many bits are set in the answer, or -EBADF for a descriptor
 * that is not open, or the copy's error. The sets are written back once
 * something is ready, or when `final` (the deadline has come).
 */
static long fs_select_check(const struct fs_fdtable *t, uint64_t token, const uint64_t *a, int final)
{
	static const uint32_t want[3] = { FS_SELECT_IN, FS_SELECT_OUT, FS_SELECT_EX };
	uint64_t nfds = a[0] < FS_FDS ? a[0] : FS_FDS, words = (nfds + 63) / 64;
	uint64_t in[3][FS_FDS / 64] = { { 0 } }, out[3][FS_FDS / 64] = { { 0 } };
	long ready = 0, err;

	for (int k = 0; k < 3 && nfds; k++) {
		/* As Linux: whole 64-bit words up to nfds are read; bits from nfds up are ignored. */
		err = a[1 + k] ? native_caller_read(token, a[1 + k], in[k], words * 8) : 0;
		if (err < 0)
			return err;
		if (nfds % 64)
			in[k][words - 1] &= (1ull << (nfds % 64)) - 1;
	}
	for (uint64_t fd = 0; fd < nfds; fd++) {
		uint64_t w = fd / 64, bit = 1ull << (fd % 64);
		uint32_t m;

		if (!((in[0][w] | in[1][w] | in[2][w]) & bit))
			continue;
		m = fs_poll_fd(t, (int64_t)fd);
		if (m & POLLNVAL)
			return -EBADF;
		for (int k = 0; k < 3; k++) {
			if ((in[k][w] & bit) && (m & want[k])) {
				out[k][w] |= bit;
				ready++;
			}
		}
	}
	for (int k = 0; k < 3 && nfds && (ready || final); k++) {
		err = a[1 + k] ? native_caller_write(token, a[1 + k], out[k], words * 8) : 0;
		if (err < 0)
			return err;
	}
	return ready;
}

static long fs_poll_check(const struct fs_fdtable *t, uint64_t token, uint64_t nr, const uint64_t *a, int final)
{
	return nr == NR_ppoll ? fs_ppoll_check(t, token, a[0], a[1]) : fs_select_check(t, token, a, final);
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
		*deadline = now + native_ticks(fs_hz, (uint64_t)v[0], (uint64_t)v[1]);
	return 0;
}

/* Linux writes the time left back into the timespec (glibc's select reports it); failures do not matter. */
static void fs_poll_left(uint64_t token, uint64_t nr, const uint64_t *a, uint64_t deadline)
{
	uint64_t ts = nr == NR_ppoll ? a[2] : a[4], now = native_time(), hz = fs_hz ? fs_hz : 1;
	uint64_t left = deadline > now ? deadline - now : 0, v[2] = { left / hz, left % hz * 1000000000ull / hz };

	if (ts && deadline != FS_FOREVER)
		native_caller_write(token, ts, v, sizeof(v));
}

/* Sets the timer for the earliest deadline of a waiting poll, if that is not the one it is set for. */
static void fs_poll_arm(void)
{
	uint64_t first = FS_FOREVER;

	for (unsigned i = 0; i < FS_POLLERS && fs_npollers; i++)
		if (fs_pollers[i].owner && fs_pollers[i].deadline < first)
			first = fs_pollers[i].deadline;
	first = first == FS_FOREVER ? 0 : first;
	if (first != fs_armed)
		native_timer_at(fs_poll_notif, fs_hz, first);
	fs_armed = first;
}

/* Answers a waiting poll with r, unless the kernel aborted its call (-ESRCH from a copy), and frees it. */
static void fs_poll_answer(struct fs_poller *w, long r)
{
	const uint64_t v[6] = { (uint64_t)r };

	if (r != -ESRCH) {
		fs_poll_left(w->token, w->nr, w->a, w->deadline);
		native_ipc_reply(w->token, v);
	}
	w->owner = NULL;
	fs_npollers--;
}

static long fs_poll_wait(const struct fs_call_ctx *c, uint64_t nr, const uint64_t *a, uint64_t deadline)
{
	struct fs_poller *w = NULL;

	for (unsigned i = 0; i < FS_POLLERS; i++) {
		if (fs_pollers[i].owner && fs_pollers[i].badge == c->badge) {
			fs_pollers[i].owner = NULL;	/* this thread's earlier poll: its call was aborted */
			fs_npollers--;
		}
	}
	for (unsigned i = 0; i < FS_POLLERS && !w; i++)
		if (!fs_pollers[i].owner)
			w = &fs_pollers[i];
	if (!w)
		return -ENOMEM;
	*w = (struct fs_poller){ .owner = c->t, .badge = c->badge, .token = c->token, .nr = nr,
				 .deadline = deadline };
	memcpy(w->a, a, sizeof(w->a));
	fs_npollers++;
	fs_poll_arm();
	return FS_BLOCKED;
}

long fs_poll(const struct fs_call_ctx *c, uint64_t nr, const uint64_t *a)
{
	uint64_t now = native_time(), deadline;
	long r;

	if (nr == NR_ppoll ? a[1] > FS_POLL_MAX : (int32_t)a[0] < 0)
		return -EINVAL;
	r = fs_poll_deadline(c->token, nr == NR_ppoll ? a[2] : a[4], now, &deadline);
	if (r < 0)
		return r;
	r = fs_poll_check(c->t, c->token, nr, a, deadline <= now);
	if (r == 0 && deadline > now)
		return fs_poll_wait(c, nr, a, deadline);
	fs_poll_left(c->token, nr, a, deadline);
	return r;
}

void fs_poll_wake(void)
{
	long r;

	if (!fs_npollers)
		return;	/* every pipe transfer comes here */
	for (unsigned i = 0; i < FS_POLLERS && fs_npollers; i++) {
		struct fs_poller *w = &fs_pollers[i];

		if (!w->owner)
			continue;
		r = fs_poll_check(w->owner, w->token, w->nr, w->a, 0);
		if (r != 0)
			fs_poll_answer(w, r);
	}
	fs_poll_arm();
}

void fs_poll_expire(void)
{
	uint64_t now = native_time();

	fs_armed = 0;	/* the timer has fired */
	for (unsigned i = 0; i < FS_POLLERS && fs_npollers; i++) {
		struct fs_poller *w = &fs_pollers[i];

		if (w->owner && w->deadline <= now)
			fs_poll_answer(w, fs_poll_check(w->owner, w->token, w->nr, w->a, 1));
	}
	fs_poll_arm();
}

void fs_poll_forget(const struct fs_fdtable *t)
{
	for (unsigned i = 0; i < FS_POLLERS; i++) {
		if (fs_pollers[i].owner == t) {
			fs_pollers[i].owner = NULL;
			fs_npollers--;
		}
	}
}

void fs_console_ready(int readable)
{
	fs_console_readable = readable;
	fs_poll_wake();
}
