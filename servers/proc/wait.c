/*
 * wait4 and waitid: a parent learns that a child exited, stopped or
 * continued. Any thread of the parent process may wait for any of the
 * process's children, as on Linux. A wait that cannot end yet keeps its
 * reply token in the waiting thread (t->wait); wait_wake answers the
 * threads of a parent whose child changed.
 *
 * Invariants: a child's stop is reported once (stop_report) and so is its
 * continuation (cont_report); a zombie is freed by the wait that reports
 * it, unless WNOWAIT asked to keep it.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "servers/proc/proc.h"

enum wait_event { WAIT_NONE, WAIT_EXIT, WAIT_STOP, WAIT_CONT };

/* Of t's process's children: wait.pgid > 0 those of that group; else wait.pid > 0 that pid, -1 any. */
static int wait_matches(const struct thread *t, const struct process *c)
{
	if (t->wait.pgid > 0)
		return c->pgid == t->wait.pgid;
	return t->wait.pid == -1 || c->pid == t->wait.pid;
}

/* What a wait with t's options could report about c now. */
static enum wait_event wait_event_of(const struct thread *t, const struct process *c)
{
	if (c->state == PROCESS_ZOMBIE)
		return t->wait.options & WEXITED ? WAIT_EXIT : WAIT_NONE;
	if (c->stopped && c->stop_report && (t->wait.options & WUNTRACED))
		return WAIT_STOP;
	if (c->cont_report && (t->wait.options & WCONTINUED))
		return WAIT_CONT;
	return WAIT_NONE;
}

/* waitid's siginfo_t of an event. */
static void wait_siginfo(struct linux_siginfo *info, const struct process *c, enum wait_event e)
{
	int sig = linux_w_termsig(c->status);

	*info = (struct linux_siginfo){ .si_signo = SIGCHLD, .si_pid = c->pid };
	if (e == WAIT_EXIT) {
		info->si_code = sig ? CLD_KILLED : CLD_EXITED;
		info->si_status = sig ? sig : linux_w_exitcode(c->status);
	} else if (e == WAIT_STOP) {
		info->si_code = CLD_STOPPED;
		info->si_status = c->stop_sig;
	} else {
		info->si_code = CLD_CONTINUED;
		info->si_status = SIGCONT;
	}
}

/* The wait status word (wait4) or siginfo_t (waitid) of an event, written where t asked. */
static long wait_report(const struct thread *t, const struct process *c, enum wait_event e)
{
	const struct process *p = t->proc;
	struct linux_siginfo info;
	int status = LINUX_W_CONTINUED;

	if (!t->wait.status)
		return 0;
	if (t->wait.info) {
		wait_siginfo(&info, c, e);
		return native_space_write_user(p->space, t->wait.status, &info, sizeof(info));
	}
	if (e == WAIT_EXIT)
		status = c->status;
	else if (e == WAIT_STOP)
		status = linux_w_stopped(c->stop_sig);
	return native_space_write_user(p->space, t->wait.status, &status, sizeof(status));
}

/* wait4's rusage: what the child and the children it reaped used, as Linux's. */
static long wait_rusage(const struct thread *t, const struct process *c)
{
	struct proc_ticks ticks;

	if (!t->wait.rusage)
		return 0;
	cputime_of(c, &ticks);
	ticks.user += c->ticks_reaped.user;
	ticks.system += c->ticks_reaped.system;
	return cputime_put_rusage(t->proc, t->wait.rusage, &ticks);
}

/* The event is told: a zombie is freed, a stop or continuation reported once. c's pid. */
static int wait_consume(struct process *c, enum wait_event e)
{
	int pid = c->pid;

	if (e == WAIT_EXIT) {
		cputime_reaped(c->parent, c);
		proc_free(c);
	}
	else if (e == WAIT_STOP)
		c->stop_report = 0;
	else
		c->cont_report = 0;
	return pid;
}

/*
 * A wait of t's that can end now: a child's pid, or -ECHILD when no child
 * matches; 0 when it must go on waiting.
 */
static long wait_reap(struct thread *t)
{
	int children = 0;

	for (struct process *c = t->proc->children; c; c = c->sibling) {
		enum wait_event e;

		if (!wait_matches(t, c))
			continue;
		children++;
		e = wait_event_of(t, c);
		if (e == WAIT_NONE)
			continue;
		if (wait_report(t, c, e) < 0 || wait_rusage(t, c) < 0)
			return -EFAULT;
		if (!(t->wait.options & WNOWAIT))
			return wait_consume(c, e);
		return c->pid;
	}
	return children ? 0 : -ECHILD;
}

/* A wait's answer from wait_reap's result: waitid answers 0 where wait4 gives the pid. */
static long wait_answer(const struct thread *t, long r)
{
	return r > 0 && t->wait.info ? 0 : r;
}

void wait_wake(struct process *parent)
{
	long r;

	for (struct thread *t = parent ? parent->threads : NULL; t; t = t->next) {
		if (!t->wait.token)
			continue;
		r = wait_reap(t);
		if (r != 0)
			proc_answer(&t->wait.token, wait_answer(t, r));
	}
}

/* Both calls once their arguments are in t: answered now, or kept. */
static enum proc_reply wait_start(struct thread *t, const struct kage_msg *m, long *result)
{
	long r = wait_reap(t);
	const struct linux_siginfo none = { 0 };

	if (r != 0 || (t->wait.options & WNOHANG)) {
		if (r == 0 && t->wait.info && t->wait.status &&
		    native_space_write_user(t->proc->space, t->wait.status, &none, sizeof(none)) < 0)
			r = -EFAULT;	/* waitid with nothing to report: si_pid 0 */
		*result = wait_answer(t, r);
		return PROC_REPLY;
	}
	t->wait.token = m->token;
	return PROC_NO_REPLY;
}

enum proc_reply proc_wait4(struct thread *t, const struct kage_msg *m, long *result)
{
	const uint64_t *a = &m->w[1];
	int pid = (int)a[0];

	if (a[2] & ~(uint64_t)(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE)) {
		*result = -EINVAL;	/* the __W* flags are accepted and mean nothing here */
		return PROC_REPLY;
	}
	t->wait.pid = pid > 0 ? pid : -1;
	t->wait.pgid = 0;
	if (pid == 0)
		t->wait.pgid = t->proc->pgid;
	else if (pid < -1)
		t->wait.pgid = -pid;
	t->wait.status = a[1];
	t->wait.rusage = a[3];
	t->wait.info = 0;
	t->wait.options = (uint32_t)(a[2] | WEXITED);
	return wait_start(t, m, result);
}

static int waitid_valid(const uint64_t *a)
{
	const uint64_t options = a[3];

	if (a[0] > P_PGID || !(options & (WEXITED | WUNTRACED | WCONTINUED)))
		return 0;
	if (options & ~(uint64_t)(WNOHANG | WEXITED | WUNTRACED | WCONTINUED | WNOWAIT))
		return 0;
	return (a[0] == P_ALL || (int64_t)a[1] >= 0) && !(a[0] == P_PID && a[1] == 0);
}

enum proc_reply proc_waitid(struct thread *t, const struct kage_msg *m, long *result)
{
	const uint64_t *a = &m->w[1];

	if (!waitid_valid(a)) {
		*result = -EINVAL;
		return PROC_REPLY;
	}
	t->wait.pid = a[0] == P_PID ? (int)a[1] : -1;
	t->wait.pgid = 0;
	if (a[0] == P_PGID)
		t->wait.pgid = a[1] ? (int)a[1] : t->proc->pgid;
	t->wait.status = a[2];
	t->wait.info = 1;
	t->wait.rusage = a[4];	/* the system call's fifth argument (glibc passes NULL) */
	t->wait.options = (uint32_t)a[3];
	return wait_start(t, m, result);
}
