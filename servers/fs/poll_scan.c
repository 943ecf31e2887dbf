/*
 * What a poll or select asks, read through its call's token a piece at a
 * time (the arrays may be as large as RLIMIT_NOFILE allows, so they are
 * never copied whole): whether each descriptor is ready, the answers
 * written back, and what each descriptor stands for, for a poll that
 * waits to watch.
 *
 * select reads its three sets in runs of FS_SELECT_WORDS words, twice
 * when something is ready: once to count (a descriptor that is not open
 * makes the whole call -EBADF, before anything is written, as on Linux),
 * once to write the answers.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/fs/fs_impl.h"

#define FS_POLL_CHUNK 64		/* pollfds read at a time */
#define FS_SELECT_WORDS 16		/* fd set words read at a time: 1,024 descriptors */

/* select's sets in poll's terms (Linux's POLLIN_SET, POLLOUT_SET, POLLEX_SET). */
#define FS_SELECT_IN (POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR)
#define FS_SELECT_OUT (POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR)
#define FS_SELECT_EX POLLPRI

uint32_t fs_poll_fd(const struct fs_fdtable *t, int64_t fd)
{
	const struct fs_file *f = fd >= 0 ? fs_fd_file(t, (uint64_t)fd) : NULL;
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

struct fs_watchers *fs_poll_target(const struct fs_fdtable *t, int64_t fd)
{
	const struct fs_file *f = fd >= 0 ? fs_fd_file(t, (uint64_t)fd) : NULL;

	if (f && f->pipe)
		return fs_pipe_watchers(f);
	return f && f->node == fs_console ? &fs_console_watchers : NULL;
}

/* Every pollfd checked, its revents written back: how many are ready, or the copy's error. */
static long fs_ppoll_check(const struct fs_poll_ask *q)
{
	struct linux_pollfd pf[FS_POLL_CHUNK];
	uint64_t fds = q->a[0], nfds = q->a[1], n;
	long ready = 0, err;

	for (uint64_t i = 0; i < nfds; i += n) {
		n = nfds - i < FS_POLL_CHUNK ? nfds - i : FS_POLL_CHUNK;
		err = native_caller_read(q->token, fds + i * sizeof(*pf), pf, n * sizeof(*pf));
		if (err < 0)
			return err;
		for (uint64_t j = 0; j < n; j++) {
			uint32_t m = pf[j].fd < 0 ? 0 : fs_poll_fd(q->t, pf[j].fd);
			uint32_t want = (uint16_t)pf[j].events | POLLERR | POLLHUP | POLLNVAL;

			pf[j].revents = (int16_t)(m & want);
			ready += pf[j].revents != 0;
		}
		err = native_caller_write(q->token, fds + i * sizeof(*pf), pf, n * sizeof(*pf));
		if (err < 0)
			return err;
	}
	return ready;
}

/* The descriptors select looks at: a[0], at most the table's slots (Linux's max_fds). */
static uint64_t fs_select_nfds(const struct fs_poll_ask *q)
{
	return q->a[0] < q->t->cap ? q->a[0] : q->t->cap;
}

/*
 * Words [w0, w0 + n) of select's three sets (a[1..3], each may be NULL)
 * into in[], bits from nfds up cleared (as Linux, whole words are read).
 */
static long fs_select_read(const struct fs_poll_ask *q, uint64_t nfds, uint64_t w0, uint64_t n,
			   uint64_t in[3][FS_SELECT_WORDS])
{
	for (int k = 0; k < 3; k++) {
		memset(in[k], 0, sizeof(in[k]));
		if (q->a[1 + k] && native_caller_read(q->token, q->a[1 + k] + w0 * 8, in[k], n * 8) < 0)
			return -EFAULT;
		if (w0 + n == (nfds + 63) / 64 && nfds % 64)
			in[k][n - 1] &= (1ull << (nfds % 64)) - 1;
	}
	return 0;
}

/* One run of words: the answers into out[], how many bits are set in them, or -EBADF / -EFAULT. */
static long fs_select_run(const struct fs_poll_ask *q, uint64_t nfds, uint64_t w0, uint64_t n,
			  uint64_t out[3][FS_SELECT_WORDS])
{
	static const uint32_t want[3] = { FS_SELECT_IN, FS_SELECT_OUT, FS_SELECT_EX };
	uint64_t in[3][FS_SELECT_WORDS];
	long ready = 0, err = fs_select_read(q, nfds, w0, n, in);

	if (err < 0)
		return err;
	for (uint64_t w = 0; w < n; w++) {
		uint64_t any = in[0][w] | in[1][w] | in[2][w];

		out[0][w] = out[1][w] = out[2][w] = 0;
		for (uint64_t b = 0; b < 64 && any >> b; b++) {
			uint64_t bit = 1ull << b;
			uint32_t m = (any & bit) ? fs_poll_fd(q->t, (int64_t)((w0 + w) * 64 + b)) : 0;

			if (m & POLLNVAL)
				return -EBADF;
			for (int k = 0; k < 3; k++) {
				if ((in[k][w] & bit) && (m & want[k])) {
					out[k][w] |= bit;
					ready++;
				}
			}
		}
	}
	return ready;
}

/*
 * pselect6's three sets for descriptors below a[0]: how many bits are set
 * in the answer, or -EBADF for a descriptor that is not open, or the
 * copy's error. The sets are written back once something is ready, or
 * when `final` (the deadline has come).
 */
static long fs_select_check(const struct fs_poll_ask *q, int final)
{
	uint64_t nfds = fs_select_nfds(q), words = (nfds + 63) / 64, n;
	uint64_t out[3][FS_SELECT_WORDS];
	long ready = 0, r;

	for (uint64_t w0 = 0; w0 < words; w0 += n) {
		n = words - w0 < FS_SELECT_WORDS ? words - w0 : FS_SELECT_WORDS;
		r = fs_select_run(q, nfds, w0, n, out);
		if (r < 0)
			return r;
		ready += r;
	}
	for (uint64_t w0 = 0; (ready || final) && w0 < words; w0 += n) {
		n = words - w0 < FS_SELECT_WORDS ? words - w0 : FS_SELECT_WORDS;
		r = fs_select_run(q, nfds, w0, n, out);
		for (int k = 0; k < 3 && r >= 0; k++)
			if (q->a[1 + k] && native_caller_write(q->token, q->a[1 + k] + w0 * 8, out[k], n * 8) < 0)
				r = -EFAULT;
		if (r < 0)
			return r;
	}
	return ready;
}

long fs_poll_check(const struct fs_poll_ask *q, int final)
{
	return q->nr == NR_ppoll ? fs_ppoll_check(q) : fs_select_check(q, final);
}

/* For each pollfd of a ppoll, see() of what it stands for. */
static long fs_ppoll_watched(const struct fs_poll_ask *q, long (*see)(struct fs_watchers *, void *), void *arg)
{
	struct linux_pollfd pf[FS_POLL_CHUNK];
	uint64_t fds = q->a[0], nfds = q->a[1], n;
	struct fs_watchers *ws;

	for (uint64_t i = 0; i < nfds; i += n) {
		n = nfds - i < FS_POLL_CHUNK ? nfds - i : FS_POLL_CHUNK;
		if (native_caller_read(q->token, fds + i * sizeof(*pf), pf, n * sizeof(*pf)) < 0)
			return -EFAULT;
		for (uint64_t j = 0; j < n; j++) {
			ws = fs_poll_target(q->t, pf[j].fd);
			if (ws)
				see(ws, arg);
		}
	}
	return 0;
}

/* For each descriptor in select's sets, see() of what it stands for. */
static long fs_select_watched(const struct fs_poll_ask *q, long (*see)(struct fs_watchers *, void *), void *arg)
{
	uint64_t nfds = fs_select_nfds(q), words = (nfds + 63) / 64, n;
	uint64_t in[3][FS_SELECT_WORDS];
	struct fs_watchers *ws;

	for (uint64_t w0 = 0; w0 < words; w0 += n) {
		n = words - w0 < FS_SELECT_WORDS ? words - w0 : FS_SELECT_WORDS;
		if (fs_select_read(q, nfds, w0, n, in) < 0)
			return -EFAULT;
		for (uint64_t w = 0; w < n; w++) {
			uint64_t any = in[0][w] | in[1][w] | in[2][w];

			for (uint64_t b = 0; b < 64 && any >> b; b++) {
				ws = (any >> b) & 1 ? fs_poll_target(q->t, (int64_t)((w0 + w) * 64 + b)) : NULL;
				if (ws)
					see(ws, arg);
			}
		}
	}
	return 0;
}

long fs_poll_watched(const struct fs_poll_ask *q, long (*see)(struct fs_watchers *ws, void *arg), void *arg)
{
	return q->nr == NR_ppoll ? fs_ppoll_watched(q, see, arg) : fs_select_watched(q, see, arg);
}
