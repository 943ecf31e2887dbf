/*
 * Server memory (MODE=mono): the kernel-half window in which the servers
 * linked into the kernel keep memory of their own, where a user-mode
 * server maps pages in its own space (the file server's file data).
 * The window takes the place of KAGE_HANDLE_SELF_SPACE for
 * native_space_map/unmap (kernel/kserver_native.c).
 *
 * Pages arrive on first touch, as in a space's zero-fill regions: a
 * kernel page fault inside a declared range is resolved here.
 * Ownership: the window owns its level-0 tables and one reference on
 * each page's frame; its level-1 tables are the kernel's, made at boot
 * (kmap_build), so a page mapped later is seen from every space without
 * touching any root table. A level-0 table goes when its last page
 * does. Everything goes back at shutdown (srvmem_release), so the frame
 * leak check holds in both modes.
 * Invariant: a kernel fault on a page never populated and with no free
 * frame cannot be resolved, and panics (kernel/trap.c); servers map
 * their memory with SPACE_POPULATE so that this never happens.
 */
#ifndef KAGE_KERNEL_SRVMEM_H
#define KAGE_KERNEL_SRVMEM_H

#include <stdint.h>
#include "kernel/riscv.h"
#include "lib/kage_abi.h"

#define SRVMEM_BASE 0xffffffe800000000ul
#define SRVMEM_SIZE (32ul << 30)	/* KAGE_SERVERS parts of KAGE_SERVER_WINDOW */

/* Makes the window's level-1 tables under the kernel root (boot, before any space copies it). */
void srvmem_prepare(pte_t *root);
/*
 * Declares [va, va + size) zero-fill memory with PTE_R/W bits `perm`, with
 * every page given its frame now when `perm` has SPACE_POPULATE (all or
 * nothing): 0, -EINVAL, -EEXIST, -ENOMEM.
 */
int srvmem_map(uint64_t va, uint64_t size, uint64_t perm);
/* Frees the pages of [va, va + size) and forgets the range: 0, -EINVAL, -ENOMEM. */
int srvmem_unmap(uint64_t va, uint64_t size);
/* A kernel fault at va needing `access`: 0 when a page now backs it, -ENOMEM, or -EFAULT outside the window's ranges. */
int srvmem_fault(uint64_t va, uint64_t access);
/* Every page and table back to the frame allocator (shutdown). */
void srvmem_release(void);
/* Frames the window holds in [va, end) (whole GiB): pages and their level-0 tables (sys_stats). */
uint64_t srvmem_pages(uint64_t va, uint64_t end);
/* The whole window's pages, tables and ranges, as space_stat reports a space's. */
void srvmem_stat(struct kage_space_stat *st);

#endif
