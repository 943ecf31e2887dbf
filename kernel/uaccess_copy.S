/*
 * uaccess_copy (kernel/uaccess.h): a copy with sstatus.SUM set, and a
 * way out when it faults. Two ways:
 *
 * - A short copy (under UA_SHORT bytes, most of what system calls pass:
 *   a byte of a pipe, a timespec, a small struct) is a loop here that
 *   touches only a0-a3, t0 and t1: the slot gets sp with bit 0 set, and a
 *   fault resumes at uaccess_resume_short, where a0 still holds the
 *   slot's address and ra the caller's return.
 * - A longer one calls memcpy. On entry the callee-saved registers and
 *   the slot's address are saved in a frame here, and the slot gets that
 *   frame's sp; a fault resumes at uaccess_resume with that sp, so the
 *   registers memcpy had changed come back from the frame, as on a
 *   normal return.
 */

#define UA_FRAME 112	/* ra, s0..s11, the slot's address: 14 words, rounded to 16 bytes */
#define UA_SLOT 104
#define UA_SHORT 64
#define UA_SUM (1 << 18)	/* sstatus.SUM (SSTATUS_SUM, checked in uaccess.c) */
#define UA_EFAULT 14	/* EFAULT (lib/errno.h, checked in uaccess.c) */

	.text
	.globl uaccess_copy
uaccess_copy:
	li	t0, UA_SHORT
	bgeu	a3, t0, uaccess_long
	ori	t0, sp, 1
	sd	t0, 0(a0)
	li	t0, UA_SUM
	csrs	sstatus, t0
	li	t1, 0
	beqz	a3, uaccess_short_out
	or	t0, a1, a2
	or	t0, t0, a3
	andi	t0, t0, 7
	bnez	t0, 2f
1:	ld	t0, 0(a2)		/* words: both ends and the length are multiples of 8 */
	sd	t0, 0(a1)
	addi	a1, a1, 8
	addi	a2, a2, 8
	addi	a3, a3, -8
	bnez	a3, 1b
	j	uaccess_short_out
2:	lbu	t0, 0(a2)		/* bytes */
	sb	t0, 0(a1)
	addi	a1, a1, 1
	addi	a2, a2, 1
	addi	a3, a3, -1
	bnez	a3, 2b
uaccess_short_out:
	li	t0, UA_SUM
	csrc	sstatus, t0
	sd	zero, 0(a0)
	mv	a0, t1
	ret

/* Reached from a fault in the short copy (uaccess_fault): a0 is the slot's address. */
	.globl uaccess_resume_short
uaccess_resume_short:
	li	t1, -UA_EFAULT
	j	uaccess_short_out

uaccess_long:
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

/* Reached from a fault in memcpy (uaccess_fault), with sp the frame above. */
	.globl uaccess_resume
uaccess_resume:
	li	a0, -UA_EFAULT
	j	uaccess_out
