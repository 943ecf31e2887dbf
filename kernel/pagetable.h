/*
 * Sv39 page-table walking and editing, shared by the kernel's own map and
 * by user address spaces (kernel/space.c). Page-table pages are frames from the
 * frame allocator, reached through the direct map; a table page is owned
 * by the table above it.
 */
#ifndef KAGE_KERNEL_PAGETABLE_H
#define KAGE_KERNEL_PAGETABLE_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/riscv.h"

/* Allocates a zeroed page-table page: 0 and *pa, or -ENOMEM. */
int pt_alloc_table(uint64_t *pa);
/*
 * Maps [va, va + size) to [pa, pa + size) with PTE permission bits `perm`.
 * With `large`, uses 2 MiB and 1 GiB leaves where alignment allows.
 * Fails with -EEXIST if a page is already mapped, -ENOMEM, -EINVAL.
 */
int pt_map(pte_t *root, uint64_t va, uint64_t pa, uint64_t size, uint64_t perm, bool large);
/* Maps one 4 KiB page as pt_map does, adding the tables it had to make to *tables. */
int pt_map_page(pte_t *root, uint64_t va, uint64_t pa, uint64_t perm, uint64_t *tables);
/* The leaf entry mapping va and its page size, or NULL. */
pte_t *pt_lookup(pte_t *root, uint64_t va, uint64_t *page_size);
/*
 * The first leaf mapping an address in [va, end), with the address its
 * page starts at in *at, or NULL. Invalid entries are skipped a table
 * at a time, so a walk over a range costs what the tables in it hold,
 * never what the range spans: a few pages in 256 GiB are a few
 * thousand instructions. The range lies in one half of the address
 * space (Sv39 addresses between the halves alias others).
 */
pte_t *pt_next_leaf(pte_t *root, uint64_t va, uint64_t end, uint64_t *at);
/*
 * Frees the level-0 and level-1 tables covering [va, end) that map
 * nothing any more (after an unmap): how many went; if any did, the
 * caller must flush the TLB. Never call it on the kernel half.
 */
unsigned pt_prune(pte_t *root, uint64_t va, uint64_t end);
/* Ensures the level-1 table under root entry `index` exists (shared kernel tables). */
int pt_ensure_l1(pte_t *root, unsigned index);

#endif
