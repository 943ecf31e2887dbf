/*
 * The console: the UART driven from user space. Its receive interrupt
 * arrives as a notification; a helper task turns it into a call on the
 * process server's endpoint, and the loop runs the line discipline here:
 * echo, backspace, ^C (SIGINT to the foreground, which is every process
 * but pid 1 until job control exists, or pid 1 when it is alone), ^D (end
 * of file), and lines handed to a waiting read.
 * Ownership: the server maps the UART registers and holds the irq and
 * notification handles. One read may wait at a time (others: -EAGAIN).
 */
#ifndef KAGE_SERVERS_CONSOLE_CONSOLE_H
#define KAGE_SERVERS_CONSOLE_CONSOLE_H

#include <stdint.h>
#include "lib/kage_abi.h"
#include "servers/fs/fs.h"

/* Sets up input from the boot UART; 0, or a negative errno (output still works). */
int console_init(const struct kage_bootinfo *bi, long endpoint);
/* The helper's call: input is pending; runs the line discipline and acknowledges the interrupt. */
void console_input(void);
/* A read of the console: bytes now, 0 at end of file, or FS_BLOCKED (the token waits). */
long console_read(struct fs_fdtable *t, long space, uint64_t token, uint64_t buf, uint64_t len);
/* The process owning t is gone: it waits on the console no more. */
void console_forget(const struct fs_fdtable *t);
/* Provided by the process server: ^C was typed, interrupt the foreground. */
void console_interrupt(void);

#endif
