/*
 * The event counters' storage and what sys_stats reports beside them:
 * the pages each server holds.
 */
#include "kernel/counters.h"
#include "kernel/space.h"
#include "kernel/srvmem.h"
#include "kernel/task.h"
#include "lib/string.h"

struct kage_counters counters;

uint8_t counters_server_of(const char *name)
{
	if (strcmp(name, "root") == 0 || strcmp(name, "proc") == 0)
		return KAGE_SERVER_PROC;	/* the root task is the process server in a system Image */
	if (strcmp(name, "fs") == 0)
		return KAGE_SERVER_FS;
	if (strcmp(name, "console") == 0)
		return KAGE_SERVER_CONSOLE;
	return KAGE_SERVER_OTHER;
}

/*
 * Each server's space (its first task's: helpers share it), and in
 * MODE=mono its half of the server window: the file server's files in
 * the first, the process server's copies of executables in the second
 * (servers/proc/files.c). The servers' code and static data are the
 * kernel image's there, and their own ELF files' in micro (tools/compare
 * reports both).
 */
void counters_server_pages(uint64_t pages[KAGE_SERVERS])
{
	bool seen[KAGE_SERVERS] = { false };

	memset(pages, 0, KAGE_SERVERS * sizeof(pages[0]));
	for (int i = 0; i < TASK_MAX; i++) {
		const struct task *t = task_table[i];

		if (!t || t->server == KAGE_SERVER_OTHER || seen[t->server] || !t->space)
			continue;
		seen[t->server] = true;
		pages[t->server] = space_pages(t->space);
	}
#ifdef KAGE_MODE_MONO
	pages[KAGE_SERVER_FS] += srvmem_pages(SRVMEM_BASE, SRVMEM_BASE + SRVMEM_SIZE / 2);
	pages[KAGE_SERVER_PROC] += srvmem_pages(SRVMEM_BASE + SRVMEM_SIZE / 2, SRVMEM_BASE + SRVMEM_SIZE);
#endif
}
