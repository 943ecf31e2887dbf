/*
 * ELF64 RISC-V executables: the one reader used by the kernel (boot
 * modules) and by the process server (execve).
 *
 * elf_parse() checks a file completely before anyone maps a byte of it:
 * identification, machine, type, that the program headers and every
 * segment lie inside the file, p_filesz <= p_memsz, page congruence of
 * p_vaddr and p_offset, no arithmetic overflow, loadable segments in
 * ascending, non-overlapping order and inside user space, the entry point
 * inside an executable segment, and a NUL-terminated PT_INTERP. Whatever
 * it accepts can be loaded by copying; what it refuses comes back as
 * -ENOEXEC (not a RISC-V executable kage can run) or -ENOMEM (does not fit
 * in user space), with `why` naming the problem.
 */
#ifndef KAGE_LIB_ELF_H
#define KAGE_LIB_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_LOAD 16		/* PT_LOAD segments; glibc binaries have 2-4 */
#define ELF_MAX_PHNUM 128
#define ELF_PAGE 4096ull
#define ELF_MAX_ALIGN (1ull << 30)	/* a larger p_align would leave nothing for ASLR to move */

#define ET_EXEC 2
#define ET_DYN 3
#define EM_RISCV 243

#define PT_LOAD 1
#define PT_INTERP 3
#define PT_PHDR 6
#define PT_GNU_STACK 0x6474e551

#define PF_X 1u
#define PF_W 2u
#define PF_R 4u

struct elf_segment {
	uint64_t vaddr;		/* as in the file (ET_DYN: relative to the load bias) */
	uint64_t memsz;
	uint64_t offset;
	uint64_t filesz;
	uint32_t flags;		/* PF_R | PF_W | PF_X */
};

struct elf_image {
	uint16_t type;		/* ET_EXEC or ET_DYN */
	uint64_t entry;
	uint64_t phoff;		/* program headers, for AT_PHDR */
	uint16_t phnum;
	uint16_t phentsize;
	uint64_t phdr_vaddr;	/* where the program headers are mapped; 0 if not in a segment */
	struct elf_segment load[ELF_MAX_LOAD];
	unsigned nload;
	uint64_t lo, hi;	/* page-aligned span of all PT_LOAD segments */
	uint64_t align;		/* the largest PT_LOAD p_align, at least ELF_PAGE: an ET_DYN bias's multiple */
	const char *interp;	/* PT_INTERP path inside the file, NULL if static */
	bool exec_stack;	/* PT_GNU_STACK asked for PF_X */
	const char *why;	/* after a refusal: what was wrong */
	uint64_t head_needed;	/* after a refusal for a short head: the bytes of head that would do */
};

/*
 * Validates `file` (size bytes). `user_top` bounds every loadable address
 * (for ET_DYN: the span, which the loader places later). 0, -ENOEXEC or -ENOMEM.
 */
int elf_parse(const void *file, size_t size, uint64_t user_top, struct elf_image *img);
/* A segment's p_flags as KAGE_PROT_* bits (lib/kage_abi.h), which are the page-table bits too. */
unsigned elf_prot(uint32_t p_flags);
/*
 * The same for a file of `size` bytes of which only the first `avail` are
 * at `head`: the ELF header, the program headers and PT_INTERP must lie
 * there (else -ENOEXEC with img->head_needed past avail, so the caller
 * may read more and try again); segments are checked against size.
 * img->interp points into head.
 */
int elf_parse_head(const void *head, size_t avail, uint64_t size, uint64_t user_top, struct elf_image *img);

#endif
