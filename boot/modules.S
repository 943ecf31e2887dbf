/*
 * Boot modules: ELF files embedded in the Image, described by a table the
 * kernel reads (kernel/module.h). Which files go in is decided at build
 * time: KAGE_MODULE0 names module 0, the root task; KAGE_MODULE1 and
 * KAGE_MODULE2 the next ones, named by KAGE_MODULE1_NAME and
 * KAGE_MODULE2_NAME (the system Image: the file and console servers,
 * which the process server starts). An Image built without any has an
 * empty table and boots to the kernel monitor. Each file starts on a page
 * so that the root task can map it.
 */
#define MODULE_ENTRY(n)			\
	.dword	module##n##_start;	\
	.dword	module##n##_end - module##n##_start; \
	.dword	module##n##_name

#define MODULE_FILE(n, file, name)	\
	.section .rodata;		\
module##n##_name:			\
	.asciz	name;			\
	.balign 4096;			\
module##n##_start:			\
	.incbin	file;			\
module##n##_end:

	.section .rodata
	.balign 8
	.globl kage_modules, kage_nmodules
kage_modules:
#ifdef KAGE_MODULE0
	MODULE_ENTRY(0)
#endif
#ifdef KAGE_MODULE1
	MODULE_ENTRY(1)
#endif
#ifdef KAGE_MODULE2
	MODULE_ENTRY(2)
#endif
kage_nmodules:
#if defined(KAGE_MODULE2)
	.word	3
#elif defined(KAGE_MODULE1)
	.word	2
#elif defined(KAGE_MODULE0)
	.word	1
#else
	.word	0
#endif

#ifdef KAGE_MODULE0
	MODULE_FILE(0, KAGE_MODULE0, "root")
#endif
#ifdef KAGE_MODULE1
	MODULE_FILE(1, KAGE_MODULE1, KAGE_MODULE1_NAME)
#endif
#ifdef KAGE_MODULE2
	MODULE_FILE(2, KAGE_MODULE2, KAGE_MODULE2_NAME)
#endif
