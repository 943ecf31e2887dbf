/*
 * printf-style formatting without a C library.
 *
 * Output goes to a sink function one byte at a time, so the same formatter
 * serves the kernel console, a bounded buffer and the servers.
 * Conversions: %d %i %u %x %X %o %p %s %c %%, flags '-' '0' ' ' '+' '#',
 * a field width and precision (digits or '*'), and the length modifiers
 * hh h l ll z t j. %p prints 0x followed by 16 hex digits. A NULL %s prints
 * "(null)". Unknown conversions are printed literally, never skipped over.
 */
#ifndef KAGE_LIB_FMT_H
#define KAGE_LIB_FMT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*fmt_sink)(void *ctx, char c);

/* Formats to the sink; returns the number of bytes produced. */
int fmt_vformat(fmt_sink sink, void *ctx, const char *fmt, va_list ap);
int fmt_format(fmt_sink sink, void *ctx, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Like C's vsnprintf: writes at most size-1 bytes and a terminating NUL
 * (when size > 0) and returns the length the full output would have had.
 */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
