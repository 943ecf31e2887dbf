/*
 * The native call ABI, shared by the kernel and the programs that use it.
 *
 * A native call is an ecall with a7 = KAGE_SYS(n). The numbers start far
 * above every Linux system call number (Linux riscv64 stays below 1024),
 * so any other a7 is a Linux call to forward. Arguments in a0-a5; the
 * result comes back in a0: >= 0 on success, a negative errno
 * (lib/errno.h) on failure. Pointers are user addresses of the caller's
 * own space; a bad one gives -EFAULT.
 */
#ifndef KAGE_LIB_KAGE_ABI_H
#define KAGE_LIB_KAGE_ABI_H

#include <stdint.h>

#define KAGE_SYS_BASE 0x4b470000u	/* "KG" */
#define KAGE_SYS(n) (KAGE_SYS_BASE + (n))
#define KAGE_SYS_COUNT 64

#define KAGE_SYS_DEBUG_PUTC KAGE_SYS(0)	/* a0: byte to the kernel console */
#define KAGE_SYS_TASK_EXIT KAGE_SYS(1)	/* a0: status; ends the calling task */
#define KAGE_SYS_STATS KAGE_SYS(2)	/* a0: struct kage_stats * to fill */
#define KAGE_SYS_HANDLE_CLOSE KAGE_SYS(3)	/* a0: handle */
#define KAGE_SYS_SPACE_CLONE KAGE_SYS(4)	/* a0: space handle (read); result: handle of the copy */
#define KAGE_SYS_SPACE_READ KAGE_SYS(5)	/* a0: space (read), a1: its address, a2: my buffer, a3: length */
#define KAGE_SYS_SPACE_WRITE KAGE_SYS(6)	/* a0: space (write), a1: its address, a2: my buffer, a3: length */
#define KAGE_SYS_SPACE_MAP KAGE_SYS(7)	/* a0: space (write), a1: address, a2: size, a3: KAGE_PROT_* */
#define KAGE_SYS_SPACE_UNMAP KAGE_SYS(8)	/* a0: space (write), a1: address, a2: size */
#define KAGE_SYS_NULL KAGE_SYS(9)	/* does nothing: the cost of a native call itself */

/* Permissions for space_map (the PTE bits, so the kernel needs no translation). */
#define KAGE_PROT_READ 0x2
#define KAGE_PROT_WRITE 0x4
#define KAGE_PROT_EXEC 0x8

/* Handles a root task starts with. */
#define KAGE_HANDLE_SELF_SPACE 0

/* Longest space_read/space_write in one call. */
#define KAGE_COPY_MAX (1u << 20)

struct kage_stats {
	uint64_t frames_free;
	uint64_t frames_used;
	uint64_t tasks;
	uint64_t spaces;
};

#endif
