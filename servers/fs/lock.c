/*
 * File locks, as Linux keeps them: POSIX record locks (fcntl F_SETLK,
 * F_SETLKW, F_GETLK), open-file-description locks (F_OFD_*) and flock.
 *
 * A node with locks or waiters has a lock set (struct fs_lockset), made
 * at its first lock and freed with its last lock and waiter. A lock
 * covers bytes [start, end] (end FS_LOCK_END: to the end of any size) in
 * one of two spaces: record locks (POSIX and OFD, which conflict with
 * each other) and flock's whole-file locks (which conflict only among
 * themselves, as on Linux). Its owner is the process's descriptor table
 * for a POSIX lock, the open file description for an OFD lock or a
 * flock. Two locks conflict when they overlap, are of one space and of
 * different owners, and one of them is a write lock.
 *
 * Invariants: an owner's locks in one space never overlap, and two of
 * one type never touch (they are merged). A process holds POSIX locks on
 * a node only while it has a descriptor of it open: closing any of them
 * releases them all (fs_lock_close), as POSIX says; so a table's end
 * (every descriptor closed) leaves none. OFD and flock locks go with
 * their description's last reference (fs_lock_file_gone); a waiter holds
 * one. A waiting F_SETLKW or flock is a struct fs_wait like a pipe read:
 * it lets its held call go (a signal may interrupt it), and is retried
 * whenever a lock of its node goes or becomes weaker, in arrival order.
 */
#include "lib/errno.h"
#include "lib/heap.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/fs/fs_impl.h"

#define FS_LOCK_END UINT64_MAX
#define FS_DEADLOCK_STEPS 10	/* Linux's MAX_DEADLK_ITERATIONS: how far a chain of waits is followed */

enum fs_lock_space { FS_LOCK_RECORD, FS_LOCK_FLOCK };

struct fs_lock {
	struct fs_lock *next;
	uint64_t start, end;
	const void *owner;
	int32_t pid;		/* F_GETLK's l_pid: the POSIX owner's, -1 for OFD and flock */
	uint8_t type;		/* F_RDLCK or F_WRLCK (F_UNLCK only in a request) */
	uint8_t space;
};

struct fs_lockset {
	struct fs_lock *locks;
	struct fs_list waiters;	/* struct fs_lock_wait, in arrival order */
};

struct fs_lock_wait {
	struct fs_wait w;		/* w.in_queue: on the set's waiters */
	struct fs_list in_all;		/* on fs_lock_waiters */
	struct fs_file *f;		/* a reference of its own */
	struct fs_lock want;
};

/* Every waiting lock call, for the deadlock check's walk. */
static struct fs_list fs_lock_waiters = { &fs_lock_waiters, &fs_lock_waiters };

static int fs_overlap(const struct fs_lock *l, uint64_t start, uint64_t end)
{
	return l->start <= end && l->end >= start;
}

/* Overlapping, or adjacent: a lock of the same type merges with it. */
static int fs_lock_touches(const struct fs_lock *l, uint64_t start, uint64_t end)
{
	return fs_overlap(l, start, end) || (end != FS_LOCK_END && l->start == end + 1) ||
	       (l->end != FS_LOCK_END && l->end + 1 == start);
}

static int fs_conflict(const struct fs_lock *l, const struct fs_lock *want)
{
	return l->space == want->space && l->owner != want->owner && fs_overlap(l, want->start, want->end) &&
	       (l->type == F_WRLCK || want->type == F_WRLCK);
}

static const struct fs_lock *fs_first_conflict(const struct fs_lockset *s, const struct fs_lock *want)
{
	for (const struct fs_lock *l = s ? s->locks : NULL; l; l = l->next)
		if (fs_conflict(l, want))
			return l;
	return NULL;
}

/* The node's set, made if missing: NULL without memory. */
static struct fs_lockset *fs_lockset_of(struct fs_node *n)
{
	if (!n->locks) {
		n->locks = heap_zalloc(&fs_heap, sizeof(*n->locks));
		if (n->locks)
			fs_list_init(&n->locks->waiters);
	}
	return n->locks;
}

static void fs_lockset_trim(struct fs_node *n)
{
	if (n->locks && !n->locks->locks && fs_list_empty(&n->locks->waiters)) {
		heap_free(&fs_heap, n->locks);
		n->locks = NULL;
	}
}

static int fs_mine(const struct fs_lock *l, const struct fs_lock *want)
{
	return l->space == want->space && l->owner == want->owner;
}

/*
 * want (F_UNLCK: none) becomes its owner's lock over its range: the
 * owner's locks there are cut away, those of its type touching it merged
 * into it. Takes at most two new locks, both allocated first: 0, or
 * -ENOLCK with nothing changed.
 */
static long fs_lock_apply(struct fs_lockset *s, const struct fs_lock *want)
{
	struct fs_lock *add = heap_alloc(&fs_heap, sizeof(*add)), *split = heap_alloc(&fs_heap, sizeof(*split));
	struct fs_lock **at = &s->locks, *l, merged = *want;

	if (!add || !split) {
		heap_free(&fs_heap, add), heap_free(&fs_heap, split);
		return -ENOLCK;
	}
	while ((l = *at) != NULL) {
		if (!fs_mine(l, want) || !fs_lock_touches(l, want->start, want->end) ||
		    (l->type != want->type && !fs_overlap(l, want->start, want->end))) {
			at = &l->next;
			continue;
		}
		if (l->type == want->type) {
			merged.start = l->start < merged.start ? l->start : merged.start;
			merged.end = l->end > merged.end ? l->end : merged.end;
		} else if (l->start < want->start && l->end > want->end) {
			*split = *l;	/* it reaches past both ends: no other of the owner's is near */
			split->start = want->end + 1;
			l->end = want->start - 1;
			l->next = split;
			split = NULL;
			break;
		} else if (l->start < want->start || l->end > want->end) {
			if (l->start < want->start)
				l->end = want->start - 1;
			else
				l->start = want->end + 1;
			at = &l->next;
			continue;
		}
		*at = l->next;	/* merged into the new one, or wholly under it */
		heap_free(&fs_heap, l);
	}
	if (want->type != F_UNLCK) {
		*add = merged;
		add->next = s->locks;
		s->locks = add;
		add = NULL;
	}
	heap_free(&fs_heap, add), heap_free(&fs_heap, split);
	return 0;
}

/* Every lock of owner in space goes (a close, a description's end, flock's LOCK_UN): no memory needed. */
static int fs_lock_release(struct fs_lockset *s, const void *owner, uint8_t space)
{
	struct fs_lock **at = &s->locks, *l;
	int gone = 0;

	while ((l = *at) != NULL) {
		if (l->owner == owner && l->space == space) {
			*at = l->next;
			heap_free(&fs_heap, l);
			gone = 1;
		} else {
			at = &l->next;
		}
	}
	return gone;
}

static void fs_lock_unwait(struct fs_lock_wait *w)
{
	fs_list_del(&w->w.in_queue);
	fs_list_del(&w->in_all);
	fs_wait_end(&w->w);
}

/*
 * Waiters that no lock blocks now get theirs, in arrival order; those
 * whose call was aborted go. Their descriptions are let go of after the
 * walk (a last reference may release locks of this node in turn).
 */
static void fs_lock_retry(struct fs_node *n)
{
	struct fs_lockset *s = n->locks;
	struct fs_list done = { &done, &done }, *l, *next;
	uint64_t v[6] = { 0 }, probe;

	for (l = s->waiters.next; l != &s->waiters; l = next) {
		struct fs_lock_wait *w = fs_container_of(l, struct fs_lock_wait, w.in_queue);

		next = l->next;
		if (native_caller_read(w->w.token, 0, &probe, 0) == 0) {
			if (fs_first_conflict(s, &w->want))
				continue;
			/* A description nobody else names any more would lose the lock at once: none is taken. */
			v[0] = (uint64_t)(w->f->refs > 1 ? fs_lock_apply(s, &w->want) : 0);
			native_ipc_reply(w->w.token, v);
		}
		fs_lock_unwait(w);
		fs_list_add_tail(&done, &w->w.in_queue);
	}
	while (!fs_list_empty(&done)) {
		struct fs_lock_wait *w = fs_container_of(done.next, struct fs_lock_wait, w.in_queue);

		fs_list_del(&w->w.in_queue);
		fs_file_put(w->f);
		heap_free(&fs_heap, w);
	}
	fs_lockset_trim(n);
}

void fs_lock_wait_drop(struct fs_wait *fw)
{
	struct fs_lock_wait *w = fs_container_of(fw, struct fs_lock_wait, w);
	struct fs_node *n = w->f->node;

	fs_lock_unwait(w);
	fs_file_put(w->f);
	heap_free(&fs_heap, w);
	fs_lockset_trim(n);
}

void fs_lock_close(struct fs_fdtable *t, const struct fs_file *f)
{
	if (f->node && f->node->locks && fs_lock_release(f->node->locks, t, FS_LOCK_RECORD))
		fs_lock_retry(f->node);
}

void fs_lock_file_gone(const struct fs_file *f)
{
	struct fs_lockset *s = f->node ? f->node->locks : NULL;

	if (s && (fs_lock_release(s, f, FS_LOCK_RECORD) | fs_lock_release(s, f, FS_LOCK_FLOCK)))
		fs_lock_retry(f->node);
}

/* What owner (a POSIX lock's) waits for, if it waits for a record lock. */
static const struct fs_lock_wait *fs_waiting_of(const void *owner)
{
	for (struct fs_list *l = fs_lock_waiters.next; l != &fs_lock_waiters; l = l->next) {
		const struct fs_lock_wait *w = fs_container_of(l, struct fs_lock_wait, in_all);

		if (w->want.owner == owner && w->want.space == FS_LOCK_RECORD)
			return w;
	}
	return NULL;
}

/* Whether want's owner, waiting for blocker, would wait for itself: POSIX locks only, as on Linux. */
static int fs_deadlock(const struct fs_lock *want, const struct fs_lock *blocker)
{
	for (int i = 0; i < FS_DEADLOCK_STEPS && blocker && blocker->pid >= 0; i++) {
		const struct fs_lock_wait *w = fs_waiting_of(blocker->owner);

		if (!w)
			return 0;
		if (w->want.owner == want->owner)
			return 1;	/* cannot happen at the first step: blockers are others' */
		blocker = fs_first_conflict(w->f->node->locks, &w->want);
		if (blocker && blocker->owner == want->owner)
			return 1;
	}
	return 0;
}

/* The caller waits for want: FS_BLOCKED, or -ENOLCK without memory. */
static long fs_lock_wait(const struct fs_call_ctx *c, struct fs_file *f, const struct fs_lock *want)
{
	struct fs_lock_wait *w;

	if (native_ipc_let_go(c->token) != 0)
		return FS_BLOCKED;	/* where Linux sleeps a signal interrupts it: one came, or the caller is gone */
	w = heap_alloc(&fs_heap, sizeof(*w));
	if (!w)
		return -ENOLCK;
	w->f = f;
	f->refs++;
	w->want = *want;
	fs_list_add_tail(&f->node->locks->waiters, &w->w.in_queue);
	fs_list_add_tail(&fs_lock_waiters, &w->in_all);
	fs_wait_start(&w->w, c, FS_WAIT_LOCK);
	return FS_BLOCKED;
}

/* want for the caller: 0, -EAGAIN (held by another), -EDEADLK, -ENOLCK, or FS_BLOCKED while it waits. */
static long fs_lock_set(const struct fs_call_ctx *c, struct fs_file *f, const struct fs_lock *want, int wait)
{
	struct fs_node *n = f->node;
	struct fs_lockset *s = fs_lockset_of(n);
	const struct fs_lock *blocker;
	long r;

	if (!s)
		return -ENOLCK;
	if (want->space == FS_LOCK_FLOCK && fs_lock_release(s, want->owner, FS_LOCK_FLOCK))
		fs_lock_retry(n);	/* as Linux: a flock changes by letting go first */
	s = fs_lockset_of(n);
	if (!s)
		return -ENOLCK;
	blocker = want->type == F_UNLCK ? NULL : fs_first_conflict(s, want);
	if (blocker && !wait)
		r = -EAGAIN;
	else if (blocker && want->pid >= 0 && fs_deadlock(want, blocker))
		r = -EDEADLK;
	else if (blocker)
		r = fs_lock_wait(c, f, want);
	else if (want->space == FS_LOCK_FLOCK && want->type == F_UNLCK)
		r = 0;	/* let go of above */
	else
		r = fs_lock_apply(s, want);
	if (!blocker && r == 0 && want->type != F_WRLCK)
		fs_lock_retry(n);	/* an unlock or a weaker lock may let waiters in */
	fs_lockset_trim(n);
	return r;
}

/* flock's range as Linux reads it (flock_to_posix_lock): 0, -EINVAL or -EOVERFLOW. */
static long fs_lock_range(const struct fs_file *f, const struct linux_flock *fl, struct fs_lock *want)
{
	int64_t base, start, last;

	if (fl->l_type != F_RDLCK && fl->l_type != F_WRLCK && fl->l_type != F_UNLCK)
		return -EINVAL;
	if (fl->l_whence == SEEK_SET)
		base = 0;
	else if (fl->l_whence == SEEK_CUR)
		base = (int64_t)f->offset;
	else if (fl->l_whence == SEEK_END)
		base = (int64_t)f->node->size;
	else
		return -EINVAL;
	if (__builtin_add_overflow(base, fl->l_start, &start))
		return -EOVERFLOW;
	last = start;
	if (fl->l_len > 0 && __builtin_add_overflow(start, fl->l_len - 1, &last))
		return -EOVERFLOW;
	if (fl->l_len < 0) {
		last = start - 1;
		start += fl->l_len;	/* cannot overflow: start >= base + INT64_MIN + 1 */
	}
	if (start < 0)
		return -EINVAL;
	*want = (struct fs_lock){ .start = (uint64_t)start, .end = fl->l_len ? (uint64_t)last : FS_LOCK_END,
				  .type = (uint8_t)fl->l_type, .space = FS_LOCK_RECORD };
	return 0;
}

/* F_GETLK, F_OFD_GETLK: the first lock that would block want, or F_UNLCK in l_type. */
static long fs_lock_get(const struct fs_call_ctx *c, const struct fs_file *f, uint64_t arg,
			struct linux_flock *fl, const struct fs_lock *want)
{
	const struct fs_lock *l;

	if (want->type == F_UNLCK)
		return -EINVAL;
	l = fs_first_conflict(f->node->locks, want);
	if (!l) {
		fl->l_type = F_UNLCK;
	} else {
		fl->l_type = l->type;
		fl->l_whence = SEEK_SET;
		fl->l_start = (int64_t)l->start;
		fl->l_len = l->end == FS_LOCK_END ? 0 : (int64_t)(l->end - l->start + 1);
		fl->l_pid = l->pid;
	}
	return native_caller_write(c->token, arg, fl, sizeof(*fl)) < 0 ? -EFAULT : 0;
}

long fs_fcntl_lock(const struct fs_call_ctx *c, struct fs_file *f, uint64_t cmd, uint64_t arg)
{
	int ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
	uint32_t mode = f->flags & O_ACCMODE;
	struct linux_flock fl;
	struct fs_lock want;
	long r;

	if (!f->node)
		return -EINVAL;	/* a pipe */
	if (native_caller_read(c->token, arg, &fl, sizeof(fl)) < 0)
		return -EFAULT;
	if (ofd && fl.l_pid != 0)
		return -EINVAL;
	r = fs_lock_range(f, &fl, &want);
	if (r < 0)
		return r;
	want.owner = ofd ? (const void *)f : (const void *)c->t;
	want.pid = ofd ? -1 : (int32_t)c->t->pid;
	if (cmd == F_GETLK || cmd == F_OFD_GETLK)
		return fs_lock_get(c, f, arg, &fl, &want);
	if ((want.type == F_RDLCK && mode == O_WRONLY) || (want.type == F_WRLCK && mode == O_RDONLY))
		return -EBADF;
	return fs_lock_set(c, f, &want, cmd == F_SETLKW || cmd == F_OFD_SETLKW);
}

long fs_flock(const struct fs_call_ctx *c, struct fs_file *f, uint64_t op)
{
	struct fs_lock want = { .start = 0, .end = FS_LOCK_END, .owner = f, .pid = -1, .space = FS_LOCK_FLOCK };

	if ((op & ~(uint64_t)LOCK_NB) == LOCK_SH)
		want.type = F_RDLCK;
	else if ((op & ~(uint64_t)LOCK_NB) == LOCK_EX)
		want.type = F_WRLCK;
	else if ((op & ~(uint64_t)LOCK_NB) == LOCK_UN)
		want.type = F_UNLCK;
	else
		return -EINVAL;
	if (!f->node)
		return -EINVAL;	/* a pipe */
	return fs_lock_set(c, f, &want, !(op & LOCK_NB));
}
