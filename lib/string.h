/*
 * Memory and string routines for freestanding code (kernel and servers).
 *
 * They keep the standard C names because the compiler itself emits calls to
 * memcpy, memset, memmove and memcmp for struct copies and large
 * initialisers. Host unit tests rename them (tests/unit/host.h) so that
 * the versions tested are these, not the host C library's.
 */
#ifndef KAGE_LIB_STRING_H
#define KAGE_LIB_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
/* Copies at most size-1 bytes and always terminates (when size > 0); returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);

#endif
