/*
 * Console lines the kernel prints because of what a program did (a task
 * killed by a fault, an interrupt nobody serves, a server's refused
 * call): rate limited, so that no program can flood the console or keep
 * the kernel busy printing. A token bucket: a burst of KLOG_BURST lines,
 * then one more per second of timer ticks; lines past that are counted,
 * and "kage: N messages suppressed" comes before the next line printed
 * (or at shutdown). Time is counted in ticks, never read from the host,
 * so a run is deterministic. Boot reports and panics use kprintf and
 * are never limited.
 * State: one bucket for the whole kernel (one hart, interrupts off).
 */
#ifndef KAGE_KERNEL_KLOG_H
#define KAGE_KERNEL_KLOG_H

#include <stdint.h>

#define KLOG_BURST 10

/* Prints like kprintf if the bucket has a line left; else counts it: whether it printed. */
int klog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Says how many lines were suppressed since the last one printed, if any (shutdown). */
void klog_flush(void);

#endif
