/*
 * Job control: process groups and sessions, kill to a process or a
 * group, tgkill to a thread, stopping and continuing, and the keys of the
 * console (^C, ^\, ^Z) that signal its foreground group.
 *
 * A stopped process's threads are held at their ALERTs (stop_token): they
 * run no user code until SIGCONT answers them. Its parent learns of the
 * stop and the continuation by SIGCHLD (unless SA_NOCLDSTOP) and by wait4
 * with WUNTRACED / WCONTINUED.
 * Invariants: pid 1 is its own group and session from the start; a
 * process's group belongs to its session (setpgid refuses otherwise);
 * groups and sessions are named by a process's pid, never a thread's.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "servers/proc/proc.h"

/* The parent hears that p stopped or continued. */
static void job_tell_parent(struct process *p, int code, int status)
{
	struct process *parent = p->parent;
	const struct sig_info info = { .code = code, .pid = p->pid, .status = status };

	if (!parent || parent->state != PROCESS_LIVE)
		return;
	wait_wake(parent);
	if (!(sig_action(parent, SIGCHLD)->sa_flags & SA_NOCLDSTOP))
		sig_post_process(parent, SIGCHLD, &info);
}

/* Every thread of the process stops, each at its ALERT. */
void job_stop(struct process *p, int sig)
{
	if (p->stopped || p->state != PROCESS_LIVE)
		return;
	p->stopped = 1;
	p->stop_sig = (uint8_t)sig;
	p->stop_report = 1;
	p->cont_report = 0;
	for (struct thread *t = p->threads; t; t = t->next)
		native_task_alert(t->task, KAGE_ALERT_INTERRUPT);
	job_tell_parent(p, CLD_STOPPED, sig);
}

/* A thread held at its ALERT runs on (its pending signals acted on first). */
static void job_release(struct thread *t)
{
	uint64_t token = t->stop_token;
	const uint64_t none[6] = { 0 };

	t->stop_token = 0;
	if (sig_alert(t, token, t->stop_a0) == PROC_REPLY)
		native_ipc_reply(token, none);
}

void job_continue(struct process *p)
{
	if (!p->stopped)
		return;
	p->stopped = 0;
	p->stop_report = 0;
	p->cont_report = 1;
	for (struct thread *t = p->threads, *next; t && p->state == PROCESS_LIVE; t = next) {
		next = t->next;	/* t may end on its way out (a signal taken at the release) */
		if (t->stop_token)
			job_release(t);
	}
	if (p->state == PROCESS_LIVE)
		job_tell_parent(p, CLD_CONTINUED, SIGCONT);
}

/* Whether kill's target c is one of the set pid names (Linux's kill(2) rules), seen from p. */
static int job_target(const struct process *p, const struct process *c, int pid)
{
	if (c->state != PROCESS_LIVE)
		return pid > 0 && c->pid == pid && c->state == PROCESS_ZOMBIE;	/* a zombie exists */
	if (pid > 0)
		return c->pid == pid;
	if (pid == 0)
		return c->pgid == p->pgid;
	if (pid == -1)
		return c->pid != 1 && c != p;
	return c->pgid == -pid;
}

/* kill(pid) of a thread's tid that is no process's pid: that thread's process, as on Linux. */
static int job_kill_pid(int pid)
{
	struct thread *t = pid > 0 && !proc_by_pid(pid) ? thread_by_tid(pid) : NULL;

	return t ? t->proc->pid : pid;
}

enum proc_reply job_kill(struct thread *t, int pid, int sig, long *result)
{
	struct process *p = t->proc;
	const struct sig_info info = { .code = SI_USER, .pid = p->pid };
	int found = 0;

	if (sig < 0 || sig > _NSIG) {
		*result = -EINVAL;
		return PROC_REPLY;
	}
	pid = job_kill_pid(pid);
	/* A signal may end a process: it stays readable, with its links, until the message is over. */
	for (struct process *q = proc_first(), *next; q; q = next) {
		next = proc_next(q);
		if (!job_target(p, q, pid))
			continue;
		found++;
		if (sig && q != p)
			sig_post_process(q, sig, &info);
	}
	if (sig && job_target(p, p, pid))
		sig_post_process(p, sig, &info);	/* last: it may end the caller */
	*result = found ? 0 : -ESRCH;
	return p->state == PROCESS_LIVE ? PROC_REPLY : PROC_NO_REPLY;
}

void job_interrupt(int sig, int pgrp)
{
	const struct sig_info info = { .code = SI_KERNEL };

	for (struct process *p = proc_first(), *next; p; p = next) {
		next = proc_next(p);
		if (p->state == PROCESS_LIVE && (pgrp > 0 ? p->pgid == pgrp : p->pid != 1))
			sig_post_process(p, sig, &info);
	}
}

static int job_group_in_session(int pgid, int sid)
{
	for (const struct process *p = proc_first(); p; p = proc_next(p))
		if (p->state == PROCESS_LIVE && p->pgid == pgid && p->sid == sid)
			return 1;
	return 0;
}

long job_setpgid(struct thread *t, int pid, int pgid)
{
	struct process *p = t->proc, *c = pid ? proc_by_pid(pid) : p;

	if (pgid < 0)
		return -EINVAL;
	if (!c || c->state != PROCESS_LIVE || (c != p && c->parent != p))
		return -ESRCH;
	if (c != p && c->did_exec)
		return -EACCES;
	if (c->sid != p->sid || c->pid == c->sid)
		return -EPERM;
	if (!pgid)
		pgid = c->pid;
	if (pgid != c->pid && !job_group_in_session(pgid, p->sid))
		return -EPERM;
	c->pgid = pgid;
	return 0;
}

long job_getpgid(struct thread *t, int pid, int sid)
{
	const struct process *c = pid ? proc_by_pid(pid) : t->proc;

	if (!c)
		return -ESRCH;
	return sid ? c->sid : c->pgid;
}

long job_setsid(struct thread *t)
{
	struct process *p = t->proc;

	for (const struct process *q = proc_first(); q; q = proc_next(q))
		if (q->pgid == p->pid)
			return -EPERM;	/* already a group leader */
	p->sid = p->pgid = p->pid;
	return p->pid;
}

/* tgkill and tkill: one thread (tgid -1: of any process). */
enum proc_reply job_tgkill(struct thread *t, int tgid, int tid, int sig, long *result)
{
	const struct sig_info info = { .code = SI_TKILL, .pid = t->proc->pid };
	struct thread *target = tid > 0 ? thread_by_tid(tid) : NULL;

	if (sig < 0 || sig > _NSIG || tid <= 0 || tgid == 0 || tgid < -1) {
		*result = -EINVAL;
		return PROC_REPLY;
	}
	if (!target || (tgid > 0 && target->proc->pid != tgid)) {
		*result = -ESRCH;
		return PROC_REPLY;
	}
	*result = 0;
	if (sig)
		sig_post_thread(target, sig, &info);
	return t->proc && t->proc->state == PROCESS_LIVE ? PROC_REPLY : PROC_NO_REPLY;
}
