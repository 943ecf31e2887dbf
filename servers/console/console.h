/*
 * The console server: the UART driven from user space, with Linux's
 * terminal line discipline (termios). Its receive interrupt arrives as a
 * notification; a helper task turns it into a call on the server's
 * endpoint, and the loop runs the line discipline (tty.c): echo, line
 * editing, the signal keys (asked of the process server), raw input, and
 * input handed to a waiting read. Reads, writes and ioctls of
 * /dev/console reach it forwarded by the file server, so it answers the
 * process itself and copies with its memory by the call's token. After
 * each message it tells the file server when the console's readiness for
 * poll has changed (FS_OP_CONSOLE_READY).
 * Ownership: the server maps the UART registers and holds the irq and
 * notification handles. Any number of reads and writes may wait (io.c);
 * a write goes out in pieces, with input served between them.
 */
#ifndef KAGE_SERVERS_CONSOLE_CONSOLE_H
#define KAGE_SERVERS_CONSOLE_CONSOLE_H

#include <stddef.h>
#include <stdint.h>
#include "lib/kage_abi.h"

/* A result that is not an answer: the call is answered later (a read waiting for input). */
#define CONSOLE_LATER (-0x7fffffffffffffffl - 1)

/* The bits of the helper's notification: the UART has input; a write has more pieces to go. */
#define CONSOLE_INPUT 0x1
#define CONSOLE_CONTINUE 0x2

struct heap;
extern struct heap console_heap;	/* the waiting calls' records (io.c) */

/* Sets up the UART named in bi, the helper calling `endpoint`; 0 or a negative errno (output still works). */
int console_init(const struct kage_bootinfo *bi, long endpoint);
/* The helper's call: input is pending; runs the line discipline and acknowledges the interrupt. */
void console_input(void);
/* The file server's forwards (servers/protocol.h): the answer, or CONSOLE_LATER. */
long console_call(uint64_t token, const struct kage_msg *m);
/* After each message: waiting reads take what they may, and the file server hears of a change of readiness. */
void console_settle(void);
/* Whether there is an input device (without one, reads see end of file). */
int console_has_input(void);
/* Asks the helper for a call (CONSOLE_CONTINUE): 0, or a negative errno when there is no helper. */
long console_continue(void);

/* Reads and writes (io.c): the answer, or CONSOLE_LATER. */
long console_read(uint64_t token, uint64_t buf, uint64_t len, uint64_t nonblock);
long console_write(uint64_t token, uint64_t buf, uint64_t len);
long console_writev(uint64_t token, uint64_t iov, uint64_t cnt);
/* Waiting reads take the input they may have. */
void console_deliver(void);
/* The first waiting write's next piece (all of them when no helper calls back). */
void console_pump(void);
/* One byte to the UART as it is. */
void console_uart_putc(char c);

/* Provided by the loop (main.c): a signal key was typed; the readiness changed. */
void console_interrupt(int sig, int pgrp);
void console_tell_fs(int readable);
/* The console became a controlling terminal: it has a foreground group (FS_OP_CONSOLE_CTTY). */
void console_tell_fs_ctty(void);

/* The line discipline (tty.c). */
void tty_key(int c);
/* One byte of output, with the output flags. */
void tty_out(char c);
/* How much a read of len may take now, or -1 when it must wait; the bytes; taking them (0: the end of file). */
long tty_available(uint64_t len);
const char *tty_input(void);
void tty_consume(size_t n);
/* Whether poll reports input (Linux's rule for VMIN). */
int tty_pollin(void);
/* The terminal ioctls; the argument is in the caller's memory (token). The answer, or -ENOTTY. */
long tty_ioctl(uint64_t token, uint64_t req, uint64_t arg);

#endif
