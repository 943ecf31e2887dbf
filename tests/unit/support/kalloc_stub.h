/*
 * Host stand-in for the kernel's kzalloc/kfree (kernel/kalloc.h) for
 * tests of code that allocates: calloc and free, a count of what is
 * live (leak checks), and a way to make allocations fail on purpose.
 */
#ifndef KAGE_TESTS_UNIT_SUPPORT_KALLOC_STUB_H
#define KAGE_TESTS_UNIT_SUPPORT_KALLOC_STUB_H

#include <stdint.h>

/* Allocations that may still succeed; negative: no limit (the default). */
extern long kalloc_stub_allowed;
/* Allocations made and not yet freed. */
extern long kalloc_stub_live;

#endif
