/*
 * The floating-point registers of user tasks (glibc's code uses them; the
 * kernel itself never does: it is built without F and D).
 *
 * A task starts with sstatus.FS = Off. Its first FP instruction traps as
 * illegal; the kernel then gives it a zeroed FP state and retries. From
 * then on a hart's registers hold the state of its `fpu_owner`, saved into
 * its task only when another FP-using task is about to run there and the
 * owner's FS says Dirty, so tasks that never touch FP (the servers) cost
 * nothing. With several harts a task may next run on another hart, so its
 * Dirty state is also saved at each trap from user mode (fpu_trap_save),
 * and a task's `fpu_hart` says whose registers still hold its state: a
 * hart loads a task's state unless it is the owner there and holds it.
 */
#ifndef KAGE_KERNEL_FPU_H
#define KAGE_KERNEL_FPU_H

#include <stdbool.h>
#include <stdint.h>

struct task;
struct hart;

/* f0-f31, then fcsr. */
struct fpu_state {
	uint64_t f[32];
	uint64_t fcsr;
};

/*
 * t's FP state into h's registers, which do not hold it (saving the
 * owner's first). sched_switch_to asks whether they do, inline, before
 * every switch to a task that used FP.
 */
void fpu_take(struct hart *h, struct task *t);
/* An illegal-instruction trap: true if it was t's first FP instruction (now enabled). */
bool fpu_first_use(struct task *t);
/* t's FP state, current in its task struct (before cloning it). */
void fpu_sync(struct task *t);
/* Gives t the FP state s (a signal return, say); FP is on for it from now on. */
void fpu_set(struct task *t, const struct fpu_state *s);
/* t is dying or replacing its image: it no longer owns the registers. */
void fpu_forget(struct task *t);
/* A trap of t from user mode on hart h (several harts): its Dirty state into its task struct. */
void fpu_trap_save(struct hart *h, struct task *t);

#endif
