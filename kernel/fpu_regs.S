/*
 * Saving and loading the FP registers (kernel/fpu.c). The kernel is built
 * without the D extension, so this file enables it for itself; the caller
 * turns sstatus.FS on around the calls.
 */
	.option arch, +d

/* void fpu_regs_save(struct fpu_state *s) */
	.globl fpu_regs_save
fpu_regs_save:
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fsd	f\n, (\n * 8)(a0)
	.endr
	frcsr	t0
	sd	t0, 256(a0)
	ret

/* void fpu_regs_load(const struct fpu_state *s) */
	.globl fpu_regs_load
fpu_regs_load:
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fld	f\n, (\n * 8)(a0)
	.endr
	ld	t0, 256(a0)
	fscsr	t0
	ret
