/*
 * The console server: the UART driven from user space. Its receive
 * interrupt arrives as a notification; a helper task turns it into a call
 * on the server's endpoint, and the loop runs the line discipline: echo,
 * backspace, ^C (SIGINT to the foreground, asked of the process server),
 * ^D (end of file), and lines handed to a waiting read. Reads and writes
 * of /dev/console reach it forwarded by the file server, so it answers
 * the process itself and copies with its memory by the call's token.
 * Ownership: the server maps the UART registers and holds the irq and
 * notification handles. One read may wait at a time (others: -EAGAIN,
 * unless the waiting process has gone, which frees the place).
 */
#ifndef KAGE_SERVERS_CONSOLE_CONSOLE_H
#define KAGE_SERVERS_CONSOLE_CONSOLE_H

#include <stdint.h>
#include "lib/kage_abi.h"

/* A result that is not an answer: the call is answered later (a read waiting for a line). */
#define CONSOLE_LATER (-0x7fffffffffffffffl - 1)

/* Sets up the UART named in bi, the helper calling `endpoint`; 0 or a negative errno (output still works). */
int console_init(const struct kage_bootinfo *bi, long endpoint);
/* The helper's call: input is pending; runs the line discipline and acknowledges the interrupt. */
void console_input(void);
/* The file server's forwards (servers/protocol.h): the answer, or CONSOLE_LATER. */
long console_call(uint64_t token, const struct kage_msg *m);
/* Provided by the loop: ^C was typed, interrupt the foreground. */
void console_interrupt(void);

#endif
