/*
 * The event counters' storage and what sys_stats reports beside them:
 * the pages each server holds.
 */
#include "kernel/counters.h"
#include "kernel/hart.h"
#include "kernel/space.h"
#include "kernel/srvmem.h"
#include "kernel/task.h"
#include "lib/string.h"

struct kage_counters counters;

/*
 * Each server's space (that of the live task of its role with the lowest
 * id, task_of_role; its helpers share it but are of no role), and in
 * MODE=mono its half of the server window: the file server's files in
 * the first; the second is the process server's, which keeps no file
 * bytes of its own (they reach it as memory objects, whose frames are
 * nobody's pages here). The servers' code and static data are the
 * kernel image's there, and their own ELF files' in micro (tools/compare
 * reports both).
 */
void counters_server_pages(uint64_t pages[KAGE_SERVERS])
{
	memset(pages, 0, KAGE_SERVERS * sizeof(pages[0]));
	for (uint8_t role = KAGE_SERVER_OTHER + 1; role < KAGE_SERVERS; role++) {
		const struct task *t = task_of_role(role);

		if (t && t->space)
			pages[role] = space_pages(t->space);
	}
#ifdef KAGE_MODE_MONO
	for (uint64_t r = 0; r < KAGE_SERVERS; r++) {
		uint64_t base = SRVMEM_BASE + r * KAGE_SERVER_WINDOW;

		/* The first part, no server's role, still holds the file server's file windows. */
		pages[r == KAGE_SERVER_OTHER ? KAGE_SERVER_FS : r] += srvmem_pages(base, base + KAGE_SERVER_WINDOW);
	}
#endif
}

void counters_fold_harts(struct kage_counters *c)
{
	for (unsigned i = 0; i < hart_count; i++)
		c->satp_writes += hart_at(i)->satp_writes;
}
