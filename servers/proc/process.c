/*
 * The process table, and a process's end.
 *
 * Invariants: a LIVE process has a space handle and at least one thread
 * (nthreads > 0); a ZOMBIE has neither and waits for its parent's wait
 * (init reaps the orphans it inherits like any parent). Pids only grow,
 * so a pid never names two processes in one boot. A parent pointer always
 * names a process in the table: a process's children go to init when it
 * ends, before its slot can be reused.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/proc/proc.h"

struct process procs[PROC_MAX];
static int proc_next_pid = 1;
static uint32_t proc_next_mm;	/* names address spaces for futex keys */
static int proc_init_ended = -1;

struct process *proc_by_pid(int pid)
{
	for (int i = 0; i < PROC_MAX; i++)
		if (procs[i].state != PROCESS_FREE && procs[i].pid == pid)
			return &procs[i];
	return NULL;
}

struct process *proc_init(void)
{
	struct process *p = proc_by_pid(1);

	return p && p->state == PROCESS_LIVE ? p : NULL;
}

int proc_count(void)
{
	int n = 0;

	for (int i = 0; i < PROC_MAX; i++)
		n += procs[i].state == PROCESS_LIVE;
	return n;
}

uint32_t proc_key(const struct process *p)
{
	return (uint32_t)(p - procs) + 1;
}

int proc_init_status(void)
{
	return proc_init_ended;
}

/* Linux's defaults: an 8 MiB stack, 1,024 descriptors, everything else unlimited. */
static void proc_default_limits(struct process *p)
{
	for (int i = 0; i < RLIM_NLIMITS; i++)
		p->rlim[i] = (struct linux_rlimit){ RLIM_INFINITY, RLIM_INFINITY };
	p->rlim[RLIMIT_STACK].rlim_cur = 8ul << 20;
	p->rlim[RLIMIT_NOFILE] = (struct linux_rlimit){ PROC_FILES_FDS, PROC_FILES_FDS };
	p->rlim[RLIMIT_CORE].rlim_cur = 0;
}

int proc_new_id(void)
{
	return proc_next_pid++;
}

struct process *proc_new(struct process *parent, struct thread **first)
{
	struct process *p = NULL;

	for (int i = 0; i < PROC_MAX && !p; i++)
		if (procs[i].state == PROCESS_FREE)
			p = &procs[i];
	if (!p)
		return NULL;
	*p = (struct process){ .state = PROCESS_LIVE, .parent = parent, .exit_signal = SIGCHLD, .space = -1,
			       .mm = proc_new_mm() };
	proc_default_limits(p);
	*first = thread_new(p, proc_next_pid);
	if (!*first) {
		p->state = PROCESS_FREE;
		return NULL;
	}
	p->pid = p->pgid = p->sid = proc_new_id();
	return p;
}

uint32_t proc_new_mm(void)
{
	return ++proc_next_mm;
}

int proc_start_init(const char *path, const char *const argv[], const char *const envp[])
{
	struct thread *t;
	struct process *init = proc_new(NULL, &t);
	int err;

	if (!init)
		return -EAGAIN;
	err = files_new(init);
	if (err < 0)
		goto out;
	err = exec_run(t, path, argv, envp);
	if (err == 0)
		return 0;
	files_exit(init);
out:
	thread_end_others(init, NULL);
	init->state = PROCESS_FREE;
	return err;
}

/* The parent hears of p's end: its exit signal, and no zombie at all if it ignores SIGCHLD. */
static void proc_tell_parent(struct process *p, struct process *parent)
{
	int sig = linux_w_termsig(p->status);
	const struct sig_info info = { .code = sig ? CLD_KILLED : CLD_EXITED, .pid = p->pid,
				       .status = sig ? sig : linux_w_exitcode(p->status) };
	const struct linux_sigaction *a = &parent->sig.act[SIGCHLD - 1];

	if (a->sa_handler == SIG_IGN || (a->sa_flags & SA_NOCLDWAIT))
		p->state = PROCESS_FREE;	/* POSIX: nobody will wait for it */
	wait_wake(parent);
	if (p->exit_signal)
		sig_post_process(parent, p->exit_signal, &info);
}

/* p's children become init's; init hears of those that are zombies already. */
static void proc_orphan_children(struct process *p)
{
	struct process *init = proc_init();
	int zombies = 0;

	for (int i = 0; i < PROC_MAX; i++) {
		if (procs[i].state == PROCESS_FREE || procs[i].parent != p)
			continue;
		procs[i].parent = init;
		zombies += procs[i].state == PROCESS_ZOMBIE;
	}
	if (init && zombies)
		wait_wake(init);
}

void proc_end(struct process *p, int wait_status)
{
	struct process *parent = p->parent;

	if (p->state != PROCESS_LIVE)
		return;
	thread_end_others(p, NULL);
	files_exit(p);
	native_handle_close(p->space);
	p->space = -1;
	p->stopped = 0;
	p->status = wait_status;
	p->state = PROCESS_ZOMBIE;
	proc_answer(&p->vfork_token, p->pid);	/* a vfork parent runs again */
	p->vfork_waiter = NULL;
	proc_orphan_children(p);
	if (p->pid == 1)
		proc_init_ended = wait_status;
	if (parent && parent->state == PROCESS_LIVE)
		proc_tell_parent(p, parent);
	else if (!parent)
		p->state = PROCESS_FREE;	/* init: nobody reaps it */
}

void proc_answer(uint64_t *token, long value)
{
	const uint64_t w[6] = { (uint64_t)value };

	if (*token)
		native_ipc_reply(*token, w);
	*token = 0;
}

long proc_string(const struct process *p, uint64_t va, char *buf, size_t max)
{
	return native_read_string((uint64_t)p->space, 0, va, buf, max);
}
