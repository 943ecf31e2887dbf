/*
 * The process server: turns files of the initramfs into Linux processes
 * (one kernel task and one space each) and answers their system calls,
 * which the kernel forwards to its endpoint with the pid as badge.
 *
 * Ownership: the server holds the only handles to each process's task
 * and space; a process ends when the server kills its task and closes
 * them. Handlers (linux.c, exec.c) are plain functions of a struct proc
 * and the call's arguments, separate from the receive loop (main.c).
 */
#ifndef KAGE_SERVERS_PROC_PROC_H
#define KAGE_SERVERS_PROC_PROC_H

#include <stddef.h>
#include <stdint.h>
#include "lib/kage_abi.h"
#include "servers/protocol.h"
#include "servers/proc/signal.h"

#define PROC_MAX 80
/*
 * execve's limits: argument and environment strings each (E2BIG beyond),
 * and their bytes together, 128 KiB as Linux had before it tied the limit
 * to the stack size (BusyBox's test suite alone exports some 300 names).
 */
#define PROC_ARGS_MAX 1024
#define PROC_ARG_BYTES (128ul << 10)
#define PROC_CMDLINE_ARGS 16	/* words of the kernel command line for init */
#define PROC_CMDLINE_MAX 128	/* what /proc/N/cmdline keeps of argv */

enum proc_state { PROC_FREE, PROC_RUNNING, PROC_ZOMBIE };

struct proc {
	enum proc_state state;
	int pid, ppid;			/* pid: the thread's id (tid); ppid: the process's parent */
	int tgid;			/* the process's id: its first thread's pid */
	struct proc *group;		/* that first thread (itself for it) */
	int pgid, sid;			/* process group and session */
	uint32_t mm;			/* which address space: threads and CLONE_VM share it */
	uint64_t clear_tid;		/* CLONE_CHILD_CLEARTID: zeroed and woken at its exit */
	uint64_t futex_token;		/* a futex wait, answered by a wake, a timeout or a signal */
	uint64_t futex_addr, futex_until;	/* what it waits on; its deadline in ticks (0: none) */
	uint32_t futex_bitset;
	uint8_t thread_exited;		/* a first thread gone while others run on */
	long task, space;		/* handles */
	uint64_t brk_start, brk;	/* the heap: [brk_start, brk) */
	uint64_t mmap_next;		/* anonymous mappings grow down from here */
	int status;			/* wait status once a zombie */
	uint64_t wait_token;		/* a wait4 answered later, 0 if none */
	int wait_pid;			/* what it waits for: -1 any child, or a pid */
	int wait_pgid;			/* or > 0: any child in this group */
	uint32_t wait_options;		/* WEXITED, WUNTRACED, WCONTINUED, WNOHANG, WNOWAIT */
	uint64_t wait_status;		/* where the status goes (0: nowhere) */
	uint8_t wait_info;		/* waitid: a siginfo_t goes there, and the answer is 0 */
	uint64_t vfork_token;		/* the vfork parent's call, answered at exec or exit */
	char exe[64];			/* the executable's path (/proc/self/exe) */
	char comm[16];			/* what execve was given, last component: a script's, not its interpreter's */
	char cmdline[PROC_CMDLINE_MAX];	/* argv at execve, NUL after each, cut at the end */
	uint8_t cmdline_len;
	uint64_t sleep_token;		/* a nanosleep answered later, 0 if none */
	uint64_t sleep_until;		/* its deadline, in time CSR ticks */
	uint64_t sleep_rem;		/* where the time left goes if a signal ends it (0: nowhere) */
	uint64_t suspend_token;		/* an rt_sigsuspend waiting for a signal */
	struct sig_state sig;
	uint8_t stopped, stop_sig;	/* stopped by stop_sig (job.c) */
	uint8_t stop_report, cont_report;	/* not yet told to a waiting parent */
	uint8_t did_exec;		/* has run execve since fork (setpgid's EACCES) */
	uint16_t umask;			/* kept and reported; the file server does not apply it yet */
	uint64_t stop_token;		/* its ALERT, held while stopped */
	uint64_t stop_a0;		/* and that ALERT's word 0 */
};

/* What a handler tells the receive loop. */
enum proc_reply { PROC_REPLY, PROC_NO_REPLY };

/* The initramfs, mapped read-only into the server. */
struct proc_files {
	const void *cpio;
	size_t size;
	long handle;		/* its memory object, whose pages exec maps into programs */
	uint64_t page_off;	/* where the archive starts in the object's first page */
};

extern struct proc_files proc_files;
extern uint32_t proc_timebase_hz;
extern long proc_endpoint;
extern long proc_fs_ep;		/* the file server, badged PROTO_BADGE_PROC */

/* Descriptor tables at the file server (files.c), following the processes. */
int files_new(const struct proc *p);
int files_fork(const struct proc *parent, const struct proc *child);
int files_share(const struct proc *owner, const struct proc *thread);
void files_exec(const struct proc *p);
void files_exit(const struct proc *p);
/* The file server crashes on PROTO_IOCTL_CRASH from now on (kage.crash=fs). */
void files_arm_crash(void);
/* A file call the file server can no longer take (it died): -EIO, or fds 1 and 2 written to the kernel console. */
long files_gone(const struct kage_msg *m);

/*
 * A file held open at the file server: an executable for execve (found
 * relative to p's working directory), or a file being mapped.
 */
struct files_exe {
	long node;			/* the file server's name for it */
	uint64_t size;
	uint32_t mode;
	const uint8_t *data;		/* its bytes: in the initramfs, or a copy in this server */
};
int files_exec_open(const struct proc *p, const char *path, struct files_exe *fe);
/*
 * Maps len bytes (whole pages) of the initramfs, starting at `at`, into
 * space at va, shared and read-only (prot readable, not writable): what was
 * mapped, len or 0 (not in the archive, or not page-aligned there: the
 * caller copies instead).
 */
uint64_t files_map_shared(long space, uint64_t va, const uint8_t *at, uint64_t len, unsigned prot);
void files_exec_close(const struct files_exe *fe);
/*
 * The regular file p's descriptor fd names, held open for mmap (close it
 * with files_exec_close): data is its bytes in the initramfs, or NULL when
 * they must be read with files_read; *flags its open flags. -EBADF, -ENODEV.
 */
int files_fd_open(const struct proc *p, int fd, struct files_exe *fe, uint32_t *flags);
/* Reads up to len bytes at off of a held file into buf here: the count, 0 at its end. */
long files_read(const struct files_exe *fe, uint64_t off, void *buf, uint64_t len);

/* mmap of a file descriptor (mmap.c); a[] are the call's six arguments. */
long mmap_file(struct proc *p, const uint64_t *a);

/* Another server started from the boot module `name` with handles of its own (start.c). */
struct start_grant {
	long handle;			/* here */
	unsigned rights;
	uint64_t badge;
	uint32_t kind;			/* KAGE_BOOT_* it is listed as */
	const char *name;		/* or NULL: the name of `like` */
	const struct kage_bootitem *like;	/* a boot item whose range and aux it keeps, or NULL */
};
/* Its task handle, or a negative errno. A UART grant must come right before its irq's. */
long start_server(const struct kage_bootinfo *bi, const char *name, const struct start_grant *g, int n);
/*
 * The two steps that differ with the mode: the server's task, with its
 * space and itself as handles 0 and 1 (and *space, a handle here to its
 * space, or -1); then its start with *sbi. MODE=micro loads the module's
 * ELF file into a new space (start_module.c); MODE=mono has the kernel
 * run the linked-in server (start_direct.c).
 */
long start_task(const struct kage_bootinfo *bi, const char *name, long *space);
long start_run(long task, long space, const struct kage_bootinfo *sbi);


struct elf_image;
/* Maps and fills every PT_LOAD segment of an ELF file, at its addresses plus bias. */
long exec_load_segments(long space, const uint8_t *file, const struct elf_image *img, uint64_t bias);

/*
 * Loads the ELF file `path` (and its interpreter, if it names one; a #!
 * script runs its interpreter) into a new space with a Linux stack
 * holding argv, envp and the auxiliary vector, and points
 * p's task at it (creating the task if p has none). 0 or a negative errno.
 */
int proc_exec(struct proc *p, const char *path, const char *const argv[], const char *const envp[]);
/* Notes an unimplemented system call on the console, once per number. */
void linux_unknown(uint64_t nr);
/* Serves one forwarded Linux system call; *result is what lands in a0. */
enum proc_reply linux_syscall(struct proc *p, const struct kage_msg *m, long *result);
/* Gives t the server's endpoint, badged with p's pid, for its calls and faults. */
long proc_bind(struct proc *p, long task);
/* Ends p with a wait status: a zombie for its parent, its children to pid 1. */
void proc_end(struct proc *p, int wait_status);
struct proc *proc_by_pid(int pid);
/* The badge p's calls carry (its slot, so the receive loop finds it at once), and back. */
uint64_t proc_badge(const struct proc *p);
extern struct proc procs[PROC_MAX];
static inline struct proc *proc_by_badge(uint64_t badge)
{
	return badge - 1 < PROC_MAX ? &procs[badge - 1] : 0;
}
/* Slot i of the table, or NULL if it is free. */
struct proc *proc_by_slot(int i);

/* nanosleep and clock_nanosleep (sleep.c): the helper task, expiry, and the call. */
int sleep_init(void);
void sleep_expire(void);
enum proc_reply sleep_start(struct proc *p, const struct kage_msg *m, int clock, int flags, uint64_t ts,
			    uint64_t rem, long *result);
/* A deadline in ticks for a timespec, relative to now or absolute. */
uint64_t sleep_deadline(uint64_t sec, uint64_t nsec, int absolute);
/* A signal ends p's sleep: -EINTR, and the time left where it asked. */
void sleep_interrupt(struct proc *p);
/* How many processes are running (not zombies). */
int proc_count(void);
/* Status of pid 1 once it has ended, -1 before. */
extern int proc_init_ended;
static inline int proc_init_status(void)
{
	return proc_init_ended;
}
/* pid 1, started from the command line. */
int proc_start_init(const char *path, const char *const argv[], const char *const envp[]);

/* Copies a NUL-terminated string out of p: its length, or -EFAULT/-ENAMETOOLONG. */
long proc_string(struct proc *p, uint64_t va, char *buf, size_t max);

/* fork, vfork and clone; wait4; execve from a running process (process.c). */
enum proc_reply proc_clone(struct proc *p, const struct kage_msg *m, long *result);
enum proc_reply proc_execve(struct proc *p, const struct kage_msg *m, long *result);
/* p's task is gone: the kernel retired the calls the server kept for it (wait, sleep, futex...). */
void proc_forget_calls(struct proc *p);
/* Answers a kept call with one value (if token is set) and clears it. */
void proc_answer(uint64_t *token, long value);

/* wait4 and waitid (wait.c); wait_wake answers a waiting parent whose child changed. */
enum proc_reply proc_wait4(struct proc *p, const struct kage_msg *m, long *result);
enum proc_reply proc_waitid(struct proc *p, const struct kage_msg *m, long *result);
void wait_wake(struct proc *parent);

/* Signals (signal.c): generation, delivery at the task's ALERT or fault, and the calls. */
/* sig for thread p; sig_post_process: for the process p belongs to (kill, SIGCHLD, the console). */
void sig_post(struct proc *p, int sig, const struct sig_info *info);
void sig_post_process(struct proc *p, int sig, const struct sig_info *info);
void sig_default(struct proc *p, int sig);
int sig_is_stop(int sig);
/* After a call of p's: alert its task if a signal can be delivered. */
void sig_check(struct proc *p);
enum proc_reply sig_alert(struct proc *p, uint64_t token, uint64_t orig_a0);
enum proc_reply sig_fault(struct proc *p, const struct kage_msg *m);
void sig_fork(const struct proc *parent, struct proc *child);
void sig_exec(struct proc *p);
long sig_action_call(struct proc *p, const uint64_t *a);
long sig_procmask_call(struct proc *p, const uint64_t *a);
long sig_pending_call(struct proc *p, const uint64_t *a);
long sig_return_call(struct proc *p);
long sig_altstack_call(struct proc *p, const uint64_t *a);
enum proc_reply sig_suspend_call(struct proc *p, const struct kage_msg *m, long *result);

/* Threads and futexes (thread.c). */
enum proc_reply thread_exit(struct proc *p, int status);
/* Ends every thread of the process led by `leader` but `keep` (may be NULL). */
void thread_end_others(struct proc *leader, struct proc *keep);
enum proc_reply futex_call(struct proc *p, const struct kage_msg *m, long *result);
/* Wakes up to n waiters on (mm, addr) whose bitset meets `bits`: how many. */
int futex_wake(uint32_t mm, uint64_t addr, int n, uint32_t bits);
/* A futex wait whose deadline passed, or a signal: answered now. */
void futex_cancel(struct proc *p, long value);

/* Job control (job.c). */
enum proc_reply proc_kill(struct proc *p, int pid, int sig, long *result);
enum proc_reply job_tgkill(struct proc *p, int tgid, int tid, int sig, long *result);
/* A key on the console: sig to the foreground group pgrp (0: every process but init). */
void proc_interrupt(int sig, int pgrp);
void job_stop(struct proc *p, int sig);
void job_continue(struct proc *p);
long job_setpgid(struct proc *p, int pid, int pgid);
long job_getpgid(struct proc *p, int pid, int sid);
long job_setsid(struct proc *p);

/* /proc (procfs.c): argv kept at execve, the file server's round trip, and /proc's links. */
void procfs_set_cmdline(struct proc *p, const char *const argv[]);
/* PROC_OP_PROCFS: whether to answer it here (*result), or it went back to the file server. */
int procfs_call(const struct kage_msg *m, long *result);
/* Where /proc/self/exe, /proc/N/exe or /proc/self points for p: 0 and *target, or -ENOENT. */
long procfs_link(const struct proc *p, const char *path, const char **target);
/* execve of /proc/self/exe or /proc/N/exe runs that executable: its path, or path itself. */
const char *procfs_exec_path(const struct proc *p, const char *path);

#endif
