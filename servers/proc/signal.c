/*
 * Signal delivery: generation into the pending set, the frame a handler
 * runs on, rt_sigreturn, and the calls that change actions and masks.
 * signal.h explains the mechanism; job.c sends signals and stops and
 * continues processes.
 *
 * Invariants: SIGKILL and SIGSTOP are never blocked, caught or ignored;
 * a signal whose action is to be ignored is never pending (it is dropped
 * when generated, and when a handler is set to SIG_IGN); a process's
 * task runs user code with -KAGE_ERESTART in a0 never: sig_alert turns it
 * into a restart of the call or into -EINTR.
 */
#include <stddef.h>
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/proc/proc.h"

#define SA_NOCLDSTOP 0x1
#define SA_SIGINFO 0x4
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000
#define SIG_DFL 0
#define SIG_IGN 1
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define MINSIGSTKSZ 2048
#define NR_RT_SIGRETURN 139
#define NR_PPOLL 73
#define NR_PSELECT6 72
#define NR_RT_SIGSUSPEND 133
#define NR_NANOSLEEP 101
#define NR_CLOCK_NANOSLEEP 115
#define SIG_TRAMP_VA 0x3fff800000ul	/* above the stack, below the top of user space */
#define SIG_UNBLOCKABLE (SIG_BIT(SIGKILL) | SIG_BIT(SIGSTOP))
#define SIG_STOPS (SIG_BIT(SIGSTOP) | SIG_BIT(SIGTSTP) | SIG_BIT(SIGTTIN) | SIG_BIT(SIGTTOU))

/* struct rt_sigframe of Linux riscv64: siginfo_t, then struct ucontext. */
struct sig_frame {
	int32_t info[32];
	uint64_t uc_flags, uc_link;
	uint64_t ss_sp;
	int32_t ss_flags, ss_pad;
	uint64_t ss_size;
	uint64_t mask;
	uint8_t mask_rest[120];		/* glibc's sigset_t is 1024 bits */
	uint64_t align;			/* uc_mcontext is 16-byte aligned */
	struct kage_regs regs;		/* uc_mcontext: pc, x1-x31 */
	uint64_t f[32];			/* the D extension's state */
	uint32_t fcsr;
	uint8_t fp_rest[268];		/* the union's Q-sized rest */
};
_Static_assert(offsetof(struct sig_frame, regs) == 128 + 176, "uc_mcontext where glibc has it");
_Static_assert(offsetof(struct sig_frame, f) == 128 + 432, "__fpregs where glibc has it");
_Static_assert(sizeof(struct sig_frame) == 128 + 960, "siginfo_t and ucontext_t");

static const uint64_t sig_default_ignore = SIG_BIT(SIGCHLD) | SIG_BIT(SIGCONT) | SIG_BIT(23) | SIG_BIT(28);

/* Whether the action for sig is to do nothing. */
static int sig_ignored(const struct proc *p, int sig)
{
	uint64_t h = p->group->sig.act[sig - 1].handler;

	return h == SIG_IGN || (h == SIG_DFL && (sig_default_ignore & SIG_BIT(sig)));
}

int sig_is_stop(int sig)
{
	return sig > 0 && sig <= SIG_MAX && (SIG_STOPS & SIG_BIT(sig));
}

/* The next signal to act on: SIGKILL and SIGSTOP first, then the lowest number. 0 if none. */
static int sig_next(const struct proc *p)
{
	uint64_t ready = p->sig.pending & ~p->sig.blocked;

	if (!ready)
		return 0;
	if (ready & SIG_UNBLOCKABLE)
		return ready & SIG_BIT(SIGKILL) ? SIGKILL : SIGSTOP;
	for (int sig = 1;; sig++)	/* no Zbb here: a loop instead of ctz */
		if (ready & SIG_BIT(sig))
			return sig;
}

void sig_check(struct proc *p)
{
	if (p->state == PROC_RUNNING && (p->sig.pending & ~p->sig.blocked))
		native_task_alert(p->task, 0);
}

/* Calls of p that the process server itself holds end now with -EINTR or a restart. */
static void sig_interrupt_held(struct proc *p)
{
	proc_answer(&p->wait_token, -KAGE_ERESTART);
	proc_answer(&p->suspend_token, -EINTR);
	if (p->sleep_token)
		sleep_interrupt(p);
	if (p->futex_token)
		futex_cancel(p, -KAGE_ERESTART);
}

/* A thread of the process led by p that takes a process-directed sig: one not blocking it if any. */
static struct proc *sig_thread_for(struct proc *p, int sig)
{
	struct proc *any = p->thread_exited ? NULL : p;

	if (any && !(p->sig.blocked & SIG_BIT(sig)))
		return p;
	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *t = &procs[i];

		if (t->state != PROC_RUNNING || t->group != p || t->thread_exited)
			continue;
		if (!(t->sig.blocked & SIG_BIT(sig)))
			return t;
		any = any ? any : t;
	}
	return any ? any : p;
}

void sig_post_process(struct proc *p, int sig, const struct sig_info *info)
{
	if (p->state == PROC_RUNNING && sig > 0 && sig <= SIG_MAX)
		sig_post(sig_thread_for(p->group, sig), sig, info);
}

void sig_post(struct proc *p, int sig, const struct sig_info *info)
{
	uint64_t bit = SIG_BIT(sig);

	if (p->state != PROC_RUNNING || sig <= 0 || sig > SIG_MAX)
		return;
	if (p->tgid == 1 && p->group->sig.act[sig - 1].handler == SIG_DFL)
		return;	/* as on Linux, init gets only the signals it handles */
	if (sig == SIGKILL) {
		proc_end(p, SIGKILL);
		return;
	}
	if (sig == SIGCONT) {
		job_continue(p);	/* whatever its action is */
		p->sig.pending &= ~SIG_STOPS;
	} else if (bit & SIG_STOPS) {
		p->sig.pending &= ~SIG_BIT(SIGCONT);
	}
	if (sig_ignored(p, sig))
		return;
	p->sig.pending |= bit;
	p->sig.info[sig - 1] = *info;
	if ((p->sig.blocked & bit) || p->stopped)
		return;	/* a stopped process acts on it when continued */
	if (p->group->sig.act[sig - 1].handler == SIG_DFL) {
		sig_default(p, sig);
		return;
	}
	sig_interrupt_held(p);
	native_task_alert(p->task, KAGE_ALERT_INTERRUPT);
}

void sig_default(struct proc *p, int sig)
{
	p->sig.pending &= ~SIG_BIT(sig);
	if (sig_is_stop(sig)) {
		job_stop(p, sig);
		return;
	}
	if (!(sig_default_ignore & SIG_BIT(sig)))
		proc_end(p, sig);
}

/* The return page: li a7, 139; ecall. Mapped at the first handler of each image. */
static long sig_trampoline(struct proc *p)
{
	const uint32_t code[2] = { 0x08b00893, 0x00000073 };
	long err;

	if (p->sig.tramp)
		return 0;
	err = native_space_map(p->space, SIG_TRAMP_VA, 4096, KAGE_PROT_READ | KAGE_PROT_WRITE);
	if (err == 0)
		err = native_space_write(p->space, SIG_TRAMP_VA, code, sizeof(code));
	if (err == 0)
		err = native_space_protect(p->space, SIG_TRAMP_VA, 4096, KAGE_PROT_READ | KAGE_PROT_EXEC);
	p->sig.tramp = err == 0;
	return err == -EEXIST ? 0 : err;
}

static int sig_on_altstack(const struct proc *p, uint64_t sp)
{
	return p->sig.ss_size && sp - p->sig.ss_sp <= p->sig.ss_size;
}

/* siginfo_t of a pending signal: signo, errno, code, then the union at 16. */
static void sig_fill_info(int32_t info[32], int sig, const struct sig_info *in)
{
	memset(info, 0, 128);
	info[0] = sig;
	info[2] = in->code;
	if (in->addr) {
		memcpy(&info[4], &in->addr, 8);	/* si_addr */
		return;
	}
	info[4] = in->pid;			/* si_pid; si_uid 0 */
	info[6] = in->status;			/* SIGCHLD's si_status */
}

/*
 * Puts the frame of handler `sig` on p's stack (r: the registers it
 * interrupted, fixed already) and points r at the handler: 0, or -EFAULT
 * when the stack cannot take it.
 */
static long sig_push_frame(struct proc *p, int sig, struct kage_regs *r, uint64_t old_mask)
{
	static struct sig_frame f;
	const struct sig_action *a = &p->group->sig.act[sig - 1];
	struct kage_fpregs fp;
	uint64_t sp = r->x[KAGE_REG_SP];
	long err;

	if ((a->flags & SA_ONSTACK) && p->sig.ss_size && !sig_on_altstack(p, sp))
		sp = p->sig.ss_sp + p->sig.ss_size;
	sp = (sp - sizeof(f)) & ~15ul;
	memset(&f, 0, sizeof(f));
	sig_fill_info(f.info, sig, &p->sig.info[sig - 1]);
	f.ss_sp = p->sig.ss_sp, f.ss_size = p->sig.ss_size;
	f.ss_flags = !p->sig.ss_size ? SS_DISABLE : sig_on_altstack(p, r->x[KAGE_REG_SP]) ? SS_ONSTACK : 0;
	f.mask = old_mask;
	f.regs = *r;
	if ((err = native_task_fpregs(p->task, KAGE_REGS_FP_GET, &fp)) < 0)
		return err;
	memcpy(f.f, fp.f, sizeof(f.f));
	f.fcsr = (uint32_t)fp.fcsr;
	if ((err = sig_trampoline(p)) < 0 || (err = native_space_write_user(p->space, sp, &f, sizeof(f))) < 0)
		return err;
	r->x[KAGE_REG_PC] = a->handler;
	r->x[KAGE_REG_RA] = SIG_TRAMP_VA;
	r->x[KAGE_REG_SP] = sp;
	r->x[KAGE_REG_A0] = (uint64_t)sig;
	r->x[KAGE_REG_A1] = sp;					/* &info */
	r->x[KAGE_REG_A2] = sp + offsetof(struct sig_frame, uc_flags);	/* &uc */
	return 0;
}

/* Calls Linux never restarts after a handler ran, whatever SA_RESTART says. */
static int sig_no_restart(uint64_t nr)
{
	return nr == NR_PPOLL || nr == NR_PSELECT6 || nr == NR_RT_SIGSUSPEND || nr == NR_NANOSLEEP ||
	       nr == NR_CLOCK_NANOSLEEP;
}

/*
 * Runs the handler of sig on p (whose task waits for an answer and whose
 * registers are r): the frame, then the mask while it runs. A stack that
 * cannot take the frame ends p with SIGSEGV, as on Linux.
 */
static void sig_run_handler(struct proc *p, int sig, struct kage_regs *r, uint64_t orig_a0)
{
	struct sig_action *a = &p->group->sig.act[sig - 1];
	uint64_t old_mask = p->sig.restore_saved ? p->sig.saved : p->sig.blocked;

	if (r->x[KAGE_REG_A0] == (uint64_t)-KAGE_ERESTART) {
		if ((a->flags & SA_RESTART) && !sig_no_restart(r->x[KAGE_REG_A7]))
			r->x[KAGE_REG_PC] -= 4, r->x[KAGE_REG_A0] = orig_a0;
		else
			r->x[KAGE_REG_A0] = (uint64_t)-EINTR;
	}
	p->sig.pending &= ~SIG_BIT(sig);
	p->sig.restore_saved = 0;
	if (sig_push_frame(p, sig, r, old_mask) < 0 || native_task_regs(p->task, KAGE_REGS_SET, r) < 0) {
		native_say("kage: pid %d killed by SIGSEGV: no room for the frame of signal %d\n", p->pid, sig);
		proc_end(p, SIGSEGV);
		return;
	}
	p->sig.blocked |= a->mask | (a->flags & SA_NODEFER ? 0 : SIG_BIT(sig));
	p->sig.blocked &= ~SIG_UNBLOCKABLE;
	if (a->flags & SA_RESETHAND)
		a->handler = SIG_DFL, a->flags &= ~(uint64_t)SA_SIGINFO;
}

/*
 * The task of p stopped for its ALERT (token): act on its pending
 * signals. Returns PROC_REPLY to let it run on, PROC_NO_REPLY when it
 * is gone or stopped (the token is kept then).
 */
enum proc_reply sig_alert(struct proc *p, uint64_t token, uint64_t orig_a0)
{
	struct kage_regs r;
	int sig;

	while ((sig = sig_next(p)) != 0 && p->group->sig.act[sig - 1].handler == SIG_DFL) {
		sig_default(p, sig);
		if (p->state != PROC_RUNNING)
			return PROC_NO_REPLY;
	}
	if (p->stopped) {
		p->stop_token = token, p->stop_a0 = orig_a0;
		return PROC_NO_REPLY;
	}
	if (native_task_regs(p->task, KAGE_REGS_GET, &r) < 0)
		return PROC_REPLY;
	if (sig) {
		sig_run_handler(p, sig, &r, orig_a0);
		return p->state == PROC_RUNNING ? PROC_REPLY : PROC_NO_REPLY;
	}
	if (p->sig.restore_saved)
		p->sig.blocked = p->sig.saved, p->sig.restore_saved = 0;
	if (r.x[KAGE_REG_A0] == (uint64_t)-KAGE_ERESTART) {
		r.x[KAGE_REG_PC] -= 4, r.x[KAGE_REG_A0] = orig_a0;	/* nothing to run: the call goes on */
		native_task_regs(p->task, KAGE_REGS_SET, &r);
	}
	return PROC_REPLY;
}

static const char *sig_name(int sig)
{
	switch (sig) {
	case SIGILL: return "SIGILL";
	case SIGTRAP: return "SIGTRAP";
	case SIGBUS: return "SIGBUS";
	default: return "SIGSEGV";
	}
}

/* The signal a fault the kernel could not resolve stands for (scause). */
static int sig_of_fault(uint64_t cause, int32_t *code)
{
	*code = 1;	/* SEGV_MAPERR, ILL_ILLOPC, BUS_ADRALN, TRAP_BRKPT */
	switch (cause) {
	case 2: return SIGILL;
	case 3: return SIGTRAP;
	case 0: case 4: case 6: return SIGBUS;
	default: return SIGSEGV;
	}
}

enum proc_reply sig_fault(struct proc *p, const struct kage_msg *m)
{
	struct sig_info info = { .addr = m->w[1] };
	struct kage_regs r;
	int sig = sig_of_fault(m->w[0], &info.code);
	uint64_t h = p->group->sig.act[sig - 1].handler;

	if (h == SIG_DFL || h == SIG_IGN || (p->sig.blocked & SIG_BIT(sig)) ||
	    native_task_regs(p->task, KAGE_REGS_GET, &r) < 0) {
		native_say("kage: pid %d killed by %s: cause %lu at pc=0x%lx addr=0x%lx\n", p->pid, sig_name(sig),
			   (unsigned long)m->w[0], (unsigned long)m->w[2], (unsigned long)m->w[1]);
		proc_end(p, sig);
		return PROC_NO_REPLY;
	}
	p->sig.info[sig - 1] = info;
	sig_run_handler(p, sig, &r, 0);
	return p->state == PROC_RUNNING ? PROC_REPLY : PROC_NO_REPLY;
}

void sig_fork(const struct proc *parent, struct proc *child)
{
	child->sig = parent->sig;
	child->sig.pending = 0;
	child->sig.restore_saved = 0;
}

void sig_exec(struct proc *p)
{
	for (int i = 0; i < SIG_MAX; i++)
		if (p->group->sig.act[i].handler != SIG_IGN)
			p->group->sig.act[i] = (struct sig_action){ 0 };
	p->sig.ss_sp = p->sig.ss_size = 0;
	p->sig.tramp = 0;
}

/* The calls. Each takes the forwarded call's arguments a[] and returns what lands in a0. */

long sig_action_call(struct proc *p, const uint64_t *a)
{
	struct sig_action act;
	int sig = (int)a[0];

	if (a[3] != 8 || sig <= 0 || sig > SIG_MAX || (a[1] && (SIG_UNBLOCKABLE & SIG_BIT(sig))))
		return -EINVAL;
	if (a[1] && native_space_read(p->space, a[1], &act, sizeof(act)) < 0)
		return -EFAULT;
	if (a[2] && native_space_write_user(p->space, a[2], &p->group->sig.act[sig - 1], sizeof(act)) < 0)
		return -EFAULT;
	if (!a[1])
		return 0;
	act.mask &= ~SIG_UNBLOCKABLE;
	p->group->sig.act[sig - 1] = act;
	if (sig_ignored(p, sig))
		p->sig.pending &= ~SIG_BIT(sig);	/* POSIX: setting SIG_IGN discards it */
	return 0;
}

long sig_procmask_call(struct proc *p, const uint64_t *a)
{
	uint64_t set, old = p->sig.blocked;

	if (a[3] != 8)
		return -EINVAL;
	if (a[1] && native_space_read(p->space, a[1], &set, sizeof(set)) < 0)
		return -EFAULT;
	if (a[1]) {
		if (a[0] == SIG_BLOCK)
			p->sig.blocked |= set;
		else if (a[0] == SIG_UNBLOCK)
			p->sig.blocked &= ~set;
		else if (a[0] == SIG_SETMASK)
			p->sig.blocked = set;
		else
			return -EINVAL;
		p->sig.blocked &= ~SIG_UNBLOCKABLE;
	}
	if (a[2] && native_space_write_user(p->space, a[2], &old, sizeof(old)) < 0) {
		p->sig.blocked = old;
		return -EFAULT;
	}
	return 0;
}

long sig_pending_call(struct proc *p, const uint64_t *a)
{
	uint64_t set = p->sig.pending & p->sig.blocked;

	if (a[1] != 8)
		return -EINVAL;
	return native_space_write_user(p->space, a[0], &set, sizeof(set));
}

enum proc_reply sig_suspend_call(struct proc *p, const struct kage_msg *m, long *result)
{
	uint64_t set;

	if (m->w[2] != 8 || native_space_read(p->space, m->w[1], &set, sizeof(set)) < 0) {
		*result = m->w[2] != 8 ? -EINVAL : -EFAULT;
		return PROC_REPLY;
	}
	p->sig.saved = p->sig.blocked;
	p->sig.restore_saved = 1;
	p->sig.blocked = set & ~SIG_UNBLOCKABLE;
	*result = -EINTR;
	if (p->sig.pending & ~p->sig.blocked)
		return PROC_REPLY;	/* a handler runs before it returns */
	p->suspend_token = m->token;
	return PROC_NO_REPLY;
}

/* rt_sigreturn: the registers and mask the frame at sp saved; a0 is what the reply writes. */
long sig_return_call(struct proc *p)
{
	static struct sig_frame f;
	struct kage_fpregs fp = { 0 };
	struct kage_regs r;
	uint64_t sp;

	if (native_task_regs(p->task, KAGE_REGS_GET, &r) < 0)
		return -EFAULT;
	sp = r.x[KAGE_REG_SP];
	if (native_space_read(p->space, sp, &f, sizeof(f)) < 0) {
		native_say("kage: pid %d killed by SIGSEGV: rt_sigreturn without a frame at 0x%lx\n", p->pid,
			   (unsigned long)sp);
		proc_end(p, SIGSEGV);
		return 0;
	}
	memcpy(fp.f, f.f, sizeof(fp.f));
	fp.fcsr = f.fcsr;
	native_task_regs(p->task, KAGE_REGS_SET, &f.regs);
	native_task_fpregs(p->task, KAGE_REGS_FP_SET, &fp);
	p->sig.blocked = f.mask & ~SIG_UNBLOCKABLE;
	return (long)f.regs.x[KAGE_REG_A0];
}

long sig_altstack_call(struct proc *p, const uint64_t *a)
{
	struct { uint64_t sp; int32_t flags, pad; uint64_t size; } ss, old;
	struct kage_regs r;
	int on;

	if (native_task_regs(p->task, KAGE_REGS_GET, &r) < 0)
		return -EFAULT;
	on = sig_on_altstack(p, r.x[KAGE_REG_SP]);
	old.sp = p->sig.ss_sp, old.size = p->sig.ss_size, old.pad = 0;
	old.flags = !p->sig.ss_size ? SS_DISABLE : on ? SS_ONSTACK : 0;
	if (a[0]) {
		if (native_space_read(p->space, a[0], &ss, sizeof(ss)) < 0)
			return -EFAULT;
		if (on)
			return -EPERM;
		if (ss.flags & ~(SS_DISABLE | SS_ONSTACK | (int32_t)0x80000000))
			return -EINVAL;
		if (!(ss.flags & SS_DISABLE) && ss.size < MINSIGSTKSZ)
			return -ENOMEM;
		p->sig.ss_sp = ss.flags & SS_DISABLE ? 0 : ss.sp;
		p->sig.ss_size = ss.flags & SS_DISABLE ? 0 : ss.size;
	}
	if (a[1] && native_space_write_user(p->space, a[1], &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}
