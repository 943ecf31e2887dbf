/*
 * Threads and futexes.
 *
 * A thread is a struct proc of its own (its own task, badge, tid in pid,
 * signal mask) whose `group` is the process's first thread: that one
 * holds what the threads share (signal actions, the parent, the wait
 * status), and the file server gives all of them its descriptor table
 * (FS_OP_TABLE_SHARE). A thread's exit ends only it; exit_group, a fatal
 * signal or execve ends the others (thread_end_others). If the first
 * thread exits while others run, it stays as the process's record with
 * no task (thread_exited) until the last one goes.
 *
 * A futex waiter is a thread with futex_token set: keyed by its address
 * space (mm) and the futex's address, answered once by a wake, by its
 * deadline (sleep.c) or by a signal.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "servers/proc/proc.h"

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_BITSET_ALL 0xffffffffu

/* How many threads the process led by `leader` has running. */
static int thread_count(const struct proc *leader)
{
	int n = 0;

	for (int i = 0; i < PROC_MAX; i++)
		n += procs[i].state == PROC_RUNNING && procs[i].group == leader && !procs[i].thread_exited;
	return n;
}

/* One thread goes: its clear_tid is zeroed and woken, its handles and slot released. */
static void thread_release(struct proc *t, int status)
{
	const uint32_t zero = 0;

	if (t->clear_tid && native_space_write_user(t->space, t->clear_tid, &zero, sizeof(zero)) == 0)
		futex_wake(t->mm, t->clear_tid, 1, FUTEX_BITSET_ALL);
	native_task_kill(t->task, status);
	native_handle_close(t->task);
	t->task = -1;
	proc_forget_calls(t);
	if (t != t->group) {
		files_exit(t);
		native_handle_close(t->space);
		t->space = -1;
		t->state = PROC_FREE;
	}
}

void thread_end_others(struct proc *leader, struct proc *keep)
{
	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *t = &procs[i];

		if (t->state == PROC_RUNNING && t->group == leader && t != leader && t != keep)
			thread_release(t, 0);
	}
}

enum proc_reply thread_exit(struct proc *p, int status)
{
	struct proc *leader = p->group;

	if (thread_count(leader) <= 1) {
		proc_end(leader, leader->thread_exited ? leader->status : status);
		return PROC_NO_REPLY;
	}
	if (p == leader) {
		p->status = status;	/* what the process reports when its last thread goes */
		p->thread_exited = 1;
	}
	thread_release(p, status);
	return PROC_NO_REPLY;
}

void futex_cancel(struct proc *p, long value)
{
	proc_answer(&p->futex_token, value);
	p->futex_until = 0;
}

int futex_wake(uint32_t mm, uint64_t addr, int n, uint32_t bits)
{
	int woken = 0;

	for (int i = 0; i < PROC_MAX && woken < n; i++) {
		struct proc *t = &procs[i];

		if (t->state != PROC_RUNNING || !t->futex_token || t->mm != mm || t->futex_addr != addr ||
		    !(t->futex_bitset & bits))
			continue;
		futex_cancel(t, 0);
		woken++;
	}
	return woken;
}

/* FUTEX_REQUEUE: wakes n, then moves up to `move` other waiters to addr2. */
static long futex_requeue(struct proc *p, uint64_t addr, int n, int move, uint64_t addr2)
{
	int woken = futex_wake(p->mm, addr, n, FUTEX_BITSET_ALL), moved = 0;

	for (int i = 0; i < PROC_MAX && moved < move; i++) {
		struct proc *t = &procs[i];

		if (t->state == PROC_RUNNING && t->futex_token && t->mm == p->mm && t->futex_addr == addr) {
			t->futex_addr = addr2;
			moved++;
		}
	}
	return woken + moved;
}

/* FUTEX_WAIT(_BITSET): sleeps while *addr == val, until woken or the deadline. */
static enum proc_reply futex_wait(struct proc *p, const struct kage_msg *m, int absolute, uint32_t bits,
				  long *result)
{
	const uint64_t *a = &m->w[1];
	uint32_t now;
	int64_t ts[2];

	if (a[0] & 3)
		return *result = -EINVAL, PROC_REPLY;
	if (native_space_read(p->space, a[0], &now, sizeof(now)) < 0)
		return *result = -EFAULT, PROC_REPLY;
	if (now != (uint32_t)a[2])
		return *result = -EAGAIN, PROC_REPLY;
	if (!bits)
		return *result = -EINVAL, PROC_REPLY;
	p->futex_until = 0;
	if (a[3]) {
		if (native_space_read(p->space, a[3], ts, sizeof(ts)) < 0)
			return *result = -EFAULT, PROC_REPLY;
		if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1000000000)
			return *result = -EINVAL, PROC_REPLY;
		p->futex_until = sleep_deadline((uint64_t)ts[0], (uint64_t)ts[1], absolute);
	}
	p->futex_addr = a[0];
	p->futex_bitset = bits;
	p->futex_token = m->token;
	if (p->futex_until)
		sleep_expire();	/* a deadline already passed is answered at once */
	return PROC_NO_REPLY;
}

enum proc_reply futex_call(struct proc *p, const struct kage_msg *m, long *result)
{
	const uint64_t *a = &m->w[1];
	int op = (int)(a[1] & ~(uint64_t)(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME));
	uint32_t now;

	switch (op) {
	case FUTEX_WAIT:
		return futex_wait(p, m, 0, FUTEX_BITSET_ALL, result);
	case FUTEX_WAIT_BITSET:
		return futex_wait(p, m, 1, (uint32_t)a[5], result);
	case FUTEX_WAKE:
		*result = futex_wake(p->mm, a[0], (int)a[2], FUTEX_BITSET_ALL);
		break;
	case FUTEX_WAKE_BITSET:
		*result = a[5] ? futex_wake(p->mm, a[0], (int)a[2], (uint32_t)a[5]) : -EINVAL;
		break;
	case FUTEX_CMP_REQUEUE:
		if (native_space_read(p->space, a[0], &now, sizeof(now)) < 0)
			return *result = -EFAULT, PROC_REPLY;
		if (now != (uint32_t)a[5])
			return *result = -EAGAIN, PROC_REPLY;
		/* fall through */
	case FUTEX_REQUEUE:
		*result = futex_requeue(p, a[0], (int)a[2], (int)a[3], a[4]);
		break;
	default:
		linux_unknown(98);
		*result = -ENOSYS;
	}
	return PROC_REPLY;
}
