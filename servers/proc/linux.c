/*
 * The Linux system call table, and the small calls answered right here.
 * Each handler reads the six arguments of the forwarded call and returns
 * what lands in a0 (a negative errno on failure); user memory is reached
 * only through space_read/space_write, so a bad pointer is -EFAULT, never
 * a fault here. Calls on descriptors and paths are the file server's.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/proc/exec.h"
#include "servers/proc/limits.h"

#define BRK_MAX (1ul << 30)	/* how far the heap may grow */

void linux_unknown(uint64_t nr)
{
	static uint8_t seen[LINUX_NR_MAX / 8];

	if (nr < LINUX_NR_MAX && (seen[nr / 8] & (1u << (nr % 8))))
		return;
	if (nr < LINUX_NR_MAX)
		seen[nr / 8] |= (uint8_t)(1u << (nr % 8));
	native_note("kage: proc: system call %lu is not implemented (-ENOSYS)\n", (unsigned long)nr);
}

unsigned linux_prot(uint64_t prot)
{
	unsigned k = 0;

	if (prot & PROT_READ)
		k |= KAGE_PROT_READ;
	if (prot & PROT_WRITE)
		k |= KAGE_PROT_WRITE | KAGE_PROT_READ;
	if (prot & PROT_EXEC)
		k |= KAGE_PROT_EXEC;
	return k;
}

static uint64_t linux_page_up(uint64_t v)
{
	return (v + PAGE - 1) & ~(PAGE - 1);
}

void linux_vm_account(struct process *p, int64_t bytes, int64_t data)
{
	p->vm_bytes = bytes < 0 && (uint64_t)-bytes > p->vm_bytes ? 0 : p->vm_bytes + (uint64_t)bytes;
	p->data_bytes = data < 0 && (uint64_t)-data > p->data_bytes ? 0 : p->data_bytes + (uint64_t)data;
}

static long linux_brk(struct process *p, uint64_t want)
{
	uint64_t old = linux_page_up(p->brk), new = linux_page_up(want);

	if (want < p->brk_start || want > p->brk_start + BRK_MAX)
		return (long)p->brk;
	if (new > old && limits_may_map(p, new - old, new - old) < 0)
		return (long)p->brk;	/* RLIMIT_AS or RLIMIT_DATA */
	if (new > old && native_space_map(p->space, old, new - old, KAGE_PROT_READ | KAGE_PROT_WRITE) < 0)
		return (long)p->brk;
	if (new < old)
		native_space_unmap(p->space, new, old - new);
	linux_vm_account(p, new - old, new - old);
	p->brk = want;
	return (long)want;
}

/*
 * munmap: what RLIMIT_AS and RLIMIT_DATA count goes down by the range,
 * as far as it was counted (the server does not know which pages of it
 * were mapped, so a range never mapped also counts down).
 */
long linux_munmap(struct process *p, uint64_t va, uint64_t len)
{
	long err = native_space_unmap(p->space, va, len);

	if (err == 0)
		linux_vm_account(p, -(int64_t)len, -(int64_t)len);
	return err;
}

/* Anonymous private mappings here; mappings of files in mmap.c. */
static long linux_mmap(struct process *p, const uint64_t *a)
{
	uint64_t len = linux_page_up(a[1]), va;
	unsigned prot = linux_prot(a[2]);
	long err;

	if (!(a[3] & MAP_ANONYMOUS))
		return mmap_file(p, a);
	if (!len || (a[0] & (PAGE - 1)) || !(a[3] & MAP_PRIVATE))
		return -EINVAL;
	err = limits_may_map(p, len, (prot & KAGE_PROT_WRITE) ? len : 0);
	if (err < 0)
		return err;
	err = mmap_place(p, a[0], len, a[3], &va);
	if (err < 0)
		return err;
	err = native_space_map(p->space, va, len, prot ? prot : KAGE_PROT_READ);
	if (err == 0 && !prot)
		err = native_space_protect(p->space, va, len, 0);	/* PROT_NONE */
	if (err < 0)
		return err == -EEXIST ? -ENOMEM : err;
	mmap_placed(p, va, a[3]);
	linux_vm_account(p, (int64_t)len, (prot & KAGE_PROT_WRITE) ? (int64_t)len : 0);
	return (long)va;
}

static long linux_uname(const struct process *p, uint64_t buf)
{
	struct linux_utsname u;

	memset(&u, 0, sizeof(u));
	strlcpy(u.sysname, "Linux", sizeof(u.sysname));
	strlcpy(u.nodename, "kage", sizeof(u.nodename));
	strlcpy(u.release, "6.1.0-kage", sizeof(u.release));
	strlcpy(u.version, "kage 0.1", sizeof(u.version));
	strlcpy(u.machine, "riscv64", sizeof(u.machine));
	return native_space_write_user(p->space, buf, &u, sizeof(u));
}

/* struct sysinfo: uptime, memory from the kernel's frame counts (mem_unit 1), the number of processes. */
static long linux_sysinfo(const struct process *p, uint64_t buf)
{
	uint64_t hz = proc_timebase_hz ? proc_timebase_hz : 1;
	struct linux_sysinfo info = { 0 };
	struct kage_stats st;
	long err = native_stats(&st);

	if (err < 0)
		return err;
	info.uptime = (int64_t)(native_time() / hz);
	info.totalram = (st.frames_free + st.frames_used) * PAGE;
	info.freeram = st.frames_free * PAGE;
	info.procs = (uint16_t)proc_count();
	info.mem_unit = 1;
	return native_space_write_user(p->space, buf, &info, sizeof(info));
}

/*
 * The set*id calls. Every process is root and stays root: an id of 0, or
 * -1 (leave it), is granted; any other is EPERM, since kage has no other
 * users to become (root on Linux may become any). n: how many ids.
 */
static long linux_setids(const uint64_t *a, int n)
{
	for (int i = 0; i < n; i++) {
		if ((uint32_t)a[i] != 0 && (uint32_t)a[i] != UINT32_MAX)
			return -EPERM;
	}
	return 0;
}

/* getresuid and getresgid: the real, effective and saved ids, all root's. */
static long linux_getresids(const struct process *p, const uint64_t *a)
{
	const uint32_t root = 0;

	for (int i = 0; i < 3; i++) {
		if (native_space_write_user(p->space, a[i], &root, sizeof(root)) < 0)
			return -EFAULT;
	}
	return 0;
}

/* len random bytes to buf: in p's space, or (p NULL) the caller's of token. The count, or -EFAULT. */
static long linux_random_out(const struct process *p, uint64_t token, uint64_t buf, uint64_t len)
{
	uint8_t chunk[256];
	long err;

	for (uint64_t done = 0; done < len; done += sizeof(chunk)) {
		uint64_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);

		rng_bytes(chunk, n);
		if (p)
			err = native_space_write_user(p->space, buf + done, chunk, n);
		else
			err = native_caller_write(token, buf + done, chunk, n);
		if (err < 0) {
			memset(chunk, 0, sizeof(chunk));
			return done ? (long)done : -EFAULT;
		}
	}
	memset(chunk, 0, sizeof(chunk));
	return (long)len;
}

long linux_random_read(uint64_t token, uint64_t buf, uint64_t len)
{
	return linux_random_out(NULL, token, buf, len < KAGE_COPY_MAX ? len : KAGE_COPY_MAX);
}

/*
 * getrandom: the generator is seeded before the first process runs, so it
 * never blocks and GRND_RANDOM and GRND_INSECURE read the same bytes as
 * the plain call, as on Linux since 5.18; copied out in pieces.
 */
static long linux_getrandom(const struct process *p, uint64_t buf, uint64_t len, uint64_t flags)
{
	if (flags & ~(uint64_t)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	/* 1 MiB a call, not Linux's 32 MiB − 1: every process's calls wait while this server fills it. */
	return linux_random_out(p, 0, buf, len < KAGE_COPY_MAX ? len : KAGE_COPY_MAX);
}

/*
 * personality: kage runs Linux programs only, so the domain is PER_LINUX
 * and only its flags are kept (ADDR_NO_RANDOMIZE turns address-space
 * randomisation off for the process's next execve, and its children
 * inherit it). 0xffffffff asks without changing; the answer is the old
 * value.
 */
static long linux_personality(struct process *p, uint64_t persona)
{
	uint32_t old = p->persona;

	if ((uint32_t)persona != 0xffffffffu)
		p->persona = (uint32_t)persona;
	return old;
}

/*
 * The system call table: one handler per Linux number, like Linux's own
 * sys_call_table, so a call costs one indexed load whatever its number.
 * LINUX_VALUE makes a plain handler of an expression of t, its process p
 * and the arguments a[]: a call answered at once from its words alone,
 * which never keeps a token (so MODE=mono makes it with no message,
 * kernel/kserver.c; a[] may be the caller's saved registers there, so a
 * handler that changes them, rt_sigreturn, reads a[] first).
 */
typedef enum proc_reply (*linux_handler)(struct thread *t, const struct kage_msg *m, long *result);

/*
 * A plain call that changed t's mask or actions: a signal it unblocked is
 * delivered now. No other plain call can make one deliverable, and a
 * signal made pending elsewhere is alerted there (sig_generate).
 */
static long linux_signals_changed(struct thread *t, long result)
{
	sig_check(t);
	return result;
}

#define LINUX_VALUE(name, expr)                                                \
	static PROC_PLAIN_FRAME long name(struct thread *t, const uint64_t *a) \
	{                                                                      \
		struct process *p = t->proc;                                   \
		(void)a, (void)p;                                              \
		return (expr);                                                 \
	}

LINUX_VALUE(linux_sys_getpid, p->pid)
LINUX_VALUE(linux_sys_gettid, t->tid)
LINUX_VALUE(linux_sys_set_tid_address, (t->clear_tid = a[0], t->tid))
LINUX_VALUE(linux_sys_set_robust_list, (t->robust_list = a[0], 0))
LINUX_VALUE(linux_sys_getppid, p->parent ? p->parent->pid : 0)
LINUX_VALUE(linux_sys_zero, 0)	/* uids (root), getgroups (none), madvise, sync (all in memory) */
/* No sockets yet: socket and socketpair answer as a Linux built with no address family. */
LINUX_VALUE(linux_sys_no_family, -EAFNOSUPPORT)
LINUX_VALUE(linux_sys_brk, linux_brk(p, a[0]))
LINUX_VALUE(linux_sys_mmap, linux_mmap(p, a))
LINUX_VALUE(linux_sys_munmap, linux_munmap(p, a[0], linux_page_up(a[1])))
LINUX_VALUE(linux_sys_mremap, mmap_remap(p, a))
LINUX_VALUE(linux_sys_mprotect, native_space_protect(p->space, a[0], linux_page_up(a[1]), linux_prot(a[2])))
LINUX_VALUE(linux_sys_uname, linux_uname(p, a[0]))
LINUX_VALUE(linux_sys_prlimit64, limits_prlimit64(t, a))
LINUX_VALUE(linux_sys_personality, linux_personality(p, a[0]))
LINUX_VALUE(linux_sys_clock_gettime, clock_gettime_call(t, (int64_t)a[0], a[1]))
LINUX_VALUE(linux_sys_times, cputime_times_call(p, a[0]))
LINUX_VALUE(linux_sys_getrusage, cputime_getrusage_call(t, (int64_t)(int32_t)a[0], a[1]))
LINUX_VALUE(linux_sys_clock_getres, clock_getres_call(p, (int64_t)a[0], a[1]))
LINUX_VALUE(linux_sys_clock_settime, clock_settime_call(p, (int64_t)a[0], a[1]))
LINUX_VALUE(linux_sys_gettimeofday, clock_gettimeofday_call(p, a[0], a[1]))
LINUX_VALUE(linux_sys_settimeofday, clock_settimeofday_call(p, a[0], a[1]))
LINUX_VALUE(linux_sys_syslog, syslog_call(p, (int)a[0], a[1], (int64_t)(int32_t)a[2]))
LINUX_VALUE(linux_sys_getrandom, linux_getrandom(p, a[0], a[1], a[2]))
LINUX_VALUE(linux_sys_sysinfo, linux_sysinfo(p, a[0]))
LINUX_VALUE(linux_sys_setid, linux_setids(a, 1))
LINUX_VALUE(linux_sys_setreid, linux_setids(a, 2))
LINUX_VALUE(linux_sys_setresid, linux_setids(a, 3))
LINUX_VALUE(linux_sys_getresid, linux_getresids(p, a))
LINUX_VALUE(linux_sys_rt_sigaction, linux_signals_changed(t, sig_action_call(t, a)))
LINUX_VALUE(linux_sys_rt_sigprocmask, linux_signals_changed(t, sig_procmask_call(t, a)))
LINUX_VALUE(linux_sys_rt_sigpending, sig_pending_call(t, a))
LINUX_VALUE(linux_sys_rt_sigreturn, linux_signals_changed(t, sig_return_call(t)))
LINUX_VALUE(linux_sys_sigaltstack, sig_altstack_call(t, a))
LINUX_VALUE(linux_sys_setpgid, job_setpgid(t, (int)a[0], (int)a[1]))
LINUX_VALUE(linux_sys_getpgid, job_getpgid(t, (int)a[0], 0))
LINUX_VALUE(linux_sys_getsid, job_getpgid(t, (int)a[0], 1))
LINUX_VALUE(linux_sys_setsid, job_setsid(t))
LINUX_VALUE(linux_sys_sched_getaffinity, sched_getaffinity_call(t, a))
LINUX_VALUE(linux_sys_sched_setaffinity, sched_setaffinity_call(t, a))
LINUX_VALUE(linux_sys_getcpu, sched_getcpu_call(t, a))
LINUX_VALUE(linux_sys_membarrier, sched_membarrier_call(t, a))
LINUX_VALUE(linux_sys_riscv_flush_icache, sched_flush_icache_call(t, a))

static enum proc_reply linux_sys_nanosleep(struct thread *t, const struct kage_msg *m, long *result)
{
	return sleep_start(t, m, CLOCK_MONOTONIC, 0, m->w[1], m->w[2], result);
}

static enum proc_reply linux_sys_clock_nanosleep(struct thread *t, const struct kage_msg *m, long *result)
{
	return sleep_start(t, m, (int)m->w[1], (int)m->w[2], m->w[3], m->w[4], result);
}

static enum proc_reply linux_sys_kill(struct thread *t, const struct kage_msg *m, long *result)
{
	return job_kill(t, (int)m->w[1], (int)m->w[2], result);
}

/* sched_yield: the answer puts the caller at the back of the run queue instead of running it at once. */
static enum proc_reply linux_sys_sched_yield(struct thread *t, const struct kage_msg *m, long *result)
{
	const uint64_t zero[6] = { 0 };

	(void)result;
	sig_check(t);
	native_ipc_reply(m->token, zero);
	return PROC_NO_REPLY;
}

static enum proc_reply linux_sys_tkill(struct thread *t, const struct kage_msg *m, long *result)
{
	return job_tgkill(t, -1, (int)m->w[1], (int)m->w[2], result);
}

static enum proc_reply linux_sys_tgkill(struct thread *t, const struct kage_msg *m, long *result)
{
	return job_tgkill(t, (int)m->w[1], (int)m->w[2], (int)m->w[3], result);
}

static enum proc_reply linux_sys_exit(struct thread *t, const struct kage_msg *m, long *result)
{
	(void)result;
	return thread_exit(t, linux_w_exited((int)m->w[1]));
}

static enum proc_reply linux_sys_exit_group(struct thread *t, const struct kage_msg *m, long *result)
{
	(void)result;
	proc_end(t->proc, linux_w_exited((int)m->w[1]));
	return PROC_NO_REPLY;
}

/* A file call: the file server answers the process itself. */
static enum proc_reply linux_sys_file(struct thread *t, const struct kage_msg *m, long *result)
{
	(void)t;
	/* Held: Linux's file calls sleep only where they wait. Passed: nothing follows it in proc_handle. */
	*result = native_ipc_pass(m, proc_fs_ep);
	if (*result == -EPIPE)
		*result = files_gone(m);
	return *result == 0 ? PROC_NO_REPLY : PROC_REPLY;
}

/* readlinkat: /proc's links straight away when the path is plainly one; anything else the file server's. */
static enum proc_reply linux_sys_readlinkat(struct thread *t, const struct kage_msg *m, long *result)
{
	if (procfs_readlinkat(t, m, result))
		return PROC_REPLY;
	return linux_sys_file(t, m, result);
}

/* The calls answered from their words alone (LINUX_VALUE), in both modes; linux_calls has the rest. */
const linux_plain_handler linux_plain_calls[LINUX_NR_MAX] = {
	/* Processes and threads. */
	[NR_getpid] = linux_sys_getpid, [NR_gettid] = linux_sys_gettid, [NR_getppid] = linux_sys_getppid,
	[NR_set_tid_address] = linux_sys_set_tid_address, [NR_set_robust_list] = linux_sys_set_robust_list,
	[NR_sched_getaffinity] = linux_sys_sched_getaffinity, [NR_prlimit64] = linux_sys_prlimit64,
	[NR_personality] = linux_sys_personality, [NR_sched_setaffinity] = linux_sys_sched_setaffinity,
	[NR_getcpu] = linux_sys_getcpu, [NR_membarrier] = linux_sys_membarrier,
	[NR_riscv_flush_icache] = linux_sys_riscv_flush_icache,
	/* Credentials: every process is root. */
	[NR_getuid] = linux_sys_zero, [NR_geteuid] = linux_sys_zero, [NR_getgid] = linux_sys_zero,
	[NR_getegid] = linux_sys_zero, [NR_getgroups] = linux_sys_zero,
	[NR_setuid] = linux_sys_setid, [NR_setgid] = linux_sys_setid, [NR_setreuid] = linux_sys_setreid,
	[NR_setregid] = linux_sys_setreid, [NR_setresuid] = linux_sys_setresid, [NR_setresgid] = linux_sys_setresid,
	[NR_getresuid] = linux_sys_getresid, [NR_getresgid] = linux_sys_getresid,
	/* Memory. */
	[NR_brk] = linux_sys_brk, [NR_mmap] = linux_sys_mmap, [NR_munmap] = linux_sys_munmap,
	[NR_mremap] = linux_sys_mremap, [NR_mprotect] = linux_sys_mprotect, [NR_madvise] = linux_sys_zero,
	/* Time and the system. */
	[NR_clock_gettime] = linux_sys_clock_gettime, [NR_uname] = linux_sys_uname,
	[NR_clock_getres] = linux_sys_clock_getres, [NR_clock_settime] = linux_sys_clock_settime,
	[NR_gettimeofday] = linux_sys_gettimeofday, [NR_settimeofday] = linux_sys_settimeofday,
	[NR_syslog] = linux_sys_syslog, [NR_times] = linux_sys_times, [NR_getrusage] = linux_sys_getrusage,
	[NR_socket] = linux_sys_no_family, [NR_socketpair] = linux_sys_no_family,
	[NR_sysinfo] = linux_sys_sysinfo, [NR_getrandom] = linux_sys_getrandom, [NR_sync] = linux_sys_zero,
	/* Signals and job control. */
	[NR_rt_sigaction] = linux_sys_rt_sigaction, [NR_rt_sigprocmask] = linux_sys_rt_sigprocmask,
	[NR_rt_sigpending] = linux_sys_rt_sigpending, [NR_rt_sigreturn] = linux_sys_rt_sigreturn,
	[NR_sigaltstack] = linux_sys_sigaltstack,
	[NR_setpgid] = linux_sys_setpgid, [NR_getpgid] = linux_sys_getpgid, [NR_getsid] = linux_sys_getsid,
	[NR_setsid] = linux_sys_setsid,
};

static const linux_handler linux_calls[LINUX_NR_MAX] = {
	/* Processes and threads. */
	[NR_clone] = proc_clone, [NR_execve] = proc_execve, [NR_exit] = linux_sys_exit,
	[NR_exit_group] = linux_sys_exit_group, [NR_wait4] = proc_wait4, [NR_waitid] = proc_waitid,
	[NR_futex] = futex_call, [NR_sched_yield] = linux_sys_sched_yield,
	/* Time. */
	[NR_nanosleep] = linux_sys_nanosleep, [NR_clock_nanosleep] = linux_sys_clock_nanosleep,
	/* The calls on a socket's descriptor: the file server's, which has none of them (ENOTSOCK). */
	[NR_bind] = linux_sys_file, [NR_listen] = linux_sys_file, [NR_accept] = linux_sys_file,
	[NR_connect] = linux_sys_file, [NR_getsockname] = linux_sys_file, [NR_getpeername] = linux_sys_file,
	[NR_sendto] = linux_sys_file, [NR_recvfrom] = linux_sys_file, [NR_setsockopt] = linux_sys_file,
	[NR_getsockopt] = linux_sys_file, [NR_shutdown] = linux_sys_file, [NR_sendmsg] = linux_sys_file,
	[NR_recvmsg] = linux_sys_file, [NR_accept4] = linux_sys_file, [NR_recvmmsg] = linux_sys_file,
	[NR_sendmmsg] = linux_sys_file,
	/* Signals and job control. */
	[NR_kill] = linux_sys_kill, [NR_tkill] = linux_sys_tkill, [NR_tgkill] = linux_sys_tgkill,
	[NR_rt_sigsuspend] = sig_suspend_call,
	/* Descriptors, paths and the umask: the file server's. */
	[NR_openat] = linux_sys_file, [NR_close] = linux_sys_file, [NR_read] = linux_sys_file,
	[NR_write] = linux_sys_file, [NR_readv] = linux_sys_file, [NR_writev] = linux_sys_file,
	[NR_pread64] = linux_sys_file, [NR_pwrite64] = linux_sys_file, [NR_lseek] = linux_sys_file,
	[NR_dup] = linux_sys_file, [NR_dup3] = linux_sys_file, [NR_fcntl] = linux_sys_file,
	[NR_ioctl] = linux_sys_file, [NR_pipe2] = linux_sys_file, [NR_getdents64] = linux_sys_file,
	[NR_fstat] = linux_sys_file, [NR_newfstatat] = linux_sys_file, [NR_statx] = linux_sys_file,
	[NR_faccessat] = linux_sys_file, [NR_faccessat2] = linux_sys_file, [NR_readlinkat] = linux_sys_readlinkat,
	[NR_mkdirat] = linux_sys_file, [NR_unlinkat] = linux_sys_file, [NR_renameat2] = linux_sys_file,
	[NR_symlinkat] = linux_sys_file, [NR_mknodat] = linux_sys_file, [NR_linkat] = linux_sys_file,
	[NR_truncate] = linux_sys_file, [NR_ftruncate] = linux_sys_file, [NR_getcwd] = linux_sys_file,
	[NR_chdir] = linux_sys_file, [NR_fchdir] = linux_sys_file, [NR_fchmod] = linux_sys_file,
	[NR_fchmodat] = linux_sys_file, [NR_fchownat] = linux_sys_file, [NR_fchown] = linux_sys_file,
	[NR_pselect6] = linux_sys_file, [NR_ppoll] = linux_sys_file, [NR_umask] = linux_sys_file,
	[NR_flock] = linux_sys_file, [NR_fsync] = linux_sys_file, [NR_fdatasync] = linux_sys_file,
	[NR_syncfs] = linux_sys_file, [NR_sync_file_range] = linux_sys_file, [NR_statfs] = linux_sys_file,
	[NR_fstatfs] = linux_sys_file, [NR_utimensat] = linux_sys_file,
};

_Static_assert(LINUX_NR_MAX <= KAGE_ROUTE_NR, "every number can be routed");

void linux_route_set(uint64_t which[KAGE_ROUTE_WORDS])
{
	for (unsigned nr = 0; nr < LINUX_NR_MAX; nr++)
		if (linux_calls[nr] == linux_sys_file)
			kage_nr_set(which, nr);
}

void linux_plain_set(uint64_t which[LINUX_NR_MAX / 64])
{
	for (unsigned nr = 0; nr < LINUX_NR_MAX; nr++)
		if (linux_plain_calls[nr])
			kage_nr_set(which, nr);
}

enum proc_reply linux_syscall(struct thread *t, const struct kage_msg *m, long *result)
{
	const uint64_t nr = m->w[0];
	linux_handler h = nr < LINUX_NR_MAX ? linux_calls[nr] : NULL;

	if (h)
		return h(t, m, result);	/* first: in both modes the plain ones come through proc_plain */
	if (nr < LINUX_NR_MAX && linux_plain_calls[nr]) {
		*result = linux_plain_calls[nr](t, &m->w[1]);
		return PROC_REPLY;
	}
	linux_unknown(nr);
	*result = -ENOSYS;
	return PROC_REPLY;
}
