/*
 * The kernel's small-object allocator: endpoints, notifications, spaces
 * and other objects smaller than a frame share frames by size class.
 *
 * Ownership: each slab is one frame taken from the frame allocator, with
 * a header at its start; it goes back as soon as its last object is
 * freed, so the frame counts of sys_stats return to their baseline when
 * every object is gone. Objects above KALLOC_MAX take a frame each.
 * Invariant: a slab is on its class's partial list exactly when it has a
 * free slot; its `used` counts the slots handed out.
 */
#ifndef KAGE_KERNEL_KALLOC_H
#define KAGE_KERNEL_KALLOC_H

#include <stddef.h>
#include <stdint.h>

#define KALLOC_MIN 32
#define KALLOC_MAX 2048

/* Zeroed memory for an object of `size` bytes, or NULL. */
void *kzalloc(size_t size);
/* Frees what kzalloc(size) returned. */
void kfree(void *p, size_t size);
/* Bytes handed out and not freed (by size class; a frame above KALLOC_MAX), and the frames kalloc holds. */
void kalloc_usage(uint64_t *bytes, uint64_t *frames);

#endif
