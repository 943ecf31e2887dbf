/*
 * The system log: every byte the kernel's console prints (the boot
 * report, the kernel's lines, the servers' notes through debug_putc), kept
 * in a ring for dmesg (syslog(2), read by the process server with
 * log_read). Bytes are numbered from boot; the ring holds the last
 * LOGBUF_SIZE of them, older ones are overwritten, as Linux's log buffer
 * is. State: one ring (one hart, interrupts off in the kernel).
 */
#ifndef KAGE_KERNEL_LOGBUF_H
#define KAGE_KERNEL_LOGBUF_H

#include <stddef.h>
#include <stdint.h>
#include "lib/kage_abi.h"

#define LOGBUF_SIZE KAGE_LOG_SIZE

void logbuf_put(char c);
/* The number of the first byte still kept, and of the next byte to come. */
void logbuf_bounds(uint64_t *first, uint64_t *end);
/* The kept bytes from pos on (pos within the bounds), at most len: they are at *a (na bytes) then *b (nb). */
void logbuf_span(uint64_t pos, size_t len, const char **a, size_t *na, const char **b, size_t *nb);

#endif
