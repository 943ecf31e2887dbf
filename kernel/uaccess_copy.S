/*
 * uaccess_copy (kernel/uaccess.h): memcpy with sstatus.SUM set, and a
 * way out when it faults. On entry the callee-saved registers and the
 * address of the resume slot are saved in a frame here, and the slot
 * gets that frame's sp. A fault makes uaccess_fault point the trap frame
 * at uaccess_resume with that sp, so the registers memcpy had changed
 * come back from the frame, as on a normal return.
 */

#define UA_FRAME 112	/* ra, s0..s11, the slot's address: 14 words, rounded to 16 bytes */
#define UA_SLOT 104
#define UA_SUM (1 << 18)	/* sstatus.SUM (SSTATUS_SUM, checked in uaccess.c) */
#define UA_EFAULT 14	/* EFAULT (lib/errno.h, checked in uaccess.c) */

	.text
	.globl uaccess_copy
uaccess_copy:
	addi	sp, sp, -UA_FRAME
	sd	ra, 0(sp)
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11
	sd	s\n, (8 + \n * 8)(sp)
	.endr
	sd	a0, UA_SLOT(sp)
	sd	sp, 0(a0)
	li	t0, UA_SUM
	csrs	sstatus, t0
	mv	a0, a1
	mv	a1, a2
	mv	a2, a3
	call	memcpy
	li	a0, 0
uaccess_out:
	li	t0, UA_SUM
	csrc	sstatus, t0
	ld	t0, UA_SLOT(sp)
	sd	zero, 0(t0)
	ld	ra, 0(sp)
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11
	ld	s\n, (8 + \n * 8)(sp)
	.endr
	addi	sp, sp, UA_FRAME
	ret

/* Reached from a fault (uaccess_fault), with sp the frame above. */
	.globl uaccess_resume
uaccess_resume:
	li	a0, -UA_EFAULT
	j	uaccess_out
