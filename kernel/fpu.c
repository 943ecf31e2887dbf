#include "kernel/fpu.h"
#include "kernel/hart.h"
#include "kernel/riscv.h"
#include "kernel/sched.h"
#include "kernel/task.h"
#include "lib/string.h"

void fpu_regs_save(struct fpu_state *s);
void fpu_regs_load(const struct fpu_state *s);

static bool fpu_dirty(const struct task *t)
{
	return (t->tf->sstatus & SSTATUS_FS) == SSTATUS_FS_DIRTY;
}

/* Saves t's state from this hart's registers, which hold it. */
static void fpu_save(struct task *t)
{
	fpu_regs_save(&t->fpu);
	t->tf->sstatus = (t->tf->sstatus & ~SSTATUS_FS) | SSTATUS_FS_CLEAN;
}

/* h's owner's state, if the registers hold it and it changed, into its task. */
static void fpu_save_owner(struct hart *h)
{
	struct task *o = h->fpu_owner;

	if (!o || o->fpu_hart != h || !fpu_dirty(o))
		return;
	fpu_save(o);
}

void fpu_take(struct hart *h, struct task *t)
{
	csr_set(sstatus, SSTATUS_FS_INITIAL);	/* lets the kernel reach the registers */
	fpu_save_owner(h);
	fpu_regs_load(&t->fpu);
	csr_clear_bits(sstatus, SSTATUS_FS);
	h->fpu_owner = t;
	t->fpu_hart = h;
}

bool fpu_first_use(struct task *t)
{
	if ((t->tf->sstatus & SSTATUS_FS) != 0)
		return false;	/* FP was on: a genuinely illegal instruction */
	t->fpu_used = true;
	memset(&t->fpu, 0, sizeof(t->fpu));
	fpu_take(hart_self(), t);
	t->tf->sstatus |= SSTATUS_FS_CLEAN;
	return true;
}

void fpu_sync(struct task *t)
{
	struct hart *h = hart_self();

	if (t != h->fpu_owner)
		return;	/* another hart's registers hold nothing newer: fpu_trap_save */
	csr_set(sstatus, SSTATUS_FS_INITIAL);
	fpu_save_owner(h);
	csr_clear_bits(sstatus, SSTATUS_FS);
}

void fpu_trap_save(struct hart *h, struct task *t)
{
	if (h->fpu_owner != t || t->fpu_hart != h || !fpu_dirty(t))
		return;
	csr_set(sstatus, SSTATUS_FS_INITIAL);
	fpu_save(t);
	csr_clear_bits(sstatus, SSTATUS_FS);
}

/* No hart's registers hold t's state any more. */
static void fpu_disown(struct task *t)
{
	if (t->fpu_hart && t->fpu_hart->fpu_owner == t)
		t->fpu_hart->fpu_owner = NULL;
	t->fpu_hart = NULL;
}

void fpu_forget(struct task *t)
{
	fpu_disown(t);
	t->fpu_used = false;
}

void fpu_set(struct task *t, const struct fpu_state *s)
{
	fpu_disown(t);	/* the registers hold what is being replaced */
	t->fpu = *s;
	t->fpu_used = true;
	t->tf->sstatus = (t->tf->sstatus & ~SSTATUS_FS) | SSTATUS_FS_CLEAN;
	if (t == sched_current())
		fpu_take(hart_self(), t);
}
