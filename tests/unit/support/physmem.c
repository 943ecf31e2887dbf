#include <stdlib.h>
#include <string.h>
#include "kernel/frame.h"
#include "kernel/memlayout.h"
#include "kernel/pagetable.h"
#include "tests/unit/support/physmem.h"

static uint8_t *physmem_arena;
static uint64_t physmem_size;
static struct frame *physmem_desc;

void *phys_to_virt(uint64_t pa)
{
	if (pa < PHYSMEM_BASE || pa - PHYSMEM_BASE >= physmem_size)
		abort();	/* kernel code touched memory it does not own */
	return physmem_arena + (pa - PHYSMEM_BASE);
}

uint64_t virt_to_phys(const void *va)
{
	return PHYSMEM_BASE + (uint64_t)((const uint8_t *)va - physmem_arena);
}

void physmem_init(unsigned frames)
{
	uint64_t pa;

	physmem_free();
	physmem_flushed_root = NULL;
	physmem_flushes = 0;
	physmem_size = (uint64_t)frames * FRAME_SIZE;
	physmem_arena = aligned_alloc(FRAME_SIZE, physmem_size);
	memset(physmem_arena, 0xcc, physmem_size);	/* stale data: tables must be zeroed */
	physmem_desc = calloc(frames, sizeof(struct frame));
	frame_reset();
	if (frame_add_zone(PHYSMEM_BASE, physmem_size, physmem_desc) < 0)
		abort();
	for (pa = PHYSMEM_BASE; pa < PHYSMEM_BASE + physmem_size; pa += FRAME_SIZE)
		frame_unref(pa);
}

void physmem_free(void)
{
	free(physmem_arena);
	free(physmem_desc);
	physmem_arena = NULL;
	physmem_desc = NULL;
	physmem_size = 0;
	frame_reset();
}

uint64_t physmem_free_frames(void)
{
	struct frame_stats s;

	frame_get_stats(&s);
	return s.free;
}

int physmem_setup64(void **state)
{
	(void)state;
	physmem_init(64);
	return 0;
}

int physmem_teardown(void **state)
{
	(void)state;
	physmem_free();
	return 0;
}

const uint64_t *physmem_flushed_root;
unsigned physmem_flushes;

/*
 * The kernel's flush after pt_own copies a shared table (kernel/space_harts.c):
 * no TLB on the host, so it only records which tables it was for.
 */
void pt_flush_walks(const pte_t *root)
{
	physmem_flushed_root = root;
	physmem_flushes++;
}
