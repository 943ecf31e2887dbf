/*
 * Where threads run, in Linux's terms: sched_setaffinity and
 * sched_getaffinity, getcpu, membarrier. A Linux CPU is a hart, numbered
 * as the kernel numbers them (the boot hart 0, the others by id: the
 * order /proc/cpuinfo lists them in), so a CPU mask is the kernel's hart
 * mask as it is (lib/kage_abi.h, task_sched). The masks live with the
 * tasks in the kernel, which copies them to a forked or cloned task and
 * keeps them across execve, as Linux does; this server keeps only which
 * membarrier commands a process registered for. riscv_flush_icache, the
 * other call that reaches every hart, is here too.
 */
#include "lib/errno.h"
#include "lib/linux_abi.h"
#include "lib/native.h"
#include "servers/proc/proc.h"

/* What membarrier's QUERY answers: every command kage has. */
#define SCHED_MEMBARRIER_CMDS                                                                              \
	(MEMBARRIER_CMD_GLOBAL | MEMBARRIER_CMD_GLOBAL_EXPEDITED | MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED | \
	 MEMBARRIER_CMD_PRIVATE_EXPEDITED | MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED)

/* The thread a pid names in these calls: 0 the caller, else a thread id. */
static struct thread *sched_target(struct thread *t, uint64_t pid)
{
	struct thread *target = pid ? thread_by_tid((int)pid) : t;

	if ((int64_t)pid < 0 || !target || !target->proc || target->task < 0)
		return NULL;
	return target;
}

/* sched_setaffinity(pid, len, mask): the mask's first len bytes, CPUs past the harts ignored. */
long sched_setaffinity_call(struct thread *t, const uint64_t *a)
{
	struct thread *target;
	uint64_t mask = 0;
	long err;

	err = native_space_read(t->proc->space, a[2], &mask, a[1] < sizeof(mask) ? a[1] : sizeof(mask));
	if (err < 0)
		return -EFAULT;
	target = sched_target(t, a[0]);
	if (!target)
		return -ESRCH;
	err = native_task_sched(target->task, KAGE_SCHED_SET_AFFINITY, mask);
	return err < 0 ? err : 0;
}

/* sched_getaffinity(pid, len, mask): len whole longs, enough for every CPU; the answer is the bytes written. */
long sched_getaffinity_call(struct thread *t, const uint64_t *a)
{
	struct thread *target;
	long mask;

	if (a[1] < sizeof(mask) || a[1] % sizeof(mask))
		return -EINVAL;
	target = sched_target(t, a[0]);
	if (!target)
		return -ESRCH;
	mask = native_task_sched(target->task, KAGE_SCHED_GET_AFFINITY, 0);
	if (mask < 0)
		return mask;
	if (native_space_write_user(t->proc->space, a[2], &mask, sizeof(mask)) < 0)
		return -EFAULT;
	return (long)sizeof(mask);
}

/* getcpu(cpu, node, cache): the hart the caller trapped from, on node 0 (kage knows one memory node). */
long sched_getcpu_call(struct thread *t, const uint64_t *a)
{
	long cpu = native_task_sched(t->task, KAGE_SCHED_GET_CPU, 0);
	uint32_t word = (uint32_t)cpu, node = 0;

	if (cpu < 0)
		return cpu;
	if (a[0] && native_space_write_user(t->proc->space, a[0], &word, sizeof(word)) < 0)
		return -EFAULT;
	if (a[1] && native_space_write_user(t->proc->space, a[1], &node, sizeof(node)) < 0)
		return -EFAULT;
	return 0;
}

/*
 * membarrier(cmd, flags, cpu): the expedited commands interrupt the harts
 * that run the process's threads (or, global, anyone's) and return once
 * each has fenced (kernel/space.h, space_barrier); the plain global
 * command does the same, which is what Linux's waits for in the end. The
 * core-serializing and rseq commands are not there: -EINVAL, as on a
 * Linux built without them.
 */
long sched_membarrier_call(struct thread *t, const uint64_t *a)
{
	struct process *p = t->proc;

	if (a[1])
		return -EINVAL;
	switch (a[0]) {
	case MEMBARRIER_CMD_QUERY:
		return SCHED_MEMBARRIER_CMDS;
	case MEMBARRIER_CMD_GLOBAL:
	case MEMBARRIER_CMD_GLOBAL_EXPEDITED:
		return native_space_barrier(-1);
	case MEMBARRIER_CMD_PRIVATE_EXPEDITED:
		if (!(p->membarrier & MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED))
			return -EPERM;
		return native_space_barrier(p->space);
	case MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED:
	case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED:
		p->membarrier |= (uint8_t)a[0];
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * riscv_flush_icache(start, end, flags): code the program wrote (a JIT, a
 * trampoline; GCC's __builtin___clear_cache) may run once this returns.
 * Every hart fences, as Linux's call without the LOCAL flag does; with it,
 * Linux may defer the others until the thread moves, which this does not
 * need to. The range is only a hint on Linux too.
 */
long sched_flush_icache_call(struct thread *t, const uint64_t *a)
{
	if (a[2] & ~(uint64_t)LINUX_FLUSH_ICACHE_LOCAL)
		return -EINVAL;
	return native_icache_sync(t->proc->space);
}
