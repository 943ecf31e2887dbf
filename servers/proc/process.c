/*
 * The process table, and a process's end.
 *
 * Invariants: a LIVE process has a space handle and at least one thread
 * (nthreads > 0, its threads list); a ZOMBIE has neither and waits for
 * its parent's wait (init reaps the orphans it inherits like any parent).
 * Pids only grow, so a pid never names two processes in one boot. A
 * process is on its parent's children list exactly while its parent
 * pointer names that parent and its slot is taken: a process's children
 * go to init when it ends, before its slot can be reused, and a slot is
 * given back only through proc_free.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/proc/proc.h"

struct process procs[PROC_MAX];
static int proc_next_pid = 1;
static uint32_t proc_next_mm;	/* names address spaces for futex keys */
int proc_init_ended = -1;

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

/* What init starts with: no handler, Linux's limits (an 8 MiB stack, 1,024 descriptors, no core files). */
static void proc_defaults(struct process *p)
{
	memset(p->act, 0, sizeof(p->act));
	for (int i = 0; i < RLIM_NLIMITS; i++)
		p->rlim[i] = (struct linux_rlimit){ RLIM_INFINITY, RLIM_INFINITY };
	p->rlim[RLIMIT_STACK].rlim_cur = 8ul << 20;
	p->rlim[RLIMIT_NOFILE] = (struct linux_rlimit){ PROC_FILES_FDS, PROC_FILES_FDS };
	p->rlim[RLIMIT_CORE].rlim_cur = 0;
	p->exe[0] = p->comm[0] = 0;
	p->cmdline_len = 0;
}

int proc_new_id(void)
{
	return proc_next_pid++;
}

uint32_t proc_new_mm(void)
{
	return ++proc_next_mm;
}

/*
 * The process's fields from `act` to `sig_info` are what a child copies:
 * one copy for them all. sig_info is never cleared (it is read only for a
 * pending signal), and neither is what gets copied over anyway.
 */
_Static_assert(offsetof(struct process, act) < offsetof(struct process, sig_info), "the copied part");

struct process *proc_new(struct process *parent, const struct process *model, struct thread **first)
{
	struct process *p = NULL;

	for (int i = 0; i < PROC_MAX && !p; i++)
		if (procs[i].state == PROCESS_FREE)
			p = &procs[i];
	if (!p)
		return NULL;
	memset(p, 0, offsetof(struct process, act));
	*first = thread_new(p, proc_next_pid);
	if (!*first)
		return NULL;	/* the slot stays free */
	p->state = PROCESS_LIVE;
	p->pid = p->pgid = p->sid = proc_new_id();
	p->exit_signal = SIGCHLD;
	p->space = -1;
	p->mm = proc_new_mm();
	if (model)
		memcpy(p->act, model->act, offsetof(struct process, sig_info) - offsetof(struct process, act));
	else
		proc_defaults(p);
	p->parent = parent;
	if (parent) {
		p->sibling = parent->children;
		parent->children = p;
	}
	return p;
}

void proc_free(struct process *p)
{
	struct process **link = p->parent ? &p->parent->children : NULL;

	while (link && *link && *link != p)
		link = &(*link)->sibling;
	if (link && *link)
		*link = p->sibling;
	p->state = PROCESS_FREE;
}

int proc_start_init(const char *path, const char *const argv[], const char *const envp[])
{
	struct thread *t;
	struct process *init = proc_new(NULL, NULL, &t);
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
	proc_free(init);
	return err;
}

/* The parent hears of p's end: its exit signal, and no zombie at all if it ignores SIGCHLD. */
static void proc_tell_parent(struct process *p, struct process *parent)
{
	int sig = linux_w_termsig(p->status);
	const struct sig_info info = { .code = sig ? CLD_KILLED : CLD_EXITED, .pid = p->pid,
				       .status = sig ? sig : linux_w_exitcode(p->status) };
	const struct linux_sigaction *a = &parent->act[SIGCHLD - 1];

	if (a->sa_handler == SIG_IGN || (a->sa_flags & SA_NOCLDWAIT))
		proc_free(p);	/* POSIX: nobody will wait for it */
	wait_wake(parent);
	if (p->exit_signal)
		sig_post_process(parent, p->exit_signal, &info);
}

/* p's children become init's; init hears of those that are zombies already. */
static void proc_orphan_children(struct process *p)
{
	struct process *init = proc_init(), *c = p->children, *next;
	int zombies = 0;

	p->children = NULL;
	for (; c; c = next) {
		next = c->sibling;
		c->parent = init;
		c->sibling = init ? init->children : NULL;
		if (init)
			init->children = c;
		zombies += c->state == PROCESS_ZOMBIE;
	}
	if (init && zombies)
		wait_wake(init);
}

void proc_vfork_done(struct process *p)
{
	proc_answer(&p->vfork_token, p->pid);	/* the vfork parent runs again */
	if (p->vfork_waiter)
		p->vfork_waiter->vfork_child = NULL;
	p->vfork_waiter = NULL;
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
	proc_vfork_done(p);
	proc_orphan_children(p);
	if (p->pid == 1)
		proc_init_ended = wait_status;
	if (parent && parent->state == PROCESS_LIVE)
		proc_tell_parent(p, parent);
	else if (!parent)
		proc_free(p);	/* init: nobody reaps it */
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
