/* The rate-limited kernel log (kernel/klog.h). */
#include <stdarg.h>
#include "kernel/klog.h"
#include "kernel/console.h"
#include "kernel/timer.h"

static uint64_t klog_tokens = KLOG_BURST;
static uint64_t klog_last;		/* the tick the bucket was last filled up to */
static uint64_t klog_suppressed;

/* One line more for every second of ticks since the last fill, up to the burst. */
static void klog_refill(void)
{
	uint64_t earned = (timer_ticks() - klog_last) / TIMER_HZ;

	if (!earned)
		return;
	klog_last += earned * TIMER_HZ;
	klog_tokens = klog_tokens + earned > KLOG_BURST ? KLOG_BURST : klog_tokens + earned;
}

void klog_flush(void)
{
	if (!klog_suppressed)
		return;
	kprintf("kage: %lu messages suppressed\n", (unsigned long)klog_suppressed);
	klog_suppressed = 0;
}

int klog(const char *fmt, ...)
{
	va_list ap;
	int n;

	klog_refill();
	if (!klog_tokens) {
		klog_suppressed++;
		return 0;
	}
	klog_tokens--;
	klog_flush();
	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n > 0;
}
