/*
 * execve's parts (exec.c decides what to load and switches the process to
 * it; exec_load.c builds the new image; exec_layout.c places it). The
 * layout of a new image: segments below EXEC_SEGMENT_TOP (an ET_DYN
 * program at EXEC_DYN_BIAS), the heap after them, mappings growing down
 * from the top of the mmap area (below an ET_DYN interpreter, which goes
 * at its top), a stack region of RLIMIT_STACK's size below the stack
 * top, and the signal return page above it (signal.c). Without
 * randomisation the stack top is EXEC_STACK_TOP and the mmap area's top
 * EXEC_MMAP_TOP for the default 8 MiB stack; with it, each moves down by
 * a random number of pages, as on Linux (exec_layout.c).
 */
#ifndef KAGE_SERVERS_PROC_EXEC_H
#define KAGE_SERVERS_PROC_EXEC_H

#include "lib/elf.h"
#include "servers/proc/proc.h"

#define PAGE 4096ul
#define EXEC_STACK_TOP 0x3fff000000ul	/* a gap below the top of user space */
#define EXEC_STACK_GAP (1ul << 30)	/* between the stack region and the mmap area: the stack's random range */
#define EXEC_MMAP_TOP (EXEC_STACK_TOP - LINUX_STACK_DEFAULT - EXEC_STACK_GAP)
#define EXEC_STACK_MIN (256ul << 10)	/* the smallest stack region: room for the arguments */
#define EXEC_STACK_MAX (4ul << 30)	/* kage's largest (RLIMIT_STACK above it, or unlimited, gets this) */
#define EXEC_SEGMENT_TOP (1ul << 37)	/* ELF segments stay below the mmap area */
#define EXEC_DYN_BIAS 0x400000ul	/* where an ET_DYN program (static-pie or PIE) goes */

/* One ELF file being loaded: its pages, what elf_parse found in it, and the bias it loads at. */
struct exec_elf {
	const struct files_pages *file;
	struct elf_image img;
	uint64_t bias;
};

/* Where a new image's parts go. */
struct exec_layout {
	uint64_t stack_top;		/* the stack region ends here */
	uint64_t stack_size;		/* and is this big */
	uint64_t stack_pad;		/* the first bytes of the stack start this far below its top */
	uint64_t mmap_top;		/* mappings grow down from here */
	uint64_t dyn_bias;		/* where an ET_DYN program goes */
	uint64_t brk_pad;		/* the heap starts this far after the program's end */
};

/*
 * The NULL-terminated vector of strings at va in p's memory (execve's
 * argv or envp) into v[] (PROC_ARGS_MAX + 1 slots) and the pool from
 * *pool to end, which advances: 0, -EFAULT, or -E2BIG (exec_args.c).
 */
long exec_args(const struct process *p, uint64_t va, const char *v[], char **pool, char *end);

/* p's next image's layout: randomised unless "norandmaps" or p's ADDR_NO_RANDOMIZE says not. */
void exec_layout(const struct process *p, struct exec_layout *l);

/*
 * The whole new space: the program, its interpreter if it has one, the
 * stack with path, argv, envp and the auxiliary vector (*sp). Its handle,
 * or a negative errno (nothing left behind).
 */
long exec_build(const struct exec_elf *prog, const struct exec_elf *interp, const struct exec_layout *l,
		const char *path, const char *const argv[], const char *const envp[], uint64_t *sp);

#endif
