/*
 * Address-space layout randomisation, as Linux riscv64 does it, for each
 * execve:
 *  - the stack top moves down by a random number of pages under
 *    STACK_RND_MASK (0x3ffff pages: up to 1 GiB), and the first bytes of
 *    the stack by up to 8 KiB more (arch_align_stack);
 *  - the mmap area's top (mmap_base) moves down by mmap_rnd_bits (18,
 *    riscv64's default) of pages below the gap the stack may use, so the
 *    dynamic loader, which goes at its top, moves with it by whole pages
 *    (by its largest p_align, if larger: a coarser alignment would throw
 *    away random bits, as a 2 MiB one once left the loader nine);
 *  - an ET_DYN program's load address gets the same kind of random offset
 *    (arch_mmap_rnd) on its base (Linux's ELF_ET_DYN_BASE is two thirds
 *    of the address space; kage keeps its programs low, at
 *    EXEC_DYN_BIAS, below EXEC_SEGMENT_TOP);
 *  - the heap starts at a random page within 1 GiB after the program
 *    (arch_randomize_brk, as randomize_va_space 2 asks).
 * "norandmaps" on the kernel command line turns it off for everyone
 * (randomize_va_space 0), personality(ADDR_NO_RANDOMIZE) for a process
 * and the children it forks; the layout is then exactly the fixed one.
 */
#include "servers/proc/exec.h"
#include "servers/proc/limits.h"

#define LAYOUT_STACK_RND_MASK 0x3fffful		/* pages */
#define LAYOUT_MMAP_RND_BITS 18
#define LAYOUT_STACK_ALIGN_RND 8192ul		/* arch_align_stack's range, bytes */
#define LAYOUT_BRK_RND (1ul << 30)		/* randomize_page(brk, SZ_1G) */

/* RLIMIT_STACK's soft limit as the stack region's size, within kage's bounds. */
static uint64_t layout_stack_size(const struct process *p)
{
	uint64_t want = p->live->rlim[RLIMIT_STACK].rlim_cur;

	if (want < EXEC_STACK_MIN)
		return EXEC_STACK_MIN;
	return want > EXEC_STACK_MAX ? EXEC_STACK_MAX : (want + PAGE - 1) & ~(PAGE - 1);
}

void exec_layout(const struct process *p, struct exec_layout *l)
{
	uint64_t r[4] = { 0 };
	uint64_t mmap_rnd_mask = (1ul << LAYOUT_MMAP_RND_BITS) - 1;

	if (limits_randomize() && !(p->persona & ADDR_NO_RANDOMIZE))
		rng_bytes(r, sizeof(r));
	l->stack_size = layout_stack_size(p);
	l->stack_top = EXEC_STACK_TOP - (r[0] & LAYOUT_STACK_RND_MASK) * PAGE;
	l->stack_pad = (r[1] % LAYOUT_STACK_ALIGN_RND) & ~15ul;
	/* Below the lowest the stack region can reach, then the random pages. */
	l->mmap_top = EXEC_STACK_TOP - l->stack_size - EXEC_STACK_GAP - (r[2] & mmap_rnd_mask) * PAGE;
	l->dyn_bias = EXEC_DYN_BIAS + (r[3] & mmap_rnd_mask) * PAGE;
	l->brk_pad = (r[1] >> 32) % (LAYOUT_BRK_RND / PAGE) * PAGE;
}
