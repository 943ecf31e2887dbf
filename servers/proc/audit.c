/*
 * The leak check at pid 1's end. Just before pid 1 is made, the server
 * notes the kernel's live objects (sys_stats) and the file server's open
 * file descriptions, pipes and descriptor tables (FS_OP_STATS); when pid
 * 1 has ended and no process is left, each must be back where it was,
 * whatever ran in between and however it failed. The kernel then checks
 * every frame at shutdown, which covers the servers' memory as a whole;
 * this check names the object a leak left behind, in the server where
 * it happened. Files and directories are not compared: a program may
 * leave them, as on any file system.
 *
 * State: the baseline, written once before pid 1 exists and read once
 * after it ended.
 */
#include "lib/native.h"
#include "servers/proc/proc.h"

enum { AUDIT_TASKS, AUDIT_SPACES, AUDIT_ENDPOINTS, AUDIT_NOTIFS, AUDIT_MEMOBJS, AUDIT_HANDLES,
       AUDIT_FILES, AUDIT_PIPES, AUDIT_TABLES, AUDIT_PROCESSES, AUDIT_THREADS, AUDIT_N };

static const char *const audit_names[AUDIT_N] = {
	"kernel tasks", "kernel spaces", "kernel endpoints", "kernel notifications", "kernel memory objects",
	"kernel handles", "open file descriptions", "pipes", "descriptor tables", "processes", "threads",
};

static uint64_t audit_base[AUDIT_N];
static int audit_ready;

/* The counts now: 0, or -errno when the kernel or the file server would not say. */
static long audit_take(uint64_t c[AUDIT_N])
{
	const uint64_t w[6] = { FS_OP_STATS };
	struct kage_stats ks;
	struct proc_objects po;
	uint64_t fs[6];
	long err = files_op(w, fs);	/* first: the file server has started once it answers */

	if (err < 0)
		return err;
	err = native_stats(&ks);
	if (err < 0)
		return err;
	proc_objects(&po);
	c[AUDIT_TASKS] = ks.tasks;
	c[AUDIT_SPACES] = ks.spaces;
	c[AUDIT_ENDPOINTS] = ks.endpoints;
	c[AUDIT_NOTIFS] = ks.notifications;
	c[AUDIT_MEMOBJS] = ks.memobjs;
	c[AUDIT_HANDLES] = ks.handles;
	c[AUDIT_FILES] = fs[2];
	c[AUDIT_PIPES] = fs[3];
	c[AUDIT_TABLES] = fs[4];
	c[AUDIT_PROCESSES] = po.processes;
	c[AUDIT_THREADS] = po.threads;
	return 0;
}

void audit_baseline(void)
{
	audit_ready = audit_take(audit_base) == 0;
}

void audit_report(void)
{
	uint64_t now[AUDIT_N];
	int leaks = 0;

	if (!audit_ready || audit_take(now) < 0)
		return;
	if (now[AUDIT_PROCESSES] != audit_base[AUDIT_PROCESSES]) {
		native_say("kage: objects not compared: %lu processes outlive pid 1\n",
			   (unsigned long)now[AUDIT_PROCESSES]);
		return;
	}
	for (int i = 0; i < AUDIT_N; i++) {
		if (now[i] == audit_base[i])
			continue;
		native_say("kage: leak: %s %lu, %lu before pid 1\n", audit_names[i], (unsigned long)now[i],
			   (unsigned long)audit_base[i]);
		leaks++;
	}
	if (!leaks)
		native_say("kage: objects back at their baseline: %lu tasks, %lu handles, %lu open files\n",
			   (unsigned long)now[AUDIT_TASKS], (unsigned long)now[AUDIT_HANDLES],
			   (unsigned long)now[AUDIT_FILES]);
}
