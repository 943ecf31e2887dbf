#include "kernel/fpu.h"
#include "kernel/riscv.h"
#include "kernel/sched.h"
#include "kernel/task.h"
#include "lib/string.h"

void fpu_regs_save(struct fpu_state *s);
void fpu_regs_load(const struct fpu_state *s);

static struct task *fpu_owner;	/* whose state the registers hold; NULL: nobody's */

static void fpu_save_owner(void)
{
	if (!fpu_owner || (fpu_owner->tf->sstatus & SSTATUS_FS) != SSTATUS_FS_DIRTY)
		return;
	fpu_regs_save(&fpu_owner->fpu);
	fpu_owner->tf->sstatus = (fpu_owner->tf->sstatus & ~SSTATUS_FS) | SSTATUS_FS_CLEAN;
}

static void fpu_take(struct task *t)
{
	csr_set(sstatus, SSTATUS_FS_INITIAL);	/* lets the kernel reach the registers */
	fpu_save_owner();
	fpu_regs_load(&t->fpu);
	csr_clear_bits(sstatus, SSTATUS_FS);
	fpu_owner = t;
}

void fpu_switch_to(struct task *t)
{
	if (t->fpu_used && fpu_owner != t)
		fpu_take(t);
}

bool fpu_first_use(struct task *t)
{
	if ((t->tf->sstatus & SSTATUS_FS) != 0)
		return false;	/* FP was on: a genuinely illegal instruction */
	t->fpu_used = true;
	memset(&t->fpu, 0, sizeof(t->fpu));
	fpu_take(t);
	t->tf->sstatus |= SSTATUS_FS_CLEAN;
	return true;
}

void fpu_sync(struct task *t)
{
	if (t != fpu_owner)
		return;
	csr_set(sstatus, SSTATUS_FS_INITIAL);
	fpu_save_owner();
	csr_clear_bits(sstatus, SSTATUS_FS);
}

void fpu_forget(struct task *t)
{
	if (fpu_owner == t)
		fpu_owner = NULL;
	t->fpu_used = false;
}

void fpu_set(struct task *t, const struct fpu_state *s)
{
	if (fpu_owner == t)
		fpu_owner = NULL;	/* the registers hold what is being replaced */
	t->fpu = *s;
	t->fpu_used = true;
	t->tf->sstatus = (t->tf->sstatus & ~SSTATUS_FS) | SSTATUS_FS_CLEAN;
	if (t == sched_running)
		fpu_take(t);
}
