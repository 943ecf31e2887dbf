/*
 * Fake physical memory for host tests of kernel code that reaches frames
 * through the direct map: an aligned arena standing at PHYSMEM_BASE, whose
 * frames are handed to the real frame allocator.
 */
#ifndef KAGE_TESTS_UNIT_SUPPORT_PHYSMEM_H
#define KAGE_TESTS_UNIT_SUPPORT_PHYSMEM_H

#include <stdint.h>

#define PHYSMEM_BASE 0x80000000ull

/* Resets the frame allocator to `frames` free frames of fresh arena. */
void physmem_init(unsigned frames);
void physmem_free(void);

#endif
