/*
 * The UART, its interrupt and the helper that turns it into calls, and
 * the console's operations for the file server's forwards. The line
 * discipline is in tty.c, the queues of waiting reads and writes in io.c.
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

static struct uart console_uart;	/* base NULL until the registers are mapped */
static long console_irq = -1, console_notif = -1;
static unsigned char console_stack[CONSOLE_STACK] __attribute__((aligned(16)));
static int console_told;		/* the readiness the file server last heard of */

int console_init(const struct kage_bootinfo *bi, long endpoint)
{
	const struct kage_bootitem *u = native_boot_item(bi, KAGE_BOOT_UART, NULL);
	const volatile uint8_t *regs;
	long err;

	if (!u || u->aux[3] >= bi->nitems)
		return -ENODEV;
	regs = native_map_item(u, CONSOLE_VA, KAGE_PROT_READ | KAGE_PROT_WRITE);
	if (!regs)
		return -ENOMEM;
	console_uart = (struct uart){ .kind = (enum uart_kind)u->aux[0], .base = (volatile uint8_t *)regs,
				      .reg_shift = u->aux[1], .reg_io_width = u->aux[2] };
	console_irq = bi->item[u->aux[3]].handle;
	console_notif = native_notif_create();
	if (console_notif < 0 || native_irq_bind(console_irq, console_notif, CONSOLE_INPUT) < 0) {
		console_irq = console_notif = -1;
		return -ENODEV;
	}
	while (uart_getc(&console_uart) >= 0)
		;	/* what was typed before the system was up */
	uart_rx_irq(&console_uart, true);
	err = native_helper_start(endpoint, console_notif, console_stack, CONSOLE_STACK);
	if (err < 0) {
		console_irq = console_notif = -1;	/* nobody would pass input or pieces on */
		return (int)err;
	}
	return 0;
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

int console_has_input(void)
{
	return console_irq >= 0;
}

long console_continue(void)
{
	return console_notif < 0 ? -ENODEV : native_notif_signal(console_notif, CONSOLE_CONTINUE);
}

long console_call(uint64_t token, const struct kage_msg *m)
{
	switch (m->w[0]) {
	case CONSOLE_OP_READ: return console_read(token, m->w[1], m->w[2], m->w[3]);
	case CONSOLE_OP_WRITE: return console_write(token, m->w[1], m->w[2]);
	case CONSOLE_OP_WRITEV: return console_writev(token, m->w[1], m->w[2]);
	case CONSOLE_OP_IOCTL: return tty_ioctl(token, m->w[1], m->w[2]);
	case CONSOLE_OP_READY: return 0;
	default: return -ENOSYS;
	}
}
