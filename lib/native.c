/* Native helpers too big to be inline stubs (lib/native.h). */
#include <stdarg.h>
#include "lib/errno.h"
#include "lib/fmt.h"
#include "lib/heap.h"
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

uint64_t native_ns(uint64_t hz, uint64_t ticks)
{
	hz = hz ? hz : 1;
	return ticks / hz * 1000000000ull + ticks % hz * 1000000000ull / hz;
}

void native_timer_at(long notif, uint64_t hz, uint64_t deadline)
{
	uint64_t now = native_time(), d = deadline > now ? deadline - now : 0;

	/* A notification has one timer: arming replaces it, bits 0 disarms it. */
	if (deadline)
		native_timer_notify(notif, native_ns(hz, d), 1);
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

/* The notes' token bucket: tokens are whole notes, refilled by the time CSR. */
static struct {
	uint64_t hz, last, tokens, dropped;
} native_notes;

void native_notes_setup(uint64_t hz)
{
	native_notes.hz = hz;
	native_notes.last = native_time();
	native_notes.tokens = NATIVE_NOTE_BURST;
}

/* Whether a note may go out now. */
static int native_note_allowed(void)
{
	uint64_t now = native_time(), per = native_notes.hz / NATIVE_NOTE_PER_SEC, earned;

	if (!native_notes.hz)
		return 1;
	earned = (now - native_notes.last) / per;
	if (earned) {
		native_notes.tokens += earned;
		native_notes.last += earned * per;
		if (native_notes.tokens > NATIVE_NOTE_BURST)
			native_notes.tokens = NATIVE_NOTE_BURST;
	}
	if (!native_notes.tokens) {
		native_notes.dropped++;
		return 0;
	}
	native_notes.tokens--;
	return 1;
}

void native_note(const char *fmt, ...)
{
	va_list ap;

	if (!native_note_allowed())
		return;
	if (native_notes.dropped)
		native_say("kage: %lu messages suppressed\n", (unsigned long)native_notes.dropped);
	native_notes.dropped = 0;
	va_start(ap, fmt);
	fmt_vformat(native_out, 0, fmt, ap);
	va_end(ap);
}

static int native_heap_map(uint64_t va, uint64_t size)
{
	long err = native_space_map(KAGE_HANDLE_SELF_SPACE, va, size,
				    KAGE_PROT_READ | KAGE_PROT_WRITE | KAGE_MAP_POPULATE);

	return err < 0 ? -ENOMEM : 0;
}

static void native_heap_unmap(uint64_t va, uint64_t size)
{
	native_space_unmap(KAGE_HANDLE_SELF_SPACE, va, size);
}

static void native_heap_corrupt(const char *what, const void *p)
{
	native_say("kage: a server's heap is corrupted: it %s (%p)\n", what, p);
	native_exit(-EFAULT);
}

static const struct heap_backend native_heap_backend = {
	native_heap_map, native_heap_unmap, native_heap_corrupt,
};

long native_heap_init(struct heap *h, unsigned role)
{
	if (role >= KAGE_SERVERS)
		return -EINVAL;
	return heap_init(h, NATIVE_SELF_BASE + role * KAGE_SERVER_WINDOW, KAGE_SERVER_WINDOW,
			 &native_heap_backend);
}
