/*
 * The C half of kernel/uaccess.h: the fault hook trap_kernel asks. uaccess_copy.S has the copy itself.
 */
#include "kernel/memlayout.h"
#include "kernel/riscv.h"
#include "kernel/sched.h"
#include "kernel/task.h"
#include "kernel/trap.h"
#include "kernel/uaccess.h"
#include "lib/errno.h"

_Static_assert(SSTATUS_SUM == 1ul << 18 && EFAULT == 14, "uaccess_copy.S's numbers");

void uaccess_resume(void);
void uaccess_resume_short(void);

bool uaccess_fault(struct trapframe *tf)
{
	struct task *t = sched_current();

	/* Only a user address: a fault on the kernel's own side of the copy is a kernel bug. */
	if (!t || !t->uaccess_sp || tf->stval >= USER_TOP)
		return false;
	/* Bit 0 of the resume point: uaccess_copy's own loop, which has no frame of its own (uaccess_copy.S). */
	if (t->uaccess_sp & 1) {
		tf->sepc = (uint64_t)uaccess_resume_short;
		return true;
	}
	tf->sp = t->uaccess_sp;
	tf->sepc = (uint64_t)uaccess_resume;
	return true;
}
