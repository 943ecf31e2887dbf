/* Native calls on tasks (lib/kage_abi.h). */
#include "kernel/endpoint.h"
#include "kernel/ipc.h"
#include "kernel/memlayout.h"
#include "kernel/sched.h"
#include "kernel/space.h"
#include "kernel/sys.h"
#include "lib/errno.h"
#include "lib/kage_abi.h"
#include "lib/string.h"

_Static_assert(sizeof(struct kage_regs) == 32 * 8, "pc and x1-x31");
_Static_assert(sizeof(((struct trapframe *)0)->ra) * TRAPFRAME_GPRS == 31 * 8, "x1-x31 lead the trap frame");
_Static_assert(sizeof(struct kage_fpregs) == sizeof(struct fpu_state), "f0-f31 and fcsr");

/*
 * A live task behind handle h, to be read or changed: if it runs on
 * another hart, it is taken off it first (kernel/sched.h).
 */
static int64_t sys_task(struct task *t, uint64_t h, uint32_t rights, struct task **out)
{
	int64_t err = sys_object(t, h, KOBJ_TASK, rights, out);

	if (err < 0)
		return err;
	if ((*out)->state == TASK_DEAD)
		return -ESRCH;
	sched_off_cpu(*out);
	return 0;
}

/*
 * The name (a3, optional) labels the task in the kernel's messages; the
 * role (a4, KAGE_SERVER_*, 0 for none) says whose event counters the
 * messages it receives go to. Neither gives it any right.
 */
int64_t sys_task_create(struct task *t, struct trapframe *tf)
{
	char name[sizeof(((struct task *)0)->name)] = "task";
	struct space *s;
	struct task *n;
	int64_t err = sys_object(t, tf->a0, KOBJ_SPACE, HANDLE_RIGHT_WRITE, &s);

	if (err < 0)
		return err;
	if (tf->a4 >= KAGE_SERVERS)
		return -EINVAL;
	if (tf->a3) {
		err = sys_copy_in(t, tf->a3, name, sizeof(name) - 1);
		if (err < 0)
			return err;
	}
	err = task_create(s, name, (uint8_t)tf->a4, tf->a1, tf->a2, &n);
	if (err < 0)
		return err;
	err = handle_install(&t->handles, &n->obj, HANDLE_RIGHTS_ALL, 0);
	if (err < 0)
		task_die(n, 0);	/* nobody could ever resume it */
	return err;
}

int64_t sys_task_clone(struct task *t, struct trapframe *tf)
{
	struct space *s;
	struct task *src, *n;
	int64_t err = sys_task(t, tf->a0, HANDLE_RIGHT_READ, &src);

	if (err < 0)
		return err;
	err = sys_object(t, tf->a1, KOBJ_SPACE, HANDLE_RIGHT_WRITE, &s);
	if (err < 0)
		return err;
	err = task_clone(src, s, &n);
	if (err < 0)
		return err;
	err = handle_install(&t->handles, &n->obj, HANDLE_RIGHTS_ALL, 0);
	if (err < 0)
		task_die(n, 0);
	return err;
}

int64_t sys_task_exec(struct task *t, struct trapframe *tf)
{
	struct space *s;
	struct task *target;
	int64_t err = sys_task(t, tf->a0, HANDLE_RIGHT_WRITE, &target);

	if (err < 0)
		return err;
	err = sys_object(t, tf->a1, KOBJ_SPACE, HANDLE_RIGHT_WRITE, &s);
	if (err < 0)
		return err;
	if (tf->a2 >= USER_TOP || tf->a3 > USER_TOP)
		return -EINVAL;
	task_exec(target, s, tf->a2, tf->a3);
	return 0;
}

int64_t sys_task_kill(struct task *t, struct trapframe *tf)
{
	struct task *target;
	int64_t err = sys_task(t, tf->a0, HANDLE_RIGHT_WRITE, &target);

	if (err < 0)
		return err;
	task_die(target, (int64_t)tf->a1);
	return 0;
}

int64_t sys_task_resume(struct task *t, struct trapframe *tf)
{
	struct task *target;
	int64_t err = sys_task(t, tf->a0, HANDLE_RIGHT_WRITE, &target);

	if (err < 0)
		return err;
	if (target->state != TASK_SUSPENDED)
		return -EBUSY;
	if (target->alert_pending)
		ipc_alert(target);
	else
		sched_ready_new(target);
	return 0;
}

/*
 * What alerting means for each state of the target (lib/kage_abi.h): it
 * must not run user code before the ALERT is answered, and a Linux call
 * of its that another server holds ends only if asked to.
 */
int64_t sys_task_alert(struct task *t, struct trapframe *tf)
{
	struct task *target;
	int64_t err = sys_task(t, tf->a0, HANDLE_RIGHT_WRITE, &target);

	if (err < 0)
		return err;
	if (!target->personality || (tf->a1 & ~(uint64_t)KAGE_ALERT_INTERRUPT))
		return -EINVAL;
	if (target->msg == TASK_MSG_ALERT && (target->state == TASK_SENDING || target->state == TASK_REPLY_WAIT))
		return 0;	/* already on its way */
	switch (target->state) {
	case TASK_RUNNABLE:
		break;
	case TASK_SENDING:	/* not received yet: its ecall runs again after the alert */
		if (target->msg == TASK_MSG_FAULT)
			goto later;
		target->tf->sepc -= 4;
		break;
	case TASK_REPLY_WAIT:
		if (target->replier == t || target->msg != TASK_MSG_SYSCALL || !(tf->a1 & KAGE_ALERT_INTERRUPT))
			goto later;
		if (target->held_seq == (target->call_seq | 1)) {
			target->alert_interrupt = true;	/* when its server lets it wait (ipc_hold, ipc_forward) */
			goto later;
		}
		ipc_interrupt(target);
		return 0;
	default:	/* suspended, or waiting in a native call */
		goto later;
	}
	task_cancel_wait(target);
	ipc_alert(target);
	return 0;
later:
	target->alert_pending = true;
	return 0;
}

/* The FP half of task_regs: a task that never used FP reads as zeros. */
static int64_t sys_task_fpregs(struct task *t, struct task *target, uint64_t op, uint64_t va)
{
	struct fpu_state r;
	int64_t err;

	if (op == KAGE_REGS_FP_GET) {
		memset(&r, 0, sizeof(r));
		if (target->fpu_used) {
			fpu_sync(target);
			r = target->fpu;
		}
		return sys_copy_out(t, va, &r, sizeof(r));
	}
	err = sys_copy_in(t, va, &r, sizeof(r));
	if (err < 0)
		return err;
	fpu_set(target, &r);
	return 0;
}

int64_t sys_task_regs(struct task *t, struct trapframe *tf)
{
	struct task *target;
	struct kage_regs r;
	int64_t err;

	if (tf->a1 > KAGE_REGS_FP_SET)
		return -EINVAL;
	err = sys_task(t, tf->a0, tf->a1 % 2 == KAGE_REGS_GET ? HANDLE_RIGHT_READ : HANDLE_RIGHT_WRITE, &target);
	if (err < 0)
		return err;
	if (tf->a1 >= KAGE_REGS_FP_GET)
		return sys_task_fpregs(t, target, tf->a1, tf->a2);
	if (tf->a1 == KAGE_REGS_GET) {
		r.x[KAGE_REG_PC] = target->tf->sepc;
		memcpy(&r.x[1], target->tf, TRAPFRAME_GPRS * sizeof(r.x[0]));
		return sys_copy_out(t, tf->a2, &r, sizeof(r));
	}
	err = sys_copy_in(t, tf->a2, &r, sizeof(r));
	if (err < 0)
		return err;
	memcpy(target->tf, &r.x[1], TRAPFRAME_GPRS * sizeof(r.x[0]));	/* sstatus stays: always user mode */
	target->tf->sepc = r.x[KAGE_REG_PC];
	return 0;
}

int64_t sys_task_bind(struct task *t, struct trapframe *tf)
{
	const struct handle *eh;
	struct endpoint **slot;
	struct task *target;
	int64_t err = sys_task(t, tf->a0, HANDLE_RIGHT_WRITE, &target);

	if (err < 0)
		return err;
	if (tf->a1 != KAGE_BIND_PERSONALITY && tf->a1 != KAGE_BIND_EXCEPTION)
		return -EINVAL;
	err = handle_lookup(&t->handles, (int64_t)tf->a2, KOBJ_ENDPOINT, HANDLE_RIGHT_SEND, &eh);
	if (err < 0)
		return err;
	slot = tf->a1 == KAGE_BIND_PERSONALITY ? &target->personality : &target->exception;
	kobj_get(eh->obj);
	if (*slot)
		kobj_put(&(*slot)->obj);
	*slot = (struct endpoint *)eh->obj;
	if (tf->a1 == KAGE_BIND_PERSONALITY)
		target->personality_badge = eh->badge;
	else
		target->exception_badge = eh->badge;
	return 0;
}

int64_t sys_task_status(struct task *t, struct trapframe *tf)
{
	struct task *target;
	int64_t err = sys_object(t, tf->a0, KOBJ_TASK, HANDLE_RIGHT_READ, &target);

	if (err < 0)
		return err;
	if (target->state == TASK_SUSPENDED)
		return KAGE_TASK_SUSPENDED;
	if (target->state != TASK_DEAD)
		return KAGE_TASK_ALIVE;
	err = sys_copy_out(t, tf->a1, &target->status, sizeof(target->status));
	return err < 0 ? err : KAGE_TASK_DEAD;
}

int64_t sys_task_times(struct task *t, struct trapframe *tf)
{
	struct task *target;
	int64_t err = sys_object(t, tf->a0, KOBJ_TASK, HANDLE_RIGHT_READ, &target);
	uint64_t ticks[2];

	if (err < 0)
		return err;
	ticks[0] = target->user_ticks;
	ticks[1] = target->system_ticks;
	return sys_copy_out(t, tf->a1, ticks, sizeof(ticks));
}

int64_t sys_task_sched(struct task *t, struct trapframe *tf)
{
	uint32_t right = tf->a1 == KAGE_SCHED_SET_AFFINITY ? HANDLE_RIGHT_WRITE : HANDLE_RIGHT_READ;
	struct task *target;
	int64_t err = sys_object(t, tf->a0, KOBJ_TASK, right, &target);

	if (err < 0)
		return err;
	switch (tf->a1) {
	case KAGE_SCHED_GET_AFFINITY:
		return (int64_t)(target->affinity & hart_all());
	case KAGE_SCHED_SET_AFFINITY:
		return sched_set_affinity(target, tf->a2);
	case KAGE_SCHED_GET_CPU:
		return target->last_hart;
	default:
		return -EINVAL;
	}
}

int64_t sys_task_yield(struct task *t, struct trapframe *tf)
{
	(void)t;
	tf->a0 = 0;	/* written now: the switch does not come back here */
	sched_yield();
	return 0;
}
