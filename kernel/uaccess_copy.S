/*
 * uaccess_copy (kernel/uaccess.h): a copy with sstatus.SUM set, and a
 * way out when it faults. Three ways:
 *
 * - A short copy (under UA_SHORT bytes, most of what system calls pass:
 *   a byte of a pipe, a timespec, a small struct) is a loop of words or
 *   of bytes.
 * - A longer one whose two ends are aligned alike (a page of a file or a
 *   pipe into a buffer) is a loop too: bytes up to a word boundary, eight
 *   words a turn, then words and bytes.
 *   Both loops touch only a1-a5 and t0-t6, so they save no register: the
 *   slot gets sp with bit 0 set, and a fault resumes at
 *   uaccess_resume_short, where a0 still holds the slot's address and ra
 *   the caller's return. (The long loop was memcpy's until the registers
 *   memcpy and this frame saved, twice for every page of micro's copies
 *   by token, were measured at ~45 instructions a copy.)
 * - A longer one whose source is misaligned against its destination
 *   calls memcpy, which builds each word from two. On entry the
 *   callee-saved registers and the slot's address are saved in a frame
 *   here, and the slot gets that frame's sp; a fault resumes at
 *   uaccess_resume with that sp, so the registers memcpy had changed
 *   come back from the frame, as on a normal return.
 */

#define UA_FRAME 112	/* ra, s0..s11, the slot's address: 14 words, rounded to 16 bytes */
#define UA_SLOT 104
#define UA_SHORT 64
#define UA_SUM (1 << 18)	/* sstatus.SUM (SSTATUS_SUM, checked in uaccess.c) */
#define UA_EFAULT 14	/* EFAULT (lib/errno.h, checked in uaccess.c) */

	.text
/* UA_SHORT bytes or more: this loop if both ends are aligned alike, else memcpy. */
uaccess_aligned:
	xor	t0, a1, a2
	andi	t0, t0, 7
	bnez	t0, uaccess_long
	ori	t0, sp, 1
	sd	t0, 0(a0)
	li	t0, UA_SUM
	csrs	sstatus, t0
1:	andi	t0, a1, 7		/* bytes up to a word boundary */
	beqz	t0, 2f
	lbu	t0, 0(a2)
	sb	t0, 0(a1)
	addi	a1, a1, 1
	addi	a2, a2, 1
	addi	a3, a3, -1
	j	1b
2:	andi	t2, a3, -64		/* what the turns of eight words move */
	beqz	t2, 4f
	add	t2, t2, a2		/* where they end in the source */
	andi	a3, a3, 63
3:	ld	t0, 0(a2)		/* eight words a turn */
	ld	t1, 8(a2)
	ld	t3, 16(a2)
	ld	t4, 24(a2)
	ld	t5, 32(a2)
	ld	t6, 40(a2)
	ld	a4, 48(a2)
	ld	a5, 56(a2)
	sd	t0, 0(a1)
	sd	t1, 8(a1)
	sd	t3, 16(a1)
	sd	t4, 24(a1)
	sd	t5, 32(a1)
	sd	t6, 40(a1)
	sd	a4, 48(a1)
	sd	a5, 56(a1)
	addi	a1, a1, 64
	addi	a2, a2, 64
	bne	a2, t2, 3b
4:	li	t2, 8
	bltu	a3, t2, 6f
5:	ld	t0, 0(a2)		/* words */
	sd	t0, 0(a1)
	addi	a1, a1, 8
	addi	a2, a2, 8
	addi	a3, a3, -8
	bgeu	a3, t2, 5b
6:	li	t1, 0
	beqz	a3, uaccess_short_out
7:	lbu	t0, 0(a2)		/* bytes */
	sb	t0, 0(a1)
	addi	a1, a1, 1
	addi	a2, a2, 1
	addi	a3, a3, -1
	bnez	a3, 7b
	j	uaccess_short_out

	.globl uaccess_copy
uaccess_copy:
	li	t0, UA_SHORT
	bgeu	a3, t0, uaccess_aligned
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

/* Reached from a fault in either loop of uaccess_copy's own (uaccess_fault): a0 is the slot's address. */
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
