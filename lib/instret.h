/*
 * The retired-instruction counter, readable from user mode (the kernel
 * sets scounteren). Under QEMU -icount shift=0 it counts guest
 * instructions exactly: the benchmarks' clock (tests/kernel/bench.c,
 * user/bench).
 */
#ifndef KAGE_LIB_INSTRET_H
#define KAGE_LIB_INSTRET_H

#include <stdint.h>

static inline uint64_t instret(void)
{
	uint64_t v;

	__asm__ volatile("rdinstret %0" : "=r"(v));
	return v;
}

#endif
