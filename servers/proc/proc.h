/*
 * The process server: turns files into Linux processes and answers their
 * system calls, which the kernel forwards to its endpoint.
 *
 * A process and its threads are apart, as Linux keeps a task_struct
 * apart from the signal_struct and mm its threads share:
 *  - struct process is what one program's threads share: the pid, the
 *    parent and the children (those whose parent pointer is it), process
 *    group and session, the address space and its layout, the signal
 *    actions and the signals sent to the whole process, the job state,
 *    resource limits, the exit status and what /proc shows. Its umask,
 *    working directory and descriptors live in its table at the file
 *    server, keyed by the process (servers/protocol.h).
 *  - struct thread is one kernel task: its tid, its signal mask and the
 *    signals sent to it alone, its alternate signal stack, the call it
 *    waits in (a wait, a sleep, a futex, sigsuspend, a stop), and its
 *    clear_child_tid and robust list.
 * A field used at the wrong level does not compile: a thread reaches its
 * process only through t->proc.
 *
 * Ownership: the server holds the only handles to each thread's task and
 * each process's space. A thread lives from clone (or execve of init)
 * until it exits or its process ends; a process from fork until its
 * parent reaps it (a zombie holds no task and no space, only its status).
 * Badges: a thread's calls carry proto_badge(process slot, thread slot),
 * so the receive loop finds the thread at once and the file server finds
 * the process's table without asking.
 */
#ifndef KAGE_SERVERS_PROC_PROC_H
#define KAGE_SERVERS_PROC_PROC_H

#include <stddef.h>
#include <stdint.h>
#include "lib/kage_abi.h"
#include "lib/linux_abi.h"
#include "lib/native.h"
#include "servers/protocol.h"
#include "servers/proc/signal.h"
#include "servers/proc/table.h"

/*
 * execve's limits: argument and environment strings each (E2BIG beyond),
 * and their bytes together, 128 KiB as Linux had before it tied the limit
 * to the stack size (BusyBox's test suite alone exports some 300 names).
 */
#define PROC_ARGS_MAX 1024
#define PROC_ARG_BYTES (128ul << 10)
#define PROC_CMDLINE_ARGS 16	/* words of the kernel command line for init */
#define PROC_CMDLINE_MAX 128	/* what /proc/N/cmdline keeps of argv */
#define PROC_EXE_MAX 256	/* the executable's path, for /proc/N/exe */

enum process_state { PROCESS_FREE, PROCESS_LIVE, PROCESS_ZOMBIE };

/*
 * What only a live process has: a zombie gives it back (at the end of the
 * message that ended the process), keeping its small struct process.
 * One page of the heap (kept in a cache for the next fork).
 */
struct process_live {
	/* Copied from the process it is a copy of (proc_new's model), or set for init. */
	uint64_t act_set;		/* the signals whose act entry is in use; every other one is SIG_DFL */
	struct linux_sigaction act[_NSIG];	/* what each signal does (through sig_action: unused entries are stale) */
	struct linux_rlimit rlim[RLIM_NLIMITS];
	char cmdline[PROC_CMDLINE_MAX];	/* argv at execve, NUL after each, cut at the end */
	uint8_t cmdline_len;
	char exe[PROC_EXE_MAX];		/* the executable's path (/proc/N/exe); "" before the first execve */
	/* Never cleared: read only while the signal is pending in sig.shared. */
	struct sig_info sig_info[_NSIG];	/* where each came from */
};

struct thread;

/* CPU time in ticks (KAGE_TICK_HZ), user and system (cputime.c). */
struct proc_ticks {
	uint64_t user, system;
};

struct process {
	enum process_state state;
	int pid;
	uint32_t key;			/* its number in badges and at the file server */
	struct table_link pid_link;	/* in the pid map */
	struct process *all_prev, *all_next;	/* every process, in the order they were made */
	struct process *retired;	/* on the list of what to trim or free after this message */
	uint8_t on_retired;
	struct process_live *live;	/* NULL once a zombie's is given back */
	uint32_t persona;		/* personality(2)'s flags: ADDR_NO_RANDOMIZE */
	uint8_t membarrier;		/* the MEMBARRIER_CMD_REGISTER_* it made since its execve (sched_calls.c) */
	struct process *parent;		/* whose child it is (NULL for init) */
	struct process *children;	/* its children, zombies included, linked by `sibling` */
	struct process *sibling;
	struct thread *threads;		/* its threads, linked by their `next` */
	int nthreads;
	int pgid, sid;			/* process group and session */
	int exit_signal;		/* what the parent gets at its end (clone's CSIGNAL; 0: nothing) */
	/* The address space: shared with CLONE_VM processes (a vfork child), new at execve. */
	long space;			/* handle */
	uint32_t mm;			/* its name for futex keys */
	uint64_t brk_start, brk;	/* the heap: [brk_start, brk) */
	uint64_t mmap_next;		/* mappings without an address grow down from here */
	uint64_t mmap_base;		/* where they started (the top of the mmap area) */
	uint64_t vm_bytes, data_bytes;	/* mapped, and of that private and writable (RLIMIT_AS, RLIMIT_DATA) */
	struct sig_process sig;		/* process-directed signals */
	/* Job control (job.c). */
	uint8_t stopped, stop_sig;	/* stopped by stop_sig */
	uint8_t stop_report, cont_report;	/* not yet told to a waiting parent */
	uint8_t did_exec;		/* has run execve since fork (setpgid's EACCES) */
	uint8_t leader_exited;		/* its first thread called exit while others run on */
	int status;			/* wait status: of the end, or the leader's exit until then */
	/* vfork: the parent's thread waits for this child's execve or end. */
	uint64_t vfork_token;
	struct thread *vfork_waiter;
	char comm[16];			/* what execve was given, last component: a script's, not its interpreter's */
	struct proc_ticks ticks_gone;	/* CPU time of its threads that ended */
	struct proc_ticks ticks_reaped;	/* of the children it reaped, theirs included (cutime, cstime) */
	uint64_t started;		/* native_time() when it was made: /proc/N/stat's starttime */
};

struct thread {
	struct process *proc;		/* NULL once it has ended */
	struct thread *next;		/* the next thread of the same process; of the ended ones, once ended */
	int tid;
	uint32_t slot;			/* its number in badges */
	struct table_link tid_link;	/* in the tid map, unless it is the leader */
	uint8_t in_tid_map;
	uint32_t sleep_at;		/* its place in the deadline heap (sleep.c), 0: none */
	long task;			/* handle */
	uint64_t clear_tid;		/* CLONE_CHILD_CLEARTID: zeroed and woken at its exit */
	uint64_t robust_list;		/* set_robust_list's head (kept, not walked) */
	struct process *vfork_child;	/* the vfork child it waits for (its token is the child's) */
	struct sig_thread sig;		/* mask, thread-directed signals, alternate stack */
	/* The calls it waits in, answered later: each a reply token, 0 when none. */
	struct {
		uint64_t token;
		int pid;		/* what it waits for: -1 any child, or a pid */
		int pgid;		/* or > 0: any child in this group */
		uint32_t options;	/* WEXITED, WUNTRACED, WCONTINUED, WNOHANG, WNOWAIT */
		uint64_t status;	/* where the status goes (0: nowhere) */
		uint8_t info;		/* waitid: a siginfo_t goes there, and the answer is 0 */
		uint64_t rusage;	/* wait4: the child's struct rusage goes there (0: nowhere) */
	} wait;
	struct {
		uint64_t token;
		uint64_t until;		/* the deadline, in time CSR ticks */
		uint64_t rem;		/* where the time left goes if a signal ends it (0: nowhere) */
	} sleep;
	struct {
		uint64_t token;
		uint64_t addr, until;	/* the futex; the deadline in ticks (0: none) */
		uint32_t bitset;
		struct thread *prev, *next;	/* the other waiters in its bucket (futex.c) */
	} futex;
	uint64_t suspend_token;		/* rt_sigsuspend, until a handler runs */
	uint64_t stop_token;		/* its ALERT, held while the process is stopped */
	uint64_t stop_a0;		/* and that ALERT's word 0 */
	/* Never cleared: read only while the signal is pending in sig.own. */
	struct sig_info sig_info[_NSIG];	/* where each came from */
};

/* What p does with sig, and a new action for it (signal.c). */
extern const struct linux_sigaction sig_default_action;
static inline const struct linux_sigaction *sig_action(const struct process *p, int sig)
{
	return p->live->act_set & SIG_BIT(sig) ? &p->live->act[sig - 1] : &sig_default_action;
}
void sig_action_set(struct process *p, int sig, const struct linux_sigaction *a);

/* What a handler tells the receive loop. */
enum proc_reply { PROC_REPLY, PROC_NO_REPLY };

extern uint32_t proc_timebase_hz;
extern long proc_endpoint;
extern long proc_fs_ep;		/* the file server, badged PROTO_BADGE_PROC */

/* The server's heap (lib/heap.h): processes, threads and every table that grows. */
extern struct heap proc_heap;

/* ---- The tables (process.c, thread.c) ---- */
struct process *proc_by_pid(int pid);
struct process *proc_init(void);
/* Every process, zombies included, in the order they were made: the first, and p's next. */
struct process *proc_first(void);
static inline struct process *proc_next(const struct process *p)
{
	return p->all_next;
}
/* How many processes are alive (not zombies). */
int proc_count(void);
/* Processes made since boot. */
uint64_t proc_forks(void);
/*
 * The server's objects: processes (live and zombies), threads, and the
 * tasks Linux would count against threads-max and RLIMIT_NPROC (every
 * live thread and every zombie).
 */
struct proc_objects {
	uint64_t processes, zombies, threads, tasks;
};
void proc_objects(struct proc_objects *o);
/* The key of p's table at the file server, and the badge t's calls carry. */
static inline uint32_t proc_key(const struct process *p)
{
	return p->key;
}
uint64_t thread_badge(const struct thread *t);
/*
 * The thread a process badge names (a server's badge names none), found
 * at once: every call of every program comes through here. A thread is
 * in the slot table only while its process is LIVE (a process's threads
 * end before it becomes a zombie), so a thread found is one to serve.
 */
extern struct table_slots thread_slots;
static inline struct thread *thread_by_badge(uint64_t badge)
{
	if (badge >= PROTO_BADGE_PROC)
		return NULL;
	return table_slot_get(&thread_slots, proto_badge_thread(badge));
}
/*
 * The same for a badge another server passes on in a message's words: it
 * may be older than the thread now in that slot, so the process must
 * match too.
 */
struct thread *thread_named_by(uint64_t badge);
struct thread *thread_by_tid(int tid);
/* Status of pid 1 once it has ended, -1 before (read after every message). */
extern int proc_init_ended;
static inline int proc_init_status(void)
{
	return proc_init_ended;
}
/* pid 1, started from the command line. */
int proc_start_init(const char *path, const char *const argv[], const char *const envp[]);

/* ---- Life and death (process.c, clone.c, thread.c) ---- */
/*
 * A new process, child of parent, copying model's actions, limits and
 * /proc names (model NULL: the defaults, for init), with one thread (no
 * task, no space yet): NULL and *err (-EAGAIN past a limit or out of
 * pids, -ENOMEM out of memory).
 */
struct process *proc_new(struct process *parent, const struct process *model, struct thread **first, long *err);
/* A process given back: out of its parent's children (the zombie reaped, or never a zombie). */
void proc_free(struct process *p);
/*
 * What ended or was freed during a message is given back to the heap
 * after it (the receive loop calls proc_collect_now when proc_retiring
 * says there is something), so no handler is left holding a freed
 * thread or process.
 */
extern uint8_t proc_retiring;
void proc_collect_now(void);
/* A new name for an address space, for futex keys (fork, execve); a new pid or tid (or -EAGAIN: none free). */
uint32_t proc_new_mm(void);
int proc_new_id(void);
/* Whether one more task (a process or a thread) may be made by p: 0, or -EAGAIN past threads-max or p's RLIMIT_NPROC. */
long proc_may_add_task(const struct process *p);
/* The process ends with a wait status: every thread goes, a zombie for its parent, its children to init. */
void proc_end(struct process *p, int wait_status);
/* p's vfork parent runs again (p's execve or end), with p's pid. */
void proc_vfork_done(struct process *p);
enum proc_reply proc_clone(struct thread *t, const struct kage_msg *m, long *result);
/* A new thread of p (no task yet): NULL and *err (-ENOMEM, or -EAGAIN past the slots). */
struct thread *thread_new(struct process *p, int tid, long *err);
/* Ended threads given back to the heap (proc_collect). */
void thread_collect(void);
/* t's tid becomes tid (execve makes the caller the leader). */
void thread_set_tid(struct thread *t, int tid);
/* The tables start empty (main, before anything else). */
void proc_table_init(void);
void thread_table_init(void);
/* t goes (its task killed with status, its clear_tid woken); the process goes on. */
void thread_end(struct thread *t, int status);
enum proc_reply thread_exit(struct thread *t, int status);
/* Ends every thread of p but `keep` (may be NULL). */
void thread_end_others(struct process *p, struct thread *keep);
/* Gives t's task the server's endpoint, badged with t's badge, for its calls and faults. */
long thread_bind(struct thread *t, long task);
/* t's task is gone: the kernel retired the calls the server kept for it. */
void thread_forget_calls(struct thread *t);
/* Answers a kept call with one value (if token is set) and clears it. */
void proc_answer(uint64_t *token, long value);

/* ---- execve (exec.c, exec_load.c) ---- */
enum proc_reply proc_execve(struct thread *t, const struct kage_msg *m, long *result);
/*
 * Loads the ELF file `path` (its interpreter too, if it names one; a #!
 * script runs its interpreter) into a new space with a Linux stack, and
 * points t's task at it (creating the task if t has none). 0 or -errno.
 */
int exec_run(struct thread *t, const char *path, const char *const argv[], const char *const envp[]);
struct elf_image;
struct files_pages;
/*
 * Maps and fills every PT_LOAD segment of an ELF file, at its addresses
 * plus bias. populate: 0 (pages come at first touch) or KAGE_MAP_POPULATE
 * (every page gets its frame now: a server never faults for memory).
 */
long exec_load_segments(long space, const struct files_pages *file, const struct elf_image *img, uint64_t bias,
			unsigned populate);
/* Copies a NUL-terminated string out of p: its length, or -EFAULT/-ENAMETOOLONG. */
long proc_string(const struct process *p, uint64_t va, char *buf, size_t max);

/* ---- wait4 and waitid (wait.c) ---- */
enum proc_reply proc_wait4(struct thread *t, const struct kage_msg *m, long *result);
enum proc_reply proc_waitid(struct thread *t, const struct kage_msg *m, long *result);
/* A child of parent changed: its threads waiting for it are answered. */
void wait_wake(struct process *parent);

/* ---- Signals (signal.c, signal_calls.c) ---- */
/* To one thread (tgkill, a fault) or to the process (kill, SIGCHLD, the console). */
void sig_post_thread(struct thread *t, int sig, const struct sig_info *info);
void sig_post_process(struct process *p, int sig, const struct sig_info *info);
int sig_is_stop(int sig);
/* Whether the action for sig in p is to do nothing; whether sp is on t's alternate stack. */
int sig_ignored(const struct process *p, int sig);
int sig_on_altstack(const struct thread *t, uint64_t sp);
/* After a call of t's (answered on every one): alert its task if a signal can be delivered to it. */
static inline void sig_check(struct thread *t)
{
	if ((t->sig.own | t->proc->sig.shared) & ~t->sig.blocked)
		native_task_alert(t->task, 0);
}
enum proc_reply sig_alert(struct thread *t, uint64_t token, uint64_t orig_a0);
enum proc_reply sig_fault(struct thread *t, const struct kage_msg *m);
/* The leak check (audit.c): the counts before pid 1 is made, and their comparison once it has ended. */
void audit_baseline(void);
void audit_report(void);
/* A fault that found no free frame (oom.c): ends the largest process; whether t's fault is retried. */
enum proc_reply oom_fault(struct thread *t);
/* The signal state of a child (fork: its actions came with proc_new) or of a new thread. */
void sig_fork(const struct thread *parent, struct process *child, struct thread *child_thread);
void sig_new_thread(const struct thread *creator, struct thread *t);
void sig_exec(struct thread *t);
/* What the thread's pending and blocked sets are, as /proc/N/status shows them. */
uint64_t sig_pending_of(const struct thread *t);
long sig_action_call(struct thread *t, const uint64_t *a);
long sig_procmask_call(struct thread *t, const uint64_t *a);
long sig_pending_call(struct thread *t, const uint64_t *a);
long sig_return_call(struct thread *t);
long sig_altstack_call(struct thread *t, const uint64_t *a);
enum proc_reply sig_suspend_call(struct thread *t, const struct kage_msg *m, long *result);
/* Calls t waits in here end now: -EINTR, or a restart (signal_calls.c). */
void sig_interrupt_held(struct thread *t);

/* ---- Job control (job.c) ---- */
enum proc_reply job_kill(struct thread *t, int pid, int sig, long *result);
enum proc_reply job_tgkill(struct thread *t, int tgid, int tid, int sig, long *result);
/* A key on the console: sig to the foreground group pgrp (0: every process but init). */
void job_interrupt(int sig, int pgrp);
void job_stop(struct process *p, int sig);
void job_continue(struct process *p);
long job_setpgid(struct thread *t, int pid, int pgid);
long job_getpgid(struct thread *t, int pid, int sid);
long job_setsid(struct thread *t);

/* ---- Threads' futexes (futex.c) ---- */
enum proc_reply futex_call(struct thread *t, const struct kage_msg *m, long *result);
/* Wakes up to n waiters on (mm, addr) whose bitset meets `bits`: how many. */
int futex_wake(uint32_t mm, uint64_t addr, int n, uint32_t bits);
/* A futex wait whose deadline passed, or a signal: answered now. */
void futex_cancel(struct thread *t, long value);
/* t waits on no futex any more (its task is gone: nobody to answer). */
void futex_forget(struct thread *t);

/* ---- nanosleep and clock_nanosleep (sleep.c) ---- */
int sleep_init(void);
/* Room in the deadline heap for this many threads: 0 or -ENOMEM. */
extern uint32_t sleep_room;
long sleep_grow(uint32_t threads);
static inline long sleep_reserve(uint32_t threads)
{
	return threads < sleep_room ? 0 : sleep_grow(threads);
}
/* t's deadline (sleep.until or futex.until, whichever it waits in) is kept; it leaves the heap. */
void sleep_add(struct thread *t);
void sleep_forget(struct thread *t);
void sleep_expire(void);
enum proc_reply sleep_start(struct thread *t, const struct kage_msg *m, int clock, int flags, uint64_t ts,
			    uint64_t rem, long *result);
/* A deadline in ticks for a timespec, relative to now or absolute (on the wall clock if realtime). */
uint64_t sleep_deadline(uint64_t sec, uint64_t nsec, int absolute, int realtime);

/* A forwarded read of /dev/urandom (PROC_OP_RANDOM): up to 1 MiB of random bytes to the caller's buf. */
long linux_random_read(uint64_t token, uint64_t buf, uint64_t len);

/* ---- The system log (syslog.c) ---- */
/* syslog(2): Linux's answer for action type. */
long syslog_call(const struct process *p, int type, uint64_t buf, int64_t len);

/* ---- Clocks (clock.c) ---- */
/* Sets the wall clock from the boot's RTC item (or the build's date) and says the date. */
void clock_init(const struct kage_bootinfo *bi);
/* Tells the file server where the wall clock stands (FS_OP_CLOCK), as clock_settime does. */
void clock_share(void);
/* The wall clock now, in ns since the epoch. */
uint64_t clock_wall_ns(void);
/* The wall clock at boot (/proc/stat's btime). */
uint64_t clock_boot_wall_ns(void);
/* The time CSR value when the wall clock shows sec.nsec (1 if that was before boot). */
uint64_t clock_wall_to_ticks(uint64_t sec, uint64_t nsec);
/* The Linux calls: 0 or -errno. */
long clock_gettime_call(const struct thread *t, int64_t id, uint64_t ts);
long clock_getres_call(const struct process *p, int64_t id, uint64_t res);

/* ---- /proc/cpuinfo (cpuinfo.c) ---- */
void cpuinfo_init(const struct kage_bootinfo *bi);
size_t cpuinfo_text(char *buf, size_t size);
/* How many processors it lists: the harts kage runs on. */
unsigned cpuinfo_count(void);

/* ---- Where threads run (sched_calls.c): the Linux calls, 0 or more, or -errno ---- */
long sched_setaffinity_call(struct thread *t, const uint64_t *a);
long sched_getaffinity_call(struct thread *t, const uint64_t *a);
long sched_getcpu_call(struct thread *t, const uint64_t *a);
long sched_membarrier_call(struct thread *t, const uint64_t *a);
long sched_flush_icache_call(struct thread *t, const uint64_t *a);

/* ---- CPU time (cputime.c) ---- */
void cputime_of_thread(const struct thread *t, struct proc_ticks *out);
/* A process's own: its live threads' and its ended threads'. */
void cputime_of(const struct process *p, struct proc_ticks *out);
/* Before a thread's task goes: its time joins its process's. */
void cputime_thread_end(struct thread *t);
/* A reaped child's time (and its children's) joins the parent's children's time. */
void cputime_reaped(struct process *parent, const struct process *c);
long cputime_put_rusage(const struct process *p, uint64_t va, const struct proc_ticks *ticks);
long cputime_getrusage_call(const struct thread *t, int64_t who, uint64_t va);
long cputime_times_call(const struct process *p, uint64_t va);
/* CLOCK_PROCESS_CPUTIME_ID (process) and CLOCK_THREAD_CPUTIME_ID, in ns. */
uint64_t cputime_clock_ns(const struct thread *t, int process);
/* native_time() t as clock ticks (KAGE_TICK_HZ) since boot: times(2)'s, /proc/N/stat's starttime. */
uint64_t cputime_ticks_at(uint64_t t);
long clock_settime_call(const struct process *p, int64_t id, uint64_t ts);
long clock_gettimeofday_call(const struct process *p, uint64_t tv, uint64_t tz);
long clock_settimeofday_call(const struct process *p, uint64_t tv, uint64_t tz);
/* A signal ends t's sleep: -EINTR, and the time left where it asked. */
void sleep_interrupt(struct thread *t);

/* ---- Random numbers (rng.c) ---- */
/* Seeds the generator from the boot's rng-seed (if any) and timer jitter. */
void rng_init(const struct kage_bootinfo *bi);
/* len bytes from it, stirred with fresh jitter first. */
void rng_bytes(void *out, size_t len);

/* ---- The system call table (linux.c) ---- */
/* Notes an unimplemented system call on the console, once per number. */
void linux_unknown(uint64_t nr);
/* Serves one forwarded Linux system call; *result is what lands in a0. */
enum proc_reply linux_syscall(struct thread *t, const struct kage_msg *m, long *result);
/*
 * The plain calls' path (proc_plain and the LINUX_VALUE handlers) keeps
 * no frame record: on calls like getpid, whose whole work is a load or
 * two, the record is a third of the handler. A backtrace through them
 * (mono: a panic in the kernel) skips them and goes on at their caller.
 */
#define PROC_PLAIN_FRAME __attribute__((optimize("omit-frame-pointer")))
/* The calls answered at once from their six arguments a[] (linux_plain_set's numbers): the answer. */
typedef long (*linux_plain_handler)(struct thread *t, const uint64_t *a);
extern const linux_plain_handler linux_plain_calls[LINUX_NR_MAX];
static inline long linux_plain(struct thread *t, uint64_t nr, const uint64_t *a)
{
	return linux_plain_calls[nr](t, a);
}
/* Sets the bit of every Linux number linux_plain takes. */
void linux_plain_set(uint64_t which[LINUX_NR_MAX / 64]);
/*
 * Sets the bit of every Linux number that is only passed on to the file
 * server (linux_sys_file): the kernel routes those there (ep_route), and
 * only while the file server is gone do they come here.
 */
void linux_route_set(uint64_t which[KAGE_ROUTE_WORDS]);
/* Linux PROT_* bits as kage's: write implies read, as on RISC-V's page tables. */
unsigned linux_prot(uint64_t prot);
/* p's counts for RLIMIT_AS and RLIMIT_DATA change by these bytes (never below 0). */
void linux_vm_account(struct process *p, int64_t bytes, int64_t data);
/* munmap of [va, va + len) in p, counted. */
long linux_munmap(struct process *p, uint64_t va, uint64_t len);

/* ---- The file server's side (files.c) ---- */
/* Descriptor tables follow the processes. */
int files_new(const struct process *p);
int files_fork(const struct process *parent, const struct process *child);
void files_exec(const struct process *p);
void files_exit(const struct process *p);
/* The file server crashes on PROTO_IOCTL_CRASH from now on (kage.crash=fs). */
void files_arm_crash(void);
/* FS_OP_CLOCK: the wall clock at time CSR 0, for file times. */
void files_clock(uint64_t boot_ns);
/* A file call the file server can no longer take (it died): -EIO, or fds 1 and 2 written to the kernel console. */
long files_gone(const struct kage_msg *m);
/* One call on the file server: its result, or -EIO if it is gone (out: the six reply words, or NULL). */
long files_op(const uint64_t w[6], uint64_t out[6]);

/*
 * A file's pages, as the file server hands them for execve and mmap: a
 * memory object held here (a snapshot of the file's bytes) until
 * files_close.
 */
struct files_pages {
	long mem;			/* the handle, or -1 for an empty file */
	uint64_t size;
	uint32_t mode;
	uint32_t page_off;		/* where the file starts in the object's first page */
};
/*
 * An executable, found from p's working directory, and unless exe is NULL
 * its absolute path in exe (PROC_EXE_MAX bytes; "" if longer); the
 * regular file p's descriptor fd names (and its open flags).
 */
int files_exec_open(const struct process *p, const char *path, struct files_pages *fp, char *exe);
int files_fd_open(const struct process *p, int fd, struct files_pages *fp, uint32_t *flags);
void files_close(struct files_pages *fp);
/* Up to len bytes at off into buf here (at most KAGE_COPY_MAX): the count, 0 past the end, or -errno. */
long files_read(const struct files_pages *fp, uint64_t off, void *buf, uint64_t len);
/* Bytes [off, off + len) of the file into space at va (what lies past its end is left alone): 0 or -errno. */
long files_copy(const struct files_pages *fp, uint64_t off, long space, uint64_t va, uint64_t len);
/*
 * Maps the whole pages [off, off + len) of the file into space at va,
 * read-only and shared with every other mapping of them: len, or 0 when
 * they cannot be (not page-aligned in the object, writable, past the
 * file's last whole page), and the caller copies instead.
 */
uint64_t files_share(long space, uint64_t va, const struct files_pages *fp, uint64_t off, uint64_t len,
		     unsigned prot);
/*
 * mmap's way: the file's pages from off (up to len bytes, at most to its
 * last page) become a region of space at va whose pages arrive at their
 * first touch (KAGE_MAP_LAZY): a read-only whole page shared, any other
 * a private copy, zeroed past the file's end. The bytes mapped (whole
 * pages), or 0 when the file cannot be mapped so (not page-aligned in
 * the object, no access) and the caller copies instead.
 */
uint64_t files_map_lazy(long space, uint64_t va, const struct files_pages *fp, uint64_t off, uint64_t len,
			unsigned prot);

/* mmap of a file descriptor (mmap.c); a[] are the call's six arguments. */
long mmap_file(struct process *p, const uint64_t *a);
/* Where a mapping of len bytes goes (mmap's addr and flags): 0 and *va, or -EINVAL, -EEXIST, -ENOMEM. */
long mmap_place(struct process *p, uint64_t addr, uint64_t len, uint64_t flags, uint64_t *va);
/* Records a mapping made at va (mmap_place's), for where the next one goes. */
void mmap_placed(struct process *p, uint64_t va, uint64_t flags);
/* mremap(old_address, old_size, new_size, flags, new_address): the address, or a negative errno. */
long mmap_remap(struct process *p, const uint64_t *a);

/* ---- /proc (procfs.c, procfs_text.c) ---- */
/* PROC_OP_PROCFS: a process's call on a path or descriptor under /proc; whether to answer it now. */
int procfs_call(const struct kage_msg *m, long *result);
/*
 * readlinkat of an absolute path plainly under /proc (glibc's start-up
 * reads /proc/self/exe), served here without the file server's detour:
 * whether it was (*result then holds the answer).
 */
int procfs_readlinkat(struct thread *t, const struct kage_msg *m, long *result);
/* argv kept at execve for /proc/N/cmdline. */
void procfs_set_cmdline(struct process *p, const char *const argv[]);
/* execve of /proc/self/exe or /proc/N/exe runs that executable: its path, or path itself. */
const char *procfs_exec_path(const struct thread *t, const char *path);

/* ---- Starting the other servers (start.c; start_module.c or start_direct.c by mode) ---- */
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

#endif
