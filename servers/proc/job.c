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
		sig_post_process(parent, SIGCHLD, &info);
}

/* Every thread of a process stops: each at its ALERT. The process's record is its first thread. */
void job_stop(struct proc *p, int sig)
{
	struct proc *leader = p->group;

	if (leader->stopped || leader->state != PROC_RUNNING)
		return;
	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *t = &procs[i];

		if (t->state == PROC_RUNNING && t->group == leader) {
			t->stopped = 1;
			native_task_alert(t->task, KAGE_ALERT_INTERRUPT);
		}
	}
	leader->stop_sig = (uint8_t)sig;
	leader->stop_report = 1;
	leader->cont_report = 0;
	job_tell_parent(leader, CLD_STOPPED, sig);
}

/* A thread held at its ALERT runs on (its pending signals acted on first). */
static void job_release(struct proc *t)
{
	uint64_t token = t->stop_token;
	const uint64_t none[6] = { 0 };

	t->stopped = 0;
	t->stop_token = 0;
	if (token && sig_alert(t, token, t->stop_a0) == PROC_REPLY)
		native_ipc_reply(token, none);
}

void job_continue(struct proc *p)
{
	struct proc *leader = p->group;

	if (!leader->stopped)
		return;
	leader->stop_report = 0;
	leader->cont_report = 1;
	for (int i = 0; i < PROC_MAX; i++)
		if (procs[i].state == PROC_RUNNING && procs[i].group == leader && procs[i].stopped)
			job_release(&procs[i]);
	if (leader->state == PROC_RUNNING)
		job_tell_parent(leader, CLD_CONTINUED, SIGCONT);
}

/* Whether kill's target t is one of the set pid names (Linux's kill(2) rules). */
static int job_target(const struct proc *p, const struct proc *t, int pid)
{
	if (t->group != t)
		return 0;	/* processes, not threads */
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
		if (sig && t != p->group)
			sig_post_process(t, sig, &info);
	}
	if (sig && job_target(p, p->group, pid))
		sig_post_process(p, sig, &info);	/* last: it may end the caller */
	*result = found ? 0 : -ESRCH;
	return p->state == PROC_RUNNING ? PROC_REPLY : PROC_NO_REPLY;
}

void proc_interrupt(int sig, int pgrp)
{
	const struct sig_info info = { .code = SI_KERNEL };

	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *t = &procs[i];

		if (t->state == PROC_RUNNING && t->group == t && (pgrp > 0 ? t->pgid == pgrp : t->pid != 1))
			sig_post_process(t, sig, &info);
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

/* tgkill and tkill: one thread (tgid -1: any process's). */
enum proc_reply job_tgkill(struct proc *p, int tgid, int tid, int sig, long *result)
{
	const struct sig_info info = { .code = -6, .pid = p->tgid };	/* SI_TKILL */
	struct proc *t = tid > 0 ? proc_by_pid(tid) : NULL;

	if (sig < 0 || sig > SIG_MAX || tid <= 0 || tgid == 0 || tgid < -1) {
		*result = -EINVAL;
		return PROC_REPLY;
	}
	if (!t || t->state != PROC_RUNNING || (tgid > 0 && t->tgid != tgid)) {
		*result = -ESRCH;
		return PROC_REPLY;
	}
	*result = 0;
	if (sig)
		sig_post(t, sig, &info);
	return p->state == PROC_RUNNING ? PROC_REPLY : PROC_NO_REPLY;
}
