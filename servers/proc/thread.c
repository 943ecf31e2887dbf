/*
 * The thread table: one entry per kernel task of a process.
 *
 * A thread's exit ends only it; exit_group, a fatal signal or execve end
 * the others too (thread_end_others), and the last one's exit ends the
 * process (proc_end). If the first thread exits while others run, its
 * status is kept in the process (leader_exited): Linux reports what the
 * group leader passed to exit when the last thread goes.
 *
 * Invariants: an entry is in use exactly while proc is set, and then it
 * is on its process's threads list, which nthreads counts; a thread holds
 * its task handle from the moment it runs until it ends (task -1 before:
 * init's first thread, whose task execve makes). A thread waiting for a
 * vfork child names it (vfork_child) and the child names the thread
 * (vfork_waiter), so either end can let go of the other.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/proc/proc.h"

struct thread threads[THREAD_MAX];

uint64_t thread_badge(const struct thread *t)
{
	return proto_badge(proc_key(t->proc), (uint32_t)(t - threads) + 1);
}

struct thread *thread_named_by(uint64_t badge)
{
	struct thread *t = thread_by_badge(badge);

	return t && proc_key(t->proc) == proto_badge_process(badge) ? t : NULL;
}

struct thread *thread_by_tid(int tid)
{
	for (int i = 0; i < THREAD_MAX; i++)
		if (threads[i].proc && threads[i].tid == tid)
			return &threads[i];
	return NULL;
}

_Static_assert(offsetof(struct thread, sig_info) + sizeof(((struct thread *)0)->sig_info) == sizeof(struct thread),
	       "sig_info closes the thread: thread_new clears what comes before it");

struct thread *thread_new(struct process *p, int tid)
{
	struct thread *t = NULL;

	for (int i = 0; i < THREAD_MAX && !t; i++)
		if (!threads[i].proc)
			t = &threads[i];
	if (!t)
		return NULL;
	memset(t, 0, offsetof(struct thread, sig_info));
	t->proc = p;
	t->tid = tid;
	t->task = -1;
	t->next = p->threads;
	p->threads = t;
	p->nthreads++;
	return t;
}

long thread_bind(struct thread *t, long task)
{
	long ep = native_handle_copy(proc_endpoint, -1, KAGE_RIGHT_SEND, thread_badge(t)), err;

	if (ep < 0)
		return ep;
	err = native_task_bind(task, KAGE_BIND_PERSONALITY, ep);
	if (err == 0)
		err = native_task_bind(task, KAGE_BIND_EXCEPTION, ep);
	native_handle_close(ep);
	return err;
}

void thread_forget_calls(struct thread *t)
{
	if (t->futex.token)
		futex_forget(t);
	t->sleep.token = t->suspend_token = t->stop_token = t->wait.token = 0;
}

/* t leaves its process's list. */
static void thread_unlink(struct thread *t)
{
	struct thread **link = &t->proc->threads;

	while (*link && *link != t)
		link = &(*link)->next;
	if (*link)
		*link = t->next;
	t->proc->nthreads--;
}

void thread_end(struct thread *t, int status)
{
	const uint32_t zero = 0;
	struct process *p = t->proc;

	if (t->clear_tid && p->space >= 0 &&
	    native_space_write_user(p->space, t->clear_tid, &zero, sizeof(zero)) == 0)
		futex_wake(p->mm, t->clear_tid, 1, FUTEX_BITSET_MATCH_ANY);
	if (t->task >= 0) {
		native_task_kill(t->task, status);
		native_handle_close(t->task);
	}
	if (t->vfork_child) {
		t->vfork_child->vfork_waiter = NULL;	/* its child has nobody to answer */
		t->vfork_child->vfork_token = 0;
	}
	thread_forget_calls(t);
	thread_unlink(t);
	t->proc = NULL;
}

void thread_end_others(struct process *p, struct thread *keep)
{
	struct thread *t = p->threads, *next;

	for (; t; t = next) {
		next = t->next;
		if (t != keep)
			thread_end(t, 0);
	}
}

enum proc_reply thread_exit(struct thread *t, int status)
{
	struct process *p = t->proc;

	if (p->nthreads <= 1) {
		proc_end(p, p->leader_exited ? p->status : status);
		return PROC_NO_REPLY;
	}
	if (t->tid == p->pid) {
		p->status = status;	/* what the process reports when its last thread goes */
		p->leader_exited = 1;
	}
	thread_end(t, status);
	return PROC_NO_REPLY;
}
