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
/* Free frames of the fake RAM now (what leak checks compare). */
uint64_t physmem_free_frames(void);
/*
 * The stand-in for the kernel's pt_flush_walks: how often it was called
 * since physmem_init, and the root of the last call.
 */
extern const uint64_t *physmem_flushed_root;
extern unsigned physmem_flushes;
/* cmocka setup and teardown: 64 frames of fake RAM for each test. */
int physmem_setup64(void **state);
int physmem_teardown(void **state);

#endif
