/*
 * /proc, the process server's side. The file server keeps /proc as a
 * read-only subtree of its tree, but only this server knows what is in
 * it. A process's path call under /proc therefore comes here first,
 * forwarded by the file server (PROC_OP_PROCFS); this server sends the
 * file server a snapshot of its table (FS_OP_PROC_SNAPSHOT), then
 * forwards the call back (FS_OP_PROC_REDO) and the file server answers
 * it from the fresh tree. So a process reads what the table held at its
 * call, and the file server never has to ask anyone.
 *
 * The process part of a snapshot is sent only when it would say
 * something new: a fingerprint of what it is made from (ids, states,
 * thread counts, executables, argv) is compared with the last one sent,
 * so fork, exit, execve, stop and setpgid need no hook of their own. The
 * few global files (meminfo, uptime, ...) are sent every time.
 */
#include <stdarg.h>
#include "lib/errno.h"
#include "lib/fmt.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/proc/proc.h"

#define S_IFREG 0100000
#define S_IFDIR 0040000
#define S_IFLNK 0120000
#define PROCFS_FILE (S_IFREG | 0444)
/* The most one process adds: a directory and five files of at most PROTO_PROCFS_TEXT bytes. */
#define PROCFS_PER_PROCESS (6 * (sizeof(struct proto_procfs_rec) + PROTO_PROCFS_TEXT))

/* What a process's files are made from, so that the fingerprint covers exactly that. */
struct procfs_facts {
	int32_t pid, ppid, pgid, sid, threads, status;
	uint64_t vsize;			/* bytes up to the end of the heap: kage keeps no finer figure */
	uint64_t sigpnd, sigblk, sigign, sigcgt;	/* status's signal sets, bit n - 1 for signal n */
	char state;			/* R, S, T or Z as Linux prints it */
	char pad[7];
};

struct procfs_out {
	uint8_t *at, *end;		/* where the next record goes, and the end of the buffer */
	struct proto_procfs_head *head;
};

static uint8_t procfs_buf[PROTO_PROCFS_MAX] __attribute__((aligned(8)));
static uint64_t procfs_sent;	/* fingerprint of the processes the file server shows; 0: none */

void procfs_set_cmdline(struct proc *p, const char *const argv[])
{
	size_t n = 0;

	for (int i = 0; argv && argv[i] && n < sizeof(p->cmdline); i++) {
		n += strlcpy(p->cmdline + n, argv[i], sizeof(p->cmdline) - n) + 1;
		if (n > sizeof(p->cmdline))
			n = sizeof(p->cmdline);	/* cut: the last byte is the NUL strlcpy left */
	}
	p->cmdline_len = (uint8_t)n;
}

/* A thread waits in this server: for a child, a timer, a signal, a futex, or its vfork child. */
static int procfs_waiting(const struct proc *t)
{
	if (t->wait_token || t->sleep_token || t->suspend_token || t->futex_token)
		return 1;
	for (int i = 0; i < PROC_MAX; i++)
		if (procs[i].state == PROC_RUNNING && procs[i].vfork_token && procs[i].ppid == t->tgid)
			return 1;
	return 0;
}

/* p is a process's first thread; Linux's state letter, and how many threads it has. */
static void procfs_facts_of(const struct proc *p, struct procfs_facts *f)
{
	int waiting = 0;

	memset(f, 0, sizeof(*f));
	f->pid = p->pid, f->ppid = p->ppid, f->pgid = p->pgid, f->sid = p->sid;
	for (int i = 0; i < PROC_MAX; i++) {
		const struct proc *t = &procs[i];

		if (t->state == PROC_RUNNING && t->group == p && !t->thread_exited) {
			f->threads++;
			waiting += procfs_waiting(t);
		}
	}
	f->state = f->threads && waiting == f->threads ? 'S' : 'R';
	if (p->stopped)
		f->state = 'T';
	if (p->state == PROC_ZOMBIE)
		f->state = 'Z', f->status = p->status;
	else
		f->vsize = p->brk;	/* not 0, which tools take for a kernel thread's */
	if (!f->threads)
		f->threads = 1;
	f->sigpnd = p->sig.pending, f->sigblk = p->sig.blocked;
	for (int s = 1; s <= SIG_MAX; s++) {
		uint64_t h = p->group->sig.act[s - 1].handler;

		if (h == 1)
			f->sigign |= SIG_BIT(s);	/* SIG_IGN */
		else if (h)
			f->sigcgt |= SIG_BIT(s);
	}
}

static uint64_t procfs_mix(uint64_t h, const void *data, size_t len)
{
	const uint8_t *b = data;

	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;	/* FNV-1a */
	return h;
}

/* The fingerprint of every process's facts, executable and argv. */
static uint64_t procfs_fingerprint(void)
{
	uint64_t h = 0xcbf29ce484222325ull;
	struct procfs_facts f;

	for (int i = 0; i < PROC_MAX; i++) {
		const struct proc *p = &procs[i];

		if (p->state == PROC_FREE || p->group != p)
			continue;
		procfs_facts_of(p, &f);
		h = procfs_mix(h, &f, sizeof(f));
		h = procfs_mix(h, p->exe, strlen(p->exe) + 1);
		h = procfs_mix(h, p->comm, strlen(p->comm) + 1);
		h = procfs_mix(h, p->cmdline, p->cmdline_len);
	}
	return h ? h : 1;
}

static int procfs_put(struct procfs_out *o, const char *path, uint16_t mode, const void *text, size_t len)
{
	struct proto_procfs_rec r = { .mode = mode };
	size_t size = (sizeof(r) + len + 7) & ~7ul;

	if (len >= PROTO_PROCFS_TEXT || strlen(path) >= sizeof(r.path) || size > (size_t)(o->end - o->at))
		return -ENOSPC;
	strlcpy(r.path, path, sizeof(r.path));
	r.len = (uint16_t)len;
	memcpy(o->at, &r, sizeof(r));
	memcpy(o->at + sizeof(r), text, len);
	o->at += size;
	o->head->nrec++;
	return 0;
}

/* A file whose text is formatted, cut to fit PROTO_PROCFS_TEXT. */
static int procfs_printf(struct procfs_out *o, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int procfs_printf(struct procfs_out *o, const char *path, const char *fmt, ...)
{
	char text[PROTO_PROCFS_TEXT];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(text))
		n = (int)sizeof(text) - 1;
	return procfs_put(o, path, PROCFS_FILE, text, (size_t)n);
}

/* The name Linux gives a process: the last component of what it execve'd, 15 characters at most. */
static void procfs_comm(const struct proc *p, char comm[16])
{
	const char *slash = strrchr(p->exe, '/');

	strlcpy(comm, p->comm[0] ? p->comm : slash ? slash + 1 : p->exe, 16);
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

/* /proc/N/stat: Linux's 52 fields; kage keeps no times, fault counts or resident sizes, so those are 0. */
static int procfs_stat(struct procfs_out *o, const char *path, const char *comm, const struct procfs_facts *f)
{
	return procfs_printf(o, path,
			     "%d (%s) %c %d %d %d 0 -1 0 0 0 0 0 0 0 0 0 20 0 %d 0 0 %lu 0 18446744073709551615 "
			     "0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 %d\n",
			     f->pid, comm, f->state, f->ppid, f->pgid, f->sid, f->threads, (unsigned long)f->vsize,
			     f->status);
}

static int procfs_status(struct procfs_out *o, const char *path, const char *comm, const struct procfs_facts *f)
{
	return procfs_printf(o, path,
			     "Name:\t%s\nUmask:\t0022\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\n"
			     "TracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t1024\nGroups:\t\n"
			     "Threads:\t%d\nSigPnd:\t%016lx\nShdPnd:\t%016lx\nSigBlk:\t%016lx\nSigIgn:\t%016lx\n"
			     "SigCgt:\t%016lx\n",
			     comm, procfs_state_name(f->state), f->pid, f->pid, f->ppid, f->threads,
			     (unsigned long)f->sigpnd, (unsigned long)f->sigpnd, (unsigned long)f->sigblk,
			     (unsigned long)f->sigign, (unsigned long)f->sigcgt);
}

/* /proc/N and its files. A zombie has no memory left, so no argv and no executable, as on Linux. */
static void procfs_process(struct procfs_out *o, const struct proc *p)
{
	struct procfs_facts f;
	char dir[12], path[24], comm[16];

	procfs_facts_of(p, &f);
	procfs_comm(p, comm);
	fmt_snprintf(dir, sizeof(dir), "%d", p->pid);
	if (procfs_put(o, dir, S_IFDIR | 0555, "", 0) < 0)
		return;
	fmt_snprintf(path, sizeof(path), "%s/stat", dir);
	procfs_stat(o, path, comm, &f);
	fmt_snprintf(path, sizeof(path), "%s/status", dir);
	procfs_status(o, path, comm, &f);
	fmt_snprintf(path, sizeof(path), "%s/comm", dir);
	procfs_printf(o, path, "%s\n", comm);
	fmt_snprintf(path, sizeof(path), "%s/cmdline", dir);
	procfs_put(o, path, PROCFS_FILE, p->cmdline, f.state == 'Z' ? 0 : p->cmdline_len);
	fmt_snprintf(path, sizeof(path), "%s/exe", dir);
	if (f.state != 'Z' && p->exe[0])
		procfs_put(o, path, S_IFLNK | 0777, p->exe, strlen(p->exe));
}

/* The files about the whole system; their figures change at every look. */
static void procfs_global(struct procfs_out *o)
{
	uint64_t t, hz = proc_timebase_hz ? proc_timebase_hz : 1, total, avail;
	struct kage_stats st = { 0 };
	int running = 0, threads = 0, last = 0;

	native_stats(&st);
	total = (st.frames_free + st.frames_used) * 4, avail = st.frames_free * 4;
	procfs_printf(o, "meminfo",
		      "MemTotal:       %8lu kB\nMemFree:        %8lu kB\nMemAvailable:   %8lu kB\n"
		      "Buffers:               0 kB\nCached:                0 kB\nSwapCached:            0 kB\n"
		      "SwapTotal:             0 kB\nSwapFree:              0 kB\nShmem:                 0 kB\n",
		      (unsigned long)total, (unsigned long)avail, (unsigned long)avail);
	__asm__ volatile("rdtime %0" : "=r"(t));
	procfs_printf(o, "uptime", "%lu.%02lu 0.00\n", (unsigned long)(t / hz),
		      (unsigned long)(t % hz * 100 / hz));
	for (int i = 0; i < PROC_MAX; i++) {
		if (procs[i].state != PROC_RUNNING || procs[i].thread_exited)
			continue;
		threads++;
		running += !procs[i].stopped && !procfs_waiting(&procs[i]);
		last = procs[i].pid > last ? procs[i].pid : last;
	}
	procfs_printf(o, "loadavg", "0.00 0.00 0.00 %d/%d %d\n", running, threads, last);
	procfs_printf(o, "mounts", "rootfs / rootfs rw 0 0\nproc /proc proc rw,nosuid,nodev,noexec 0 0\n");
	procfs_printf(o, "version", "Linux version 6.1.0-kage (root@kage) (kage) kage 0.1\n");
}

/* Builds the snapshot in procfs_buf: its length. */
static size_t procfs_build(uint64_t print)
{
	struct procfs_out o = { procfs_buf + sizeof(struct proto_procfs_head), procfs_buf + sizeof(procfs_buf),
				(struct proto_procfs_head *)procfs_buf };

	memset(o.head, 0, sizeof(*o.head));
	for (int i = 0; i < PROC_MAX && i + 1 < PROTO_CLIENTS; i++)
		if (procs[i].state == PROC_RUNNING)
			o.head->self[i + 1] = procs[i].tgid;	/* badge i + 1 */
	procfs_global(&o);
	if (print == procfs_sent)
		return (size_t)(o.at - procfs_buf);
	o.head->flags = PROTO_PROCFS_PROCESSES;
	for (int i = 0; i < PROC_MAX; i++) {
		const struct proc *p = &procs[i];

		if (p->state == PROC_FREE || p->group != p)
			continue;
		if ((size_t)(o.end - o.at) < PROCFS_PER_PROCESS)
			break;	/* bounded: the rest are not shown */
		procfs_process(&o, p);
	}
	return (size_t)(o.at - procfs_buf);
}

/* Brings the file server's /proc up to date; what it could not take, it keeps as it was. */
static void procfs_send(void)
{
	uint64_t print = procfs_fingerprint(), reply[6];
	size_t len = procfs_build(print);
	const uint64_t w[6] = { FS_OP_PROC_SNAPSHOT, (uint64_t)procfs_buf, len };
	long r = native_ipc_call(proc_fs_ep, w, reply);

	if (r == 0 && (int64_t)reply[0] == 0)
		procfs_sent = print;
	else
		procfs_sent = 0;	/* send every process again next time */
}

int procfs_call(const struct kage_msg *m, long *result)
{
	const uint64_t redo[8] = { FS_OP_PROC_REDO, m->w[1], m->w[2], m->w[3], m->w[4], m->w[5], m->w[6], m->w[7] };
	const struct proc *p = proc_by_badge(m->w[1]);

	if (!p || p->state != PROC_RUNNING) {
		*result = -ESRCH;
		return 1;
	}
	procfs_send();
	if (native_ipc_forward(m->token, proc_fs_ep, redo) == 0)
		return 0;	/* the file server answers the process */
	*result = -EIO;
	return 1;
}

/* The process a /proc path names by its second component ("self" or digits), and the rest. */
static const struct proc *procfs_named(const struct proc *p, const char *path, const char **rest)
{
	const struct proc *t;
	int pid = 0;

	if (strncmp(path, "/proc/", 6) != 0)
		return NULL;
	path += 6;
	if (strncmp(path, "self", 4) == 0) {
		*rest = path + 4;
		return p->group;
	}
	for (; *path >= '0' && *path <= '9' && pid < 100000000; path++)
		pid = pid * 10 + (*path - '0');
	*rest = path;
	t = pid ? proc_by_pid(pid) : NULL;
	return t && t->group == t && t->state == PROC_RUNNING ? t : NULL;
}

long procfs_link(const struct proc *p, const char *path, const char **target)
{
	static char self[12];
	const char *rest;
	const struct proc *t = procfs_named(p, path, &rest);

	if (!t)
		return -ENOENT;
	if (strcmp(path, "/proc/self") == 0) {
		fmt_snprintf(self, sizeof(self), "%d", p->tgid);
		*target = self;
		return 0;
	}
	if (strcmp(rest, "/exe") != 0 || !t->exe[0])
		return -ENOENT;
	*target = t->exe;
	return 0;
}

const char *procfs_exec_path(const struct proc *p, const char *path)
{
	static char exe[sizeof(p->exe)];
	const char *target;
	size_t n = strlen(path);

	if (n < 4 || strcmp(path + n - 4, "/exe") != 0 || procfs_link(p, path, &target) < 0)
		return path;
	strlcpy(exe, target, sizeof(exe));	/* a copy: execve is about to change p->exe */
	return exe;
}
