/*
 * Task checks: create/resume/exit, registers, kill, preemption, clone (a0
 * = 0 in the copy), exec of a running task, and a task without handles.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "tests/kernel/root.h"

#define SELF KAGE_HANDLE_SELF_SPACE

static volatile long shared_word;
static volatile long clone_result = -1;
static volatile long exec_marker;
static volatile long refused[3];

static void child_exit_with(long arg)
{
	shared_word = arg;
	native_exit(42);
}

static void child_spin(long arg)
{
	(void)arg;
	for (;;)
		shared_word++;
}

/* Runs with no handles at all: every native call but sys_stats must be refused, then it faults. */
static void child_no_handles(long arg)
{
	struct kage_stats st;

	(void)arg;
	refused[0] = native_call(KAGE_SYS_NULL, 0, 0);
	refused[1] = native_call(KAGE_SYS_DEBUG_PUTC, '!', 0);
	refused[2] = native_stats(&st);
	*(volatile long *)0 = 1;
	for (;;)
		;
}

/* Blocks in a call; the root clones it while it waits (the fork pattern). */
static void child_call_then_record(long arg)
{
	const uint64_t w[6] = { 1 };
	long r = native_ipc_call(0, w, 0);	/* handle 0: the endpoint */

	(void)arg;
	clone_result = r;
	native_notif_signal(1, r == 0 ? 2 : 1);	/* handle 1: the notification */
	native_exit(0);
}

static void child_after_exec(long arg)
{
	(void)arg;
	exec_marker = 0xe4ec;
	native_notif_signal(0, 4);
	native_exit(7);
}

static void check_create_and_exit(void)
{
	struct kage_regs r;
	long status = 0, t = child_create(SELF, child_exit_with, 1234, 0);

	check(t > 0, "task_create", "no handle");
	check(native_task_regs(t, KAGE_REGS_GET, &r) == 0 && r.x[KAGE_REG_PC] == (uint64_t)child_exit_with &&
		      r.x[KAGE_REG_SP] == child_stack_top(0) && r.x[KAGE_REG_A0] == 1234,
	      "task_regs_get_set", "registers do not read back");
	check(native_task_status(t, &status) == KAGE_TASK_SUSPENDED, "task_starts_suspended", "not suspended");
	native_handle_copy(KAGE_HANDLE_SELF_SPACE, t, KAGE_RIGHT_READ, 0);	/* so it may call exit */
	check(native_task_resume(t) == 0, "task_resume", "refused");
	check(child_wait(t, &status) == KAGE_TASK_DEAD && status == 42 && shared_word == 1234,
	      "task_runs_and_exits", "wrong status or no effect");
	check(native_task_resume(t) == -ESRCH, "dead_task_is_esrch", "not -ESRCH");
	native_handle_close(t);
}

static void check_kill_and_preemption(void)
{
	long n = native_notif_create(), status = 0, t = child_create(SELF, child_spin, 0, 0);

	native_task_resume(t);
	check(native_task_resume(t) == -EBUSY, "task_resume_twice_is_ebusy", "not -EBUSY");
	/* A tick already pending when it starts may preempt it at once (or it starts on another hart): give it time. */
	check(child_wait_word(&shared_word, 1234), "spinning_task_ran", "the child never ran");
	/* The child never blocks: only the timer can give the hart back. */
	native_timer_notify(n, 30 * 1000 * 1000, 8);
	check(native_notif_wait(n) == 8, "preempted_by_timer", "wrong bits");
	check(native_task_kill(t, 99) == 0 && native_task_status(t, &status) == KAGE_TASK_DEAD && status == 99,
	      "task_kill_running_task", "not dead with the given status");
	native_handle_close(t);
	native_handle_close(n);
}

static void check_no_handles(void)
{
	long status = 0, t = child_create(SELF, child_no_handles, 0, 0);

	native_task_resume(t);
	check(child_wait(t, &status) == KAGE_TASK_DEAD, "task_without_handles_ends", "still alive");
	check(refused[0] == -EPERM && refused[1] == -EPERM, "no_handles_no_native_calls", "a call was served");
	check(refused[2] == (long)sizeof(struct kage_stats), "no_handles_still_read_stats", "sys_stats refused");
	check(status == -16, "fault_without_exception_endpoint_kills", "wrong status");
	native_handle_close(t);
}

static void check_clone(void)
{
	long ep = native_ep_create(), n = native_notif_create(), s1 = native_space_clone(SELF), s2, t1, t2;
	long v1 = -1, v2 = -1, bits = 0;
	struct kage_msg m;
	const uint64_t seven[6] = { 7 };

	t1 = child_create(s1, child_call_then_record, 0, 1);
	native_handle_copy(ep, t1, KAGE_RIGHT_SEND, 0);
	native_handle_copy(n, t1, KAGE_RIGHT_WRITE, 0);
	native_task_resume(t1);
	native_ipc_recv(ep, &m);	/* t1 now waits for its reply */
	s2 = native_space_clone(s1);
	t2 = native_task_clone(t1, s2);
	check(t2 > 0, "task_clone", "no handle");
	native_handle_copy(ep, t2, KAGE_RIGHT_SEND, 0);
	native_handle_copy(n, t2, KAGE_RIGHT_WRITE, 0);
	native_task_resume(t2);
	native_ipc_reply(m.token, seven);
	while (bits != 3)
		bits |= native_notif_wait(n);
	native_space_read(s1, (uint64_t)&clone_result, &v1, sizeof(v1));
	native_space_read(s2, (uint64_t)&clone_result, &v2, sizeof(v2));
	check(v1 == 7, "original_gets_the_reply", "wrong value");
	check(v2 == 0, "task_clone_returns_zero_in_the_copy", "non-zero");
	check(clone_result == -1, "clones_do_not_touch_the_parent", "root memory changed");
	child_wait(t1, 0);
	child_wait(t2, 0);
	native_handle_close(t1), native_handle_close(t2);
	native_handle_close(s1), native_handle_close(s2);
	native_handle_close(ep), native_handle_close(n);
}

static void check_exec(void)
{
	long n = native_notif_create(), s1 = native_space_clone(SELF), s2 = native_space_clone(SELF);
	long t = child_create(s1, child_spin, 0, 2), status = 0, v1 = 0, v2 = 0;

	native_handle_copy(n, t, KAGE_RIGHT_WRITE, 0);
	native_task_resume(t);
	native_task_yield();	/* it runs child_spin now */
	check(native_task_exec(t, s2, (uint64_t)child_after_exec, child_stack_top(2)) == 0, "task_exec",
	      "refused");
	check(native_notif_wait(n) == 4, "exec_replaced_running_task", "wrong bits");
	check(child_wait(t, &status) == KAGE_TASK_DEAD && status == 7, "exec_image_exits", "wrong status");
	native_space_read(s2, (uint64_t)&exec_marker, &v2, sizeof(v2));
	native_space_read(s1, (uint64_t)&exec_marker, &v1, sizeof(v1));
	check(v2 == 0xe4ec && v1 == 0, "exec_runs_in_the_new_space", "marker in the wrong space");
	check(native_task_exec(t, s2, 0x10000, 0) == -ESRCH, "exec_dead_task_is_esrch", "not -ESRCH");
	native_handle_close(t), native_handle_close(s1), native_handle_close(s2), native_handle_close(n);
}

static void check_task_bad_input(void)
{
	long t = child_create(SELF, child_spin, 0, 0), u;
	struct kage_regs r;

	check(native_task_resume(99) == -EBADF, "task_bad_handle_is_ebadf", "not -EBADF");
	check(native_task_resume(SELF) == -EINVAL, "task_wrong_type_is_einval", "not -EINVAL");
	check(native_task_regs(t, KAGE_REGS_GET, (struct kage_regs *)0x8) == -EFAULT &&
		      native_task_regs(t, 5, &r) == -EINVAL,
	      "task_regs_bad_input", "accepted");
	check(native_task_exec(t, SELF, 0xffffffc000000000ul, 0) == -EINVAL, "task_exec_kernel_pc_is_einval",
	      "accepted");
	u = native_task_create(SELF, 0x10000, 0);
	check(u > 0 && native_task_create(t, 0, 0) == -EINVAL, "task_create_checks_space", "wrong result");
	check(native_task_kill(u, 0) == 0 && native_task_kill(u, 0) == -ESRCH, "kill_suspended_task",
	      "wrong result");
	native_handle_close(u);
	native_task_kill(t, 0);
	native_handle_close(t);
}

/*
 * task_sched and space_barrier: a new task may run on every hart, a mask
 * narrows it and a clone keeps it, a pinned task runs on its hart (the
 * last one: on one hart, hart 0), and bad input is refused.
 */
static void check_sched(void)
{
	long all = native_task_sched(KAGE_HANDLE_SELF_TASK, KAGE_SCHED_GET_AFFINITY, 0);
	long last = 0, t = child_create(SELF, child_spin, 0, 0), c;

	while (all >> (last + 1) & 1)
		last++;
	check(all > 0 && native_task_sched(t, KAGE_SCHED_GET_AFFINITY, 0) == all, "task_sched_every_hart",
	      "a new task is not allowed everywhere");
	check(native_task_sched(t, KAGE_SCHED_SET_AFFINITY, 0) == -EINVAL &&
		      native_task_sched(t, KAGE_SCHED_SET_AFFINITY, (uint64_t)all + 1) == -EINVAL &&
		      native_task_sched(t, 9, 0) == -EINVAL && native_task_sched(99, KAGE_SCHED_GET_CPU, 0) == -EBADF,
	      "task_sched_bad_input", "accepted");
	check(native_task_sched(t, KAGE_SCHED_SET_AFFINITY, 1ul << last) == all &&
		      native_task_sched(t, KAGE_SCHED_GET_AFFINITY, 0) == 1l << last,
	      "task_sched_set_affinity", "the mask does not read back");
	c = native_task_clone(t, SELF);
	check(native_task_sched(c, KAGE_SCHED_GET_AFFINITY, 0) == 1l << last, "task_clone_keeps_affinity",
	      "another mask");
	native_task_kill(c, 0);
	native_handle_close(c);
	shared_word = 0;
	native_task_resume(t);
	check(child_wait_word(&shared_word, 0) && native_task_sched(t, KAGE_SCHED_GET_CPU, 0) == last,
	      "pinned_task_runs_on_its_hart", "it ran elsewhere, or never");
	check(native_space_barrier(-1) == 0 && native_space_barrier(SELF) == 0 && native_space_barrier(99) == -EBADF,
	      "space_barrier", "wrong result");
	native_task_kill(t, 0);
	native_handle_close(t);
}

void task_checks(void)
{
	check_create_and_exit();
	check_kill_and_preemption();
	check_no_handles();
	check_clone();
	check_exec();
	check_task_bad_input();
	check_sched();
}
