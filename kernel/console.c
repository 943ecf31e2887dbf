#include <stdbool.h>
#include "kernel/console.h"
#include "kernel/logbuf.h"
#include "kernel/sbi.h"
#include "lib/fmt.h"

static struct uart console_uart;
static bool console_ready;

void console_attach(const struct uart *u)
{
	console_uart = *u;
	console_ready = true;
}

void console_rebase(volatile uint8_t *base)
{
	console_uart.base = base;
}

void console_putc(char c)
{
	logbuf_put(c);
	if (!console_ready) {
		sbi_console_putc(c);	/* the firmware adds its own CR */
		return;
	}
	/* Terminals want CR LF; kernel strings say "\n". */
	if (c == '\n')
		uart_putc(&console_uart, '\r');
	uart_putc(&console_uart, c);
}

void console_puts(const char *s)
{
	while (*s)
		console_putc(*s++);
}

int console_getc(void)
{
	return console_ready ? uart_getc(&console_uart) : -1;
}

static void console_sink(void *ctx, char c)
{
	(void)ctx;
	console_putc(c);
}

int kvprintf(const char *fmt, va_list ap)
{
	return fmt_vformat(console_sink, 0, fmt, ap);
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}
