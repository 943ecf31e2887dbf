/*
 * The UART, the one read that may wait for input, and the console's
 * operations for the file server's forwards. The line discipline is in
 * tty.c.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "lib/uart.h"
#include "lib/linux_abi.h"
#include "servers/console/console.h"
#include "servers/protocol.h"

#define CONSOLE_VA 0x2400000000ul
#define CONSOLE_STACK 4096
#define CONSOLE_IOV_MAX 1024	/* writev's iovecs, Linux's UIO_MAXIOV */

static struct uart console_uart;	/* base NULL until the registers are mapped */
static long console_irq = -1, console_notif = -1;
static unsigned char console_stack[CONSOLE_STACK] __attribute__((aligned(16)));
static int console_told;		/* the readiness the file server last heard of */

static struct {
	uint64_t token;			/* 0: no read waits */
	uint64_t buf, len;
} console_waiter;

int console_init(const struct kage_bootinfo *bi, long endpoint)
{
	const struct kage_bootitem *u = native_boot_item(bi, KAGE_BOOT_UART, NULL);
	const volatile uint8_t *regs;

	if (!u || u->aux[3] >= bi->nitems)
		return -ENODEV;
	regs = native_map_item(u, CONSOLE_VA, KAGE_PROT_READ | KAGE_PROT_WRITE);
	if (!regs)
		return -ENOMEM;
	console_uart = (struct uart){ .kind = (enum uart_kind)u->aux[0], .base = (volatile uint8_t *)regs,
				      .reg_shift = u->aux[1], .reg_io_width = u->aux[2] };
	console_irq = bi->item[u->aux[3]].handle;
	console_notif = native_notif_create();
	if (console_notif < 0 || native_irq_bind(console_irq, console_notif, 1) < 0)
		return -ENODEV;
	while (uart_getc(&console_uart) >= 0)
		;	/* what was typed before the system was up */
	uart_rx_irq(&console_uart, true);
	return (int)native_helper_start(endpoint, console_notif, console_stack, CONSOLE_STACK);
}

void console_uart_putc(char c)
{
	if (!console_uart.base)
		native_putc(c);	/* no UART of its own: through the kernel's */
	else
		uart_putc(&console_uart, c);
}

void console_input(void)
{
	int c;

	for (c = uart_getc(&console_uart); c >= 0; c = uart_getc(&console_uart))
		tty_key(c);
	native_irq_ack(console_irq);
}

/*
 * A waiting read takes what the line discipline lets it. The input is
 * consumed only once the reader has it: a caller whose call the kernel
 * aborted (a stale token, -ESRCH) leaves it for the next read.
 */
static void console_deliver(void)
{
	uint64_t v[6] = { 0 };
	long n, err;

	if (!console_waiter.token)
		return;
	n = tty_available(console_waiter.len);
	if (n < 0)
		return;
	err = n ? native_caller_write(console_waiter.token, console_waiter.buf, tty_input(), (uint64_t)n) : 0;
	if (err == -ESRCH) {
		console_waiter.token = 0;
		return;
	}
	v[0] = err < 0 ? (uint64_t)-EFAULT : (uint64_t)n;
	if (native_ipc_reply(console_waiter.token, v) == 0 && err >= 0)
		tty_consume((size_t)n);
	console_waiter.token = 0;
}

void console_settle(void)
{
	int ready;

	console_deliver();
	ready = console_irq < 0 || tty_pollin();	/* without input, reads end at once */
	if (ready != console_told) {
		console_told = ready;
		console_tell_fs(ready);
	}
}

static long console_read(uint64_t token, uint64_t buf, uint64_t len, uint64_t nonblock)
{
	if (!len)
		return 0;
	if (console_irq < 0)
		return 0;	/* no input device: end of file */
	if (console_waiter.token && native_caller_read(console_waiter.token, 0, 0, 0) == 0)
		return -EAGAIN;	/* another read waits, and its process is still there */
	if (nonblock && tty_available(len) < 0)
		return -EAGAIN;
	/* Answered through the token, now (console_settle) or when input comes. */
	console_waiter.token = token;
	console_waiter.buf = buf;
	console_waiter.len = len;
	return CONSOLE_LATER;
}

static long console_write(uint64_t token, uint64_t buf, uint64_t len)
{
	char chunk[256];

	for (uint64_t done = 0; done < len; done += sizeof(chunk)) {
		uint64_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);

		if (native_caller_read(token, buf + done, chunk, n) < 0)
			return done ? (long)done : -EFAULT;
		for (uint64_t i = 0; i < n; i++)
			tty_out(chunk[i]);
	}
	return (long)len;
}

static long console_writev(uint64_t token, uint64_t iov, uint64_t cnt)
{
	struct linux_iovec v;
	long total = 0, r;

	if (cnt > CONSOLE_IOV_MAX)
		return -EINVAL;
	for (uint64_t i = 0; i < cnt; i++) {
		if (native_caller_read(token, iov + i * sizeof(v), &v, sizeof(v)) < 0)
			return total ? total : -EFAULT;
		r = console_write(token, v.iov_base, v.iov_len);
		if (r < 0)
			return total ? total : r;
		total += r;
	}
	return total;
}

long console_call(uint64_t token, const struct kage_msg *m)
{
	switch (m->w[0]) {
	case CONSOLE_OP_READ: return console_read(token, m->w[1], m->w[2], m->w[3]);
	case CONSOLE_OP_WRITE: return console_write(token, m->w[1], m->w[2]);
	case CONSOLE_OP_WRITEV: return console_writev(token, m->w[1], m->w[2]);
	case CONSOLE_OP_IOCTL: return tty_ioctl(token, m->w[1], m->w[2]);
	default: return -ENOSYS;
	}
}
