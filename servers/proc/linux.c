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
	NR_NANOSLEEP = 101, NR_CLOCK_NANOSLEEP = 115,
	NR_KILL = 129, NR_TKILL = 130, NR_TGKILL = 131, NR_READLINKAT = 78, NR_PRLIMIT64 = 261,
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

/* Anonymous private mappings only until files can be mapped. */
static long linux_mmap(struct proc *p, const uint64_t *a)
{
	uint64_t len = (a[1] + PAGE - 1) & ~(PAGE - 1), va;
	unsigned prot = linux_prot(a[2]);
	long err;

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

/* readlinkat: only /proc/self/exe exists until the file server does. */
static long linux_readlinkat(struct proc *p, const uint64_t *a)
{
	char path[256];
	size_t n = strlen(p->exe);
	long len = proc_string(p, a[1], path, sizeof(path));

	if (len < 0)
		return len;
	if (strcmp(path, "/proc/self/exe") != 0)
		return -ENOENT;
	if ((int64_t)a[3] <= 0)
		return -EINVAL;
	if (n > a[3])
		n = a[3];	/* truncated, without a NUL, as Linux does */
	return native_space_write_user(p->space, a[2], p->exe, n) < 0 ? -EFAULT : (long)n;
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

/* Calls whose answer needs nothing but the process itself. */
static long linux_simple(struct proc *p, uint64_t nr)
{
	switch (nr) {
	case NR_GETPID: case NR_GETTID: case NR_SET_TID_ADDRESS: return p->pid;
	case NR_GETPPID: return p->ppid;
	case NR_GETUID: case NR_GETEUID: case NR_GETGID: case NR_GETEGID: return 0;
	case NR_SET_ROBUST_LIST: return 0;
	default: return -ENOSYS;
	}
}

enum proc_reply linux_syscall(struct proc *p, const struct kage_msg *m, long *result)
{
	const uint64_t nr = m->w[0], *a = &m->w[1];

	switch (nr) {
	case NR_BRK: *result = linux_brk(p, a[0]); break;
	case NR_MMAP: *result = linux_mmap(p, a); break;
	case NR_MUNMAP: *result = native_space_unmap(p->space, a[0], (a[1] + PAGE - 1) & ~(PAGE - 1)); break;
	case NR_MPROTECT: *result = native_space_protect(p->space, a[0], (a[1] + PAGE - 1) & ~(PAGE - 1),
							 linux_prot(a[2])); break;
	case NR_UNAME: *result = linux_uname(p, a[0]); break;
	case NR_READLINKAT: *result = linux_readlinkat(p, a); break;
	case NR_PRLIMIT64: *result = linux_prlimit64(p, a); break;
	case NR_CLOCK_GETTIME: *result = linux_clock_gettime(p, a[1]); break;
	case NR_GETRANDOM: *result = linux_getrandom(p, a[0], a[1]); break;
	case NR_CLONE: return proc_clone(p, m, result);
	case NR_EXECVE: return proc_execve(p, m, result);
	case NR_WAIT4: return proc_wait4(p, m, result);
	case NR_NANOSLEEP: return sleep_start(p, m, 1, 0, a[0], result);
	case NR_CLOCK_NANOSLEEP: return sleep_start(p, m, (int)a[0], (int)a[1], a[2], result);
	case NR_KILL: case NR_TKILL: return proc_kill(p, (int)a[0], (int)a[1], result);
	case NR_TGKILL: return proc_kill(p, (int)a[1], (int)a[2], result);	/* one thread per process */
	case NR_EXIT: case NR_EXIT_GROUP:
		proc_end(p, (int)(a[0] & 0xff) << 8);
		return PROC_NO_REPLY;
	default:
		if (proto_fs_serves(nr)) {
			/* The file server answers the process itself. */
			*result = native_ipc_forward(m->token, proc_fs_ep, 0);
			if (*result == 0)
				return PROC_NO_REPLY;
			break;
		}
		*result = linux_simple(p, nr);
		if (*result == -ENOSYS)
			linux_unknown(nr);
	}
	return PROC_REPLY;
}
