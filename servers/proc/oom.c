/*
 * Out of memory. When a thread's page fault finds no free frame (the
 * kernel's FAULT carries -ENOMEM), a process is ended so that memory comes
 * back, as Linux's OOM killer does: the one holding the most pages (its
 * mapped pages and page tables, as the kernel counts them with
 * space_stat), never a server (servers are not processes here) and pid 1
 * only when no other process holds a page. The faulting thread then tries
 * again; if its own process was the choice, it ends with the rest.
 *
 * Bounded: each fault that finds memory out ends one process, so a
 * thread retries at most once per process there is. A victim's frames
 * come back at once: proc_end closes its space and ends its threads.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "servers/proc/exec.h"
#include "servers/proc/proc.h"

/* What p holds, in pages: 0 for a zombie or a space the kernel would not describe. */
static uint64_t oom_pages(const struct process *p)
{
	struct kage_space_stat st;

	if (p->state != PROCESS_LIVE || native_space_stat(p->space, &st) < 0)
		return 0;
	return st.pages + st.tables;
}

/* The process to end: the largest, pid 1 last; NULL when none holds a page. */
static struct process *oom_choose(uint64_t *pages)
{
	struct process *best = NULL, *init = proc_by_pid(1);
	uint64_t most = 0, n;

	for (struct process *p = proc_first(); p; p = proc_next(p)) {
		n = oom_pages(p);
		if (p != init && n > most) {
			most = n;
			best = p;
		}
	}
	if (!best && init) {
		most = oom_pages(init);
		best = most ? init : NULL;
	}
	*pages = most;
	return best;
}

enum proc_reply oom_fault(struct thread *t)
{
	uint64_t pages;
	struct process *victim = oom_choose(&pages);

	if (!victim)
		victim = t->proc;
	native_note("kage: out of memory: killed pid %d (%s) holding %lu KiB\n", victim->pid, victim->comm,
		    (unsigned long)(pages * (PAGE >> 10)));
	proc_end(victim, SIGKILL);
	return t->proc && t->proc->state == PROCESS_LIVE ? PROC_REPLY : PROC_NO_REPLY;
}
