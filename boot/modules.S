/*
 * Boot modules: ELF files embedded in the Image, described by a table the
 * kernel reads (kernel/module.h). Which files go in is decided at build
 * time: KAGE_MODULE0 names module 0, the root task. An Image built without
 * it has an empty table and boots to the kernel monitor. Each file starts
 * on a page so that the root task can map it.
 */
	.section .rodata
	.balign 8
	.globl kage_modules, kage_nmodules
kage_modules:
#ifdef KAGE_MODULE0
	.dword	module0_start
	.dword	module0_end - module0_start
	.dword	module0_name
#endif
kage_nmodules:
#ifdef KAGE_MODULE0
	.word	1
#else
	.word	0
#endif

#ifdef KAGE_MODULE0
module0_name:
	.asciz	"root"
	.balign 4096
module0_start:
	.incbin	KAGE_MODULE0
module0_end:
#endif
