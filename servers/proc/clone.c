/*
 * fork, vfork and clone. The caller waits in its forwarded call, so a
 * copy of its task (task_clone) returns 0 from the same ecall. Without
 * CLONE_THREAD the copy is a new process: its own space (space_clone:
 * copy-on-write) or, with CLONE_VM, the caller's (a vfork child), and a
 * copy of the caller's descriptor table at the file server. With
 * CLONE_THREAD it is a new thread of the caller's process, which shares
 * everything a process has.
 *
 * A vfork parent is simply not answered yet: its reply token waits in the
 * child until the child's execve or end.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/proc/proc.h"

/* Linux's own refusals, checked before anything is done. */
static long clone_check(uint64_t flags)
{
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_NEWNS) && (flags & CLONE_FS))
		return -EINVAL;
	if ((flags & CSIGNAL) > _NSIG)
		return -EINVAL;
	return 0;
}

/*
 * What fork says when the kernel or the file server could not give the
 * child what it needs: ENOMEM when memory is out, EIO when the file
 * server is gone (as every file call says then), else EAGAIN, as Linux
 * answers for every other resource it lacks.
 */
static long clone_resource_error(long err)
{
	return err == -ENOMEM || err == -EIO ? err : -EAGAIN;
}

/* The new task's registers, where clone asks for a new stack or TLS. */
static long clone_regs(long task, uint64_t flags, uint64_t sp, uint64_t tls)
{
	struct kage_regs r;
	long err;

	if (!sp && !(flags & CLONE_SETTLS))
		return 0;
	err = native_task_regs(task, KAGE_REGS_GET, &r);
	if (err < 0)
		return err;
	if (sp)
		r.x[KAGE_REG_SP] = sp;
	if (flags & CLONE_SETTLS)
		r.x[KAGE_REG_TP] = tls;
	return native_task_regs(task, KAGE_REGS_SET, &r);
}

/* c's task: a copy of t's in `space`, bound to this server, with what clone asks of its registers. */
static long clone_task(const struct thread *t, struct thread *c, long space, uint64_t flags, const uint64_t *a)
{
	long task = native_task_clone(t->task, space), err;

	if (task < 0)
		return clone_resource_error(task);
	c->task = task;		/* released with c on failure */
	err = thread_bind(c, task);
	if (err < 0)
		return clone_resource_error(err);
	return clone_regs(task, flags, a[1], a[3]);
}

/* The new tid, where CLONE_PARENT_SETTID (in the caller) and CLONE_CHILD_SETTID (in the child) ask. */
static long clone_settid(const struct process *p, const struct process *c, uint64_t flags, const uint64_t *a,
			 int tid)
{
	long err = 0;

	if (flags & CLONE_PARENT_SETTID)
		err = native_space_write_user(p->space, a[2], &tid, sizeof(tid));
	if (err == 0 && (flags & CLONE_CHILD_SETTID))
		err = native_space_write_user(c->space, a[4], &tid, sizeof(tid));
	return err;
}

/* CLONE_THREAD: a new thread of t's process, or NULL and *err. */
static struct thread *clone_thread(struct thread *t, uint64_t flags, const uint64_t *a, long *err)
{
	struct process *p = t->proc;
	int tid = proc_new_id();
	struct thread *c;

	*err = tid < 0 ? tid : proc_may_add_task(p);
	if (*err < 0)
		return NULL;
	c = thread_new(p, tid, err);
	if (!c)
		return NULL;
	*err = clone_task(t, c, p->space, flags, a);
	if (*err < 0)
		goto free;
	*err = clone_settid(p, p, flags, a, c->tid);
	if (*err < 0)
		goto free;
	c->clear_tid = flags & CLONE_CHILD_CLEARTID ? a[4] : 0;
	sig_new_thread(t, c);
	return c;
free:
	thread_end(c, 0);
	return NULL;
}

/*
 * What a child process starts with of its parent's besides what proc_new
 * copied (actions, limits, /proc's names): the space's layout, its group
 * and session.
 */
static void clone_inherit(const struct process *p, struct process *c, uint64_t flags)
{
	c->brk_start = p->brk_start, c->brk = p->brk, c->mmap_next = p->mmap_next, c->mmap_base = p->mmap_base;
	c->vm_bytes = p->vm_bytes, c->data_bytes = p->data_bytes;
	if (flags & CLONE_VM)
		c->mm = p->mm;	/* one address space: one futex namespace */
	c->pgid = p->pgid, c->sid = p->sid;
	c->exit_signal = (int)(flags & CSIGNAL);
}

/* A new process, a copy of t's: its first thread, or NULL and *err. */
static struct thread *clone_process(struct thread *t, uint64_t flags, const uint64_t *a, long *err)
{
	struct process *p = t->proc, *c;
	struct thread *ct;
	long space;

	if ((flags & CLONE_PARENT) && !p->parent) {
		*err = -EINVAL;	/* init has no parent to share */
		return NULL;
	}
	*err = proc_may_add_task(p);
	if (*err < 0)
		return NULL;
	c = proc_new(flags & CLONE_PARENT ? p->parent : p, p, &ct, err);
	if (!c)
		return NULL;
	space = flags & CLONE_VM ? native_handle_copy(p->space, -1, KAGE_RIGHTS_ALL, 0) : native_space_clone(p->space);
	*err = clone_resource_error(space);
	if (space < 0)
		goto free;
	c->space = space;
	*err = clone_task(t, ct, space, flags, a);
	if (*err < 0)
		goto free;
	*err = clone_settid(p, c, flags, a, c->pid);
	if (*err < 0)
		goto free;
	*err = files_fork(p, c);
	if (*err < 0) {
		*err = clone_resource_error(*err);
		goto free;
	}
	clone_inherit(p, c, flags);
	ct->clear_tid = flags & CLONE_CHILD_CLEARTID ? a[4] : 0;
	sig_fork(t, c, ct);
	return ct;
free:
	thread_end_others(c, NULL);
	if (c->space >= 0)
		native_handle_close(c->space);
	proc_free(c);
	return NULL;
}

enum proc_reply proc_clone(struct thread *t, const struct kage_msg *m, long *result)
{
	const uint64_t *a = &m->w[1], flags = a[0];
	struct thread *c = NULL;
	long err = clone_check(flags);

	if (err == 0)
		c = flags & CLONE_THREAD ? clone_thread(t, flags, a, &err) : clone_process(t, flags, a, &err);
	if (!c) {
		*result = err;
		return PROC_REPLY;
	}
	if ((flags & CLONE_VFORK) && !(flags & CLONE_THREAD)) {
		c->proc->vfork_token = m->token;	/* the parent waits for exec or exit */
		c->proc->vfork_waiter = t;
		t->vfork_child = c->proc;
		native_task_resume(c->task);
		return PROC_NO_REPLY;
	}
	/*
	 * The caller runs first, as on Linux: answered before the new task is
	 * resumed, it is ahead of it in the run queue, and the new task runs
	 * when the caller waits or yields. A shell that forks a background job
	 * and then waits for a foreground one relies on it (ash's
	 * exitcode_trap6: the job's `kill $$` must find the shell waiting).
	 */
	sig_check(t);
	proc_answer(&(uint64_t){ m->token }, c->tid);
	native_task_resume(c->task);
	return PROC_NO_REPLY;
}
