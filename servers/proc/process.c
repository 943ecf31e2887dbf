/*
 * The process table and the calls that change it: fork, vfork and clone
 * (space_clone + task_clone), execve, exit and wait4.
 *
 * Invariants: a RUNNING process holds a task and a space handle; a ZOMBIE
 * holds neither and waits for its parent's wait4 (pid 1's children are
 * reaped by pid 1 like any other parent). A parent blocked in wait4 or
 * vfork is simply not answered yet: its reply token is kept here.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/proc/proc.h"

#define WNOHANG 1
#define WEXITED 4
#define WNOWAIT 0x01000000
#define P_PID 1
#define P_PGID 2
#define CLONE_VM 0x100
#define CLONE_FS 0x200
#define CLONE_SIGHAND 0x800
#define CLONE_VFORK 0x4000
#define CLONE_THREAD 0x10000
#define CLONE_NEWNS 0x20000
#define CLONE_SETTLS 0x80000
#define CLONE_PARENT_SETTID 0x100000
#define CLONE_CHILD_CLEARTID 0x200000
#define CLONE_CHILD_SETTID 0x1000000
#define CSIGNAL 0xff

struct proc procs[PROC_MAX];
static int proc_next_pid = 1;
int proc_init_ended = -1;

struct proc *proc_by_pid(int pid)
{
	for (int i = 0; i < PROC_MAX; i++)
		if (procs[i].state != PROC_FREE && procs[i].pid == pid)
			return &procs[i];
	return 0;
}

uint64_t proc_badge(const struct proc *p)
{
	return (uint64_t)(p - procs) + 1;
}


struct proc *proc_by_slot(int i)
{
	return i >= 0 && i < PROC_MAX && procs[i].state != PROC_FREE ? &procs[i] : 0;
}

int proc_count(void)
{
	int n = 0;

	for (int i = 0; i < PROC_MAX; i++)
		n += procs[i].state == PROC_RUNNING;
	return n;
}


static struct proc *proc_alloc(int ppid)
{
	for (int i = 0; i < PROC_MAX; i++) {
		if (procs[i].state != PROC_FREE)
			continue;
		procs[i] = (struct proc){ .state = PROC_RUNNING, .pid = proc_next_pid++, .ppid = ppid,
					  .task = -1, .space = -1 };
		return &procs[i];
	}
	return 0;
}

int proc_start_init(const char *path, const char *const argv[], const char *const envp[])
{
	struct proc *init = proc_alloc(0);
	int err = files_new(init);

	if (err == 0)
		err = proc_exec(init, path, argv, envp);

	if (err < 0)
		init->state = PROC_FREE;
	return err;
}

static void proc_answer(uint64_t *token, long value)
{
	const uint64_t w[6] = { (uint64_t)value };

	if (*token)
		native_ipc_reply(*token, w);
	*token = 0;
}

static int proc_matches(const struct proc *parent, const struct proc *c)
{
	return c->state != PROC_FREE && c->ppid == parent->pid &&
	       (parent->wait_pid == -1 || parent->wait_pid == c->pid);
}

/* What wait4 (the status word) or waitid (a siginfo_t) tells about the zombie c. */
static long proc_wait_report(struct proc *parent, const struct proc *c)
{
	int32_t info[32] = { 0 };	/* siginfo_t: 128 bytes */

	if (!parent->wait_status)
		return 0;
	if (!parent->wait_info)
		return native_space_write_user(parent->space, parent->wait_status, &c->status, sizeof(int));
	info[0] = 17;	/* si_signo: SIGCHLD */
	info[2] = c->status & 0x7f ? 2 : 1;	/* si_code: CLD_KILLED or CLD_EXITED */
	info[4] = c->pid;	/* si_pid; si_uid 0 */
	info[6] = c->status & 0x7f ? c->status & 0x7f : (c->status >> 8) & 0xff;	/* si_status */
	return native_space_write_user(parent->space, parent->wait_status, info, sizeof(info));
}

/* A wait's answer from proc_reap's result: waitid answers 0 where wait4 gives the pid. */
static long proc_wait_answer(const struct proc *parent, long r)
{
	return r > 0 && parent->wait_info ? 0 : r;
}

/*
 * A wait of `parent` that can end now: with a zombie child (reaped), or
 * -ECHILD when no child matches. 0 when it must go on waiting.
 */
static long proc_reap(struct proc *parent)
{
	int children = 0;

	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *c = &procs[i];
		long pid = c->pid;

		if (!proc_matches(parent, c))
			continue;
		children++;
		if (c->state != PROC_ZOMBIE)
			continue;
		if (proc_wait_report(parent, c) < 0)
			return -EFAULT;
		if (!parent->wait_keep)
			c->state = PROC_FREE;
		return pid;
	}
	return children ? 0 : -ECHILD;
}

void proc_end(struct proc *p, int wait_status)
{
	struct proc *parent = proc_by_pid(p->ppid);
	long r;

	native_task_kill(p->task, wait_status);
	files_exit(p);
	native_handle_close(p->task);
	native_handle_close(p->space);
	p->task = p->space = -1;
	p->sleep_token = 0;	/* the kernel retired the call with the task */
	p->status = wait_status;
	p->state = PROC_ZOMBIE;
	proc_answer(&p->vfork_token, p->pid);	/* a vfork parent runs again */
	for (int i = 0; i < PROC_MAX; i++)
		if (procs[i].state != PROC_FREE && procs[i].ppid == p->pid)
			procs[i].ppid = 1;	/* orphans go to init */
	if (p->pid == 1)
		proc_init_ended = wait_status;
	if (parent && parent->wait_token && (r = proc_reap(parent)) != 0)
		proc_answer(&parent->wait_token, proc_wait_answer(parent, r));
	if ((parent = proc_by_pid(1)) && parent->wait_token && (r = proc_reap(parent)) != 0)
		proc_answer(&parent->wait_token, proc_wait_answer(parent, r));	/* init may have just adopted a zombie */
}

enum proc_reply proc_wait4(struct proc *p, const struct kage_msg *m, long *result)
{
	const uint64_t *a = &m->w[1];
	long r;

	p->wait_pid = (int64_t)a[0] > 0 ? (int)a[0] : -1;	/* process groups come with job control */
	p->wait_status = a[1];
	p->wait_info = p->wait_keep = 0;
	if ((r = proc_reap(p)) != 0 || (a[2] & WNOHANG)) {
		*result = r;
		return PROC_REPLY;
	}
	p->wait_token = m->token;
	return PROC_NO_REPLY;
}

/* waitid(idtype, id, infop, options): exits only (stops come with job control). */
enum proc_reply proc_waitid(struct proc *p, const struct kage_msg *m, long *result)
{
	const uint64_t *a = &m->w[1], options = a[3];
	const int32_t none[32] = { 0 };
	long r;

	if (a[0] > P_PGID || !(options & WEXITED) || (options & ~(uint64_t)(WNOHANG | WEXITED | WNOWAIT)) ||
	    (a[0] == P_PID && (int64_t)a[1] <= 0)) {
		*result = -EINVAL;
		return PROC_REPLY;
	}
	p->wait_pid = a[0] == P_PID ? (int)a[1] : -1;	/* P_PGID: one group for all until job control */
	p->wait_status = a[2];
	p->wait_info = 1;
	p->wait_keep = (options & WNOWAIT) != 0;
	if ((r = proc_reap(p)) != 0 || (options & WNOHANG)) {
		if (r == 0 && a[2] && native_space_write_user(p->space, a[2], none, sizeof(none)) < 0)
			r = -EFAULT;	/* nothing to report: si_pid 0 */
		*result = proc_wait_answer(p, r);
		return PROC_REPLY;
	}
	p->wait_token = m->token;
	return PROC_NO_REPLY;
}

/* Linux's own refusals, checked before anything is done. */
static long proc_clone_flags(uint64_t flags)
{
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_NEWNS) && (flags & CLONE_FS))
		return -EINVAL;
	if ((flags & CLONE_THREAD) || ((flags & CLONE_VM) && !(flags & CLONE_VFORK)))
		return -ENOSYS;	/* threads come with the userland issue */
	return 0;
}

/* The child's registers where clone asks for a new stack or TLS. */
static long proc_clone_regs(long task, uint64_t flags, uint64_t sp, uint64_t tls)
{
	struct kage_regs r;
	long err;

	if (!sp && !(flags & CLONE_SETTLS))
		return 0;
	if ((err = native_task_regs(task, KAGE_REGS_GET, &r)) < 0)
		return err;
	if (sp)
		r.x[1] = sp;	/* x2 */
	if (flags & CLONE_SETTLS)
		r.x[3] = tls;	/* x4, tp */
	return native_task_regs(task, KAGE_REGS_SET, &r);
}

/* A copy of p (sharing its space with CLONE_VM): the new process, or NULL and *err. */
static struct proc *proc_copy(struct proc *p, uint64_t flags, const uint64_t *a, long *err)
{
	struct proc *c = proc_alloc(p->pid);
	int pid;

	if (!c) {
		*err = -EAGAIN;
		return 0;
	}
	c->space = (flags & CLONE_VM) ? native_handle_copy(p->space, -1, KAGE_RIGHTS_ALL, 0)
				      : native_space_clone(p->space);
	c->task = c->space < 0 ? c->space : native_task_clone(p->task, c->space);
	*err = c->task < 0 ? c->task : proc_bind(c, c->task);
	if (*err == 0)
		*err = proc_clone_regs(c->task, flags, a[1], a[3]);
	pid = c->pid;
	if (*err == 0 && (flags & CLONE_PARENT_SETTID))
		*err = native_space_write_user(p->space, a[2], &pid, sizeof(pid));
	if (*err == 0 && (flags & CLONE_CHILD_SETTID))
		*err = native_space_write_user(c->space, a[4], &pid, sizeof(pid));
	if (*err == 0)
		*err = files_fork(p, c);
	if (*err < 0) {
		if (c->task >= 0)
			native_task_kill(c->task, 0), native_handle_close(c->task);
		if (c->space >= 0)
			native_handle_close(c->space);
		c->state = PROC_FREE;
		return 0;
	}
	c->brk_start = p->brk_start, c->brk = p->brk, c->mmap_next = p->mmap_next;
	memcpy(c->exe, p->exe, sizeof(c->exe));
	return c;
}

enum proc_reply proc_clone(struct proc *p, const struct kage_msg *m, long *result)
{
	const uint64_t *a = &m->w[1], flags = a[0];
	struct proc *c;
	long err = proc_clone_flags(flags);

	if (err == 0 && (flags & CSIGNAL) && (flags & CSIGNAL) > 64)
		err = -EINVAL;
	if (err < 0 || !(c = proc_copy(p, flags, a, &err))) {
		*result = err;
		return PROC_REPLY;
	}
	native_task_resume(c->task);
	if (flags & CLONE_VFORK) {
		c->vfork_token = m->token;	/* the parent waits for exec or exit */
		return PROC_NO_REPLY;
	}
	*result = c->pid;
	return PROC_REPLY;
}

long proc_string(struct proc *p, uint64_t va, char *buf, size_t max)
{
	return native_read_string((uint64_t)p->space, 0, va, buf, max);
}

/* Reads a NULL-terminated vector of strings into v[] and pool: 0 or a negative errno. */
static long proc_vector(struct proc *p, uint64_t va, const char *v[], char **pool, char *end)
{
	uint64_t ptr;
	int n = 0;
	long len;

	for (; va; va += 8, n++) {
		if (native_space_read(p->space, va, &ptr, sizeof(ptr)) < 0)
			return -EFAULT;
		if (!ptr)
			break;
		if (n == PROC_ARGS_MAX)
			return -E2BIG;
		if ((len = proc_string(p, ptr, *pool, (size_t)(end - *pool))) < 0)
			return len == -ENAMETOOLONG ? -E2BIG : len;
		v[n] = *pool;
		*pool += len + 1;
	}
	v[n] = 0;
	return 0;
}

enum proc_reply proc_execve(struct proc *p, const struct kage_msg *m, long *result)
{
	static char path[256], pool[4096];
	static const char *argv[PROC_ARGS_MAX + 1], *envp[PROC_ARGS_MAX + 1];
	const uint64_t *a = &m->w[1];
	char *next = pool;
	long err = proc_string(p, a[0], path, sizeof(path));

	if (err >= 0)
		err = proc_vector(p, a[1], argv, &next, pool + sizeof(pool));
	if (err >= 0)
		err = proc_vector(p, a[2], envp, &next, pool + sizeof(pool));
	if (err >= 0)
		err = proc_exec(p, path, argv, envp);
	if (err < 0) {
		*result = err;
		return PROC_REPLY;
	}
	proc_answer(&p->vfork_token, p->pid);	/* the vfork parent runs again */
	return PROC_NO_REPLY;	/* the call is gone with the old image */
}

/* Signals whose default action is to do nothing. */
static int proc_sig_ignored(int sig)
{
	return sig == 17 || sig == 23 || sig == 28;	/* SIGCHLD, SIGURG, SIGWINCH */
}

/*
 * kill, tkill, tgkill with default actions only (handlers come with the
 * userland issue): a terminating signal ends the target as if killed by
 * it; stop and continue are not there yet.
 */
enum proc_reply proc_kill(struct proc *p, int pid, int sig, long *result)
{
	struct proc *t = pid > 0 ? proc_by_pid(pid) : 0;

	*result = 0;
	if (sig < 0 || sig > 64)
		*result = -EINVAL;
	else if (pid <= 0)
		*result = -ENOSYS;	/* process groups come with job control */
	else if (!t || t->state != PROC_RUNNING)
		*result = -ESRCH;
	else if (sig == 19 || sig == 18 || sig == 20 || sig == 21 || sig == 22)
		*result = -ENOSYS;	/* SIGSTOP, SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU */
	if (*result < 0 || sig == 0 || proc_sig_ignored(sig))
		return PROC_REPLY;
	proc_end(t, sig);
	return t == p ? PROC_NO_REPLY : PROC_REPLY;
}

/* ^C: SIGINT (its default action ends the process) to every process but init, or to init alone. */
void proc_interrupt(int sig, int pgrp)
{
	int hit = 0;

	/* Only ^C without a foreground group is handled here; job-control delivery is done by the signal code. */
	if (sig != 2 || pgrp)
		return;
	for (int i = 0; i < PROC_MAX; i++) {
		if (procs[i].state == PROC_RUNNING && procs[i].pid != 1) {
			proc_end(&procs[i], 2);
			hit++;
		}
	}
	if (!hit && proc_by_pid(1) && proc_by_pid(1)->state == PROC_RUNNING)
		proc_end(proc_by_pid(1), 2);
}
