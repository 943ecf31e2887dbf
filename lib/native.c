/* Native helpers too big to be inline stubs (lib/native.h). */
#include <stdarg.h>
#include "lib/errno.h"
#include "lib/fmt.h"
#include "lib/native.h"

long native_read_string(uint64_t from, unsigned flags, uint64_t va, char *buf, size_t max)
{
	size_t n = 0;

	/* Small reads: a string may end just before an unmapped page. */
	while (n < max) {
		size_t chunk = 4096 - ((va + n) & 4095);

		if (chunk > 64)
			chunk = 64;
		if (chunk > max - n)
			chunk = max - n;
		if (native_call6(KAGE_SYS_SPACE_READ, from, va + n, (uint64_t)(buf + n), chunk, flags, 0) < 0)
			return -EFAULT;
		for (size_t i = 0; i < chunk; i++)
			if (!buf[n + i])
				return (long)(n + i);
		n += chunk;
	}
	return -ENAMETOOLONG;
}

static void native_out(void *ctx, char c)
{
	(void)ctx;
	native_putc(c);
}

void native_say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vformat(native_out, 0, fmt, ap);
	va_end(ap);
}
