/*
 * The signal calls: rt_sigaction (the process's actions), rt_sigprocmask,
 * rt_sigpending, rt_sigsuspend and sigaltstack (the calling thread's mask
 * and stack), and rt_sigreturn, which reads back the frame signal.c put
 * on the stack. Each takes the forwarded call's arguments a[] and returns
 * what lands in a0.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/proc/proc.h"

#define SIG_UNBLOCKABLE (SIG_BIT(SIGKILL) | SIG_BIT(SIGSTOP))
#define SIG_SETSIZE 8		/* the kernel's sigset_t: the only size rt_sig* calls accept */

void sig_interrupt_held(struct thread *t)
{
	proc_answer(&t->wait.token, -KAGE_ERESTART);
	proc_answer(&t->suspend_token, -EINTR);
	if (t->sleep.token)
		sleep_interrupt(t);
	if (t->futex.token)
		futex_cancel(t, -KAGE_ERESTART);
}

/* An action that ignores sig discards it wherever it is pending, as POSIX says. */
static void sig_discard_if_ignored(struct process *p, int sig)
{
	if (!sig_ignored(p, sig))
		return;
	p->sig.shared &= ~SIG_BIT(sig);
	for (struct thread *t = p->threads; t; t = t->next)
		t->sig.own &= ~SIG_BIT(sig);
}

long sig_action_call(struct thread *t, const uint64_t *a)
{
	struct process *p = t->proc;
	struct linux_sigaction act;
	int sig = (int)a[0];

	if (a[3] != SIG_SETSIZE || sig <= 0 || sig > _NSIG || (a[1] && (SIG_UNBLOCKABLE & SIG_BIT(sig))))
		return -EINVAL;
	if (a[1] && native_space_read(p->space, a[1], &act, sizeof(act)) < 0)
		return -EFAULT;
	if (a[2] && native_space_write_user(p->space, a[2], sig_action(p, sig), sizeof(act)) < 0)
		return -EFAULT;
	if (!a[1])
		return 0;
	act.sa_mask &= ~SIG_UNBLOCKABLE;
	sig_action_set(p, sig, &act);
	sig_discard_if_ignored(p, sig);
	return 0;
}

long sig_procmask_call(struct thread *t, const uint64_t *a)
{
	uint64_t set, old = t->sig.blocked;

	if (a[3] != SIG_SETSIZE)
		return -EINVAL;
	if (a[1] && native_space_read(t->proc->space, a[1], &set, sizeof(set)) < 0)
		return -EFAULT;
	if (a[1]) {
		if (a[0] == SIG_BLOCK)
			t->sig.blocked |= set;
		else if (a[0] == SIG_UNBLOCK)
			t->sig.blocked &= ~set;
		else if (a[0] == SIG_SETMASK)
			t->sig.blocked = set;
		else
			return -EINVAL;
		t->sig.blocked &= ~SIG_UNBLOCKABLE;
	}
	if (a[2] && native_space_write_user(t->proc->space, a[2], &old, sizeof(old)) < 0) {
		t->sig.blocked = old;
		return -EFAULT;
	}
	return 0;
}

long sig_pending_call(struct thread *t, const uint64_t *a)
{
	uint64_t set = sig_pending_of(t) & t->sig.blocked;

	if (a[1] != SIG_SETSIZE)
		return -EINVAL;
	return native_space_write_user(t->proc->space, a[0], &set, sizeof(set));
}

enum proc_reply sig_suspend_call(struct thread *t, const struct kage_msg *m, long *result)
{
	uint64_t set;

	if (m->w[2] != SIG_SETSIZE) {
		*result = -EINVAL;
		return PROC_REPLY;
	}
	if (native_space_read(t->proc->space, m->w[1], &set, sizeof(set)) < 0) {
		*result = -EFAULT;
		return PROC_REPLY;
	}
	t->sig.saved = t->sig.blocked;
	t->sig.restore_saved = 1;
	t->sig.blocked = set & ~SIG_UNBLOCKABLE;
	*result = -EINTR;
	if (sig_pending_of(t) & ~t->sig.blocked)
		return PROC_REPLY;	/* a handler runs before it returns */
	t->suspend_token = m->token;
	return PROC_NO_REPLY;
}

/* rt_sigreturn: the registers and mask the frame at sp saved; a0 is what the reply writes. */
long sig_return_call(struct thread *t)
{
	static struct linux_rt_sigframe f;	/* too big for the server's stack */
	struct kage_fpregs fp = { 0 };
	struct kage_regs r;
	uint64_t sp;

	if (native_task_regs(t->task, KAGE_REGS_GET, &r) < 0)
		return -EFAULT;
	sp = r.x[KAGE_REG_SP];
	if (native_space_read(t->proc->space, sp, &f, sizeof(f)) < 0) {
		native_note("kage: pid %d killed by SIGSEGV: rt_sigreturn without a frame at 0x%lx\n", t->proc->pid,
			   (unsigned long)sp);
		proc_end(t->proc, SIGSEGV);
		return 0;
	}
	memcpy(r.x, f.gregs, sizeof(r.x));
	memcpy(fp.f, f.fpregs, sizeof(fp.f));
	fp.fcsr = f.fcsr;
	native_task_regs(t->task, KAGE_REGS_SET, &r);
	native_task_fpregs(t->task, KAGE_REGS_FP_SET, &fp);
	t->sig.blocked = f.uc_sigmask & ~SIG_UNBLOCKABLE;
	return (long)r.x[KAGE_REG_A0];
}

/* The thread's alternate stack as sigaltstack reports it, seen from sp. */
static struct linux_stack sig_altstack_now(const struct thread *t, uint64_t sp)
{
	struct linux_stack old = { .ss_sp = t->sig.ss_sp, .ss_size = t->sig.ss_size };

	if (!t->sig.ss_size)
		old.ss_flags = SS_DISABLE;
	else if (sig_on_altstack(t, sp))
		old.ss_flags = SS_ONSTACK;
	return old;
}

/* A new alternate stack: 0, or the errno Linux gives (-EPERM while on it). */
static long sig_altstack_set(struct thread *t, const struct linux_stack *ss, int on)
{
	if (on)
		return -EPERM;
	if (ss->ss_flags & ~(SS_DISABLE | SS_ONSTACK | (int32_t)SS_AUTODISARM))
		return -EINVAL;
	if (ss->ss_flags & SS_DISABLE) {
		t->sig.ss_sp = t->sig.ss_size = 0;
		return 0;
	}
	if (ss->ss_size < MINSIGSTKSZ)
		return -ENOMEM;
	t->sig.ss_sp = ss->ss_sp;
	t->sig.ss_size = ss->ss_size;
	return 0;
}

long sig_altstack_call(struct thread *t, const uint64_t *a)
{
	struct linux_stack ss, old;
	struct kage_regs r;
	long err;

	if (native_task_regs(t->task, KAGE_REGS_GET, &r) < 0)
		return -EFAULT;
	old = sig_altstack_now(t, r.x[KAGE_REG_SP]);
	if (a[0]) {
		if (native_space_read(t->proc->space, a[0], &ss, sizeof(ss)) < 0)
			return -EFAULT;
		err = sig_altstack_set(t, &ss, old.ss_flags == SS_ONSTACK);
		if (err < 0)
			return err;
	}
	if (a[1] && native_space_write_user(t->proc->space, a[1], &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}
