/*
 * Freestanding memory and string routines. Word-at-a-time copies when both
 * pointers share alignment, eight words per loop turn: the kernel zeroes
 * and copies whole pages (demand-zero and copy-on-write faults) with
 * memset and memcpy, so that case matters. A copy whose source is
 * misaligned against its destination (an executable's bytes inside the
 * cpio archive, 4-byte aligned, going to a fresh page) still moves whole
 * words, each assembled from two aligned loads; the rest is kept simple.
 */
#include <stdint.h>
#include "lib/string.h"

#define WORD sizeof(uintptr_t)

/*
 * d is word-aligned, s is not: each destination word from two aligned
 * source words, shifted (little-endian). Only aligned words that hold
 * some byte of the source are loaded, so nothing past its end is read.
 * Returns how many bytes were copied.
 */
static size_t memcpy_shifted(unsigned char *d, const unsigned char *s, size_t n)
{
	unsigned off = (unsigned)((uintptr_t)s & (WORD - 1)), sh = 8 * off;
	const uintptr_t *sw = (const uintptr_t *)(const void *)(s - off);
	uintptr_t *dw = (uintptr_t *)(void *)d, lo;
	size_t words = (n + off) / WORD, i;

	if (words < 2)
		return 0;
	words--;	/* word i needs source words i and i + 1 */
	lo = sw[0];
	for (i = 0; i + 4 <= words; i += 4) {	/* four words per turn: pages go through here */
		uintptr_t w1 = sw[i + 1], w2 = sw[i + 2], w3 = sw[i + 3], w4 = sw[i + 4];

		dw[i] = (lo >> sh) | (w1 << (8 * WORD - sh));
		dw[i + 1] = (w1 >> sh) | (w2 << (8 * WORD - sh));
		dw[i + 2] = (w2 >> sh) | (w3 << (8 * WORD - sh));
		dw[i + 3] = (w3 >> sh) | (w4 << (8 * WORD - sh));
		lo = w4;
	}
	for (; i < words; i++) {
		uintptr_t hi = sw[i + 1];

		dw[i] = (lo >> sh) | (hi << (8 * WORD - sh));
		lo = hi;
	}
	return words * WORD;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if ((((uintptr_t)d ^ (uintptr_t)s) & (WORD - 1)) != 0 && n >= 4 * WORD) {
		size_t done;

		while ((uintptr_t)d & (WORD - 1)) {
			*d++ = *s++;
			n--;
		}
		done = memcpy_shifted(d, s, n);
		d += done, s += done, n -= done;
	} else if ((((uintptr_t)d ^ (uintptr_t)s) & (WORD - 1)) == 0) {
		while (n && ((uintptr_t)d & (WORD - 1))) {
			*d++ = *s++;
			n--;
		}
		for (; n >= 8 * WORD; n -= 8 * WORD, d += 8 * WORD, s += 8 * WORD) {
			uintptr_t *dw = (uintptr_t *)(void *)d;
			const uintptr_t *sw = (const uintptr_t *)(const void *)s;

			dw[0] = sw[0], dw[1] = sw[1], dw[2] = sw[2], dw[3] = sw[3];
			dw[4] = sw[4], dw[5] = sw[5], dw[6] = sw[6], dw[7] = sw[7];
		}
		for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
			*(uintptr_t *)(void *)d = *(const uintptr_t *)(const void *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	uintptr_t word = (unsigned char)c;

	word |= word << 8;
	word |= word << 16;
	word |= (word << 16) << 16;
	while (n && ((uintptr_t)d & (WORD - 1))) {
		*d++ = (unsigned char)c;
		n--;
	}
	for (; n >= 8 * WORD; n -= 8 * WORD, d += 8 * WORD) {
		uintptr_t *dw = (uintptr_t *)(void *)d;

		dw[0] = word, dw[1] = word, dw[2] = word, dw[3] = word;
		dw[4] = word, dw[5] = word, dw[6] = word, dw[7] = word;
	}
	for (; n >= WORD; n -= WORD, d += WORD)
		*(uintptr_t *)(void *)d = word;
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
