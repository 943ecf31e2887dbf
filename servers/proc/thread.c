/*
 * The thread table: one entry per kernel task of a process.
 *
 * A thread's exit ends only it; exit_group, a fatal signal or execve end
 * the others too (thread_end_others), and the last one's exit ends the
 * process (proc_end). If the first thread exits while others run, its
 * status is kept in the process (leader_exited): Linux reports what the
 * group leader passed to exit when the last thread goes.
 *
 * Invariants: an entry is in use exactly while proc is set; p->nthreads
 * counts p's entries; a thread holds its task handle from the moment it
 * runs until it is released (task -1 before: init's first thread, whose
 * task execve makes).
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "servers/proc/proc.h"

struct thread threads[THREAD_MAX];

uint64_t thread_badge(const struct thread *t)
{
	return proto_badge(proc_key(t->proc), (uint32_t)(t - threads) + 1);
}

struct thread *thread_by_tid(int tid)
{
	for (int i = 0; i < THREAD_MAX; i++)
		if (threads[i].proc && threads[i].tid == tid)
			return &threads[i];
	return NULL;
}

struct thread *proc_first_thread(const struct process *p)
{
	for (int i = 0; i < THREAD_MAX; i++)
		if (threads[i].proc == p)
			return &threads[i];
	return NULL;
}

struct thread *thread_new(struct process *p, int tid)
{
	for (int i = 0; i < THREAD_MAX; i++) {
		if (threads[i].proc)
			continue;
		threads[i] = (struct thread){ .proc = p, .tid = tid, .task = -1 };
		p->nthreads++;
		return &threads[i];
	}
	return NULL;
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
	t->sleep.token = t->suspend_token = t->stop_token = t->wait.token = t->futex.token = 0;
	t->futex.until = 0;
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
	for (int i = 0; i < PROC_MAX; i++) {
		if (procs[i].vfork_waiter != t)
			continue;
		procs[i].vfork_waiter = NULL;	/* its vfork child has nobody to answer */
		procs[i].vfork_token = 0;
	}
	*t = (struct thread){ .task = -1 };
	p->nthreads--;
}

void thread_end_others(struct process *p, struct thread *keep)
{
	for (int i = 0; i < THREAD_MAX; i++)
		if (threads[i].proc == p && &threads[i] != keep)
			thread_end(&threads[i], 0);
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
