/*
 * CPU time, sampled at the tick as Linux without precise accounting does:
 * each timer tick is charged to what it interrupted. A program's own code
 * is its user time; the kernel working for it, and in MODE=micro a server
 * serving its call (the program waits for that server's answer), are its
 * system time, so a program's system time is what its calls cost whichever
 * design answers them. A tick with no task running is idle.
 *
 * Ownership: the counts live in the tasks (kernel/task.h) and in this
 * module's totals; only the tick changes them, with interrupts off.
 */
#ifndef KAGE_KERNEL_CPUTIME_H
#define KAGE_KERNEL_CPUTIME_H

#include <stdbool.h>
#include <stdint.h>

struct task;

/* Charges one tick: t ran (NULL: idle), in user mode if `user`. */
void cputime_tick(struct task *t, bool user);
/* The system's ticks since boot: user, system, idle (kage_stats, /proc/stat). */
void cputime_totals(uint64_t *user, uint64_t *system, uint64_t *idle);

#endif
