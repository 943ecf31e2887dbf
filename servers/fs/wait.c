/*
 * Calls that wait in the file server: a pipe read or write, a poll, a
 * lock, an open of a named pipe, and a call forwarded to /proc whose
 * path is held here.
 * Each is on its process's table's list, so that the process's end drops
 * them all without a search of every pipe and poll, and a thread's next
 * call finds its earlier one.
 *
 * Why a thread's next call drops its earlier wait: a thread makes one
 * call at a time, so when it calls again, a call of it still kept here
 * was aborted by the kernel (a signal), and its token is stale. Invariant:
 * a table holds at most one waiting call per thread (badge).
 */
#include "servers/fs/fs_impl.h"

void fs_wait_start(struct fs_wait *w, const struct fs_call_ctx *c, enum fs_wait_kind kind)
{
	w->owner = c->t;
	w->badge = c->badge;
	w->token = c->token;
	w->kind = kind;
	fs_list_add_tail(&c->t->waits, &w->in_table);
	fs_counts.waits++;
}

void fs_wait_end(struct fs_wait *w)
{
	fs_list_del(&w->in_table);
	fs_counts.waits--;
}

void fs_wait_drop(struct fs_wait *w)
{
	if (w->kind == FS_WAIT_POLL)
		fs_poll_wait_drop(w);
	else if (w->kind == FS_WAIT_LOCK)
		fs_lock_wait_drop(w);
	else if (w->kind == FS_WAIT_PATH)
		fs_held_path_drop(w);
	else if (w->kind == FS_WAIT_OPEN)
		fs_fifo_wait_drop(w);
	else
		fs_pipe_wait_drop(w);
}

void fs_wait_stale(const struct fs_call_ctx *c)
{
	for (struct fs_list *l = c->t->waits.next; l != &c->t->waits; l = l->next) {
		struct fs_wait *w = fs_container_of(l, struct fs_wait, in_table);

		if (w->badge == c->badge) {
			fs_wait_drop(w);	/* the one there can be: the list is left at once */
			return;
		}
	}
}

void fs_wait_forget(struct fs_fdtable *t)
{
	/* Dropping one may answer or drop others of the table: take the first each time. */
	while (!fs_list_empty(&t->waits))
		fs_wait_drop(fs_container_of(t->waits.next, struct fs_wait, in_table));
}
