/*
 * The thread table: one entry per kernel task of a process.
 *
 * A thread's exit ends only it; exit_group, a fatal signal or execve end
 * the others too (thread_end_others), and the last one's exit ends the
 * process (proc_end). If the first thread exits while others run, its
 * status is kept in the process (leader_exited): Linux reports what the
 * group leader passed to exit when the last thread goes.
 *
 * Invariants: while proc is set a thread is in the slot table (its
 * badge), in the tid map unless it is its process's leader (tid == pid:
 * found through the pid map instead), on its process's threads list,
 * which nthreads counts, and has its place reserved in the sleep heap;
 * an ended one waits on the ended list (linked by next) until
 * thread_collect gives it back (to a small cache of records, or the
 * heap) after the message. A thread holds
 * its task handle from the moment it runs until it ends (task -1 before:
 * init's first thread, whose task execve makes). A thread waiting for a
 * vfork child names it (vfork_child) and the child names the thread
 * (vfork_waiter), so either end can let go of the other.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/proc/proc.h"

struct table_slots thread_slots;
static struct table_map thread_tids;
static struct thread *thread_ended;
static struct table_cache thread_records = { .size = sizeof(struct thread) };

void thread_table_init(void)
{
	table_map_init(&thread_tids);
}

uint64_t thread_badge(const struct thread *t)
{
	return proto_badge(proc_key(t->proc), t->slot);
}

struct thread *thread_named_by(uint64_t badge)
{
	struct thread *t = thread_by_badge(badge);

	return t && proc_key(t->proc) == proto_badge_process(badge) ? t : NULL;
}

struct thread *thread_by_tid(int tid)
{
	struct table_link *l = table_map_find(&thread_tids, tid);
	struct process *p;

	if (l)
		return table_entry(l, struct thread, tid_link);
	p = proc_by_pid(tid);	/* a leader: its tid is its process's pid */
	for (struct thread *t = p ? p->threads : NULL; t; t = t->next)
		if (t->tid == tid)
			return t;
	return NULL;
}

/* The tid map holds the threads that are not their process's leader; leaders are found by pid. */
static void thread_name(struct thread *t, int tid)
{
	t->tid = tid;
	t->in_tid_map = tid != t->proc->pid;
	if (t->in_tid_map)
		table_map_add(&thread_tids, &proc_heap, &t->tid_link, tid);
}

static void thread_unname(struct thread *t)
{
	if (t->in_tid_map)
		table_map_remove(&thread_tids, &proc_heap, &t->tid_link);
	t->in_tid_map = 0;
}

_Static_assert(offsetof(struct thread, sig_info) + sizeof(((struct thread *)0)->sig_info) == sizeof(struct thread),
	       "sig_info closes the thread: thread_new clears what comes before it");

struct thread *thread_new(struct process *p, int tid, long *err)
{
	struct thread *t = table_cache_get(&thread_records, &proc_heap);
	long slot;

	*err = -ENOMEM;
	if (!t)
		return NULL;
	memset(t, 0, offsetof(struct thread, sig_info));	/* sig_info is read only for a pending signal */
	*err = sleep_reserve(thread_slots.count + 1);
	slot = *err < 0 ? *err : table_slot_take(&thread_slots, &proc_heap, t);
	if (slot < 0) {
		*err = slot == -EAGAIN ? -EAGAIN : -ENOMEM;
		table_cache_put(&thread_records, &proc_heap, t);
		return NULL;
	}
	t->slot = (uint32_t)slot;
	t->proc = p;
	t->task = -1;
	thread_name(t, tid);
	t->next = p->threads;
	p->threads = t;
	p->nthreads++;
	*err = 0;
	return t;
}

void thread_set_tid(struct thread *t, int tid)
{
	thread_unname(t);
	thread_name(t, tid);
}

void thread_collect(void)
{
	struct thread *t = thread_ended, *next;

	thread_ended = NULL;
	for (; t; t = next) {
		next = t->next;
		table_cache_put(&thread_records, &proc_heap, t);
	}
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
	if (t->sleep_at)
		sleep_forget(t);
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
		cputime_thread_end(t);
		native_handle_close(t->task);
	}
	if (t->vfork_child) {
		t->vfork_child->vfork_waiter = NULL;	/* its child has nobody to answer */
		t->vfork_child->vfork_token = 0;
	}
	thread_forget_calls(t);
	thread_unlink(t);
	thread_unname(t);
	table_slot_put(&thread_slots, t->slot);
	t->proc = NULL;
	t->next = thread_ended;
	thread_ended = t;
	proc_retiring = 1;
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
