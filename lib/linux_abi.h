/*
 * The Linux riscv64 ABI that kage's servers answer: system call numbers,
 * flags, signal numbers and the layouts of the structures that cross the
 * boundary, every one named here once, with Linux's own name (system
 * calls as NR_name for Linux's __NR_name). Servers index their call
 * tables and test flags by these names only. Errors are lib/errno.h's.
 *
 * Two parts live in headers of their own, which this one includes, so
 * that no file grows too long to read: the call numbers in
 * lib/linux_syscalls.h (one long list), and what is about files and
 * descriptors (flags, stat, statx, statfs, poll, ...) in
 * lib/linux_abi_fs.h. Include this header, not those.
 *
 * riscv64 uses the generic ABI (asm-generic/unistd.h and friends). Every
 * value and every structure size here and in those two is checked
 * against the kernel headers of Debian's riscv64 cross toolchain by
 * tools/check-linux-abi, which `make unit` runs: a wrong number fails
 * the build.
 */
#ifndef KAGE_LIB_LINUX_ABI_H
#define KAGE_LIB_LINUX_ABI_H

#include <stdint.h>

#include "lib/linux_syscalls.h"
#include "lib/linux_abi_fs.h"

/* ---- Terminals (asm-generic/termbits.h, asm-generic/ioctls.h) ---- */
#define ISTRIP 0000040
#define INLCR 0000100
#define IGNCR 0000200
#define ICRNL 0000400
#define OPOST 0000001
#define ONLCR 0000004
#define B115200 0010002
#define CS8 0000060
#define CREAD 0000200
#define CLOCAL 0004000
#define ISIG 0000001
#define ICANON 0000002
#define ECHO 0000010
#define ECHOE 0000020
#define ECHOK 0000040
#define ECHONL 0000100
#define NOFLSH 0000200
#define ECHOCTL 0001000
#define ECHOKE 0004000
#define IEXTEN 0100000
/* c_cc indexes. */
#define VINTR 0
#define VQUIT 1
#define VERASE 2
#define VKILL 3
#define VEOF 4
#define VTIME 5
#define VMIN 6
#define VSWTC 7
#define VSTART 8
#define VSTOP 9
#define VSUSP 10
#define VEOL 11
#define VREPRINT 12
#define VDISCARD 13
#define VWERASE 14
#define VLNEXT 15
#define VEOL2 16
#define NCCS 19
/* ioctl requests. */
#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TCSBRK 0x5409
#define TCFLSH 0x540B
#define TIOCSCTTY 0x540E
#define TIOCGPGRP 0x540F
#define TIOCSPGRP 0x5410
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD 0x541B
#define TIOCNOTTY 0x5422
#define TIOCGSID 0x5429

/* ---- Signals (asm-generic/signal.h, signal-defs.h, siginfo.h) ---- */
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXFSZ 25
#define SIGWINCH 28
#define _NSIG 64		/* signals are 1 .. _NSIG */

#define SIG_DFL 0		/* a handler that is no address: the default action */
#define SIG_IGN 1		/* ignore */
#define SIG_BLOCK 0		/* rt_sigprocmask's how */
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define SA_NOCLDSTOP 0x00000001
#define SA_NOCLDWAIT 0x00000002
#define SA_SIGINFO 0x00000004
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000
#define SS_ONSTACK 1		/* sigaltstack's flags */
#define SS_DISABLE 2
#define SS_AUTODISARM (1u << 31)
#define MINSIGSTKSZ 2048

/* si_code values. */
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_TKILL (-6)
#define ILL_ILLOPC 1
#define SEGV_MAPERR 1
#define BUS_ADRALN 1
#define TRAP_BRKPT 1
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

/* ---- Processes ---- */
/* clone's flags (linux/sched.h); the low byte is the exit signal. */
#define CSIGNAL 0x000000ff
#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_VFORK 0x00004000
#define CLONE_PARENT 0x00008000
#define CLONE_THREAD 0x00010000
#define CLONE_NEWNS 0x00020000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_CHILD_SETTID 0x01000000

/* wait4 and waitid (linux/wait.h). */
#define WNOHANG 0x00000001
#define WUNTRACED 0x00000002
#define WSTOPPED WUNTRACED
#define WEXITED 0x00000004
#define WCONTINUED 0x00000008
#define WNOWAIT 0x01000000
#define __WNOTHREAD 0x20000000
#define __WALL 0x40000000
#define __WCLONE 0x80000000
#define P_ALL 0
#define P_PID 1
#define P_PGID 2

/* futex (linux/futex.h). */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_BITSET_MATCH_ANY 0xffffffff

/* Resource limits (asm-generic/resource.h). */
#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_RSS 5
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIMIT_LOCKS 10
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE 12
#define RLIMIT_NICE 13
#define RLIMIT_RTPRIO 14
#define RLIMIT_RTTIME 15
#define RLIM_NLIMITS 16
#define RLIM_INFINITY (~0ul)

/* getrandom's flags (linux/random.h). */
#define GRND_NONBLOCK 0x0001
#define GRND_RANDOM 0x0002
#define GRND_INSECURE 0x0004

/* riscv_flush_icache's one flag (arch/riscv/include/asm/cacheflush.h, not in uapi): only this thread need see the stores. */
#define LINUX_FLUSH_ICACHE_LOCAL 1
/* membarrier's commands (linux/membarrier.h): kage has the global and the private expedited ones. */
#define MEMBARRIER_CMD_QUERY 0
#define MEMBARRIER_CMD_GLOBAL 1
#define MEMBARRIER_CMD_GLOBAL_EXPEDITED 2
#define MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED 4
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED 8
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED 16

/* personality (linux/personality.h): the flag setarch -R sets; 0xffffffff only asks. */
#define ADDR_NO_RANDOMIZE 0x0040000

/*
 * Linux's own values that its uapi headers do not carry (tools/check-linux-abi
 * knows them as kage's): the defaults kage takes over, with where Linux
 * keeps them.
 */
#define LINUX_PID_MAX_DEFAULT 0x8000	/* include/linux/threads.h: pid_max */
#define LINUX_RESERVED_PIDS 300	/* kernel/pid.c: where pids start again after pid_max */
#define LINUX_THREAD_SIZE (16ul << 10)	/* arch/riscv: THREAD_SIZE of a 64-bit kernel */
#define LINUX_MIN_THREADS 20		/* kernel/fork.c: threads-max's bounds */
#define LINUX_MAX_THREADS 0x3fffffff	/* FUTEX_TID_MASK */
#define LINUX_NOFILE_CUR 1024		/* include/asm-generic/resource.h: INR_OPEN_CUR */
#define LINUX_NOFILE_MAX 4096		/* INR_OPEN_MAX */
#define LINUX_STACK_DEFAULT (8ul << 20)	/* _STK_LIM */
#define LINUX_GETRANDOM_MAX ((32ul << 20) - 1)	/* what one read of the urandom pool gives at most */
/* syslog(2)'s actions (include/linux/syslog.h). */
#define LINUX_SYSLOG_CLOSE 0
#define LINUX_SYSLOG_OPEN 1
#define LINUX_SYSLOG_READ 2
#define LINUX_SYSLOG_READ_ALL 3
#define LINUX_SYSLOG_READ_CLEAR 4
#define LINUX_SYSLOG_CLEAR 5
#define LINUX_SYSLOG_CONSOLE_OFF 6
#define LINUX_SYSLOG_CONSOLE_ON 7
#define LINUX_SYSLOG_CONSOLE_LEVEL 8
#define LINUX_SYSLOG_SIZE_UNREAD 9
#define LINUX_SYSLOG_SIZE_BUFFER 10

/* ---- Memory (asm-generic/mman-common.h, mman.h) ---- */
#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE 0x0f
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FIXED_NOREPLACE 0x100000
#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define MREMAP_DONTUNMAP 4

/* ---- Time (linux/time.h) ---- */
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define CLOCK_REALTIME_ALARM 8
#define CLOCK_BOOTTIME_ALARM 9
#define CLOCK_SGI_CYCLE 10		/* a place kept for a removed clock: EINVAL */
#define CLOCK_TAI 11
#define TIMER_ABSTIME 0x01

/* ---- The auxiliary vector on a new program's stack (linux/auxvec.h) ---- */
#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_EXECFN 31

/* ---- Structures, as the generic 64-bit ABI lays them out ---- */

struct linux_timespec {
	int64_t tv_sec, tv_nsec;
};

struct linux_timeval {
	int64_t tv_sec, tv_usec;
};

/* getrusage, wait4 (asm-generic/resource.h: the times, then fourteen longs). */
#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD 1
struct linux_rusage {
	struct linux_timeval ru_utime, ru_stime;
	int64_t ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt, ru_nswap;
	int64_t ru_inblock, ru_oublock, ru_msgsnd, ru_msgrcv, ru_nsignals, ru_nvcsw, ru_nivcsw;
};

/* times (linux/times.h): clock ticks, USER_HZ a second. */
struct linux_tms {
	int64_t tms_utime, tms_stime, tms_cutime, tms_cstime;
};
#define LINUX_USER_HZ 100

struct linux_timezone {
	int32_t tz_minuteswest, tz_dsttime;
};

/* The kernel's struct termios, as TCGETS passes it (glibc converts its own, larger one). */
struct linux_termios {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[NCCS];
};
_Static_assert(sizeof(struct linux_termios) == 36, "struct termios of TCGETS");

struct linux_winsize {
	uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

/* rt_sigaction's struct sigaction: riscv64 has no sa_restorer. */
struct linux_sigaction {
	uint64_t sa_handler;	/* SIG_DFL, SIG_IGN, or an address */
	uint64_t sa_flags;	/* SA_* */
	uint64_t sa_mask;	/* blocked while the handler runs */
};
_Static_assert(sizeof(struct linux_sigaction) == 24, "struct sigaction");

/* sigaltstack's stack_t. */
struct linux_stack {
	uint64_t ss_sp;
	int32_t ss_flags, __pad;
	uint64_t ss_size;
};
_Static_assert(sizeof(struct linux_stack) == 24, "stack_t");

/* siginfo_t: 128 bytes; the fields kage fills. The union starts at 16. */
struct linux_siginfo {
	int32_t si_signo, si_errno, si_code, __pad;
	union {
		struct {
			int32_t si_pid;		/* kill, SIGCHLD */
			uint32_t si_uid;
			int32_t si_status;	/* SIGCHLD: the exit code or signal */
		};
		uint64_t si_addr;		/* faults */
		uint8_t __rest[112];
	};
};
_Static_assert(sizeof(struct linux_siginfo) == 128, "siginfo_t");

/*
 * The signal frame a handler runs on (struct rt_sigframe of riscv64): the
 * siginfo_t, then a struct ucontext whose uc_mcontext holds pc, x1-x31
 * and the D extension's registers.
 */
struct linux_rt_sigframe {
	struct linux_siginfo info;
	uint64_t uc_flags, uc_link;
	struct linux_stack uc_stack;
	uint64_t uc_sigmask;
	uint8_t __sigmask_rest[120];	/* glibc's sigset_t is 1024 bits */
	uint64_t __align;		/* uc_mcontext is 16-byte aligned */
	uint64_t gregs[32];		/* pc, then x1-x31: struct kage_regs */
	uint64_t fpregs[32];
	uint32_t fcsr;
	uint8_t __fp_rest[268];		/* the union's Q-sized rest */
};
_Static_assert(sizeof(struct linux_rt_sigframe) == 128 + 960, "siginfo_t and ucontext_t");

struct linux_rlimit {
	uint64_t rlim_cur, rlim_max;
};

struct linux_utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};
_Static_assert(sizeof(struct linux_utsname) == 390, "struct new_utsname");

struct linux_sysinfo {
	int64_t uptime;
	uint64_t loads[3];
	uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint32_t __pad1;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
	uint8_t _f[4];
};
_Static_assert(sizeof(struct linux_sysinfo) == 112, "struct sysinfo");

/* wait4's status word. */
static inline int linux_w_exited(int code)
{
	return (code & 0xff) << 8;
}

static inline int linux_w_stopped(int sig)
{
	return (sig << 8) | 0x7f;
}

#define LINUX_W_CONTINUED 0xffff
/* A status: the terminating signal (0 if it exited), and the exit code. */
static inline int linux_w_termsig(int status)
{
	return status & 0x7f;
}

static inline int linux_w_exitcode(int status)
{
	return (status >> 8) & 0xff;
}

#endif
