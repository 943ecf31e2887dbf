/*
 * The terminal's line discipline: Linux's termios for the console. Input
 * bytes pass the input flags (ISTRIP, IGNCR, ICRNL, INLCR), the signal
 * keys (ISIG: VINTR, VQUIT, VSUSP), then either canonical editing (a line
 * with VERASE, VKILL, VWERASE, VEOF, ended by a newline) or go straight
 * to the input queue (raw). Echo follows ECHO, ECHOE, ECHOK, ECHOKE,
 * ECHONL and ECHOCTL; output follows OPOST and ONLCR.
 * Invariant: in canonical mode the queue holds only finished lines (or a
 * line ended by VEOF); the line being edited is in tty_line.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "lib/linux_abi.h"
#include "servers/console/console.h"

#define TTY_LINE 256
#define TTY_QUEUE 1024

/* What Linux gives a serial console at 115200 baud. */
static struct linux_termios tty_mode = {
	.c_iflag = ICRNL,
	.c_oflag = OPOST | ONLCR,
	.c_cflag = B115200 | CS8 | CREAD | CLOCAL,
	.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
	.c_cc = { [VINTR] = 3, [VQUIT] = 28, [VERASE] = 127, [VKILL] = 21, [VEOF] = 4, [VMIN] = 1,
		[VSTART] = 17, [VSTOP] = 19, [VSUSP] = 26, [VREPRINT] = 18, [VDISCARD] = 15,
		[VWERASE] = 23, [VLNEXT] = 22 },
};
static struct linux_winsize tty_winsize = { .ws_row = 24, .ws_col = 80 };
static int32_t tty_pgrp;			/* the foreground process group; 0: none set */
static char tty_line[TTY_LINE];			/* canonical mode: the line being edited */
static size_t tty_len;
static char tty_queue[TTY_QUEUE];		/* input a read may take */
static size_t tty_nqueue;
static int tty_eof;				/* VEOF on an empty line: the next read gets 0 */

void tty_out(char c)
{
	if (c == '\n' && (tty_mode.c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR))
		console_uart_putc('\r');
	console_uart_putc(c);
}

/* Control characters other than tab and newline, which ECHOCTL shows as ^X. */
static int tty_is_ctl(unsigned char c)
{
	return (c < ' ' && c != '\t' && c != '\n') || c == 0x7f;
}

static void tty_echo(unsigned char c)
{
	if (!(tty_mode.c_lflag & ECHO))
		return;
	if ((tty_mode.c_lflag & ECHOCTL) && tty_is_ctl(c)) {
		tty_out('^');
		tty_out((char)(c ^ 0x40));
		return;
	}
	tty_out((char)c);
}

/* c is the character c_cc[which] names (0 there is _POSIX_VDISABLE: nothing). */
static int tty_special(unsigned char c, int which)
{
	return tty_mode.c_cc[which] && c == tty_mode.c_cc[which];
}

/* The edited line becomes input. A full queue drops what does not fit, as Linux's does. */
static void tty_submit(void)
{
	size_t n = tty_len < TTY_QUEUE - tty_nqueue ? tty_len : TTY_QUEUE - tty_nqueue;

	memcpy(tty_queue + tty_nqueue, tty_line, n);
	tty_nqueue += n;
	tty_len = 0;
}

static void tty_flush(void)
{
	tty_len = tty_nqueue = 0;
	tty_eof = 0;
}

/* Takes back the last character of the line, and its echo (two columns for ^X). */
static void tty_rubout(void)
{
	unsigned char c;

	if (!tty_len)
		return;
	c = (unsigned char)tty_line[--tty_len];
	if (!(tty_mode.c_lflag & ECHO))
		return;
	if (!(tty_mode.c_lflag & ECHOE)) {
		tty_echo(tty_mode.c_cc[VERASE]);
		return;
	}
	for (int cols = (tty_mode.c_lflag & ECHOCTL) && tty_is_ctl(c) ? 2 : 1; cols; cols--) {
		tty_out('\b');
		tty_out(' ');
		tty_out('\b');
	}
}

static void tty_kill(unsigned char c)
{
	if ((tty_mode.c_lflag & (ECHOKE | ECHOE)) == (ECHOKE | ECHOE)) {
		while (tty_len)
			tty_rubout();
		return;
	}
	tty_len = 0;
	tty_echo(c);
	if ((tty_mode.c_lflag & (ECHO | ECHOK)) == (ECHO | ECHOK))
		tty_out('\n');
}

/* VWERASE: the blanks before the cursor, then the word. */
static void tty_word_erase(void)
{
	while (tty_len && (tty_line[tty_len - 1] == ' ' || tty_line[tty_len - 1] == '\t'))
		tty_rubout();
	while (tty_len && tty_line[tty_len - 1] != ' ' && tty_line[tty_len - 1] != '\t')
		tty_rubout();
}

static void tty_canonical(unsigned char c)
{
	if (tty_special(c, VERASE)) {
		tty_rubout();
	} else if (tty_special(c, VKILL)) {
		tty_kill(c);
	} else if ((tty_mode.c_lflag & IEXTEN) && tty_special(c, VWERASE)) {
		tty_word_erase();
	} else if (tty_special(c, VEOF)) {
		if (tty_len)
			tty_submit();	/* the line so far, without a newline */
		else
			tty_eof = 1;
	} else if (c == '\n' || tty_special(c, VEOL) || tty_special(c, VEOL2)) {
		if (c == '\n' && (tty_mode.c_lflag & (ECHO | ECHONL)) == ECHONL)
			tty_out('\n');
		tty_echo(c);
		tty_line[tty_len++] = (char)c;	/* room: ordinary characters leave the last place free */
		tty_submit();
	} else if (tty_len < TTY_LINE - 1) {
		tty_line[tty_len++] = (char)c;
		tty_echo(c);
	}
}

/* ISIG: VINTR, VQUIT and VSUSP signal the foreground; whether c was one. */
static int tty_signal_key(unsigned char c)
{
	int sig = 0;

	if (tty_special(c, VINTR))
		sig = SIGINT;
	else if (tty_special(c, VQUIT))
		sig = SIGQUIT;
	else if (tty_special(c, VSUSP))
		sig = SIGTSTP;
	if (!sig)
		return 0;
	if (!(tty_mode.c_lflag & NOFLSH))
		tty_flush();
	tty_echo(c);
	console_interrupt(sig, tty_pgrp);
	return 1;
}

void tty_key(int key)
{
	unsigned char c = (unsigned char)key;

	if (tty_mode.c_iflag & ISTRIP)
		c &= 0x7f;
	if (c == '\r' && (tty_mode.c_iflag & IGNCR))
		return;
	if (c == '\r' && (tty_mode.c_iflag & ICRNL))
		c = '\n';
	else if (c == '\n' && (tty_mode.c_iflag & INLCR))
		c = '\r';
	if ((tty_mode.c_lflag & ISIG) && tty_signal_key(c))
		return;
	if (tty_mode.c_lflag & ICANON) {
		tty_canonical(c);
		return;
	}
	if (tty_nqueue < TTY_QUEUE)
		tty_queue[tty_nqueue++] = (char)c;
	tty_echo(c);
}

/*
 * Canonical: at most one line (through its newline), or 0 at VEOF.
 * Raw: VMIN bytes (fewer if the read wants fewer); VMIN 0 with VTIME 0
 * returns at once; any VTIME returns with the first byte (the timer is
 * not kept: a read never waits for more once something is there).
 */
long tty_available(uint64_t len)
{
	size_t n = tty_nqueue, want;

	if (tty_mode.c_lflag & ICANON) {
		if (!n)
			return tty_eof ? 0 : -1;
		for (size_t i = 0; i < tty_nqueue; i++) {
			if (tty_queue[i] == '\n') {
				n = i + 1;
				break;
			}
		}
		return (long)(n < len ? n : len);
	}
	if (!tty_mode.c_cc[VMIN] && !tty_mode.c_cc[VTIME])
		want = 0;
	else if (tty_mode.c_cc[VTIME] || !tty_mode.c_cc[VMIN])
		want = 1;
	else
		want = tty_mode.c_cc[VMIN];
	if (n < (want < len ? want : len))
		return -1;
	return (long)(n < len ? n : len);
}

const char *tty_input(void)
{
	return tty_queue;
}

void tty_consume(size_t n)
{
	if (!n) {
		tty_eof = 0;	/* the end of file is read once */
		return;
	}
	memmove(tty_queue, tty_queue + n, tty_nqueue - n);
	tty_nqueue -= n;
}

/* Linux's answer to poll: a line, or VMIN bytes when VTIME is 0 (else one). */
int tty_pollin(void)
{
	size_t min = tty_mode.c_cc[VMIN] && !tty_mode.c_cc[VTIME] ? tty_mode.c_cc[VMIN] : 1;

	if (tty_mode.c_lflag & ICANON)
		return tty_nqueue || tty_eof;
	return tty_nqueue >= min;
}

static long tty_put(uint64_t token, uint64_t arg, const void *v, size_t n)
{
	return native_caller_write(token, arg, v, n) < 0 ? -EFAULT : 0;
}

/* TCSETS, TCSETSW (output is never queued: the same), TCSETSF (input flushed first). */
static long tty_set(uint64_t token, uint64_t arg, int flush)
{
	struct linux_termios t;

	if (native_caller_read(token, arg, &t, sizeof(t)) < 0)
		return -EFAULT;
	if (flush)
		tty_flush();
	if ((tty_mode.c_lflag & ICANON) && !(t.c_lflag & ICANON))
		tty_submit();	/* leaving canonical mode: the line so far is input, as on Linux */
	tty_mode = t;
	return 0;
}

/* TIOCSPGRP: any group is taken (the process server checks groups when it signals one). */
static long tty_set_pgrp(uint64_t token, uint64_t arg)
{
	int32_t pgrp;

	if (native_caller_read(token, arg, &pgrp, sizeof(pgrp)) < 0)
		return -EFAULT;
	if (pgrp <= 0)
		return pgrp ? -EINVAL : -ESRCH;
	if (!tty_pgrp)
		console_tell_fs_ctty();	/* /dev/tty is the console from now on */
	tty_pgrp = pgrp;
	return 0;
}

long tty_ioctl(uint64_t token, uint64_t req, uint64_t arg)
{
	struct linux_winsize ws;
	int32_t n = (int32_t)tty_nqueue;

	switch (req) {
	case TCGETS: return tty_put(token, arg, &tty_mode, sizeof(tty_mode));
	case TCSETS: case TCSETSW: case TCSETSF: return tty_set(token, arg, req == TCSETSF);
	case TIOCGWINSZ: return tty_put(token, arg, &tty_winsize, sizeof(tty_winsize));
	case TIOCSWINSZ:
		if (native_caller_read(token, arg, &ws, sizeof(ws)) < 0)
			return -EFAULT;
		tty_winsize = ws;
		return 0;
	/*
	 * Without a foreground group the console is nobody's controlling
	 * terminal, which Linux answers with ENOTTY (as for /dev/console).
	 * The session is reported as the foreground group.
	 */
	case TIOCGPGRP: case TIOCGSID: return tty_pgrp ? tty_put(token, arg, &tty_pgrp, sizeof(tty_pgrp)) : -ENOTTY;
	case TIOCSPGRP: return tty_set_pgrp(token, arg);
	case TIOCSCTTY: case TIOCNOTTY: case TCSBRK: return 0;
	case TCFLSH:
		if (arg > 2)
			return -EINVAL;
		if (arg != 1)
			tty_flush();	/* TCIFLUSH, TCIOFLUSH; output is never queued */
		return 0;
	case FIONREAD: return tty_put(token, arg, &n, sizeof(n));
	default: return -ENOTTY;
	}
}
