/* Native helpers too big to be inline stubs (lib/native.h). */
#include <stdarg.h>
#include "lib/errno.h"
#include "lib/fmt.h"
#include "lib/native.h"
#include "lib/string.h"

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

const struct kage_bootitem *native_boot_item(const struct kage_bootinfo *bi, uint32_t kind, const char *name)
{
	for (uint32_t i = 0; i < bi->nitems && i < KAGE_BOOT_MAX; i++)
		if (bi->item[i].kind == kind && (!name || strcmp(bi->item[i].name, name) == 0))
			return &bi->item[i];
	return NULL;
}

long native_boot_handle(const struct kage_bootinfo *bi, uint32_t kind, const char *name)
{
	const struct kage_bootitem *it = native_boot_item(bi, kind, name);

	return it ? it->handle : -1;
}

uint64_t native_ticks(uint64_t hz, uint64_t s, uint64_t ns)
{
	hz = hz ? hz : 1;
	return s * hz + ns * hz / 1000000000ull;
}

void native_timer_at(long notif, uint64_t hz, uint64_t deadline)
{
	uint64_t now = native_time(), d = deadline > now ? deadline - now : 0;

	hz = hz ? hz : 1;
	/* A notification has one timer: arming replaces it, bits 0 disarms it. */
	if (deadline)
		native_timer_notify(notif, d / hz * 1000000000ull + d % hz * 1000000000ull / hz, 1);
	else
		native_timer_notify(notif, 0, 0);
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
