/*
 * Limits as Linux sets them.
 *
 * threads-max is Linux's formula for the memory the machine has: its
 * pages over 8 * THREAD_SIZE / PAGE_SIZE (so thread stacks could take at
 * most an eighth of memory), clamped to Linux's bounds. Every live thread
 * and every zombie is a task as Linux counts them; fork and clone past
 * threads-max are -EAGAIN. init's RLIMIT_NPROC is threads-max / 2 as
 * on Linux, and it is enforced for every process: kage has no
 * capabilities, so unlike Linux's root nobody is exempt.
 *
 * RLIMIT_NOFILE and RLIMIT_FSIZE are the file server's to enforce: a
 * change goes there (FS_OP_TABLE_LIMIT) before it is kept here, so the
 * two never disagree; a child's table copies its parent's limits with
 * FS_OP_TABLE_FORK.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "servers/proc/limits.h"

#define LIMITS_PAGE 4096ul

struct limits limits_now = { .threads_max = LINUX_MIN_THREADS };

void limits_init(void)
{
	struct kage_stats st;
	uint64_t pages = 0, max;

	if (native_stats(&st) >= 0)
		pages = st.frames_free + st.frames_used;
	max = pages / (8 * LINUX_THREAD_SIZE / LIMITS_PAGE);
	if (max < LINUX_MIN_THREADS)
		max = LINUX_MIN_THREADS;
	if (max > LINUX_MAX_THREADS)
		max = LINUX_MAX_THREADS;
	limits_now.threads_max = max;
}

uint64_t limits_threads_max(void)
{
	return limits_now.threads_max;
}

int limits_pid_max(void)
{
	return LINUX_PID_MAX_DEFAULT;
}

int limits_randomize(void)
{
	return !limits_now.norandmaps;
}

void limits_set_norandmaps(void)
{
	limits_now.norandmaps = 1;
}

void limits_defaults(struct linux_rlimit rlim[RLIM_NLIMITS])
{
	for (int i = 0; i < RLIM_NLIMITS; i++)
		rlim[i] = (struct linux_rlimit){ RLIM_INFINITY, RLIM_INFINITY };
	rlim[RLIMIT_STACK].rlim_cur = LINUX_STACK_DEFAULT;
	rlim[RLIMIT_CORE].rlim_cur = 0;
	rlim[RLIMIT_NOFILE] = (struct linux_rlimit){ LINUX_NOFILE_CUR, LINUX_NOFILE_MAX };
	rlim[RLIMIT_NPROC].rlim_cur = rlim[RLIMIT_NPROC].rlim_max = limits_now.threads_max / 2;
	rlim[RLIMIT_SIGPENDING].rlim_cur = rlim[RLIMIT_SIGPENDING].rlim_max = limits_now.threads_max / 2;
	rlim[RLIMIT_MEMLOCK].rlim_cur = rlim[RLIMIT_MEMLOCK].rlim_max = 8ul << 20;	/* MLOCK_LIMIT */
	rlim[RLIMIT_MSGQUEUE].rlim_cur = rlim[RLIMIT_MSGQUEUE].rlim_max = 819200;	/* MQ_BYTES_MAX */
	rlim[RLIMIT_NICE] = (struct linux_rlimit){ 0, 0 };
	rlim[RLIMIT_RTPRIO] = (struct linux_rlimit){ 0, 0 };
}

static int limits_over(uint64_t have, uint64_t grow, uint64_t limit)
{
	return limit != RLIM_INFINITY && (have + grow < have || have + grow > limit);
}

long limits_may_map(const struct process *p, uint64_t grow, uint64_t data)
{
	if (limits_over(p->vm_bytes, grow, p->live->rlim[RLIMIT_AS].rlim_cur))
		return -ENOMEM;
	if (data && limits_over(p->data_bytes, data, p->live->rlim[RLIMIT_DATA].rlim_cur))
		return -ENOMEM;
	return 0;
}

/* The file server's table takes p's descriptor and file size limits (soft ones): 0 or -errno. */
static long limits_tell_files(const struct process *p, const struct linux_rlimit *nofile,
			      const struct linux_rlimit *fsize)
{
	const uint64_t w[6] = { FS_OP_TABLE_LIMIT, proc_key(p), nofile->rlim_cur, fsize->rlim_cur };
	long r = files_op(w, NULL);

	return r == -ENOSYS ? 0 : r;	/* a file server without limits enforces none */
}

long limits_prlimit64(struct thread *t, const uint64_t *a)
{
	struct process *p = a[0] ? proc_by_pid((int)a[0]) : t->proc;
	struct linux_rlimit want, old;
	long err;

	if (a[1] >= RLIM_NLIMITS)
		return -EINVAL;
	if (!p || p->state != PROCESS_LIVE)
		return -ESRCH;
	if (a[2] && native_space_read(t->proc->space, a[2], &want, sizeof(want)) < 0)
		return -EFAULT;
	if (a[2] && want.rlim_cur > want.rlim_max)
		return -EINVAL;
	if (a[2] && a[1] == RLIMIT_NOFILE && want.rlim_max > LINUX_NR_OPEN)
		return -EPERM;	/* Linux: above nr_open, even for root */
	old = p->live->rlim[a[1]];
	if (a[2] && (a[1] == RLIMIT_NOFILE || a[1] == RLIMIT_FSIZE)) {
		err = limits_tell_files(p, a[1] == RLIMIT_NOFILE ? &want : &p->live->rlim[RLIMIT_NOFILE],
					a[1] == RLIMIT_FSIZE ? &want : &p->live->rlim[RLIMIT_FSIZE]);
		if (err < 0)
			return err;
	}
	if (a[2])
		p->live->rlim[a[1]] = want;
	if (a[3] && native_space_write_user(t->proc->space, a[3], &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}
