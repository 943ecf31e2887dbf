/*
 * The processes: a pid map, the keys badges carry, a list of them all,
 * and a process's end.
 *
 * Invariants: a LIVE process has a space handle, its struct
 * process_live and at least one thread (nthreads > 0, its threads list);
 * a ZOMBIE has none of them (its live part is given back after the
 * message that ended it) and waits for its parent's wait (init reaps
 * the orphans it inherits like any parent). A process is in the pid map,
 * the key table and the list of all processes from proc_new until
 * proc_free, and on its parent's children list exactly while its parent
 * pointer names that parent: a process's children go to init when it
 * ends, before it can be freed. Its memory goes back to the heap only in
 * proc_collect, after the message in which it was freed, so a handler may
 * still read a process it has just ended or reaped.
 *
 * Pids grow by one from 1 and wrap past pid_max to LINUX_RESERVED_PIDS,
 * skipping any number a process, thread, process group or session still
 * has, as Linux hands them out (after the first wrap a new pid costs a
 * look at every process, as the groups are not indexed).
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/proc/limits.h"
#include "servers/proc/proc.h"

/* Every process, by key and by pid, and in the order they were made. */
struct proc_table {
	struct table_slots keys;
	struct table_map pids;
	struct process *first, *last;
	struct process *retired;	/* to trim (zombies) or free, after this message */
	struct table_cache records, lives;	/* freed struct process and struct process_live */
	uint64_t zombies;
	int next_pid;
	uint8_t wrapped;		/* pids have wrapped: the next one may still be in use */
	uint32_t next_mm;		/* names address spaces for futex keys */
	uint64_t made;			/* processes made since boot (/proc/stat's "processes") */
};

static struct proc_table procs = {
	.next_pid = 1,
	.records = { .size = sizeof(struct process) },
	.lives = { .size = sizeof(struct process_live) },
};
struct heap proc_heap;
uint8_t proc_retiring;
int proc_init_ended = -1;

void proc_table_init(void)
{
	table_map_init(&procs.pids);
}

struct process *proc_by_pid(int pid)
{
	struct table_link *l = table_map_find(&procs.pids, pid);

	return l ? table_entry(l, struct process, pid_link) : NULL;
}

struct process *proc_init(void)
{
	struct process *p = proc_by_pid(1);

	return p && p->state == PROCESS_LIVE ? p : NULL;
}

struct process *proc_first(void)
{
	return procs.first;
}

uint64_t proc_forks(void)
{
	return procs.made;
}

int proc_count(void)
{
	return (int)(procs.keys.count - procs.zombies);
}

void proc_objects(struct proc_objects *o)
{
	o->processes = procs.keys.count;
	o->zombies = procs.zombies;
	o->threads = thread_slots.count;
	o->tasks = o->threads + o->zombies;
}

long proc_may_add_task(const struct process *p)
{
	uint64_t tasks = thread_slots.count + procs.zombies;

	return limits_may_add_task(p, tasks);
}

/* Whether a process group or session still bears this number (Linux keeps such a pid from reuse too). */
static int proc_group_named(int id)
{
	for (const struct process *p = procs.first; p; p = p->all_next)
		if (p->pgid == id || p->sid == id)
			return 1;
	return 0;
}

int proc_new_id(void)
{
	const int pid_max = LINUX_PID_MAX_DEFAULT;

	for (int tries = 0; tries < pid_max; tries++) {
		int id = procs.next_pid;

		procs.next_pid = id + 1;
		if (id + 1 >= pid_max) {
			procs.next_pid = LINUX_RESERVED_PIDS;
			procs.wrapped = 1;
		}
		/* Before the first wrap every id from next_pid on is unused. */
		if (!procs.wrapped || (!proc_by_pid(id) && !thread_by_tid(id) && !proc_group_named(id)))
			return id;
	}
	return -EAGAIN;
}

uint32_t proc_new_mm(void)
{
	return ++procs.next_mm;
}

/* p joins the key table, the pid map and the list of all: 0, or -ENOMEM. */
static long proc_enter(struct process *p, int pid)
{
	long key = table_slot_take(&procs.keys, &proc_heap, p);

	if (key < 0)
		return key == -EAGAIN ? -EAGAIN : -ENOMEM;
	p->key = (uint32_t)key;
	p->pid = pid;
	table_map_add(&procs.pids, &proc_heap, &p->pid_link, pid);
	p->all_prev = procs.last;
	if (procs.last)
		procs.last->all_next = p;
	else
		procs.first = p;
	procs.last = p;
	return 0;
}

static void proc_release(struct process *p)
{
	table_cache_put(&procs.lives, &proc_heap, p->live);
	table_cache_put(&procs.records, &proc_heap, p);
}

/*
 * What a child copies of its parent's live part: the actions in use (the
 * others are unread), the limits, argv and the executable's path, as far
 * as they go. sig_info is never cleared: it is read only for a pending
 * signal.
 */
static void proc_copy_live(struct process_live *to, const struct process_live *from)
{
	uint64_t set = from->act_set;

	to->act_set = set;
	for (int i = 0; set; i++, set >>= 1)
		if (set & 1)
			to->act[i] = from->act[i];
	memcpy(to->rlim, from->rlim, sizeof(to->rlim));
	to->cmdline_len = from->cmdline_len;
	memcpy(to->cmdline, from->cmdline, from->cmdline_len);
	strlcpy(to->exe, from->exe, sizeof(to->exe));
}

/* The parts of a new process, its first thread aside: 0, or -ENOMEM with nothing kept. */
static long proc_alloc(const struct process *model, struct process **out)
{
	struct process *p = table_cache_get(&procs.records, &proc_heap);

	if (!p)
		return -ENOMEM;
	memset(p, 0, sizeof(*p));
	p->live = table_cache_get(&procs.lives, &proc_heap);
	if (!p->live) {
		proc_release(p);
		return -ENOMEM;
	}
	if (model) {
		proc_copy_live(p->live, model->live);
		memcpy(p->comm, model->comm, sizeof(p->comm));
		p->persona = model->persona;
	} else {
		memset(p->live, 0, sizeof(*p->live));
		limits_defaults(p->live->rlim);
	}
	*out = p;
	return 0;
}


struct process *proc_new(struct process *parent, const struct process *model, struct thread **first, long *err)
{
	struct process *p;
	int pid = proc_new_id();

	*err = pid < 0 ? pid : proc_alloc(model, &p);
	if (*err < 0)
		return NULL;
	*err = proc_enter(p, pid);
	if (*err < 0) {
		proc_release(p);
		return NULL;
	}
	*first = thread_new(p, pid, err);
	if (!*first) {
		proc_free(p);	/* never LIVE: freed after this message */
		return NULL;
	}
	procs.made++;
	p->state = PROCESS_LIVE;
	p->pgid = p->sid = pid;
	p->exit_signal = SIGCHLD;
	p->space = -1;
	p->mm = proc_new_mm();
	p->started = native_time();
	p->parent = parent;
	if (parent) {
		p->sibling = parent->children;
		parent->children = p;
	}
	return p;
}

/* p's live part or all of it goes back to the heap after this message. */
static void proc_retire(struct process *p)
{
	if (p->on_retired)
		return;
	p->on_retired = 1;
	p->retired = procs.retired;
	procs.retired = p;
	proc_retiring = 1;
}

void proc_free(struct process *p)
{
	struct process **link = p->parent ? &p->parent->children : NULL;

	while (link && *link && *link != p)
		link = &(*link)->sibling;
	if (link && *link)
		*link = p->sibling;
	if (p->state == PROCESS_ZOMBIE)
		procs.zombies--;
	p->state = PROCESS_FREE;
	table_map_remove(&procs.pids, &proc_heap, &p->pid_link);
	table_slot_put(&procs.keys, p->key);
	if (p->all_prev)
		p->all_prev->all_next = p->all_next;
	else
		procs.first = p->all_next;
	if (p->all_next)
		p->all_next->all_prev = p->all_prev;
	else
		procs.last = p->all_prev;
	proc_retire(p);
}

void proc_collect_now(void)
{
	struct process *p = procs.retired, *next;

	procs.retired = NULL;
	proc_retiring = 0;
	for (; p; p = next) {
		next = p->retired;
		p->on_retired = 0;
		if (p->state == PROCESS_FREE) {
			proc_release(p);
			continue;
		}
		table_cache_put(&procs.lives, &proc_heap, p->live);	/* a zombie keeps its small part */
		p->live = NULL;
	}
	thread_collect();
}

int proc_start_init(const char *path, const char *const argv[], const char *const envp[])
{
	struct thread *t;
	long err;
	struct process *init = proc_new(NULL, NULL, &t, &err);

	if (!init)
		return (int)err;
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
	return (int)err;
}

/* The parent hears of p's end: its exit signal, and no zombie at all if it ignores SIGCHLD. */
static void proc_tell_parent(struct process *p, struct process *parent)
{
	int sig = linux_w_termsig(p->status);
	const struct sig_info info = { .code = sig ? CLD_KILLED : CLD_EXITED, .pid = p->pid,
				       .status = sig ? sig : linux_w_exitcode(p->status) };
	const struct linux_sigaction *a = sig_action(parent, SIGCHLD);
	int exit_signal = p->exit_signal;

	if (a->sa_handler == SIG_IGN || (a->sa_flags & SA_NOCLDWAIT))
		proc_free(p);	/* POSIX: nobody will wait for it */
	wait_wake(parent);
	if (exit_signal)
		sig_post_process(parent, exit_signal, &info);
}

/* p's children become init's; init hears of those that are zombies already. */
static void proc_orphan_children(struct process *p)
{
	struct process *init, *c = p->children, *next;
	int zombies = 0;

	if (!c)
		return;
	init = proc_init();
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
	procs.zombies++;
	proc_retire(p);
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
