/*
 * wait4 and waitid: a parent learns that a child exited, stopped or
 * continued. A wait that cannot end yet keeps its reply token in the
 * parent (wait_token); wait_wake answers it when a child changes.
 *
 * Invariants: a child's stop is reported once (stop_report) and so is its
 * continuation (cont_report); a zombie is freed by the wait that reports
 * it, unless WNOWAIT asked to keep it.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "servers/proc/proc.h"

#define WNOHANG 1
#define WUNTRACED 2	/* WSTOPPED for waitid */
#define WEXITED 4
#define WCONTINUED 8
#define WNOWAIT 0x01000000
#define P_ALL 0
#define P_PID 1
#define P_PGID 2
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

enum wait_event { WAIT_NONE, WAIT_EXIT, WAIT_STOP, WAIT_CONT };

void proc_answer(uint64_t *token, long value)
{
	const uint64_t w[6] = { (uint64_t)value };

	if (*token)
		native_ipc_reply(*token, w);
	*token = 0;
}

/* wait_pgid: > 0 the children of that group; else wait_pid: > 0 that pid, -1 any child. */
static int wait_matches(const struct proc *parent, const struct proc *c)
{
	if (c->state == PROC_FREE || c->ppid != parent->pid)
		return 0;
	if (parent->wait_pgid > 0)
		return c->pgid == parent->wait_pgid;
	return parent->wait_pid == -1 || c->pid == parent->wait_pid;
}

/* What a wait with the parent's options could report about c now. */
static enum wait_event wait_event_of(const struct proc *parent, const struct proc *c)
{
	if (c->state == PROC_ZOMBIE)
		return parent->wait_options & WEXITED ? WAIT_EXIT : WAIT_NONE;
	if (c->stopped && c->stop_report && (parent->wait_options & WUNTRACED))
		return WAIT_STOP;
	if (c->cont_report && (parent->wait_options & WCONTINUED))
		return WAIT_CONT;
	return WAIT_NONE;
}

/* The wait status word (wait4) or siginfo_t (waitid) of an event, written where the parent asked. */
static long wait_report(struct proc *parent, const struct proc *c, enum wait_event e)
{
	int32_t info[32] = { 0 };	/* siginfo_t: 128 bytes */
	int status = e == WAIT_EXIT ? c->status : e == WAIT_STOP ? (c->stop_sig << 8) | 0x7f : 0xffff;

	if (!parent->wait_status)
		return 0;
	if (!parent->wait_info)
		return native_space_write_user(parent->space, parent->wait_status, &status, sizeof(int));
	info[0] = 17;	/* si_signo: SIGCHLD */
	info[4] = c->pid;	/* si_pid; si_uid 0 */
	if (e == WAIT_EXIT) {
		info[2] = c->status & 0x7f ? CLD_KILLED : CLD_EXITED;
		info[6] = c->status & 0x7f ? c->status & 0x7f : (c->status >> 8) & 0xff;
	} else {
		info[2] = e == WAIT_STOP ? CLD_STOPPED : CLD_CONTINUED;
		info[6] = e == WAIT_STOP ? c->stop_sig : 18;
	}
	return native_space_write_user(parent->space, parent->wait_status, info, sizeof(info));
}

/*
 * A wait of `parent` that can end now: a child's pid (a zombie is freed
 * unless kept), or -ECHILD when no child matches. 0 when it must go on
 * waiting.
 */
static long wait_reap(struct proc *parent)
{
	int children = 0;

	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *c = &procs[i];
		enum wait_event e;

		if (!wait_matches(parent, c))
			continue;
		children++;
		if ((e = wait_event_of(parent, c)) == WAIT_NONE)
			continue;
		if (wait_report(parent, c, e) < 0)
			return -EFAULT;
		if (!(parent->wait_options & WNOWAIT)) {
			if (e == WAIT_EXIT)
				c->state = PROC_FREE;
			else if (e == WAIT_STOP)
				c->stop_report = 0;
			else
				c->cont_report = 0;
		}
		return c->pid;
	}
	return children ? 0 : -ECHILD;
}

/* A wait's answer from wait_reap's result: waitid answers 0 where wait4 gives the pid. */
static long wait_answer(const struct proc *parent, long r)
{
	return r > 0 && parent->wait_info ? 0 : r;
}

void wait_wake(struct proc *parent)
{
	long r;

	if (parent && parent->wait_token && (r = wait_reap(parent)) != 0)
		proc_answer(&parent->wait_token, wait_answer(parent, r));
}

/* Both calls once their arguments are in p: answered now, or kept. */
static enum proc_reply wait_start(struct proc *p, const struct kage_msg *m, long *result)
{
	long r = wait_reap(p);
	const int32_t none[32] = { 0 };

	if (r != 0 || (p->wait_options & WNOHANG)) {
		if (r == 0 && p->wait_info && p->wait_status &&
		    native_space_write_user(p->space, p->wait_status, none, sizeof(none)) < 0)
			r = -EFAULT;	/* waitid with nothing to report: si_pid 0 */
		*result = wait_answer(p, r);
		return PROC_REPLY;
	}
	p->wait_token = m->token;
	return PROC_NO_REPLY;
}

enum proc_reply proc_wait4(struct proc *p, const struct kage_msg *m, long *result)
{
	const uint64_t *a = &m->w[1];
	int pid = (int)a[0];

	if (a[2] & ~(uint64_t)(WNOHANG | WUNTRACED | WCONTINUED | 0xe0000000u)) {
		*result = -EINVAL;	/* the __W* flags are accepted and mean nothing here */
		return PROC_REPLY;
	}
	p->wait_pid = pid > 0 ? pid : -1;
	p->wait_pgid = pid == 0 ? p->pgid : pid < -1 ? -pid : 0;
	p->wait_status = a[1];
	p->wait_info = 0;
	p->wait_options = (uint32_t)(a[2] | WEXITED);
	return wait_start(p, m, result);
}

enum proc_reply proc_waitid(struct proc *p, const struct kage_msg *m, long *result)
{
	const uint64_t *a = &m->w[1], options = a[3];

	if (a[0] > P_PGID || !(options & (WEXITED | WUNTRACED | WCONTINUED)) ||
	    (options & ~(uint64_t)(WNOHANG | WEXITED | WUNTRACED | WCONTINUED | WNOWAIT)) ||
	    (a[0] != P_ALL && (int64_t)a[1] < 0) || (a[0] == P_PID && a[1] == 0)) {
		*result = -EINVAL;
		return PROC_REPLY;
	}
	p->wait_pid = a[0] == P_PID ? (int)a[1] : -1;
	p->wait_pgid = a[0] != P_PGID ? 0 : a[1] ? (int)a[1] : p->pgid;
	p->wait_status = a[2];
	p->wait_info = 1;
	p->wait_options = (uint32_t)options;
	return wait_start(p, m, result);
}
