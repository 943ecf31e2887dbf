/*
 * What /proc's files say, made from the tables at the moment a file is
 * opened (or stat'ed), and what its directories list (but /proc/N/fd,
 * whose entries are the file server's descriptors: procfs_fd.c). Each
 * process (not each thread) has /proc/N with Linux's stat (52 fields),
 * status, comm, cmdline, exe and fd; the system has meminfo, uptime,
 * loadavg, mounts and version.
 */
#include <stdarg.h>
#include "lib/fmt.h"
#include "lib/heap.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/proc/limits.h"
#include "servers/proc/procfs.h"

/* What a process's files say about it. */
struct procfs_facts {
	int threads;
	char state;			/* R, S, T or Z as Linux prints it */
	uint64_t vsize;			/* bytes up to the end of the heap: kage keeps no finer figure */
	uint64_t sigpnd, shdpnd, sigblk, sigign, sigcgt;	/* status's signal sets */
};

/* A thread waits in this server: for a child, a timer, a signal, a futex, or its vfork child. */
static int procfs_waiting(const struct thread *t)
{
	return t->wait.token || t->sleep.token || t->suspend_token || t->futex.token || t->vfork_child;
}

/* Linux's state letter for p: S when every thread waits here, T stopped, Z a zombie, else R. */
static void procfs_facts_of(const struct process *p, struct procfs_facts *f)
{
	const struct thread *first = NULL;
	int waiting = 0;

	memset(f, 0, sizeof(*f));
	for (const struct thread *t = p->threads; t; t = t->next) {
		first = t;	/* the list's last: the first made */
		f->threads++;
		waiting += procfs_waiting(t);
	}
	f->state = f->threads && waiting == f->threads ? 'S' : 'R';
	if (p->stopped)
		f->state = 'T';
	if (p->state == PROCESS_ZOMBIE)
		f->state = 'Z';
	else
		f->vsize = p->vm_bytes;	/* not 0, which tools take for a kernel thread's */
	f->threads = f->threads ? f->threads : 1;
	f->shdpnd = p->sig.shared;
	if (first) {
		f->sigpnd = first->sig.own;
		f->sigblk = first->sig.blocked;
	}
	for (int s = 1; s <= _NSIG && p->live; s++) {
		uint64_t h = sig_action(p, s)->sa_handler;

		if (h == SIG_IGN)
			f->sigign |= SIG_BIT(s);
		else if (h != SIG_DFL)
			f->sigcgt |= SIG_BIT(s);
	}
}

/* The name Linux gives a process: the last component of what it execve'd, 15 characters at most. */
static void procfs_comm(const struct process *p, char comm[16])
{
	const char *exe = p->live ? p->live->exe : "", *slash = strrchr(exe, '/');

	strlcpy(comm, p->comm[0] ? p->comm : slash ? slash + 1 : exe, 16);
}

static const char *procfs_state_name(char state)
{
	switch (state) {
	case 'S': return "S (sleeping)";
	case 'T': return "T (stopped)";
	case 'Z': return "Z (zombie)";
	default: return "R (running)";
	}
}

/* printf into buf, cut to size: the length kept. */
static size_t procfs_printf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static size_t procfs_printf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

/*
 * /proc/N/stat: Linux's 52 fields, with the CPU times in ticks (utime,
 * stime, cutime, cstime: cputime.c) and the start time in ticks since
 * boot; kage keeps no fault counts or resident sizes, so those are 0.
 */
static size_t procfs_stat(const struct process *p, char *buf, size_t size)
{
	struct procfs_facts f;
	struct proc_ticks self;
	char comm[16];

	procfs_facts_of(p, &f);
	procfs_comm(p, comm);
	cputime_of(p, &self);
	return procfs_printf(buf, size,
			     "%d (%s) %c %d %d %d 0 -1 0 0 0 0 0 %lu %lu %lu %lu 20 0 %d 0 %lu %lu 0 "
			     "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 %d\n",
			     p->pid, comm, f.state, p->parent ? p->parent->pid : 0, p->pgid, p->sid,
			     (unsigned long)self.user, (unsigned long)self.system, (unsigned long)p->ticks_reaped.user,
			     (unsigned long)p->ticks_reaped.system, f.threads,
			     (unsigned long)cputime_ticks_at(p->started),
			     (unsigned long)f.vsize,
			     f.state == 'Z' ? p->status : 0);
}

static size_t procfs_status(const struct process *p, char *buf, size_t size)
{
	uint64_t map[PROCFS_FD_WINDOW / 64];
	struct procfs_fdinfo fds = { .umask = 022 };
	struct procfs_facts f;
	char comm[16];

	procfs_facts_of(p, &f);
	procfs_comm(p, comm);
	if (p->state == PROCESS_LIVE)
		procfs_fds(p, map, 0, &fds);
	return procfs_printf(buf, size,
			     "Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\n"
			     "TracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t%d\nGroups:\t\n"
			     "Threads:\t%d\nSigPnd:\t%016lx\nShdPnd:\t%016lx\nSigBlk:\t%016lx\nSigIgn:\t%016lx\n"
			     "SigCgt:\t%016lx\n",
			     comm, fds.umask, procfs_state_name(f.state), p->pid, p->pid, p->parent ? p->parent->pid : 0,
			     (int)fds.size, f.threads, (unsigned long)f.sigpnd, (unsigned long)f.shdpnd,
			     (unsigned long)f.sigblk, (unsigned long)f.sigign, (unsigned long)f.sigcgt);
}

static size_t procfs_meminfo(char *buf, size_t size)
{
	struct kage_stats st = { 0 };
	unsigned long total, avail;

	native_stats(&st);
	total = (unsigned long)(st.frames_free + st.frames_used) * 4;
	avail = (unsigned long)st.frames_free * 4;
	return procfs_printf(buf, size,
			     "MemTotal:       %8lu kB\nMemFree:        %8lu kB\nMemAvailable:   %8lu kB\n"
			     "Buffers:               0 kB\nCached:                0 kB\nSwapCached:            0 kB\n"
			     "SwapTotal:             0 kB\nSwapFree:              0 kB\nShmem:                 0 kB\n",
			     total, avail, avail);
}

/* The threads that could run now (neither waiting nor stopped); *total and *last: all of them, the highest tid. */
static int procfs_runnable(int *total, int *last)
{
	int running = 0;

	*total = *last = 0;
	for (const struct process *p = proc_first(); p; p = proc_next(p)) {
		for (const struct thread *t = p->threads; t; t = t->next) {
			(*total)++;
			running += !p->stopped && !procfs_waiting(t);
			*last = t->tid > *last ? t->tid : *last;
		}
	}
	return running;
}

/* loadavg's running/total threads and the last pid given out. */
static size_t procfs_loadavg(char *buf, size_t size)
{
	int total, last, running = procfs_runnable(&total, &last);

	return procfs_printf(buf, size, "0.00 0.00 0.00 %d/%d %d\n", running, total, last);
}

/*
 * /proc/stat: the kernel's tick counts (kernel/cputime.h: a server's work
 * for a program is that program's system time) on the one hart, the
 * interrupts and task switches, the boot time, what runs now.
 */
/*
 * kage counts CPU time per task and for the system, not per hart: the
 * "cpu" line has the totals, and each processor's line an even share of
 * them (what glibc's get_nprocs counts, and what top's per-CPU view sums).
 */
static size_t procfs_sysstat(char *buf, size_t size)
{
	struct kage_stats st = { 0 };
	int total, last, running = procfs_runnable(&total, &last);
	unsigned n = cpuinfo_count();
	size_t len;

	native_stats(&st);
	len = procfs_printf(buf, size, "cpu  %lu 0 %lu %lu 0 0 0 0 0 0\n", (unsigned long)st.ticks_user,
			    (unsigned long)st.ticks_system, (unsigned long)st.ticks_idle);
	for (unsigned i = 0; i < n; i++)
		len += procfs_printf(buf + len, size - len, "cpu%u %lu 0 %lu %lu 0 0 0 0 0 0\n", i,
				     (unsigned long)(st.ticks_user / n), (unsigned long)(st.ticks_system / n),
				     (unsigned long)(st.ticks_idle / n));
	return len + procfs_printf(buf + len, size - len,
				   "intr %lu\nctxt %lu\nbtime %lu\nprocesses %lu\nprocs_running %d\nprocs_blocked 0\n"
				   "softirq 0\n",
				   (unsigned long)st.count.interrupts, (unsigned long)st.count.task_switches,
				   (unsigned long)(clock_boot_wall_ns() / 1000000000ull), (unsigned long)proc_forks(),
				   running);
}

static size_t procfs_uptime(char *buf, size_t size)
{
	uint64_t t = native_time(), hz = proc_timebase_hz ? proc_timebase_hz : 1;

	return procfs_printf(buf, size, "%lu.%02lu 0.00\n", (unsigned long)(t / hz),
			     (unsigned long)(t % hz * 100 / hz));
}

/* kage's own counts, one "name value" a line: what a test compares with its baseline. */
static size_t procfs_objects(char *buf, size_t size)
{
	struct proc_objects o;
	struct heap_stats h;

	proc_objects(&o);
	heap_stats(&proc_heap, &h);
	return procfs_printf(buf, size,
			     "proc.processes %lu\nproc.zombies %lu\nproc.threads %lu\nproc.tasks %lu\n"
			     "proc.heap_allocations %lu\nproc.heap_bytes %lu\nproc.heap_pages %lu\n",
			     (unsigned long)o.processes, (unsigned long)o.zombies, (unsigned long)o.threads,
			     (unsigned long)o.tasks, (unsigned long)h.in_use, (unsigned long)h.bytes,
			     (unsigned long)h.pages);
}

size_t procfs_text(const struct procfs_node *n, char *buf, size_t size)
{
	const struct process *p = n->proc;
	size_t len;

	switch (n->file) {
	case PROCFS_MEMINFO: return procfs_meminfo(buf, size);
	case PROCFS_UPTIME: return procfs_uptime(buf, size);
	case PROCFS_SYSSTAT: return procfs_sysstat(buf, size);
	case PROCFS_CPUINFO: return cpuinfo_text(buf, size);
	case PROCFS_LOADAVG: return procfs_loadavg(buf, size);
	case PROCFS_MOUNTS:
		return procfs_printf(buf, size, "rootfs / rootfs rw 0 0\nproc /proc proc rw,nosuid,nodev,noexec 0 0\n");
	case PROCFS_VERSION: return procfs_printf(buf, size, "Linux version 6.1.0-kage (root@kage) (kage) kage 0.1\n");
	case PROCFS_PID_MAX: return procfs_printf(buf, size, "%d\n", limits_pid_max());
	case PROCFS_THREADS_MAX: return procfs_printf(buf, size, "%lu\n", (unsigned long)limits_threads_max());
	case PROCFS_RANDOMIZE: return procfs_printf(buf, size, "%d\n", limits_randomize() ? 2 : 0);
	case PROCFS_OBJECTS: return procfs_objects(buf, size);
	case PROCFS_STAT: return procfs_stat(p, buf, size);
	case PROCFS_STATUS: return procfs_status(p, buf, size);
	case PROCFS_COMM: {
		char comm[16];

		procfs_comm(p, comm);
		return procfs_printf(buf, size, "%s\n", comm);
	}
	case PROCFS_CMDLINE:
		if (p->state != PROCESS_LIVE)
			return 0;	/* a zombie has no memory left, as on Linux */
		len = p->live->cmdline_len < size ? p->live->cmdline_len : size;
		memcpy(buf, p->live->cmdline, len);
		return len;
	default: return 0;
	}
}

/* One entry of a listing, if it fits: the bytes used. */
size_t procfs_entry(char *buf, size_t size, uint64_t ino, uint32_t mode, const char *name)
{
	struct proto_procfs_dirent d = { .ino = ino, .type = (uint8_t)((mode & S_IFMT) >> 12) };

	if (size < sizeof(d))
		return 0;
	strlcpy(d.name, name, sizeof(d.name));
	memcpy(buf, &d, sizeof(d));
	return sizeof(d);
}

/* The files of /proc (f from `first` to `end`) as entries of the directory of p. */
static size_t procfs_list_files(struct process *p, int first, int end, char *buf, size_t size)
{
	size_t used = 0;

	for (int f = first; f < end; f++) {
		struct procfs_node n;

		if (procfs_node_of(p, (enum procfs_file)f, &n) < 0)
			continue;
		used += procfs_entry(buf + used, size - used, procfs_ino(&n), procfs_mode(&n), procfs_name(f));
	}
	return used;
}

/* /proc: its files, then a directory per process, zombies included. */
static size_t procfs_list_root(char *buf, size_t size)
{
	size_t used = procfs_list_files(NULL, PROCFS_SELF, PROCFS_ROOT_END, buf, size);
	char name[12];

	for (struct process *p = proc_first(); p; p = proc_next(p)) {
		struct procfs_node d = { .type = PROCFS_DIR, .proc = p,
					 .dir = proto_procfs_dir(PROTO_PROCFS_PID, (uint32_t)p->pid) };

		fmt_snprintf(name, sizeof(name), "%d", p->pid);
		used += procfs_entry(buf + used, size - used, procfs_ino(&d), procfs_mode(&d), name);
	}
	return used;
}

size_t procfs_list(const struct procfs_node *n, const struct process *opener, char *buf, size_t size)
{
	switch (proto_procfs_kind_of(n->dir)) {
	case PROTO_PROCFS_ROOT: return procfs_list_root(buf, size);
	case PROTO_PROCFS_PID: return procfs_list_files(n->proc, PROCFS_STAT, PROCFS_PID_END, buf, size);
	case PROTO_PROCFS_FD: return procfs_fd_list(n->proc, opener, buf, size);
	case PROTO_PROCFS_SYS: return procfs_list_files(NULL, PROCFS_KERNELDIR, PROCFS_SYS_END, buf, size);
	case PROTO_PROCFS_SYS_KERNEL: return procfs_list_files(NULL, PROCFS_PID_MAX, PROCFS_SYSK_END, buf, size);
	case PROTO_PROCFS_KAGE: return procfs_list_files(NULL, PROCFS_OBJECTS, PROCFS_KAGE_END, buf, size);
	}
	return 0;
}

size_t procfs_capacity(const struct procfs_node *n)
{
	struct proc_objects o;

	if (n->type != PROCFS_DIR)
		return PROCFS_TEXT_PAGE;
	switch (proto_procfs_kind_of(n->dir)) {
	case PROTO_PROCFS_ROOT:
		proc_objects(&o);
		return (PROCFS_ROOT_END + o.processes) * sizeof(struct proto_procfs_dirent);
	case PROTO_PROCFS_FD: return procfs_fd_capacity(n->proc);
	default: return PROCFS_KAGE_END * sizeof(struct proto_procfs_dirent);
	}
}

