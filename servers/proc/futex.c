/*
 * Futexes. A waiter is a thread with futex.token set, keyed by its
 * process's address space (mm: threads and CLONE_VM children share it,
 * execve gives a new one) and the futex's address; it is answered once:
 * by a wake, by its deadline (sleep.c) or by a signal. There is no memory
 * shared between address spaces, so private and shared futexes are the
 * same thing here.
 *
 * Waiters are kept in hash buckets by (mm, addr), each a list in the
 * order they began to wait, as Linux keeps its futex hash: a wake or a
 * requeue looks only at the threads of one bucket, and any number of
 * threads may wait. The bucket count is fixed (Linux's is too: 256 per
 * CPU); it bounds nothing, only how many unrelated waiters share a list.
 * Invariant: the buckets hold exactly the threads with futex.token set,
 * each in the bucket of its (mm, addr).
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "servers/proc/proc.h"

#define FUTEX_BUCKETS 256

struct futex_bucket {
	struct thread *first, *last;
};

static struct futex_bucket futex_buckets[FUTEX_BUCKETS];

static struct futex_bucket *futex_bucket_of(uint32_t mm, uint64_t addr)
{
	uint64_t x = (addr >> 2 ^ (uint64_t)mm << 20) * 0x9e3779b97f4a7c15ull;

	return &futex_buckets[x >> 56];
}

/* t waits from now on, last in line on its futex. */
static void futex_enqueue(struct thread *t)
{
	struct futex_bucket *b = futex_bucket_of(t->proc->mm, t->futex.addr);

	t->futex.next = NULL;
	t->futex.prev = b->last;
	if (b->last)
		b->last->futex.next = t;
	else
		b->first = t;
	b->last = t;
}

static void futex_dequeue(struct thread *t)
{
	struct futex_bucket *b = futex_bucket_of(t->proc->mm, t->futex.addr);

	if (t->futex.prev)
		t->futex.prev->futex.next = t->futex.next;
	else
		b->first = t->futex.next;
	if (t->futex.next)
		t->futex.next->futex.prev = t->futex.prev;
	else
		b->last = t->futex.prev;
	t->futex.next = t->futex.prev = NULL;
}

void futex_forget(struct thread *t)
{
	if (!t->futex.token)
		return;
	futex_dequeue(t);
	sleep_forget(t);
	t->futex.token = 0;
	t->futex.until = 0;
}

void futex_cancel(struct thread *t, long value)
{
	uint64_t token = t->futex.token;

	futex_forget(t);
	proc_answer(&token, value);
}

static int futex_waits_on(const struct thread *t, uint32_t mm, uint64_t addr)
{
	return t->proc->mm == mm && t->futex.addr == addr;
}

int futex_wake(uint32_t mm, uint64_t addr, int n, uint32_t bits)
{
	struct thread *t = futex_bucket_of(mm, addr)->first, *next;
	int woken = 0;

	for (; t && woken < n; t = next) {
		next = t->futex.next;
		if (!futex_waits_on(t, mm, addr) || !(t->futex.bitset & bits))
			continue;
		futex_cancel(t, 0);
		woken++;
	}
	return woken;
}

/* FUTEX_REQUEUE: wakes n, then moves up to `move` other waiters to addr2, last in its line. */
static long futex_requeue(const struct thread *t, uint64_t addr, int n, int move, uint64_t addr2)
{
	uint32_t mm = t->proc->mm;
	int woken = futex_wake(mm, addr, n, FUTEX_BITSET_MATCH_ANY), moved = 0;
	struct thread *w = futex_bucket_of(mm, addr)->first, *next;

	for (; w && moved < move; w = next) {
		next = w->futex.next;
		if (!futex_waits_on(w, mm, addr))
			continue;
		futex_dequeue(w);
		w->futex.addr = addr2;
		futex_enqueue(w);
		moved++;
	}
	return woken + moved;
}

/* The 32-bit word at addr, for a comparison: 0 or -EFAULT. */
static long futex_load(const struct thread *t, uint64_t addr, uint32_t *now)
{
	return native_space_read(t->proc->space, addr, now, sizeof(*now)) < 0 ? -EFAULT : 0;
}

/* A wait's deadline from its timespec (0: none), or -EFAULT / -EINVAL. */
static long futex_deadline(const struct thread *t, uint64_t ts, int absolute, int realtime, uint64_t *until)
{
	struct linux_timespec v;

	*until = 0;
	if (!ts)
		return 0;
	if (native_space_read(t->proc->space, ts, &v, sizeof(v)) < 0)
		return -EFAULT;
	if (v.tv_sec < 0 || v.tv_nsec < 0 || v.tv_nsec >= 1000000000)
		return -EINVAL;
	*until = sleep_deadline((uint64_t)v.tv_sec, (uint64_t)v.tv_nsec, absolute, realtime);
	return 0;
}

/* FUTEX_WAIT(_BITSET): sleeps while *addr == val, until woken or the deadline. */
static long futex_wait(struct thread *t, const struct kage_msg *m, int absolute, uint32_t bits)
{
	const uint64_t *a = &m->w[1];
	uint64_t until;
	uint32_t now;
	long err;

	if ((a[0] & 3) || !bits)
		return -EINVAL;
	err = futex_load(t, a[0], &now);
	if (err < 0)
		return err;
	if (now != (uint32_t)a[2])
		return -EAGAIN;
	err = futex_deadline(t, a[3], absolute, (a[1] & FUTEX_CLOCK_REALTIME) != 0, &until);
	if (err < 0)
		return err;
	t->futex.addr = a[0];
	t->futex.bitset = bits;
	t->futex.until = until;
	t->futex.token = m->token;
	futex_enqueue(t);
	if (until)
		sleep_add(t);	/* a deadline already passed is answered at once */
	return 0;
}

static long futex_cmp_requeue(struct thread *t, const uint64_t *a)
{
	uint32_t now;
	long err = futex_load(t, a[0], &now);

	if (err < 0)
		return err;
	if (now != (uint32_t)a[5])
		return -EAGAIN;
	return futex_requeue(t, a[0], (int)a[2], (int)a[3], a[4]);
}

enum proc_reply futex_call(struct thread *t, const struct kage_msg *m, long *result)
{
	const uint64_t *a = &m->w[1];
	int op = (int)(a[1] & ~(uint64_t)(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME));

	switch (op) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		*result = futex_wait(t, m, op == FUTEX_WAIT_BITSET, op == FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : (uint32_t)a[5]);
		return *result == 0 ? PROC_NO_REPLY : PROC_REPLY;
	case FUTEX_WAKE:
		*result = futex_wake(t->proc->mm, a[0], (int)a[2], FUTEX_BITSET_MATCH_ANY);
		break;
	case FUTEX_WAKE_BITSET:
		*result = a[5] ? futex_wake(t->proc->mm, a[0], (int)a[2], (uint32_t)a[5]) : -EINVAL;
		break;
	case FUTEX_CMP_REQUEUE:
		*result = futex_cmp_requeue(t, a);
		break;
	case FUTEX_REQUEUE:
		*result = futex_requeue(t, a[0], (int)a[2], (int)a[3], a[4]);
		break;
	default:
		linux_unknown(NR_futex);
		*result = -ENOSYS;
	}
	return PROC_REPLY;
}
