/*
 * MODE=mono's way to start a server (start.c): its code is linked into
 * the kernel, which makes its task and runs its start until it serves.
 */
#include "lib/native.h"
#include "servers/proc/proc.h"

long start_task(const struct kage_bootinfo *bi, const char *name, long *space)
{
	(void)bi;
	*space = -1;
	return native_server_create(name);
}

long start_run(long task, long space, const struct kage_bootinfo *sbi)
{
	(void)space;
	return native_server_run(task, sbi);
}
