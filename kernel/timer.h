/*
 * The supervisor timer, programmed through SBI: a periodic tick of
 * TIMER_HZ that drives preemption (later) and wakes the idle loop.
 */
#ifndef KAGE_KERNEL_TIMER_H
#define KAGE_KERNEL_TIMER_H

#include <stdint.h>

#define TIMER_HZ 100

void timer_init(uint64_t timebase_hz);
/* Called from the trap handler on every timer interrupt. */
void timer_tick(void);
uint64_t timer_ticks(void);
/* Nanoseconds since boot, from the time CSR. */
uint64_t timer_now_ns(void);

#endif
