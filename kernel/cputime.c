/* CPU time sampled at the tick (kernel/cputime.h). */
#include "kernel/cputime.h"
#include "kernel/task.h"

static struct {
	uint64_t user, system, idle;
} cputime;

/* The program a server task works for now: a task waiting for its answer, or NULL. */
static struct task *cputime_client(const struct task *server)
{
	struct task *c = task_by_id(server->serving);

	return c && c->state == TASK_REPLY_WAIT && c->replier == server ? c : NULL;
}

void cputime_tick(struct task *t, bool user)
{
	struct task *c;

	if (!t) {
		cputime.idle++;
		return;
	}
	c = t->role != KAGE_SERVER_OTHER ? cputime_client(t) : NULL;	/* in the kernel too (MODE=mono) */
	if (c && c->role == KAGE_SERVER_OTHER) {
		c->system_ticks++;
		cputime.system++;
		return;
	}
	if (user) {
		t->user_ticks++;
		cputime.user++;
	} else {
		t->system_ticks++;
		cputime.system++;
	}
}

void cputime_totals(uint64_t *user, uint64_t *system, uint64_t *idle)
{
	*user = cputime.user;
	*system = cputime.system;
	*idle = cputime.idle;
}
