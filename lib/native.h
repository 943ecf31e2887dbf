/*
 * Native calls from user programs (the servers and kernel tests): thin
 * ecall wrappers over lib/kage_abi.h. Results are >= 0 or a negative errno.
 */
#ifndef KAGE_LIB_NATIVE_H
#define KAGE_LIB_NATIVE_H

#include <stdint.h>
#include "lib/kage_abi.h"

static inline long native_call4(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t r_a0 __asm__("a0") = a0;
	register uint64_t r_a1 __asm__("a1") = a1;
	register uint64_t r_a2 __asm__("a2") = a2;
	register uint64_t r_a3 __asm__("a3") = a3;
	register uint64_t r_a7 __asm__("a7") = nr;

	__asm__ volatile("ecall" : "+r"(r_a0) : "r"(r_a1), "r"(r_a2), "r"(r_a3), "r"(r_a7) : "memory");
	return (long)r_a0;
}

static inline long native_call(uint64_t nr, uint64_t a0, uint64_t a1)
{
	return native_call4(nr, a0, a1, 0, 0);
}

static inline long native_handle_close(long h)
{
	return native_call(KAGE_SYS_HANDLE_CLOSE, (uint64_t)h, 0);
}

static inline long native_space_clone(long space)
{
	return native_call(KAGE_SYS_SPACE_CLONE, (uint64_t)space, 0);
}

static inline long native_space_read(long space, uint64_t va, void *buf, uint64_t len)
{
	return native_call4(KAGE_SYS_SPACE_READ, (uint64_t)space, va, (uint64_t)buf, len);
}

static inline long native_space_write(long space, uint64_t va, const void *buf, uint64_t len)
{
	return native_call4(KAGE_SYS_SPACE_WRITE, (uint64_t)space, va, (uint64_t)buf, len);
}

static inline void native_putc(char c)
{
	native_call(KAGE_SYS_DEBUG_PUTC, (unsigned char)c, 0);
}

static inline long native_stats(struct kage_stats *st)
{
	return native_call(KAGE_SYS_STATS, (uint64_t)st, 0);
}

__attribute__((noreturn)) static inline void native_exit(long status)
{
	native_call(KAGE_SYS_TASK_EXIT, (uint64_t)status, 0);
	for (;;)
		;
}

static inline long native_space_map(long space, uint64_t va, uint64_t size, unsigned prot)
{
	return native_call4(KAGE_SYS_SPACE_MAP, (uint64_t)space, va, size, prot);
}

static inline long native_space_unmap(long space, uint64_t va, uint64_t size)
{
	return native_call4(KAGE_SYS_SPACE_UNMAP, (uint64_t)space, va, size, 0);
}

#endif
