/*
 * The kernel reaching the running task's own memory through the running
 * page table (sstatus.SUM), the way a monolithic kernel's copy_from_user
 * does, instead of walking the task's page table for every page.
 *
 * Why: a user-mode server's copy to or from its caller (caller_read,
 * caller_write) had both sides looked up page by page; the server's own
 * side is its running space, which the hardware translates for free.
 *
 * Invariants: the address range is checked to lie below USER_TOP before
 * any access (with SUM set the kernel's own memory is reachable too, so
 * that check is what keeps a server from reading the kernel). A page
 * fault on a user address inside uaccess_copy does not panic: trap_kernel
 * asks uaccess_fault, which resumes uaccess_copy at its error exit with
 * -EFAULT. The caller then does the copy the slow way (space_transfer),
 * which fills a page not yet touched, breaks copy-on-write, or gives the
 * real error. The resume point is the task's (task.uaccess_sp), nonzero
 * only while its copy runs, so nothing is shared between harts.
 */
#ifndef KAGE_KERNEL_UACCESS_H
#define KAGE_KERNEL_UACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel/memlayout.h"

struct trapframe;

/*
 * memcpy(dst, src, n) with user memory reachable; one of dst and src is
 * a user address of the running space, [addr, addr + n) below USER_TOP.
 * 0, or -EFAULT if a page fault stopped it part way (what was copied is
 * left). *resume is the running task's uaccess_sp.
 */
long uaccess_copy(uint64_t *resume, void *dst, const void *src, size_t n);

/* Whether [va, va + n) lies wholly in user addresses. */
static inline bool uaccess_range_ok(uint64_t va, size_t n)
{
	return va < USER_TOP && n <= USER_TOP - va;
}

/* A page fault in the kernel: if uaccess_copy took it, tf resumes at its error exit (true). */
bool uaccess_fault(struct trapframe *tf);

#endif
