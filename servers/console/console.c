#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "lib/uart.h"
#include "servers/console/console.h"
#include "servers/protocol.h"

#define CONSOLE_VA 0x2400000000ul
#define CONSOLE_LINE 256
#define CONSOLE_STACK 4096

static struct uart console_uart;	/* base NULL until the registers are mapped */
static long console_irq = -1, console_notif = -1;
static char console_line[CONSOLE_LINE];	/* the line being edited */
static size_t console_len;
static char console_ready[CONSOLE_LINE];	/* finished input not yet read */
static size_t console_nready;
static int console_eof;				/* ^D on an empty line: the next read gets 0 */
static unsigned char console_stack[CONSOLE_STACK] __attribute__((aligned(16)));

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
	if (!(regs = native_map_item(u, CONSOLE_VA, KAGE_PROT_READ | KAGE_PROT_WRITE)))
		return -ENOMEM;
	console_uart = (struct uart){ .kind = (enum uart_kind)u->aux[0], .base = (volatile uint8_t *)regs,
				      .reg_shift = u->aux[1], .reg_io_width = u->aux[2] };
	console_irq = bi->item[u->aux[3]].handle;
	if ((console_notif = native_notif_create()) < 0 || native_irq_bind(console_irq, console_notif, 1) < 0)
		return -ENODEV;
	while (uart_getc(&console_uart) >= 0)
		;	/* what was typed before the system was up */
	uart_rx_irq(&console_uart, true);
	return (int)native_helper_start(endpoint, console_notif, console_stack, CONSOLE_STACK);
}

/* Output: a newline goes out as CR LF, as a terminal expects. */
static void console_put(char c)
{
	if (!console_uart.base) {
		native_putc(c);	/* no UART of its own: through the kernel's */
		return;
	}
	if (c == '\n')
		uart_putc(&console_uart, '\r');
	uart_putc(&console_uart, c);
}

static void console_echo(const char *s)
{
	while (*s)
		console_put(*s++);
}

/* A waiting read takes what is ready (or the end of file). */
static void console_deliver(void)
{
	uint64_t v[6] = { 0 }, n;

	if (!console_waiter.token || (!console_nready && !console_eof))
		return;
	n = console_nready < console_waiter.len ? console_nready : console_waiter.len;
	if (n && native_caller_write(console_waiter.token, console_waiter.buf, console_ready, n) < 0) {
		v[0] = (uint64_t)-EFAULT;
	} else {
		v[0] = n;
		memmove(console_ready, console_ready + n, console_nready - n);
		console_nready -= n;
		if (!n)
			console_eof = 0;	/* the end of file is read once */
	}
	native_ipc_reply(console_waiter.token, v);
	console_waiter.token = 0;
}

/* The edited line (and `tail`, a newline or nothing) becomes readable. */
static void console_submit(const char *tail)
{
	size_t t = strlen(tail);

	if (console_nready + console_len + t > CONSOLE_LINE)
		t = 0, console_len = CONSOLE_LINE - console_nready;	/* a full buffer drops the excess */
	memcpy(console_ready + console_nready, console_line, console_len);
	memcpy(console_ready + console_nready + console_len, tail, t);
	console_nready += console_len + t;
	console_len = 0;
}

static void console_key(int c)
{
	if (c == '\r' || c == '\n') {
		console_echo("\n");
		console_submit("\n");
	} else if (c == 0x7f || c == '\b') {
		if (console_len) {
			console_len--;
			console_echo("\b \b");
		}
	} else if (c == 0x03) {
		console_echo("^C\n");
		console_len = 0;
		console_interrupt();
	} else if (c == 0x04) {
		if (console_len)
			console_submit("");
		else
			console_eof = 1;
	} else if (console_len < CONSOLE_LINE - 1 && (c >= ' ' || c == '\t')) {
		char s[2] = { (char)c, 0 };

		console_line[console_len++] = (char)c;
		console_echo(s);
	}
}

void console_input(void)
{
	int c;

	while ((c = uart_getc(&console_uart)) >= 0)
		console_key(c);
	native_irq_ack(console_irq);
	console_deliver();
}

static long console_read(uint64_t token, uint64_t buf, uint64_t len)
{
	if (!len)
		return 0;
	if (console_waiter.token && native_caller_read(console_waiter.token, 0, 0, 0) == 0)
		return -EAGAIN;	/* another read waits, and its process is still there */
	console_waiter.token = token;
	console_waiter.buf = buf;
	console_waiter.len = len;
	if (console_nready || console_eof) {
		/* Answer at once: the reply goes out through the token like a late one. */
		console_deliver();
		return CONSOLE_LATER;
	}
	if (console_irq < 0) {
		console_waiter.token = 0;
		return 0;	/* no input device: end of file */
	}
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
			console_put(chunk[i]);
	}
	return (long)len;
}

static long console_writev(uint64_t token, uint64_t iov, uint64_t cnt)
{
	uint64_t v[2];
	long total = 0, r;

	if (cnt > 1024)
		return -EINVAL;
	for (uint64_t i = 0; i < cnt; i++) {
		if (native_caller_read(token, iov + 16 * i, v, sizeof(v)) < 0)
			return total ? total : -EFAULT;
		if ((r = console_write(token, v[0], v[1])) < 0)
			return total ? total : r;
		total += r;
	}
	return total;
}

long console_call(uint64_t token, const struct kage_msg *m)
{
	switch (m->w[0]) {
	case CONSOLE_OP_READ: return console_read(token, m->w[1], m->w[2]);
	case CONSOLE_OP_WRITE: return console_write(token, m->w[1], m->w[2]);
	case CONSOLE_OP_WRITEV: return console_writev(token, m->w[1], m->w[2]);
	default: return -ENOSYS;
	}
}
