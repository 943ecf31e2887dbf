/*
 * Limits as Linux sets them (limits.c): threads-max from the memory the
 * machine has, pid_max, the resource limits' defaults and prlimit64, and
 * the checks that enforce RLIMIT_NPROC, RLIMIT_AS, RLIMIT_DATA and (at
 * the file server) RLIMIT_NOFILE and RLIMIT_FSIZE. docs/limits.md lists
 * them all. Owner: the values are set once at start (limits_init), the
 * rest is per process (struct process_live's rlim).
 */
#ifndef KAGE_SERVERS_PROC_LIMITS_H
#define KAGE_SERVERS_PROC_LIMITS_H

#include <stdint.h>
#include "lib/errno.h"
#include "servers/proc/proc.h"

/* Set once at start. */
struct limits {
	uint64_t threads_max;
	uint8_t norandmaps;
};
extern struct limits limits_now;

/* Reads the machine's memory: threads-max as Linux computes it. */
void limits_init(void);
uint64_t limits_threads_max(void);
/* pid_max: pids and tids stay below it. */
int limits_pid_max(void);
/* Whether ASLR is on for everyone (no "norandmaps" on the command line). */
int limits_randomize(void);
void limits_set_norandmaps(void);
/* init's limits: Linux's INIT_RLIMITS with RLIMIT_NPROC and RLIMIT_SIGPENDING at threads-max / 2. */
void limits_defaults(struct linux_rlimit rlim[RLIM_NLIMITS]);
/* One more task where `tasks` exist: 0, or -EAGAIN past threads-max or p's RLIMIT_NPROC. */
static inline long limits_may_add_task(const struct process *p, uint64_t tasks)
{
	if (tasks >= limits_now.threads_max)
		return -EAGAIN;
	/* Linux counts the new task first, then refuses past the limit. */
	return tasks + 1 > p->live->rlim[RLIMIT_NPROC].rlim_cur ? -EAGAIN : 0;
}
/* prlimit64(pid, resource, new, old), from thread t. */
long limits_prlimit64(struct thread *t, const uint64_t *a);
/*
 * Whether p may have `grow` more bytes of address space (RLIMIT_AS), of
 * which `data` are private and writable (RLIMIT_DATA): 0 or -ENOMEM.
 */
long limits_may_map(const struct process *p, uint64_t grow, uint64_t data);

#endif
