/*
 * Entry of a native program (the kernel test root task, the servers):
 * a0 = kernel command line, a1 = struct kage_bootinfo *, sp set.
 * native_main's result becomes the task's exit status.
 */
#include "lib/kage_abi.h"

	.text
	.globl _start
_start:
	mv	fp, zero
	call	native_main
	li	a7, KAGE_SYS_TASK_EXIT
	ecall
1:	j	1b
