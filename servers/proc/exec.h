/*
 * execve's parts (exec.c decides what to load and switches the process to
 * it; exec_load.c builds the new image). The layout of a new image:
 * segments below EXEC_SEGMENT_TOP, mappings growing down from
 * EXEC_MMAP_TOP (below an ET_DYN interpreter, which goes at its top), an
 * 8 MiB stack region below EXEC_STACK_TOP, and the signal return page
 * above it (signal.c).
 */
#ifndef KAGE_SERVERS_PROC_EXEC_H
#define KAGE_SERVERS_PROC_EXEC_H

#include "lib/elf.h"
#include "servers/proc/proc.h"

#define PAGE 4096ul
#define EXEC_STACK_TOP 0x3fff000000ul	/* a gap below the top of user space */
#define EXEC_STACK_SIZE (8ul << 20)
#define EXEC_MMAP_TOP (EXEC_STACK_TOP - EXEC_STACK_SIZE - (1ul << 30))
#define EXEC_SEGMENT_TOP (1ul << 37)	/* ELF segments stay below the mmap area */
#define EXEC_DYN_BIAS 0x400000ul	/* where an ET_DYN program (static-pie or PIE) goes */
#define EXEC_INTERP_ALIGN (2ul << 20)	/* an ET_DYN interpreter's base, at the top of the mmap area */

/* One ELF file being loaded: its pages, what elf_parse found in it, and the bias it loads at. */
struct exec_elf {
	const struct files_pages *file;
	struct elf_image img;
	uint64_t bias;
};

/*
 * The whole new space: the program, its interpreter if it has one, the
 * stack with path, argv, envp and the auxiliary vector (*sp). Its handle,
 * or a negative errno (nothing left behind).
 */
long exec_build(const struct exec_elf *prog, const struct exec_elf *interp, const char *path,
		const char *const argv[], const char *const envp[], uint64_t *sp);

#endif
