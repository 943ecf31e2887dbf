/*
 * Boot modules: ELF files embedded in the Image, described by a table the
 * kernel reads (kernel/module.h). Which files go in is decided at build
 * time: KAGE_MODULE0 names module 0, the root task; KAGE_MODULE1 and
 * KAGE_MODULE2 the next ones, named by KAGE_MODULE1_NAME and
 * KAGE_MODULE2_NAME (the system Image: the file and console servers,
 * which the process server starts). Each comes with KAGE_MODULEn_ROLE,
 * the KAGE_SERVER_* its task is (lib/kage_abi.h): the build knows what
 * each file is, so the kernel never guesses it from a name. An Image
 * built without any has an empty table and boots to the kernel monitor.
 * Each file starts on a page so that the root task can map it.
 */
#include "lib/kage_abi.h"

#define MODULE_ENTRY(n, role)		\
	.dword	module##n##_start;	\
	.dword	module##n##_end - module##n##_start; \
	.dword	module##n##_name;	\
	.dword	role

#define MODULE_FILE(n, file, name)	\
	.section .rodata;		\
module##n##_name:			\
	.asciz	name;			\
	.balign 4096;			\
module##n##_start:			\
	.incbin	file;			\
module##n##_end:

#if (defined(KAGE_MODULE0) && !defined(KAGE_MODULE0_ROLE)) || \
	(defined(KAGE_MODULE1) && !defined(KAGE_MODULE1_ROLE)) || \
	(defined(KAGE_MODULE2) && !defined(KAGE_MODULE2_ROLE))
#error "every boot module needs its KAGE_MODULEn_ROLE"
#endif
#if (defined(KAGE_MODULE0) && KAGE_MODULE0_ROLE >= KAGE_SERVERS) || \
	(defined(KAGE_MODULE1) && KAGE_MODULE1_ROLE >= KAGE_SERVERS) || \
	(defined(KAGE_MODULE2) && KAGE_MODULE2_ROLE >= KAGE_SERVERS)
#error "a KAGE_MODULEn_ROLE is not a KAGE_SERVER_*"
#endif

	.section .rodata
	.balign 8
	.globl kage_modules, kage_nmodules
kage_modules:
#ifdef KAGE_MODULE0
	MODULE_ENTRY(0, KAGE_MODULE0_ROLE)
#endif
#ifdef KAGE_MODULE1
	MODULE_ENTRY(1, KAGE_MODULE1_ROLE)
#endif
#ifdef KAGE_MODULE2
	MODULE_ENTRY(2, KAGE_MODULE2_ROLE)
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
