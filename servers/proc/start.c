/*
 * Starting the other servers: each gets a task with handles to its own
 * space and task (0 and 1, as the kernel gives the root task) and the
 * ones listed in its grants, and starts with a struct kage_bootinfo
 * naming them, exactly as a root task starts. How the task is made and
 * started is the one thing the mode changes (start_task, start_run).
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/proc/proc.h"

/* Copies the grants into the task and lists them in *sbi. */
static long start_grant(long task, const struct start_grant *g, int n, struct kage_bootinfo *sbi)
{
	for (int i = 0; i < n && i < KAGE_BOOT_MAX; i++) {
		struct kage_bootitem *it = &sbi->item[sbi->nitems++];
		long h = native_handle_copy(g[i].handle, task, g[i].rights, g[i].badge);

		if (h < 0)
			return h;
		if (g[i].like)
			*it = *g[i].like;
		it->kind = g[i].kind;
		it->handle = (int32_t)h;
		if (g[i].name)
			strlcpy(it->name, g[i].name, sizeof(it->name));
		if (it->kind == KAGE_BOOT_UART)
			it->aux[3] = (uint32_t)(sbi->nitems);	/* its interrupt is the next grant */
	}
	return 0;
}

long start_server(const struct kage_bootinfo *bi, const char *name, const struct start_grant *g, int n)
{
	static struct kage_bootinfo sbi;
	long space = -1, task = start_task(bi, name, &space), err;

	if (task < 0)
		return task;
	memset(&sbi, 0, sizeof(sbi));
	sbi.timebase_hz = bi->timebase_hz;
	err = start_grant(task, g, n, &sbi);
	if (err == 0)
		err = start_run(task, space, &sbi);
	if (space >= 0)
		native_handle_close(space);
	if (err < 0) {
		native_task_kill(task, err);
		native_handle_close(task);
		return err;
	}
	return task;
}
