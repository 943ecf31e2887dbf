/*
 * Trap vector (stvec, direct mode).
 *
 * sscratch tells where a trap came from: 0 while the kernel runs, the top
 * of the running task's kernel stack while it runs in user mode. A trap
 * from the kernel builds its frame on the current stack. A trap from user
 * mode saves the task's registers in the frame at the top of the task's
 * kernel stack (the task's saved user state, task->tf), takes the hart's
 * struct hart for tp from the word after the frame (trap_return_user
 * leaves it there; a user's tp is in the frame) and runs trap_user on the
 * hart's own stack, so that once the registers are saved the task is no
 * longer on this hart in any way (kernel/sched.h, sched_off_cpu).
 *
 * An ecall tries the IPC fast path first (kernel/ipc.c: ipc_call,
 * reply_recv, reply_copy_recv, and in MODE=micro a Linux call), which returns the frame
 * of the task to run next, or NULL for syscall_trap to take the call;
 * the native calls numbered below ipc_call skip the tests. An ecall's
 * frame keeps the stval of the task's last other trap: only a fault's
 * is ever read.
 *
 * A native call may change t0-t6 (lib/kage_abi.h), so its entry leaves
 * those seven out of the frame: the slots keep the task's own values
 * from an earlier trap, which is what it gets back. Every other trap (a
 * Linux call, whose ABI keeps every register, a fault, an interrupt)
 * saves all 31.
 */
#include "kernel/riscv.h"
#include "kernel/hart.h"
#include "kernel/trap.h"
#include "lib/kage_abi.h"

#define TF_SIZE TRAPFRAME_SIZE
#define TF_SEPC (31 * 8)
#define TF_SSTATUS (32 * 8)
#define TF_SCAUSE (33 * 8)
#define TF_STVAL (34 * 8)
#define TF_HART (35 * 8)	/* the padding word after the 35 slots: the hart the task runs on */

/*
 * Saves the registers a native call keeps or takes (ra, gp, tp, s0-s11,
 * a0-a7) into the frame at sp; save_temps saves the rest but sp, which
 * the caller handles.
 */
.macro save_kept
	sd	x1, 0*8(sp)
	sd	x3, 2*8(sp)
	sd	x4, 3*8(sp)
	.irp	n, 8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27
	sd	x\n, (\n-1)*8(sp)
	.endr
.endm

/* t0-t6 into the frame at \frame. */
.macro save_temps frame
	.irp	n, 5,6,7,28,29,30,31
	sd	x\n, (\n-1)*8(\frame)
	.endr
.endm

.macro save_gprs
	save_kept
	save_temps sp
.endm

/* Leaves scause in t0. */
.macro save_csrs
	csrr	t0, sepc
	sd	t0, TF_SEPC(sp)
	csrr	t0, sstatus
	sd	t0, TF_SSTATUS(sp)
	csrr	t0, stval
	sd	t0, TF_STVAL(sp)
	csrr	t0, scause
	sd	t0, TF_SCAUSE(sp)
.endm

.macro restore_gprs
	ld	x1, 0*8(sp)
	ld	x3, 2*8(sp)
	ld	x4, 3*8(sp)
	.irp	n, 5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	x\n, (\n-1)*8(sp)
	.endr
.endm

	.text
	.balign 4
	.globl trap_vector
trap_vector:
	csrrw	sp, sscratch, sp
	bnez	sp, trap_from_user
	csrrw	sp, sscratch, sp	/* from the kernel: sp back, sscratch 0 again */
	addi	sp, sp, -TF_SIZE
	save_gprs
	addi	t0, sp, TF_SIZE
	sd	t0, 1*8(sp)
	save_csrs

	/* A frame record on top, so backtraces walk through the trap. */
	mv	a0, sp
	ld	t0, TF_SEPC(sp)
	addi	sp, sp, -16
	sd	t0, 8(sp)
	sd	s0, 0(sp)
	addi	s0, sp, 16
	call	trap_kernel
	addi	sp, sp, 16

	ld	t0, TF_SEPC(sp)
	csrw	sepc, t0
	ld	t0, TF_SSTATUS(sp)
	csrw	sstatus, t0
	restore_gprs
	ld	sp, 1*8(sp)
	sret

trap_from_user:
	addi	sp, sp, -TF_SIZE
	save_kept
	ld	tp, TF_HART(sp)
	csrr	a0, sscratch		/* the user sp */
	sd	a0, 1*8(sp)
	csrw	sscratch, zero
	csrr	a0, sepc
	sd	a0, TF_SEPC(sp)
	csrr	a0, sstatus
	sd	a0, TF_SSTATUS(sp)
	csrr	a1, scause
	sd	a1, TF_SCAUSE(sp)
	mv	s1, sp			/* the frame, across the calls */
	ld	sp, HART_STACK(tp)
	li	a0, EXC_ECALL_U
	bne	a1, a0, 7f
	li	a0, KAGE_SYS_BASE	/* a7 is still the caller's: below the native calls, a Linux call */
	bltu	a7, a0, 5f
	addi	a0, a0, KAGE_SYS_IPC_REPLY_RECV - KAGE_SYS_BASE
	bne	a7, a0, 4f		/* a server's reply_recv first: every round trip has one */
	mv	a0, s1
	call	ipc_fast_reply_recv	/* kernel/ipc.c: the frame to return to, or NULL */
	bnez	a0, trap_return_fast
	j	2f
4:	addi	a0, a0, KAGE_SYS_IPC_CALL - KAGE_SYS_IPC_REPLY_RECV
	bltu	a7, a0, 2f		/* the native calls numbered below ipc_call: nothing to try */
	beq	a7, a0, 3f
	addi	a0, a0, KAGE_SYS_IPC_REPLY_COPY_RECV - KAGE_SYS_IPC_CALL
	bne	a7, a0, 2f
	mv	s0, zero		/* it calls functions: backtraces through it end here */
	mv	a0, s1
	call	ipc_fast_reply_copy_recv
	bnez	a0, trap_return_fast
	j	2f
3:	mv	a0, s1
	call	ipc_fast_call
	bnez	a0, trap_deliver_call
	j	2f
5:	save_temps s1
#ifdef KAGE_MODE_MICRO
	mv	a0, s1
	call	ipc_fast_syscall
	bnez	a0, trap_deliver_syscall
#endif
	/* MODE=mono: a Linux call's server is in the kernel, syscall_linux_trap calls it. */
	mv	s0, zero
	mv	a0, s1
	call	syscall_linux_trap	/* the general way for a Linux call (a0: the frame) */
	mv	sp, s1
	j	trap_resume
2:	mv	s0, zero		/* backtraces end at the user boundary */
	mv	a0, s1
	call	syscall_trap		/* the general way: a native call straight to its dispatch (a0: the frame) */
	/* syscall_trap, syscall_linux_trap and trap_user (below) return only to resume the same task, on this hart. */
	mv	sp, s1
	j	trap_resume
7:	save_temps s1
	csrr	t1, stval		/* only a fault's is read (an ecall's frame keeps the last one's) */
	sd	t1, TF_STVAL(s1)
	mv	s0, zero
	mv	a0, s1
	call	trap_user
	mv	sp, s1
	j	trap_resume

/* The frame at sp becomes the task's on this hart: its pc, status, and where its next trap lands. Uses t0. */
.macro resume_csrs
	ld	t0, TF_SEPC(sp)
	csrw	sepc, t0
	ld	t0, TF_SSTATUS(sp)
	csrw	sstatus, t0
	addi	t0, sp, TF_SIZE
	csrw	sscratch, t0		/* the next trap lands on this stack */
.endm

/*
 * From the frame at sp, every register a message does not fill (ra, gp,
 * tp, s0, s2-s11, and t3-t6 unless \temps is 0), then s1.
 */
.macro restore_unfilled temps
	ld	x1, 0*8(sp)
	ld	x3, 2*8(sp)
	ld	x4, 3*8(sp)
	.irp	n, 8,18,19,20,21,22,23,24,25,26,27
	ld	x\n, (\n-1)*8(sp)
	.endr
	.if \temps
	.irp	n, 28,29,30,31
	ld	x\n, (\n-1)*8(sp)
	.endr
	.endif
	ld	x9, (9-1)*8(sp)		/* last: until here s1 is the sender's frame */
.endm

/* void trap_return_user(struct trapframe *tf): enter user mode with tf. */
	.globl trap_return_user
trap_return_user:
	sd	tp, TF_HART(a0)		/* where the next trap finds this hart */
/*
 * The fast path's way to the task it hands to: the frame already names
 * this hart, since the fast path runs only where there is one
 * (kernel/ipc.c).
 */
trap_return_fast:
	mv	sp, a0
trap_resume:
	resume_csrs
	restore_gprs
	ld	sp, 1*8(sp)
	sret

/*
 * The fast path's hand-off of a message (ipc_fast_call, ipc_fast_syscall;
 * kernel/ipc.h has the layout): the receiver's frame (a0) holds the token
 * and badge, and the rest of its receive registers are loaded straight
 * from the sender's frame (s1). A copy through the receiver's frame would
 * be a load and a store more for each. Until its next trap the receiver's
 * frame keeps its old words there: nothing reads them, since it runs now.
 * Its frame already names this hart (trap_return_fast).
 */
/* The receiver's frame becomes the hart's, with its token, badge and the message's kind in a0-a2. */
.macro deliver_head kind
	mv	sp, a0
	resume_csrs
	ld	a0, (10-1)*8(sp)
	ld	a1, (11-1)*8(sp)
	li	a2, \kind
.endm

/* The rest of the receiver's registers (t3-t6 too unless \temps is 0), and into it. */
.macro deliver_tail temps
	restore_unfilled \temps
	ld	sp, 1*8(sp)
	sret
.endm

trap_deliver_call:
	deliver_head KAGE_MSG_CALL
	ld	a3, (11-1)*8(s1)	/* the sender's a1-a6: the call's six words */
	ld	a4, (12-1)*8(s1)
	ld	a5, (13-1)*8(s1)
	ld	a6, (14-1)*8(s1)
	ld	a7, (15-1)*8(s1)
	ld	t0, (16-1)*8(s1)
	li	t1, 0
	li	t2, 0
	deliver_tail 1

trap_deliver_syscall:
	deliver_head KAGE_MSG_SYSCALL
	ld	a3, (17-1)*8(s1)	/* the sender's a7: the Linux number */
	ld	a4, (10-1)*8(s1)	/* its a0-a5: the six arguments */
	ld	a5, (11-1)*8(s1)
	ld	a6, (12-1)*8(s1)
	ld	a7, (13-1)*8(s1)
	ld	t0, (14-1)*8(s1)
	ld	t1, (15-1)*8(s1)
	ld	t2, TF_SEPC(s1)
	addi	t2, t2, -4		/* the pc of its ecall: the fast path has moved it on */
	/*
	 * t3-t6 keep the caller's values: after a native call the server may
	 * find anything there (lib/kage_abi.h), and it is the caller's own
	 * server (its personality, or where that routes the call), which
	 * reaches the caller's memory through the call already. A message
	 * between any two tasks (trap_deliver_call) restores the receiver's own.
	 */
	deliver_tail 0

/* void trap_capture(struct trapframe *tf) */
	.globl trap_capture
trap_capture:
	sd	x1, 0*8(a0)
	sd	x2, 1*8(a0)
	sd	x3, 2*8(a0)
	sd	x4, 3*8(a0)
	.irp	n, 5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\n, (\n-1)*8(a0)
	.endr
	sd	ra, TF_SEPC(a0)
	csrr	t0, sstatus
	sd	t0, TF_SSTATUS(a0)
	sd	zero, TF_SCAUSE(a0)
	sd	zero, TF_STVAL(a0)
	ret

/* void sched_on_stack(uint64_t top, void (*fn)(void)): fn never returns. */
	.globl sched_on_stack
sched_on_stack:
	mv	sp, a0
	mv	s0, zero		/* backtraces end here */
	jr	a1

/*
 * MODE=mono's server stack: fn, with its arguments in place, on the stack
 * ending at top (empty), and back to this one. The old sp and ra are kept
 * in the new stack's top 16 bytes; fn's frame record links to the
 * caller's, whose s0 this leaves as it is.
 */
.macro call_on_stack top, fn
	addi	\top, \top, -16
	sd	sp, 0(\top)
	sd	ra, 8(\top)
	mv	sp, \top
	jalr	\fn
	ld	ra, 8(sp)
	ld	sp, 0(sp)
	ret
.endm

/* void kserver_on_stack(void (*fn)(void *), void *arg, uint64_t top): fn(arg) there. */
	.globl kserver_on_stack
kserver_on_stack:
	mv	t0, a0
	mv	a0, a1
	call_on_stack a2, t0

/*
 * long kserver_plain_on_stack(uint64_t badge, uint64_t nr, const uint64_t *a,
 *                             kserver_plain_handler fn, uint64_t top):
 * fn(badge, nr, a) there: a plain call's handler.
 */
	.globl kserver_plain_on_stack
kserver_plain_on_stack:
	call_on_stack a4, a3
