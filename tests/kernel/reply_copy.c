/*
 * ipc_reply_copy_recv (lib/kage_abi.h): the answer that carries bytes
 * into the caller's memory. It copies, answers and receives; a copy that
 * fails answers nothing, and the call is still the server's to answer.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "tests/kernel/root.h"

#define SELF KAGE_HANDLE_SELF_SPACE
#define ANSWER 7
#define FALLBACK 99
#define UNMAPPED 0x10ul

static const char content[16] = "copied by reply";
static volatile long copy_error;

/*
 * Handle 0: the endpoint. Answers each call (w0: where, w1: how much)
 * with ANSWER and content copied there; where the copy fails, with
 * FALLBACK by a plain reply_recv, keeping the copy's error.
 */
static void child_copier(long arg)
{
	struct kage_msg m;
	long tok = native_ipc_recv(0, &m);

	(void)arg;
	for (;;) {
		long r = native_ipc_reply_copy_recv(0, (uint64_t)tok, ANSWER, m.w[0], content, m.w[1], &m);

		if (r < 0) {
			copy_error = r;
			r = native_ipc_reply_recv(0, (uint64_t)tok, (const uint64_t[5]){ FALLBACK }, &m);
		}
		tok = r;
	}
}

/* One call asking for len bytes at va: its answer. */
static long ask(long ep, uint64_t va, uint64_t len)
{
	const uint64_t w[6] = { va, len };

	return native_ipc_call(ep, w, 0);
}

void reply_copy_checks(void)
{
	long ep = native_ep_create(), t = child_create(SELF, child_copier, 0, 0);
	char buf[sizeof(content)] = { 0 };
	struct kage_msg m;
	long first;

	native_handle_copy(ep, t, KAGE_RIGHT_RECV, 0);
	native_task_resume(t);
	first = ask(ep, 0, 0);	/* the copier waits in reply_recv from now on: the fast path's case */
	check(first == ANSWER && ask(ep, (uint64_t)buf, sizeof(buf)) == ANSWER && memcmp(buf, content, sizeof(buf)) == 0,
	      "reply_copy_recv_copies_then_answers", "wrong answer or bytes");
	copy_error = 0;
	check(ask(ep, UNMAPPED, sizeof(buf)) == FALLBACK && copy_error == -EFAULT, "reply_copy_recv_fault_answers_nothing",
	      "answered, or not -EFAULT");
	copy_error = 0;
	check(ask(ep, (uint64_t)buf, KAGE_COPY_MAX + 1ul) == FALLBACK && copy_error == -EINVAL,
	      "reply_copy_recv_too_long_is_einval", "answered, or not -EINVAL");
	check(native_ipc_reply_copy_recv(ep, 12345, ANSWER, (uint64_t)buf, content, 1, &m) == -ESRCH &&
		      native_ipc_reply_copy_recv(99, 12345, ANSWER, (uint64_t)buf, content, 1, &m) == -EBADF,
	      "reply_copy_recv_bad_token_or_handle", "not -ESRCH and -EBADF");
	native_task_kill(t, 0);
	native_handle_close(t);
	native_handle_close(ep);
}
