/*
 * The user-mode side of lib/native.h that is more than an ecall: mapping
 * boot items, helper tasks and a server's receive loop (MODE=micro
 * servers, the kernel test root task).
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"

const void *native_map_item(const struct kage_bootitem *it, uint64_t va, unsigned prot)
{
	uint64_t off = it->base & 4095;

	if (native_space_map_phys(KAGE_HANDLE_SELF_SPACE, va, it->handle, 0, native_item_span(it), prot) < 0)
		return NULL;
	return (const void *)(va + off);
}

/* The helper's loop: its handle 0 is the server's endpoint, 1 the notification. */
static void native_helper(long arg)
{
	const uint64_t w[6] = { 0 };

	(void)arg;
	for (;;) {
		native_notif_wait(1);
		native_ipc_call(0, w, 0);
	}
}

/*
 * The helper is of no role (KAGE_SERVER_OTHER): it receives nothing, and
 * its calls count where the server receives them.
 */
long native_helper_start(long endpoint, long notif, void *stack, size_t size)
{
	long t = native_task_create(KAGE_HANDLE_SELF_SPACE, (uint64_t)native_helper, (uint64_t)stack + size);

	if (t < 0)
		return t;
	if (native_handle_copy(endpoint, t, KAGE_RIGHT_SEND, 0) != 0 ||
	    native_handle_copy(notif, t, KAGE_RIGHT_READ, 0) != 1)
		return -ENOMEM;
	return native_task_resume(t);
}

/*
 * A receive loop's state. The handler is called with &m, and that is how
 * native_ipc_pass finds the loop: a message it takes with its forward
 * waits in `next` (token `next_token`), served without asking again.
 */
struct native_loop {
	struct kage_msg m;	/* first, so the handler's message is the loop's address */
	long ep;
	long next_token;	/* > 0 while `next` holds a message not yet served */
	struct kage_msg next;
	/* The copy the handler's answer makes (native_answer_copy): undo is set while one waits. */
	struct native_copy {
		uint64_t va, len;
		const void *buf;
		native_undo undo;
		void *arg;
	} copy;
};

long native_answer_copy(const struct kage_msg *m, uint64_t va, const void *buf, uint64_t len, native_undo undo,
			void *arg)
{
	struct native_loop *l = (struct native_loop *)(uintptr_t)m;

	l->copy = (struct native_copy){ .va = va, .len = len, .buf = buf, .undo = undo, .arg = arg };
	return 0;
}

long native_ipc_pass(const struct kage_msg *m, long ep)
{
	struct native_loop *l = (struct native_loop *)(uintptr_t)m;
	long tok;

	if (l->next_token)
		return -ESRCH;	/* passed once already: the call is spent */
	tok = native_ipc_forward_recv(m->token, ep, KAGE_FORWARD_HOLD, l->ep, &l->next);
	if (tok < 0)
		return tok;	/* not forwarded, nothing received */
	l->next_token = tok;
	return 0;
}

/* The copy the handler asked for is not made: what it took goes back. */
static void native_copy_drop(struct native_loop *l)
{
	const struct native_copy c = l->copy;

	l->copy = (struct native_copy){ 0 };
	c.undo(c.arg, c.len);
}

/*
 * The answer to `token` makes the copy the handler asked for, and the
 * next message comes with it. If the copy failed, nothing was answered:
 * the handler's taking is undone, and the call is answered -EFAULT (if
 * its caller is gone, -ESRCH comes back and nobody is answered).
 */
static long native_next_copying(struct native_loop *l, uint64_t token, uint64_t out[5])
{
	const struct native_copy *c = &l->copy;
	long tok = native_ipc_reply_copy_recv(l->ep, token, out[0], c->va, c->buf, c->len, &l->m);

	if (tok >= 0) {
		l->copy = (struct native_copy){ 0 };
		return tok;
	}
	native_copy_drop(l);
	if (tok == -ESRCH)
		return tok;
	out[0] = (uint64_t)-EFAULT;
	return native_ipc_reply_recv(l->ep, token, out, &l->m);
}

/*
 * The next message into l->m: the one a pass took (the handler's token is
 * spent then: nothing to answer), or a new one after answering `token`.
 */
static long native_next(struct native_loop *l, uint64_t token, uint64_t out[5])
{
	long tok = l->next_token;

	if (l->copy.undo && token)
		return native_next_copying(l, token, out);
	if (!tok)
		return native_ipc_reply_recv(l->ep, token, out, &l->m);
	l->m = l->next;
	l->next_token = 0;
	return tok;
}

/*
 * Whether a receive's result tok, with the message's kind and Linux
 * number, is a plain call: one of the `count` numbers at `which` (a
 * service's, which the caller keeps in registers across its loop).
 */
static inline int native_is_plain(const uint64_t *which, uint64_t count, long tok, uint64_t kind, uint64_t nr)
{
	return tok > 0 && kind == KAGE_MSG_SYSCALL && kage_nr_has(which, count, nr);
}

/*
 * The plain calls of s from m on, each answered with its handler's result
 * as the next message comes (a Linux caller gets a0 alone, so no other
 * word is passed), as the kernel answers them in mono. Returns the token
 * of the first message that is not one (tok itself if m is not), or the
 * error of an answer and receive (-ESRCH: the caller is gone, nothing was
 * received). Its own loop, so a run of plain calls pays none of the
 * general loop's tests.
 */
static long native_plain_run(const struct native_service *s, struct native_loop *l, long tok)
{
	const native_plain_handler plain = s->plain;
	const uint64_t *which = s->which, count = s->count;
	const long ep = l->ep;
	struct kage_msg *m = &l->m;
	uint64_t badge = m->badge, nr = m->w[0];
	struct native_regs r;
	long answer;

	if (!plain || !native_is_plain(which, count, tok, m->kind, nr))
		return tok;
	for (;;) {
		answer = plain(badge, nr, &m->w[1]);
		r = native_ipc_answer_recv(ep, (uint64_t)tok, (uint64_t)answer);
		tok = (long)r.a0, badge = r.a1, nr = r.a3;
		if (!native_is_plain(which, count, tok, r.a2, nr))
			break;
		/* Only the arguments go to memory, for the handler: the rest stays in registers. */
		m->w[1] = r.a4, m->w[2] = r.a5, m->w[3] = r.a6, m->w[4] = r.a7, m->w[5] = r.t0, m->w[6] = r.t1;
	}
	native_msg_of(m, &r);
	return tok;
}

long native_serve_calls(const struct native_service *s)
{
	struct native_loop l = { .ep = s->ep };
	uint64_t out[5] = { 0 }, token = 0;
	long tok;

	for (;;) {
		tok = native_plain_run(s, &l, native_next(&l, token, out));
		token = 0;
		if (tok == -ESRCH)
			continue;	/* the caller was killed while its call was served: nobody to answer, nothing received */
		if (tok < 0) {
			native_say("kage: receive on endpoint %ld failed: error %ld\n", s->ep, tok);
			continue;
		}
		for (int i = 0; i < 5; i++)
			out[i] = 0;	/* five stores: cheaper than a call on this hot path */
		if (s->fn((uint64_t)tok, &l.m, out))
			token = (uint64_t)tok;
		else if (l.copy.undo)
			native_copy_drop(&l);	/* not answered now: no copy */
	}
}

long native_serve(long ep, native_handler fn)
{
	const struct native_service s = { .ep = ep, .fn = fn };

	return native_serve_calls(&s);
}
