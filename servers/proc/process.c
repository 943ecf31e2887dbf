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
static uint32_t proc_next_mm;	/* names address spaces for futex keys */
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
		procs[i] = (struct proc){ .state = PROC_RUNNING, .pid = proc_next_pid, .tgid = proc_next_pid,
					  .ppid = ppid, .pgid = proc_next_pid, .sid = proc_next_pid,
					  .task = -1, .space = -1, .group = &procs[i], .mm = ++proc_next_mm,
					  .umask = 022 };
		proc_next_pid++;
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

void proc_forget_calls(struct proc *p)
{
	p->sleep_token = p->suspend_token = p->stop_token = p->wait_token = p->futex_token = 0;
	p->futex_until = 0;
}

/* The parent hears of p's end: SIGCHLD, or no zombie at all if it ignores SIGCHLD. */
static void proc_tell_parent(struct proc *p, struct proc *parent)
{
	const struct sig_info info = { .code = p->status & 0x7f ? 2 : 1, .pid = p->pid,
				       .status = p->status & 0x7f ? p->status & 0x7f : (p->status >> 8) & 0xff };
	const struct sig_action *a = &parent->sig.act[SIGCHLD - 1];

	if (a->handler == 1 || (a->flags & 0x2))	/* SIG_IGN, SA_NOCLDWAIT */
		p->state = PROC_FREE;
	wait_wake(parent);
	sig_post_process(parent, SIGCHLD, &info);
}

void proc_end(struct proc *p, int wait_status)
{
	struct proc *parent;

	p = p->group;	/* a process ends whole, whichever thread ends it */
	thread_end_others(p, 0);
	parent = proc_by_pid(p->ppid);
	native_task_kill(p->task, wait_status);
	files_exit(p);
	native_handle_close(p->task);
	native_handle_close(p->space);
	p->task = p->space = -1;
	proc_forget_calls(p);
	p->stopped = 0;
	p->status = wait_status;
	p->state = PROC_ZOMBIE;
	proc_answer(&p->vfork_token, p->pid);	/* a vfork parent runs again */
	for (int i = 0; i < PROC_MAX; i++)
		if (procs[i].state != PROC_FREE && procs[i].ppid == p->pid)
			procs[i].ppid = 1;	/* orphans go to init */
	if (p->pid == 1)
		proc_init_ended = wait_status;
	if (parent && parent->state == PROC_RUNNING)
		proc_tell_parent(p, parent);
	if (parent && parent->pid != 1)
		wait_wake(proc_by_pid(1));	/* init may have just adopted a zombie */
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
	if ((flags & CLONE_THREAD) && !(flags & CLONE_VM))
		return -EINVAL;
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
		r.x[KAGE_REG_SP] = sp;
	if (flags & CLONE_SETTLS)
		r.x[KAGE_REG_TP] = tls;
	return native_task_regs(task, KAGE_REGS_SET, &r);
}

/* A copy of p (sharing its space with CLONE_VM): the new process, or NULL and *err. */
static struct proc *proc_copy(struct proc *p, uint64_t flags, const uint64_t *a, long *err)
{
	struct proc *c = proc_alloc(flags & CLONE_THREAD ? p->group->ppid : p->tgid);
	int pid;

	if (c && (flags & CLONE_THREAD))
		c->tgid = p->tgid, c->group = p->group;
	if (c && (flags & CLONE_VM))
		c->mm = p->mm;
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
		*err = flags & CLONE_THREAD ? files_share(p->group, c) : files_fork(p, c);
	if (*err < 0) {
		if (c->task >= 0)
			native_task_kill(c->task, 0), native_handle_close(c->task);
		if (c->space >= 0)
			native_handle_close(c->space);
		c->state = PROC_FREE;
		return 0;
	}
	c->brk_start = p->brk_start, c->brk = p->brk, c->mmap_next = p->mmap_next;
	c->pgid = p->pgid, c->sid = p->sid, c->umask = p->umask;
	c->clear_tid = flags & CLONE_CHILD_CLEARTID ? a[4] : 0;
	sig_fork(p, c);
	memcpy(c->exe, p->exe, sizeof(c->exe));
	memcpy(c->comm, p->comm, sizeof(c->comm));
	memcpy(c->cmdline, p->cmdline, sizeof(c->cmdline));
	c->cmdline_len = p->cmdline_len;
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
	if ((flags & CLONE_VFORK) && !(flags & CLONE_THREAD)) {
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
	static char path[256], pool[PROC_ARG_BYTES];
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
	p->did_exec = 1;
	if (p == p->group)
		thread_end_others(p, p);	/* the old image's other threads go with it */
	sig_exec(p);
	sig_check(p);	/* what is pending and not blocked is delivered in the new image */
	return PROC_NO_REPLY;	/* the call is gone with the old image */
}
