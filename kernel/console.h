/*
 * The kernel's own console: boot report, monitor, panic messages.
 *
 * Until console_attach() is given the device tree's UART, output goes
 * through the firmware's SBI console, so even a kernel that cannot parse
 * its device tree can say why. Output is polled: the kernel console must
 * work with interrupts off and in panic.
 */
#ifndef KAGE_KERNEL_CONSOLE_H
#define KAGE_KERNEL_CONSOLE_H

#include <stdarg.h>
#include "lib/uart.h"

/* Use `u` (already mapped) from now on; u->base may be moved later with console_rebase. */
void console_attach(const struct uart *u);
void console_rebase(volatile uint8_t *base);
void console_putc(char c);
void console_puts(const char *s);
/* Next received byte, or -1 when none waits (never blocks). */
int console_getc(void);

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);

#endif
