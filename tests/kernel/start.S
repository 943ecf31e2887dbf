/* Entry of the kernel test root task: a0 = kernel command line, sp set. */
	.text
	.globl _start
_start:
	mv	fp, zero
	call	root_main
	call	native_exit_status
1:	j	1b
