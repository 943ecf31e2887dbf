/*
 * sys_stats from a Linux program: the one native call one may make (it
 * names no object), straight to the kernel as a native ecall rather than
 * a Linux call, so reading the counters sends no message and switches
 * nothing (user/compare, user/tests/call-path.c).
 */
#ifndef KAGE_LIB_KAGE_STATS_H
#define KAGE_LIB_KAGE_STATS_H

#include "lib/kage_abi.h"

/* Fills *st; sizeof(*st), or a negative errno (a kernel that knows a shorter struct answers less). */
static inline long kage_stats_read(struct kage_stats *st)
{
	register long a0 __asm__("a0") = (long)st;
	register long a1 __asm__("a1") = sizeof(*st);
	register long a7 __asm__("a7") = KAGE_SYS_STATS;

	__asm__ volatile("ecall"
			 : "+r"(a0)
			 : "r"(a1), "r"(a7)
			 : "t0", "t1", "t2", "t3", "t4", "t5", "t6", "memory");	/* a native call may change them */
	return a0;
}

#endif
