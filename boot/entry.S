/*
 * First instructions of kage.
 *
 * Firmware (OpenSBI -kernel, U-Boot booti, vendor boot loaders) jumps here
 * in S-mode with paging off, a0 = hart id, a1 = physical address of the
 * device tree, at whatever 2 MiB-aligned address the Image was loaded.
 * Until paging is on, every address is computed PC-relative (lla), so the
 * code runs at its physical load address although it is linked at
 * KERNEL_IMAGE_BASE.
 */
#include "kernel/memlayout.h"
#include "kernel/riscv.h"
#include "kernel/hart.h"

	.section .head.text, "ax"
	.option push
	.option norvc
	.globl _start
_start:
	/* Linux RISC-V Image header (Documentation/riscv/boot-image-header.rst). */
	j	boot_entry		/* code0 */
	.word	0			/* code1 */
	.dword	0x200000		/* text_offset: load 2 MiB into DRAM */
	.dword	_kernel_size		/* image_size: including bss */
	.dword	0			/* flags: little-endian */
	.word	2			/* version 0.2 */
	.word	0			/* res1 */
	.dword	0			/* res2 */
	.ascii	"RISCV\0\0\0"		/* magic */
	.ascii	"RSC\x05"		/* magic2 */
	.word	0			/* res3 */
	.option pop

	.section .text.boot, "ax"
boot_entry:
	csrw	sie, zero
	csrw	sip, zero
	/* The kernel never uses the FPU; keep it off so a stray use traps. */
	li	t0, SSTATUS_FS | SSTATUS_SIE
	csrc	sstatus, t0

	/*
	 * Only one hart may run the boot path. Firmware with SBI HSM starts
	 * just one, but older loaders release every hart here: the first to
	 * swap the flag wins, the others park where they cannot disturb it.
	 */
	lla	t0, boot_claimed
	li	t1, 1
	amoswap.w.aq t1, t1, (t0)
	bnez	t1, boot_park

	mv	s0, a0			/* hart id */
	mv	s1, a1			/* device tree */
	lla	s2, _start		/* physical load address */

	lla	t0, _bss_start
	lla	t1, _bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, (t0)
	addi	t0, t0, 8
	j	1b
2:
	lla	sp, boot_stack_top
	mv	a0, s2
	call	boot_early_map		/* returns the satp value */
	sfence.vma
	csrw	satp, a0
	sfence.vma

	/* Paging is on and the kernel is mapped twice: move to the upper half. */
	li	t0, KERNEL_IMAGE_BASE
	sub	t0, t0, s2		/* virtual minus physical */
	lla	t1, 3f
	add	t1, t1, t0
	jr	t1
3:
	lla	sp, boot_stack_top	/* PC is virtual now, so is lla */
	mv	a0, s0
	mv	a1, s1
	mv	a2, s2
	mv	fp, zero		/* ends the backtrace chain (fp is s0) */
	call	kmain
	/* kmain does not return. */
boot_park:
	wfi
	j	boot_park

/*
 * Where SBI HSM starts every other hart (hart_start_others): paging off,
 * a0 = hart id, a1 = physical address of the hart's struct hart, whose
 * boot_satp holds the kernel's tables. Those tables do not map this
 * code at its physical address, so stvec points at the virtual
 * continuation first: turning paging on either runs on (if the address
 * happens to be mapped) or faults straight to it.
 */
	.globl	boot_secondary
	.balign	4
boot_secondary:
	csrw	sie, zero
	li	t0, SSTATUS_FS | SSTATUS_SIE
	csrc	sstatus, t0
	ld	t0, HART_BOOT_SATP(a1)
	ld	tp, HART_SELF(a1)
	ld	t1, boot_secondary_va
	csrw	stvec, t1
	sfence.vma
	csrw	satp, t0
	sfence.vma
	jr	t1

	.balign	8
boot_secondary_va:
	.dword	boot_secondary_virtual

	.text
	.balign	4
boot_secondary_virtual:
	sfence.vma
	ld	sp, HART_STACK(tp)
	mv	fp, zero
	call	hart_secondary_main
	/* hart_secondary_main does not return. */
	j	boot_park

	.section .bss
	.balign 16
	.globl boot_stack, boot_stack_top
boot_stack:
	.space	KERNEL_STACK_SIZE
boot_stack_top:

	.section .data
	.balign 4
boot_claimed:
	.word	0
