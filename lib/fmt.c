/*
 * The formatter behind kprintf and the servers' printing. It follows C's
 * printf for every conversion it accepts, so host tests can compare it
 * with the C library byte for byte; it never reads past a precision-limited
 * string and never needs more than a small fixed buffer.
 */
#include <stdbool.h>
#include <stdint.h>
#include "lib/fmt.h"
#include "lib/string.h"

struct fmt_spec {
	bool left, zero, plus, space, alt;
	int width;
	int precision;		/* -1: none */
	int length;		/* 0 int, 1 long, 2 long long, -1 short, -2 char, 3 size_t/ptrdiff/intmax */
	char conv;
};

struct fmt_out {
	fmt_sink sink;
	void *ctx;
	int count;
};

static void fmt_put(struct fmt_out *o, char c)
{
	o->sink(o->ctx, c);
	o->count++;
}

static void fmt_pad(struct fmt_out *o, char c, int n)
{
	while (n-- > 0)
		fmt_put(o, c);
}

static const char *fmt_parse_flags(const char *f, struct fmt_spec *s)
{
	for (;; f++) {
		if (*f == '-')
			s->left = true;
		else if (*f == '0')
			s->zero = true;
		else if (*f == '+')
			s->plus = true;
		else if (*f == ' ')
			s->space = true;
		else if (*f == '#')
			s->alt = true;
		else
			return f;
	}
}

static const char *fmt_parse_number(const char *f, int *out, va_list *ap)
{
	int n = 0;

	if (*f == '*') {
		*out = va_arg(*ap, int);
		return f + 1;
	}
	while (*f >= '0' && *f <= '9')
		n = n * 10 + (*f++ - '0');
	*out = n;
	return f;
}

static const char *fmt_parse_length(const char *f, struct fmt_spec *s)
{
	if (f[0] == 'h' && f[1] == 'h') {
		s->length = -2;
		return f + 2;
	}
	if (f[0] == 'l' && f[1] == 'l') {
		s->length = 2;
		return f + 2;
	}
	switch (*f) {
	case 'h': s->length = -1; return f + 1;
	case 'l': s->length = 1; return f + 1;
	case 'z': case 't': case 'j': s->length = 3; return f + 1;
	default: return f;
	}
}

/* Parses one conversion after '%'; returns where the text resumes. */
static const char *fmt_parse(const char *f, struct fmt_spec *s, va_list *ap)
{
	memset(s, 0, sizeof(*s));
	s->precision = -1;
	f = fmt_parse_flags(f, s);
	f = fmt_parse_number(f, &s->width, ap);
	if (s->width < 0) {
		s->left = true;
		s->width = -s->width;
	}
	if (*f == '.') {
		f = fmt_parse_number(f + 1, &s->precision, ap);
		if (s->precision < 0)
			s->precision = -1;
	}
	f = fmt_parse_length(f, s);
	s->conv = *f;
	return *f ? f + 1 : f;
}

static uint64_t fmt_arg_unsigned(const struct fmt_spec *s, va_list *ap)
{
	switch (s->length) {
	case -2: return (unsigned char)va_arg(*ap, unsigned int);
	case -1: return (unsigned short)va_arg(*ap, unsigned int);
	case 0: return va_arg(*ap, unsigned int);
	case 1: return va_arg(*ap, unsigned long);
	case 2: return va_arg(*ap, unsigned long long);
	default: return va_arg(*ap, size_t);
	}
}

static int64_t fmt_arg_signed(const struct fmt_spec *s, va_list *ap)
{
	switch (s->length) {
	case -2: return (signed char)va_arg(*ap, int);
	case -1: return (short)va_arg(*ap, int);
	case 0: return va_arg(*ap, int);
	case 1: return va_arg(*ap, long);
	case 2: return va_arg(*ap, long long);
	default: return va_arg(*ap, intptr_t);
	}
}

/* Digits of v in `base`, least significant first; returns how many. */
static int fmt_digits(uint64_t v, unsigned base, bool upper, char *buf)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;

	while (v) {
		buf[n++] = digits[v % base];
		v /= base;
	}
	return n;
}

static void fmt_integer(struct fmt_out *o, const struct fmt_spec *s, uint64_t v, bool negative)
{
	unsigned base = s->conv == 'o' ? 8 : (s->conv == 'x' || s->conv == 'X' || s->conv == 'p') ? 16 : 10;
	char digits[24], prefix[3] = { 0 };
	int ndigits = fmt_digits(v, base, s->conv == 'X', digits);
	int zeros = 0, nprefix, len;

	if (s->precision < 0 && ndigits == 0)
		digits[ndigits++] = '0';
	if (s->precision > ndigits)
		zeros = s->precision - ndigits;
	if (negative)
		prefix[0] = '-';
	else if ((s->conv == 'd' || s->conv == 'i') && (s->plus || s->space))
		prefix[0] = s->plus ? '+' : ' ';
	else if (s->alt && base == 16 && v != 0)
		memcpy(prefix, s->conv == 'X' ? "0X" : "0x", 2);
	else if (s->alt && base == 8 && zeros == 0 && (ndigits == 0 || digits[ndigits - 1] != '0'))
		zeros = 1;
	nprefix = (int)strlen(prefix);
	len = nprefix + zeros + ndigits;
	if (s->zero && !s->left && s->precision < 0 && s->width > len) {
		zeros += s->width - len;
		len = s->width;
	}
	if (!s->left)
		fmt_pad(o, ' ', s->width - len);
	for (int i = 0; i < nprefix; i++)
		fmt_put(o, prefix[i]);
	fmt_pad(o, '0', zeros);
	while (ndigits)
		fmt_put(o, digits[--ndigits]);
	if (s->left)
		fmt_pad(o, ' ', s->width - len);
}

static void fmt_string(struct fmt_out *o, const struct fmt_spec *s, const char *str)
{
	size_t max = s->precision >= 0 ? (size_t)s->precision : SIZE_MAX;
	int len;

	if (!str)
		str = max >= 6 ? "(null)" : "";
	len = (int)strnlen(str, max);
	if (!s->left)
		fmt_pad(o, ' ', s->width - len);
	for (int i = 0; i < len; i++)
		fmt_put(o, str[i]);
	if (s->left)
		fmt_pad(o, ' ', s->width - len);
}

static void fmt_convert(struct fmt_out *o, struct fmt_spec *s, va_list *ap)
{
	char c;

	switch (s->conv) {
	case 'd': case 'i': {
		int64_t v = fmt_arg_signed(s, ap);
		fmt_integer(o, s, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0);
		break;
	}
	case 'u': case 'x': case 'X': case 'o':
		fmt_integer(o, s, fmt_arg_unsigned(s, ap), false);
		break;
	case 'p':
		fmt_put(o, '0');
		fmt_put(o, 'x');
		s->precision = 16;
		s->width = s->width > 2 ? s->width - 2 : 0;
		fmt_integer(o, s, (uintptr_t)va_arg(*ap, void *), false);
		break;
	case 's':
		fmt_string(o, s, va_arg(*ap, const char *));
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		if (!s->left)
			fmt_pad(o, ' ', s->width - 1);
		fmt_put(o, c);
		if (s->left)
			fmt_pad(o, ' ', s->width - 1);
		break;
	case '%':
		fmt_put(o, '%');
		break;
	default:
		/* Unknown: print it as written rather than lose it. */
		fmt_put(o, '%');
		if (s->conv)
			fmt_put(o, s->conv);
		break;
	}
}

int fmt_vformat(fmt_sink sink, void *ctx, const char *fmt, va_list ap)
{
	struct fmt_out o = { sink, ctx, 0 };
	struct fmt_spec s;
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			fmt_put(&o, *fmt++);
			continue;
		}
		fmt = fmt_parse(fmt + 1, &s, &args);
		fmt_convert(&o, &s, &args);
	}
	va_end(args);
	return o.count;
}

int fmt_format(fmt_sink sink, void *ctx, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vformat(sink, ctx, fmt, ap);
	va_end(ap);
	return n;
}

struct fmt_buf {
	char *buf;
	size_t size;
	size_t len;
};

static void fmt_buf_sink(void *ctx, char c)
{
	struct fmt_buf *b = ctx;

	if (b->len + 1 < b->size)
		b->buf[b->len] = c;
	b->len++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_buf b = { buf, size, 0 };
	int n = fmt_vformat(fmt_buf_sink, &b, fmt, ap);

	if (size)
		buf[b.len < size ? b.len : size - 1] = '\0';
	return n;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
