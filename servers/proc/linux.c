/*
 * Linux system calls, served for the process that made them. Each handler
 * reads the six arguments of the forwarded call and returns what lands in
 * a0 (a negative errno on failure); user memory is reached only through
 * space_read/space_write, so a bad pointer is -EFAULT, never a fault here.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/proc/proc.h"

#define PAGE 4096ul

enum {
	NR_EXIT = 93, NR_EXIT_GROUP = 94,
	NR_SET_TID_ADDRESS = 96, NR_SET_ROBUST_LIST = 99, NR_CLOCK_GETTIME = 113, NR_UNAME = 160,
	NR_GETPID = 172, NR_GETPPID = 173, NR_GETUID = 174, NR_GETEUID = 175, NR_GETGID = 176,
	NR_GETEGID = 177, NR_GETTID = 178, NR_BRK = 214, NR_MUNMAP = 215, NR_MMAP = 222,
	NR_MPROTECT = 226, NR_GETRANDOM = 278, NR_CLONE = 220, NR_EXECVE = 221, NR_WAIT4 = 260,
	NR_NANOSLEEP = 101, NR_WAITID = 95, NR_SYSINFO = 179, NR_CLOCK_NANOSLEEP = 115,
	NR_KILL = 129, NR_TKILL = 130, NR_TGKILL = 131, NR_READLINKAT = 78, NR_PRLIMIT64 = 261,
	NR_SIGALTSTACK = 132, NR_RT_SIGSUSPEND = 133, NR_RT_SIGACTION = 134, NR_RT_SIGPROCMASK = 135,
	NR_RT_SIGPENDING = 136, NR_RT_SIGRETURN = 139, NR_SETPGID = 154, NR_GETPGID = 155, NR_GETSID = 156,
	NR_SETSID = 157, NR_FUTEX = 98, NR_SCHED_YIELD = 124, NR_MADVISE = 233, NR_UMASK = 166,
	NR_GETGROUPS = 158, NR_SYNC = 81, NR_SCHED_GETAFFINITY = 123,
};

#define PROT_MASK 7		/* PROT_READ 1, PROT_WRITE 2, PROT_EXEC 4 */
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20

/* Linux PROT_* bits to kage's. */
static unsigned linux_prot(uint64_t prot)
{
	return (prot & 1 ? KAGE_PROT_READ : 0) | (prot & 2 ? KAGE_PROT_WRITE | KAGE_PROT_READ : 0) |
	       (prot & 4 ? KAGE_PROT_EXEC : 0);
}

static long linux_brk(struct proc *p, uint64_t want)
{
	uint64_t old = (p->brk + PAGE - 1) & ~(PAGE - 1), new = (want + PAGE - 1) & ~(PAGE - 1);

	if (want < p->brk_start || want > p->brk_start + (1ul << 30))
		return (long)p->brk;
	if (new > old && native_space_map(p->space, old, new - old, KAGE_PROT_READ | KAGE_PROT_WRITE) < 0)
		return (long)p->brk;
	if (new < old)
		native_space_unmap(p->space, new, old - new);
	p->brk = want;
	return (long)want;
}

/* Anonymous private mappings here; mappings of files in mmap.c. */
static long linux_mmap(struct proc *p, const uint64_t *a)
{
	uint64_t len = (a[1] + PAGE - 1) & ~(PAGE - 1), va;
	unsigned prot = linux_prot(a[2]);
	long err;

	if (!(a[3] & MAP_ANONYMOUS))
		return mmap_file(p, a);
	if (!len || (a[0] & (PAGE - 1)) || !(a[3] & MAP_ANONYMOUS) || !(a[3] & MAP_PRIVATE))
		return -EINVAL;
	if (a[3] & MAP_FIXED) {
		va = a[0];
		native_space_unmap(p->space, va, len);
	} else {
		if (len > p->mmap_next)
			return -ENOMEM;
		va = p->mmap_next - len;
	}
	err = native_space_map(p->space, va, len, prot ? prot : KAGE_PROT_READ);
	if (err == 0 && !prot)
		err = native_space_protect(p->space, va, len, 0);	/* PROT_NONE */
	if (err < 0)
		return err == -EEXIST ? -ENOMEM : err;
	if (!(a[3] & MAP_FIXED))
		p->mmap_next = va;
	return (long)va;
}

static long linux_uname(struct proc *p, uint64_t buf)
{
	static const char *const fields[6] = { "Linux", "kage", "6.1.0-kage", "kage 0.1", "riscv64", "" };
	char u[6 * 65];

	memset(u, 0, sizeof(u));
	for (int i = 0; i < 6; i++)
		strlcpy(u + 65 * i, fields[i], 65);
	return native_space_write_user(p->space, buf, u, sizeof(u));
}

static long linux_clock_gettime(struct proc *p, uint64_t ts)
{
	uint64_t t, hz = proc_timebase_hz ? proc_timebase_hz : 1, v[2];

	__asm__ volatile("rdtime %0" : "=r"(t));
	v[0] = t / hz;
	v[1] = t % hz * 1000000000ull / hz;
	return native_space_write_user(p->space, ts, v, sizeof(v));
}

/* struct sysinfo: uptime, memory from the kernel's frame counts (mem_unit 1), the number of processes. */
static long linux_sysinfo(struct proc *p, uint64_t buf)
{
	uint64_t info[14] = { 0 }, t, hz = proc_timebase_hz ? proc_timebase_hz : 1;
	struct kage_stats st;
	long err = native_stats(&st);

	if (err < 0)
		return err;
	__asm__ volatile("rdtime %0" : "=r"(t));
	info[0] = t / hz;						/* uptime */
	info[4] = (st.frames_free + st.frames_used) * 4096;		/* totalram */
	info[5] = st.frames_free * 4096;				/* freeram */
	info[10] = (uint64_t)proc_count();				/* procs (a u16) */
	info[13] = 1;							/* mem_unit (a u32) */
	return native_space_write_user(p->space, buf, info, 112);
}

static long linux_getrandom(struct proc *p, uint64_t buf, uint64_t len)
{
	static uint64_t x = 0x2545f4914f6cdd1dull;
	uint8_t chunk[64];

	if (len > 1 << 20)
		len = 1 << 20;
	for (uint64_t done = 0; done < len; done += sizeof(chunk)) {
		uint64_t t, n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);

		__asm__ volatile("rdtime %0" : "=r"(t));
		for (uint64_t i = 0; i < n; i++) {
			x ^= t + i, x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			chunk[i] = (uint8_t)x;
		}
		if (native_space_write_user(p->space, buf + done, chunk, n) < 0)
			return -EFAULT;
	}
	return (long)len;
}

/* readlinkat of /proc/self and /proc/N/exe, which this server knows (procfs.c). */
static long linux_readlinkat(struct proc *p, const uint64_t *a)
{
	char path[256];
	const char *target;
	size_t n;
	long len = proc_string(p, a[1], path, sizeof(path));

	if (len < 0)
		return len;
	if ((len = procfs_link(p, path, &target)) < 0)
		return len;
	if ((int64_t)a[3] <= 0)
		return -EINVAL;
	n = strlen(target);
	if (n > a[3])
		n = a[3];	/* truncated, without a NUL, as Linux does */
	return native_space_write_user(p->space, a[2], target, n) < 0 ? -EFAULT : (long)n;
}

/* Resource limits kage has (reported, never enforced beyond the real ones); setting is accepted. */
static long linux_prlimit64(struct proc *p, const uint64_t *a)
{
	const uint64_t inf = ~0ull, stack[2] = { 8ul << 20, inf }, files[2] = { 1024, 1024 }, none[2] = { inf, inf };
	const uint64_t *lim = a[1] == 3 ? stack : a[1] == 7 ? files : none;	/* RLIMIT_STACK, RLIMIT_NOFILE */

	if ((a[0] && (int)a[0] != p->pid) || a[1] > 15)
		return a[1] > 15 ? -EINVAL : -ESRCH;
	if (a[3] && native_space_write_user(p->space, a[3], lim, 16) < 0)
		return -EFAULT;
	return 0;
}

static long linux_umask(struct proc *p, uint64_t mask)
{
	long old = p->group->umask;

	p->group->umask = (uint16_t)(mask & 0777);
	return old;
}

/* One hart: the mask has bit 0, and the answer is the bytes written (a whole long). */
static long linux_affinity(struct proc *p, const uint64_t *a)
{
	const uint64_t one = 1;

	if (a[1] < sizeof(one))
		return -EINVAL;
	if (a[0] && (int)a[0] != p->pid && !proc_by_pid((int)a[0]))
		return -ESRCH;
	return native_space_write_user(p->space, a[2], &one, sizeof(one)) < 0 ? -EFAULT : (long)sizeof(one);
}

/*
 * The system call table: one handler per Linux number, like Linux's own
 * sys_call_table, so a call costs one indexed load whatever its number.
 * LINUX_VALUE makes a handler of an expression of p and the arguments a[].
 */
typedef enum proc_reply (*linux_handler)(struct proc *p, const struct kage_msg *m, long *result);

#define LINUX_VALUE(name, expr)                                                        \
	static enum proc_reply name(struct proc *p, const struct kage_msg *m, long *result) \
	{                                                                              \
		const uint64_t *a = &m->w[1];                                          \
		(void)a, (void)p;                                                      \
		*result = (expr);                                                      \
		return PROC_REPLY;                                                     \
	}

LINUX_VALUE(linux_sys_getpid, p->tgid)
LINUX_VALUE(linux_sys_gettid, p->pid)
LINUX_VALUE(linux_sys_set_tid_address, (p->clear_tid = a[0], p->pid))
LINUX_VALUE(linux_sys_getppid, p->group->ppid)
LINUX_VALUE(linux_sys_zero, 0)	/* uids (root), getgroups (none), set_robust_list, madvise, sync (all in memory) */
LINUX_VALUE(linux_sys_brk, linux_brk(p, a[0]))
LINUX_VALUE(linux_sys_mmap, linux_mmap(p, a))
LINUX_VALUE(linux_sys_munmap, native_space_unmap(p->space, a[0], (a[1] + PAGE - 1) & ~(PAGE - 1)))
LINUX_VALUE(linux_sys_mprotect,
	    native_space_protect(p->space, a[0], (a[1] + PAGE - 1) & ~(PAGE - 1), linux_prot(a[2])))
LINUX_VALUE(linux_sys_uname, linux_uname(p, a[0]))
LINUX_VALUE(linux_sys_prlimit64, linux_prlimit64(p, a))
LINUX_VALUE(linux_sys_clock_gettime, linux_clock_gettime(p, a[1]))
LINUX_VALUE(linux_sys_getrandom, linux_getrandom(p, a[0], a[1]))
LINUX_VALUE(linux_sys_sysinfo, linux_sysinfo(p, a[0]))
LINUX_VALUE(linux_sys_rt_sigaction, sig_action_call(p, a))
LINUX_VALUE(linux_sys_rt_sigprocmask, sig_procmask_call(p, a))
LINUX_VALUE(linux_sys_rt_sigpending, sig_pending_call(p, a))
LINUX_VALUE(linux_sys_rt_sigreturn, sig_return_call(p))
LINUX_VALUE(linux_sys_sigaltstack, sig_altstack_call(p, a))
LINUX_VALUE(linux_sys_setpgid, job_setpgid(p, (int)a[0], (int)a[1]))
LINUX_VALUE(linux_sys_getpgid, job_getpgid(p, (int)a[0], 0))
LINUX_VALUE(linux_sys_getsid, job_getpgid(p, (int)a[0], 1))
LINUX_VALUE(linux_sys_setsid, job_setsid(p))
LINUX_VALUE(linux_sys_umask, linux_umask(p, a[0]))
LINUX_VALUE(linux_sys_sched_getaffinity, linux_affinity(p, a))

static enum proc_reply linux_sys_nanosleep(struct proc *p, const struct kage_msg *m, long *result)
{
	return sleep_start(p, m, 1, 0, m->w[1], m->w[2], result);
}

static enum proc_reply linux_sys_clock_nanosleep(struct proc *p, const struct kage_msg *m, long *result)
{
	return sleep_start(p, m, (int)m->w[1], (int)m->w[2], m->w[3], m->w[4], result);
}

static enum proc_reply linux_sys_kill(struct proc *p, const struct kage_msg *m, long *result)
{
	return proc_kill(p, (int)m->w[1], (int)m->w[2], result);
}

/* sched_yield: the answer puts the caller at the back of the run queue instead of running it at once. */
static enum proc_reply linux_sys_sched_yield(struct proc *p, const struct kage_msg *m, long *result)
{
	const uint64_t zero[6] = { 0 };

	(void)result;
	sig_check(p);
	native_ipc_reply(m->token, zero);
	return PROC_NO_REPLY;
}

static enum proc_reply linux_sys_tkill(struct proc *p, const struct kage_msg *m, long *result)
{
	return job_tgkill(p, -1, (int)m->w[1], (int)m->w[2], result);
}

static enum proc_reply linux_sys_tgkill(struct proc *p, const struct kage_msg *m, long *result)
{
	return job_tgkill(p, (int)m->w[1], (int)m->w[2], (int)m->w[3], result);
}

static enum proc_reply linux_sys_rt_sigsuspend(struct proc *p, const struct kage_msg *m, long *result)
{
	return sig_suspend_call(p, m, result);
}

static enum proc_reply linux_sys_exit(struct proc *p, const struct kage_msg *m, long *result)
{
	(void)result;
	return thread_exit(p, (int)(m->w[1] & 0xff) << 8);
}

static enum proc_reply linux_sys_exit_group(struct proc *p, const struct kage_msg *m, long *result)
{
	(void)result;
	proc_end(p, (int)(m->w[1] & 0xff) << 8);
	return PROC_NO_REPLY;
}

/* A file call: the file server answers the process itself. */
static enum proc_reply linux_sys_file(struct proc *p, const struct kage_msg *m, long *result)
{
	(void)p;
	*result = native_ipc_forward(m->token, proc_fs_ep, 0);
	if (*result == -EPIPE)
		*result = files_gone(m);
	return *result == 0 ? PROC_NO_REPLY : PROC_REPLY;
}

/* Links this server does not know are the file server's (/proc/N/fd/M, /dev/fd). */
static enum proc_reply linux_sys_readlinkat(struct proc *p, const struct kage_msg *m, long *result)
{
	*result = linux_readlinkat(p, &m->w[1]);
	return *result == -ENOENT ? linux_sys_file(p, m, result) : PROC_REPLY;
}

#define LINUX_NR_MAX 512

static const linux_handler linux_calls[LINUX_NR_MAX] = {
	[NR_GETPID] = linux_sys_getpid, [NR_GETTID] = linux_sys_gettid, [NR_SET_TID_ADDRESS] = linux_sys_set_tid_address,
	[NR_FUTEX] = futex_call, [NR_SCHED_YIELD] = linux_sys_sched_yield, [NR_MADVISE] = linux_sys_zero,
	[NR_GETPPID] = linux_sys_getppid, [NR_GETUID] = linux_sys_zero, [NR_GETEUID] = linux_sys_zero,
	[NR_GETGID] = linux_sys_zero, [NR_GETEGID] = linux_sys_zero, [NR_SET_ROBUST_LIST] = linux_sys_zero,
	[NR_BRK] = linux_sys_brk, [NR_MMAP] = linux_sys_mmap, [NR_MUNMAP] = linux_sys_munmap,
	[NR_MPROTECT] = linux_sys_mprotect, [NR_UNAME] = linux_sys_uname, [NR_READLINKAT] = linux_sys_readlinkat,
	[NR_PRLIMIT64] = linux_sys_prlimit64, [NR_CLOCK_GETTIME] = linux_sys_clock_gettime,
	[NR_GETRANDOM] = linux_sys_getrandom, [NR_SYSINFO] = linux_sys_sysinfo, [NR_CLONE] = proc_clone, [NR_EXECVE] = proc_execve,
	[NR_WAIT4] = proc_wait4, [NR_WAITID] = proc_waitid, [NR_NANOSLEEP] = linux_sys_nanosleep,
	[NR_CLOCK_NANOSLEEP] = linux_sys_clock_nanosleep, [NR_KILL] = linux_sys_kill, [NR_TKILL] = linux_sys_tkill,
	[NR_TGKILL] = linux_sys_tgkill, [NR_EXIT] = linux_sys_exit, [NR_EXIT_GROUP] = linux_sys_exit_group,
	[NR_SIGALTSTACK] = linux_sys_sigaltstack, [NR_RT_SIGSUSPEND] = linux_sys_rt_sigsuspend,
	[NR_RT_SIGACTION] = linux_sys_rt_sigaction, [NR_RT_SIGPROCMASK] = linux_sys_rt_sigprocmask,
	[NR_RT_SIGPENDING] = linux_sys_rt_sigpending, [NR_RT_SIGRETURN] = linux_sys_rt_sigreturn,
	[NR_SETPGID] = linux_sys_setpgid, [NR_GETPGID] = linux_sys_getpgid, [NR_GETSID] = linux_sys_getsid,
	[NR_SETSID] = linux_sys_setsid, [NR_UMASK] = linux_sys_umask, [NR_GETGROUPS] = linux_sys_zero,
	[NR_SYNC] = linux_sys_zero, [NR_SCHED_GETAFFINITY] = linux_sys_sched_getaffinity,
#define F(nr) [nr] = linux_sys_file
	/* getcwd, dup, dup3, fcntl, ioctl, mkdirat, unlinkat, truncate, ftruncate, chdir, fchdir */
	F(17), F(23), F(24), F(25), F(29), F(34), F(35), F(45), F(46), F(49), F(50),
	/* openat, close, pipe2, getdents64, lseek, read, write, readv, writev, pread64, pwrite64 */
	F(56), F(57), F(59), F(61), F(62), F(63), F(64), F(65), F(66), F(67), F(68),
	/* pselect6, ppoll, newfstatat, fstat, renameat2, statx, faccessat, faccessat2 */
	F(72), F(73), F(79), F(80), F(276), F(291), F(48), F(439),
	/* fchmod, fchmodat, fchownat, fchown */
	F(52), F(53), F(54), F(55),
#undef F
};

enum proc_reply linux_syscall(struct proc *p, const struct kage_msg *m, long *result)
{
	const uint64_t nr = m->w[0];
	linux_handler h = nr < LINUX_NR_MAX ? linux_calls[nr] : 0;

	if (h)
		return h(p, m, result);
	linux_unknown(nr);
	*result = -ENOSYS;
	return PROC_REPLY;
}
