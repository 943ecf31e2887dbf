/*
 * The supervisor timer, programmed through SBI: a periodic tick of
 * TIMER_HZ that drives preemption and wakes the idle loop, and one-shot
 * timers that signal a notification when they expire (checked on each
 * tick, so their resolution is one tick).
 * Each notification carries at most one armed timer: arming it again
 * replaces the deadline and bits. Armed timers are kept in a balanced
 * tree ordered by deadline (their nodes live in the notifications), so
 * arming and cancelling are O(log n), a tick costs O(log n) plus the
 * timers it fires, and only memory bounds how many there are.
 * Ownership: an armed timer holds a reference on its notification.
 */
#ifndef KAGE_KERNEL_TIMER_H
#define KAGE_KERNEL_TIMER_H

#include <stdint.h>
#include "lib/kage_abi.h"

struct notif;

#define TIMER_HZ KAGE_TICK_HZ

/* The boot hart's timer, ticking from now on. */
void timer_init(uint64_t timebase_hz);
/* This hart's timer (timer_init's for the boot hart, a started hart's own). */
void timer_start_hart(void);
/* Called from the trap handler on every timer interrupt. */
void timer_tick(void);
uint64_t timer_ticks(void);
/* Signals `bits` on n after `delay_ns`, replacing n's armed timer if it has one. */
void timer_notify(struct notif *n, uint64_t delay_ns, uint64_t bits);
/* Disarms n's timer, if armed. */
void timer_cancel(struct notif *n);
/* Drops every pending timer (the system is ending: nobody can wait any more). */
void timer_cancel_all(void);
/* Nanoseconds since boot, from the time CSR. */
uint64_t timer_now_ns(void);

/* us microseconds in ticks of a timebase of hz; within 64 bits while us / 10^6 * hz is (timer_notify caps us so). */
static inline uint64_t timer_us_ticks(uint64_t us, uint64_t hz)
{
	return us / 1000000 * hz + us % 1000000 * hz / 1000000;
}

#endif
