/*
 * Signal generation and delivery: the pending sets, default actions, the
 * frame a handler runs on, and faults the kernel could not resolve.
 * signal.h explains the mechanism; signal_calls.c holds the calls that
 * change actions, masks and stacks; job.c stops and continues processes.
 *
 * Invariants: SIGKILL and SIGSTOP are never blocked, caught or ignored;
 * a signal whose action is to be ignored is never pending (it is dropped
 * when generated, and when a handler is set to SIG_IGN); a thread's task
 * runs user code with -KAGE_ERESTART in a0 never: sig_alert turns it
 * into a restart of the call or into -EINTR.
 */
#include <stddef.h>
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/proc/exec.h"

#define SIG_UNBLOCKABLE (SIG_BIT(SIGKILL) | SIG_BIT(SIGSTOP))
#define SIG_STOPS (SIG_BIT(SIGSTOP) | SIG_BIT(SIGTSTP) | SIG_BIT(SIGTTIN) | SIG_BIT(SIGTTOU))
#define SIG_DEFAULT_IGNORE (SIG_BIT(SIGCHLD) | SIG_BIT(SIGCONT) | SIG_BIT(SIGURG) | SIG_BIT(SIGWINCH))
#define RISCV_LI_A7_RT_SIGRETURN 0x08b00893	/* li a7, 139 (NR_rt_sigreturn) */
#define RISCV_ECALL 0x00000073
_Static_assert(NR_rt_sigreturn == 139, "the return page's li a7");

int sig_ignored(const struct process *p, int sig)
{
	uint64_t h = sig_action(p, sig)->sa_handler;

	return h == SIG_IGN || (h == SIG_DFL && (SIG_DEFAULT_IGNORE & SIG_BIT(sig)));
}

int sig_is_stop(int sig)
{
	return sig > 0 && sig <= _NSIG && (SIG_STOPS & SIG_BIT(sig));
}

uint64_t sig_pending_of(const struct thread *t)
{
	return t->sig.own | t->proc->sig.shared;
}

/* The next signal t acts on: SIGKILL and SIGSTOP first, then the lowest number. 0 if none. */
static int sig_next(const struct thread *t)
{
	uint64_t ready = sig_pending_of(t) & ~t->sig.blocked;

	if (!ready)
		return 0;
	if (ready & SIG_UNBLOCKABLE)
		return ready & SIG_BIT(SIGKILL) ? SIGKILL : SIGSTOP;
	for (int sig = 1;; sig++)	/* no Zbb here: a loop instead of ctz */
		if (ready & SIG_BIT(sig))
			return sig;
}

/* Takes sig off t's sets (its own first, as Linux dequeues): where it came from. */
static struct sig_info sig_take(struct thread *t, int sig)
{
	struct process *p = t->proc;

	if (t->sig.own & SIG_BIT(sig)) {
		t->sig.own &= ~SIG_BIT(sig);
		return t->sig_info[sig - 1];
	}
	p->sig.shared &= ~SIG_BIT(sig);
	return p->live->sig_info[sig - 1];
}

/* A thread of p to take a process-directed sig: one not blocking it, else NULL. */
static struct thread *sig_thread_for(const struct process *p, int sig)
{
	for (struct thread *t = p->threads; t; t = t->next)
		if (!(t->sig.blocked & SIG_BIT(sig)))
			return t;
	return NULL;
}

/* A default action, taken on behalf of the whole process. */
static void sig_default(struct thread *t, int sig)
{
	sig_take(t, sig);
	if (sig_is_stop(sig))
		job_stop(t->proc, sig);
	else if (!(SIG_DEFAULT_IGNORE & SIG_BIT(sig)))
		proc_end(t->proc, sig);
}

/* What sig does to the stop state, whatever its action: SIGCONT continues, a stop discards SIGCONT. */
static void sig_job(struct process *p, int sig)
{
	uint64_t drop = sig == SIGCONT ? SIG_STOPS : SIG_BIT(SIGCONT);

	if (sig == SIGCONT)
		job_continue(p);
	else if (!sig_is_stop(sig))
		return;
	p->sig.shared &= ~drop;
	for (struct thread *t = p->threads; t; t = t->next)
		t->sig.own &= ~drop;
}

/*
 * sig becomes pending in `set` (t's own, or p's shared one), and the
 * thread that takes it (t, or one not blocking it) acts: a default action
 * now, or a handler at its next ALERT.
 */
static void sig_generate(struct process *p, struct thread *t, int sig, const struct sig_info *info)
{
	if (p->state != PROCESS_LIVE || sig <= 0 || sig > _NSIG)
		return;
	if (p->pid == 1 && sig_action(p, sig)->sa_handler == SIG_DFL)
		return;	/* as on Linux, init gets only the signals it handles */
	if (sig == SIGKILL) {
		proc_end(p, SIGKILL);
		return;
	}
	sig_job(p, sig);
	if (sig_ignored(p, sig))
		return;
	if (t) {
		t->sig.own |= SIG_BIT(sig);
		t->sig_info[sig - 1] = *info;
	} else {
		p->sig.shared |= SIG_BIT(sig);
		p->live->sig_info[sig - 1] = *info;
		t = sig_thread_for(p, sig);
	}
	if (!t || (t->sig.blocked & SIG_BIT(sig)) || p->stopped)
		return;	/* it waits: for an unblocking thread, or for the continue */
	if (sig_action(p, sig)->sa_handler == SIG_DFL) {
		sig_default(t, sig);
		return;
	}
	/*
	 * The alert first: a held call answered before it would let the
	 * thread run on (on another hart) without its handler, and call
	 * again, when the handler then ran, with the ecall of that new call
	 * still to come; a sigsuspend made so would wait for a signal that
	 * had already been taken. Alerted first, the answer wakes it into
	 * its ALERT, as if the handler ran on the way back from the call.
	 */
	native_task_alert(t->task, KAGE_ALERT_INTERRUPT);
	sig_interrupt_held(t);
}

const struct linux_sigaction sig_default_action;

void sig_action_set(struct process *p, int sig, const struct linux_sigaction *a)
{
	p->live->act[sig - 1] = *a;
	if (a->sa_handler == SIG_DFL && !a->sa_flags && !a->sa_mask)
		p->live->act_set &= ~SIG_BIT(sig);
	else
		p->live->act_set |= SIG_BIT(sig);
}

void sig_post_thread(struct thread *t, int sig, const struct sig_info *info)
{
	sig_generate(t->proc, t, sig, info);
}

void sig_post_process(struct process *p, int sig, const struct sig_info *info)
{
	sig_generate(p, NULL, sig, info);
}

/* The return page: li a7, 139; ecall. Mapped at the first handler of each image. */
static long sig_trampoline(struct process *p)
{
	const uint32_t code[2] = { RISCV_LI_A7_RT_SIGRETURN, RISCV_ECALL };
	long err;

	if (p->sig.tramp)
		return 0;
	err = native_space_map(p->space, SIG_TRAMP_VA, PAGE, KAGE_PROT_READ | KAGE_PROT_WRITE);
	if (err == 0)
		err = native_space_write(p->space, SIG_TRAMP_VA, code, sizeof(code));
	if (err == 0)
		err = native_space_protect(p->space, SIG_TRAMP_VA, PAGE, KAGE_PROT_READ | KAGE_PROT_EXEC);
	p->sig.tramp = err == 0;
	return err == -EEXIST ? 0 : err;
}

int sig_on_altstack(const struct thread *t, uint64_t sp)
{
	return t->sig.ss_size && sp - t->sig.ss_sp <= t->sig.ss_size;
}

/* siginfo_t of a pending signal. */
static void sig_fill_info(struct linux_siginfo *info, int sig, const struct sig_info *in)
{
	*info = (struct linux_siginfo){ .si_signo = sig, .si_code = in->code };
	if (in->addr) {
		info->si_addr = in->addr;
		return;
	}
	info->si_pid = in->pid;			/* si_uid 0 */
	info->si_status = in->status;		/* SIGCHLD's */
}

/* The frame's alternate-stack word, as sigaltstack would report it for sp. */
static int32_t sig_ss_flags(const struct thread *t, uint64_t sp)
{
	if (!t->sig.ss_size)
		return SS_DISABLE;
	return sig_on_altstack(t, sp) ? SS_ONSTACK : 0;
}

/* Where the frame goes: below sp, or at the top of the alternate stack for SA_ONSTACK. */
static uint64_t sig_frame_at(const struct thread *t, const struct linux_sigaction *a, uint64_t sp)
{
	if ((a->sa_flags & SA_ONSTACK) && t->sig.ss_size && !sig_on_altstack(t, sp))
		sp = t->sig.ss_sp + t->sig.ss_size;
	return (sp - sizeof(struct linux_rt_sigframe)) & ~15ul;
}

/*
 * Puts the frame of handler `sig` on t's stack (r: the registers it
 * interrupted, fixed already) and points r at the handler: 0, or -EFAULT
 * when the stack cannot take it.
 */
static long sig_push_frame(struct thread *t, int sig, const struct sig_info *in, struct kage_regs *r,
			   uint64_t old_mask)
{
	static struct linux_rt_sigframe f;	/* too big for the server's stack */
	const struct linux_sigaction *a = sig_action(t->proc, sig);
	struct kage_fpregs fp;
	uint64_t sp = sig_frame_at(t, a, r->x[KAGE_REG_SP]);
	long err = native_task_fpregs(t->task, KAGE_REGS_FP_GET, &fp);

	if (err < 0)
		return err;
	memset(&f, 0, sizeof(f));
	sig_fill_info(&f.info, sig, in);
	f.uc_stack = (struct linux_stack){ .ss_sp = t->sig.ss_sp, .ss_size = t->sig.ss_size,
					   .ss_flags = sig_ss_flags(t, r->x[KAGE_REG_SP]) };
	f.uc_sigmask = old_mask;
	memcpy(f.gregs, r->x, sizeof(f.gregs));
	memcpy(f.fpregs, fp.f, sizeof(f.fpregs));
	f.fcsr = (uint32_t)fp.fcsr;
	err = sig_trampoline(t->proc);
	if (err == 0)
		err = native_space_write_user(t->proc->space, sp, &f, sizeof(f));
	if (err < 0)
		return err;
	r->x[KAGE_REG_PC] = a->sa_handler;
	r->x[KAGE_REG_RA] = SIG_TRAMP_VA;
	r->x[KAGE_REG_SP] = sp;
	r->x[KAGE_REG_A0] = (uint64_t)sig;
	r->x[KAGE_REG_A1] = sp + offsetof(struct linux_rt_sigframe, info);
	r->x[KAGE_REG_A2] = sp + offsetof(struct linux_rt_sigframe, uc_flags);
	return 0;
}

/* Calls Linux never restarts after a handler ran, whatever SA_RESTART says. */
static int sig_no_restart(uint64_t nr)
{
	return nr == NR_ppoll || nr == NR_pselect6 || nr == NR_rt_sigsuspend || nr == NR_nanosleep ||
	       nr == NR_clock_nanosleep;
}

/* An interrupted call (-KAGE_ERESTART in a0) before a handler: restarted, or -EINTR. */
static void sig_restart_or_eintr(struct kage_regs *r, const struct linux_sigaction *a, uint64_t orig_a0)
{
	if (r->x[KAGE_REG_A0] != (uint64_t)-KAGE_ERESTART)
		return;
	if ((a->sa_flags & SA_RESTART) && !sig_no_restart(r->x[KAGE_REG_A7])) {
		r->x[KAGE_REG_PC] -= 4;
		r->x[KAGE_REG_A0] = orig_a0;
	} else {
		r->x[KAGE_REG_A0] = (uint64_t)-EINTR;
	}
}

/*
 * Runs the handler of sig on t (whose task waits for an answer and whose
 * registers are r): the frame, then the mask while it runs. A stack that
 * cannot take the frame ends the process with SIGSEGV, as on Linux.
 */
static void sig_run_handler(struct thread *t, int sig, struct kage_regs *r, uint64_t orig_a0)
{
	struct linux_sigaction a_now = *sig_action(t->proc, sig), *a = &a_now;
	uint64_t old_mask = t->sig.restore_saved ? t->sig.saved : t->sig.blocked;
	struct sig_info info = sig_take(t, sig);

	sig_restart_or_eintr(r, a, orig_a0);
	t->sig.restore_saved = 0;
	if (sig_push_frame(t, sig, &info, r, old_mask) < 0 || native_task_regs(t->task, KAGE_REGS_SET, r) < 0) {
		native_note("kage: pid %d killed by SIGSEGV: no room for the frame of signal %d\n", t->proc->pid, sig);
		proc_end(t->proc, SIGSEGV);
		return;
	}
	t->sig.blocked |= a->sa_mask;
	if (!(a->sa_flags & SA_NODEFER))
		t->sig.blocked |= SIG_BIT(sig);
	t->sig.blocked &= ~SIG_UNBLOCKABLE;
	if (a->sa_flags & SA_RESETHAND) {
		a->sa_handler = SIG_DFL;
		a->sa_flags &= ~(uint64_t)SA_SIGINFO;
		sig_action_set(t->proc, sig, a);
	}
}

/* Nothing to run: sigsuspend's mask comes back, and an interrupted call goes on. */
static void sig_resume(struct thread *t, uint64_t orig_a0)
{
	struct kage_regs r;

	if (t->sig.restore_saved) {
		t->sig.blocked = t->sig.saved;
		t->sig.restore_saved = 0;
	}
	if (native_task_regs(t->task, KAGE_REGS_GET, &r) < 0 || r.x[KAGE_REG_A0] != (uint64_t)-KAGE_ERESTART)
		return;
	r.x[KAGE_REG_PC] -= 4;
	r.x[KAGE_REG_A0] = orig_a0;
	native_task_regs(t->task, KAGE_REGS_SET, &r);
}

/*
 * The task of t stopped for its ALERT (token): act on its pending
 * signals. Returns PROC_REPLY to let it run on, PROC_NO_REPLY when it
 * is gone or held (the token is kept while its process is stopped).
 */
enum proc_reply sig_alert(struct thread *t, uint64_t token, uint64_t orig_a0)
{
	struct process *p = t->proc;
	struct kage_regs r;
	int sig;

	for (sig = sig_next(t); sig && sig_action(p, sig)->sa_handler == SIG_DFL; sig = sig_next(t)) {
		sig_default(t, sig);
		if (p->state != PROCESS_LIVE)
			return PROC_NO_REPLY;
	}
	if (p->stopped) {
		t->stop_token = token;
		t->stop_a0 = orig_a0;
		return PROC_NO_REPLY;
	}
	if (!sig) {
		sig_resume(t, orig_a0);
		return PROC_REPLY;
	}
	if (native_task_regs(t->task, KAGE_REGS_GET, &r) < 0)
		return PROC_REPLY;
	sig_run_handler(t, sig, &r, orig_a0);
	return p->state == PROCESS_LIVE ? PROC_REPLY : PROC_NO_REPLY;
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

/* RISC-V exception causes (scause) of the faults the kernel passes on. */
enum { CAUSE_MISALIGNED_FETCH = 0, CAUSE_ILLEGAL = 2, CAUSE_BREAKPOINT = 3, CAUSE_MISALIGNED_LOAD = 4,
       CAUSE_MISALIGNED_STORE = 6 };

/* The signal a fault the kernel could not resolve stands for. */
static int sig_of_fault(uint64_t cause, int32_t *code)
{
	switch (cause) {
	case CAUSE_ILLEGAL:
		*code = ILL_ILLOPC;
		return SIGILL;
	case CAUSE_BREAKPOINT:
		*code = TRAP_BRKPT;
		return SIGTRAP;
	case CAUSE_MISALIGNED_FETCH:
	case CAUSE_MISALIGNED_LOAD:
	case CAUSE_MISALIGNED_STORE:
		*code = BUS_ADRALN;
		return SIGBUS;
	default:
		*code = SEGV_MAPERR;
		return SIGSEGV;
	}
}

enum proc_reply sig_fault(struct thread *t, const struct kage_msg *m)
{
	struct process *p = t->proc;
	struct sig_info info = { .addr = m->w[1] };
	struct kage_regs r;
	int sig = sig_of_fault(m->w[0], &info.code);
	uint64_t h = sig_action(p, sig)->sa_handler;

	if ((int64_t)m->w[3] == -ENOMEM)
		return oom_fault(t);
	if (h == SIG_DFL || h == SIG_IGN || (t->sig.blocked & SIG_BIT(sig)) ||
	    native_task_regs(t->task, KAGE_REGS_GET, &r) < 0) {
		native_note("kage: pid %d killed by %s: cause %lu at pc=0x%lx addr=0x%lx\n", p->pid, sig_name(sig),
			   (unsigned long)m->w[0], (unsigned long)m->w[2], (unsigned long)m->w[1]);
		proc_end(p, sig);
		return PROC_NO_REPLY;
	}
	t->sig.own |= SIG_BIT(sig);
	t->sig_info[sig - 1] = info;
	sig_run_handler(t, sig, &r, 0);
	return p->state == PROCESS_LIVE ? PROC_REPLY : PROC_NO_REPLY;
}

void sig_fork(const struct thread *parent, struct process *child, struct thread *child_thread)
{
	child->sig.shared = 0;
	child->sig.tramp = parent->proc->sig.tramp;	/* the copied space has the page */
	child_thread->sig = parent->sig;
	child_thread->sig.own = 0;
	child_thread->sig.restore_saved = 0;
}

void sig_new_thread(const struct thread *creator, struct thread *t)
{
	t->sig.blocked = creator->sig.blocked;	/* no own signals, and no alternate stack, as Linux */
}

void sig_exec(struct thread *t)
{
	struct process *p = t->proc;

	for (int sig = 1; sig <= _NSIG; sig++)
		if ((p->live->act_set & SIG_BIT(sig)) && p->live->act[sig - 1].sa_handler != SIG_IGN)
			p->live->act_set &= ~SIG_BIT(sig);	/* handlers are gone with the image; ignoring stays */
	t->sig.ss_sp = t->sig.ss_size = 0;
	p->sig.tramp = 0;
}
