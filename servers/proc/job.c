/*
 * Job control: process groups and sessions, kill to a process or a
 * group, stopping and continuing, and the keys of the console (^C, ^\,
 * ^Z) that signal its foreground group.
 *
 * A stopped process's task is held at its ALERT (stop_token): it runs no
 * user code until SIGCONT answers it. Its parent learns of the stop and
 * the continuation by SIGCHLD (unless SA_NOCLDSTOP) and by wait4 with
 * WUNTRACED / WCONTINUED.
 * Invariants: pid 1 is its own group and session from the start; a
 * process's group belongs to its session (setpgid refuses otherwise).
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "servers/proc/proc.h"

#define SA_NOCLDSTOP 0x1
#define SI_USER 0
#define SI_KERNEL 0x80
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

/* The parent hears that p stopped or continued. */
static void job_tell_parent(struct proc *p, int code, int status)
{
	struct proc *parent = proc_by_pid(p->ppid);
	const struct sig_info info = { .code = code, .pid = p->pid, .status = status };

	if (!parent || parent->state != PROC_RUNNING)
		return;
	wait_wake(parent);
	if (!(parent->sig.act[SIGCHLD - 1].flags & SA_NOCLDSTOP))
		sig_post(parent, SIGCHLD, &info);
}

void job_stop(struct proc *p, int sig)
{
	if (p->stopped || p->state != PROC_RUNNING)
		return;
	p->stopped = 1;
	p->stop_sig = (uint8_t)sig;
	p->stop_report = 1;
	p->cont_report = 0;
	native_task_alert(p->task, KAGE_ALERT_INTERRUPT);	/* it stops at its ALERT */
	job_tell_parent(p, CLD_STOPPED, sig);
}

void job_continue(struct proc *p)
{
	uint64_t token = p->stop_token;
	const uint64_t none[6] = { 0 };

	if (!p->stopped)
		return;
	p->stopped = 0;
	p->stop_report = 0;
	p->cont_report = 1;
	p->stop_token = 0;
	if (token && sig_alert(p, token, p->stop_a0) == PROC_REPLY)
		native_ipc_reply(token, none);
	if (p->state == PROC_RUNNING)
		job_tell_parent(p, CLD_CONTINUED, SIGCONT);
}

/* Whether kill's target t is one of the set pid names (Linux's kill(2) rules). */
static int job_target(const struct proc *p, const struct proc *t, int pid)
{
	if (t->state != PROC_RUNNING)
		return pid > 0 && t->pid == pid && t->state == PROC_ZOMBIE;	/* a zombie exists */
	if (pid > 0)
		return t->pid == pid;
	if (pid == 0)
		return t->pgid == p->pgid;
	if (pid == -1)
		return t->pid != 1 && t != p;
	return t->pgid == -pid;
}

enum proc_reply proc_kill(struct proc *p, int pid, int sig, long *result)
{
	const struct sig_info info = { .code = SI_USER, .pid = p->pid };
	int found = 0;

	if (sig < 0 || sig > SIG_MAX) {
		*result = -EINVAL;
		return PROC_REPLY;
	}
	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *t = &procs[i];

		if (!job_target(p, t, pid))
			continue;
		found++;
		if (sig && t != p)
			sig_post(t, sig, &info);
	}
	if (sig && job_target(p, p, pid))
		sig_post(p, sig, &info);	/* last: it may end the caller */
	*result = found ? 0 : -ESRCH;
	return p->state == PROC_RUNNING ? PROC_REPLY : PROC_NO_REPLY;
}

void proc_interrupt(int sig, int pgrp)
{
	const struct sig_info info = { .code = SI_KERNEL };

	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *t = &procs[i];

		if (t->state == PROC_RUNNING && (pgrp > 0 ? t->pgid == pgrp : t->pid != 1))
			sig_post(t, sig, &info);
	}
}

static int job_group_in_session(int pgid, int sid)
{
	for (int i = 0; i < PROC_MAX; i++)
		if (procs[i].state == PROC_RUNNING && procs[i].pgid == pgid && procs[i].sid == sid)
			return 1;
	return 0;
}

long job_setpgid(struct proc *p, int pid, int pgid)
{
	struct proc *t = pid ? proc_by_pid(pid) : p;

	if (pgid < 0)
		return -EINVAL;
	if (!t || t->state != PROC_RUNNING || (t != p && t->ppid != p->pid))
		return -ESRCH;
	if (t != p && t->did_exec)
		return -EACCES;
	if (t->sid != p->sid || t->pid == t->sid)
		return -EPERM;
	if (!pgid)
		pgid = t->pid;
	if (pgid != t->pid && !job_group_in_session(pgid, p->sid))
		return -EPERM;
	t->pgid = pgid;
	return 0;
}

long job_getpgid(struct proc *p, int pid, int sid)
{
	struct proc *t = pid ? proc_by_pid(pid) : p;

	if (!t || t->state == PROC_FREE)
		return -ESRCH;
	return sid ? t->sid : t->pgid;
}

long job_setsid(struct proc *p)
{
	for (int i = 0; i < PROC_MAX; i++)
		if (procs[i].state != PROC_FREE && procs[i].pgid == p->pid)
			return -EPERM;	/* already a group leader */
	p->sid = p->pgid = p->pid;
	return p->pid;
}
