/*
 * IPC checks: call/reply, deferred replies, reply_recv, stale tokens,
 * Linux ecall forwarding to a personality endpoint, fault forwarding to
 * an exception endpoint, a server forwarding a call to another (and
 * taking its next message in the same request) and copying to and from
 * its caller by token, invalid handles, and the event counters filing a
 * message under its receiver's role.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "tests/kernel/root.h"

#define SELF KAGE_HANDLE_SELF_SPACE
#define FAULT_PAGE 0x3000ul

static uint64_t replies[3][6];
static volatile long forwarded_a0, forwarded_a1, fault_value;

/* Calls on handle 0 with words arg..arg+5 and keeps the reply. */
static void child_caller(long arg)
{
	const uint64_t w[6] = { arg, arg + 1, arg + 2, arg + 3, arg + 4, arg + 5 };

	native_ipc_call(0, w, replies[arg / 100]);
	native_exit(0);
}

/* A Linux getpid with odd arguments: the personality endpoint answers. */
static void child_linux(long arg)
{
	register long a0 __asm__("a0") = 10;
	register long a1 __asm__("a1") = 11;
	register long a2 __asm__("a2") = 12;
	register long a3 __asm__("a3") = 13;
	register long a4 __asm__("a4") = 14;
	register long a5 __asm__("a5") = 15;
	register long a7 __asm__("a7") = 172;

	(void)arg;
	__asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7) : "memory");
	forwarded_a0 = a0;
	forwarded_a1 = a1;
	native_exit(0);
}

static void child_faulter(long arg)
{
	fault_value = *(volatile long *)(FAULT_PAGE + (uint64_t)arg);
	native_exit(0);
}

/* Takes a call on its handle 0 and ends without answering it. */
static void child_receive_and_die(long arg)
{
	struct kage_msg m;

	(void)arg;
	native_ipc_recv(0, &m);
	native_exit(0);
}

/* Serves one call on its handle 0: answers w0 + 1000, after writing 77 into the caller's `forward_mark`. */
static volatile uint64_t forward_mark;

static void child_server(long arg)
{
	struct kage_msg m;
	const uint64_t mark = 77;
	uint64_t answer[6] = { 0 };

	(void)arg;
	native_ipc_recv(0, &m);
	native_caller_write(m.token, (uint64_t)&forward_mark, &mark, sizeof(mark));
	answer[0] = m.w[0] + 1000;
	native_ipc_reply(m.token, answer);
	native_exit(0);
}

static long spawn(void (*fn)(long), long arg, long ep, uint64_t badge, int slot)
{
	long t = child_create(SELF, fn, arg, slot);

	native_handle_copy(ep, t, KAGE_RIGHT_SEND, badge);
	native_task_resume(t);
	return t;
}

static void check_call_reply(long ep)
{
	long t = spawn(child_caller, 1, ep, 0x77, 0);
	const uint64_t answer[6] = { 60, 61, 62, 63, 64, 65 };
	struct kage_msg m;
	long tok = native_ipc_recv(ep, &m);

	check(tok > 0 && m.kind == KAGE_MSG_CALL && m.badge == 0x77, "ipc_recv_gets_call", "wrong header");
	check(m.w[0] == 1 && m.w[5] == 6 && m.w[6] == 0, "ipc_message_words", "wrong words");
	check(native_ipc_reply(m.token, answer) == 0, "ipc_reply", "refused");
	check(native_ipc_reply(m.token, answer) == -ESRCH, "stale_token_is_esrch", "accepted twice");
	check(native_ipc_reply(0x12345, answer) == -ESRCH, "forged_token_is_esrch", "accepted");
	child_wait(t, 0);
	check(replies[0][0] == 60 && replies[0][5] == 65, "ipc_call_gets_reply", "wrong reply");
	native_handle_close(t);
}

/*
 * Two callers answered in the opposite order of their badges (which one
 * arrives first depends on preemption); the first through reply_recv.
 */
static void check_deferred(long ep)
{
	long a = spawn(child_caller, 1, ep, 1, 0), b = spawn(child_caller, 100, ep, 2, 1), c;
	const uint64_t for_a[5] = { 11 }, for_b[6] = { 22 }, for_c[6] = { 33 };
	struct kage_msg one, two, third, *from_a, *from_b;

	native_ipc_recv(ep, &one);
	native_ipc_recv(ep, &two);
	from_a = one.badge == 1 ? &one : &two;
	from_b = one.badge == 1 ? &two : &one;
	check(from_a->badge == 1 && from_b->badge == 2 && from_b->w[0] == 100, "two_calls_queued", "wrong badges");
	check(native_ipc_reply(from_b->token, for_b) == 0, "deferred_reply_out_of_order", "refused");
	c = spawn(child_caller, 200, ep, 3, 2);
	check(native_ipc_reply_recv(ep, from_a->token, for_a, &third) > 0 && third.badge == 3 && third.w[0] == 200,
	      "ipc_reply_recv", "wrong message");
	native_ipc_reply(third.token, for_c);
	child_wait(a, 0), child_wait(b, 0), child_wait(c, 0);
	check(replies[0][0] == 11 && replies[1][0] == 22 && replies[2][0] == 33, "deferred_replies_reach_callers",
	      "wrong replies");
	native_handle_close(a), native_handle_close(b), native_handle_close(c);
}

static void check_linux_forwarding(long ep)
{
	long t = child_create(SELF, child_linux, 0, 0);
	const uint64_t pid[6] = { 4242, 1, 2, 3, 4, 5 };
	struct kage_msg m;
	long badged = native_handle_copy(ep, -1, KAGE_RIGHT_SEND | KAGE_RIGHT_GRANT, 0x1234);

	native_handle_copy(SELF, t, KAGE_RIGHT_READ, 0);	/* for native_exit */
	check(native_task_bind(t, KAGE_BIND_PERSONALITY, badged) == 0, "task_bind_personality", "refused");
	native_task_resume(t);
	native_ipc_recv(ep, &m);
	check(m.kind == KAGE_MSG_SYSCALL && m.badge == 0x1234 && m.w[0] == 172, "linux_ecall_forwarded",
	      "wrong kind, badge or number");
	check(m.w[1] == 10 && m.w[6] == 15 && m.w[7] > 0x10000, "linux_ecall_arguments_and_pc", "wrong words");
	native_ipc_reply(m.token, pid);
	child_wait(t, 0);
	check(forwarded_a0 == 4242 && forwarded_a1 == 11, "linux_reply_sets_a0_only", "registers changed");
	check(native_call(172, 0, 0) == -ENOSYS, "linux_ecall_without_personality_is_enosys", "not -ENOSYS");
	native_handle_close(t), native_handle_close(badged);
}

static void check_fault_forwarding(long ep)
{
	long t = child_create(SELF, child_faulter, 8, 0), u, status = 0;
	struct kage_msg m;
	const uint64_t go[6] = { 0 };
	long value = 0x5a5a;

	native_handle_copy(ep, t, KAGE_RIGHT_SEND, 0);
	native_task_bind(t, KAGE_BIND_EXCEPTION, ep);
	native_task_resume(t);
	native_ipc_recv(ep, &m);
	check(m.kind == KAGE_MSG_FAULT && m.w[0] == 13 && m.w[1] == FAULT_PAGE + 8, "fault_forwarded",
	      "wrong kind, cause or address");
	check(m.w[3] == (uint64_t)-EFAULT, "fault_message_says_efault", "w3 is not -EFAULT for a real fault");
	/* Fix the fault as a pager would, then let the task retry. */
	native_space_map(SELF, FAULT_PAGE, 4096, KAGE_PROT_READ | KAGE_PROT_WRITE);
	*(volatile long *)(FAULT_PAGE + 8) = value;
	native_ipc_reply(m.token, go);
	child_wait(t, 0);
	check(fault_value == value, "fault_reply_retries_access", "wrong value");
	native_space_unmap(SELF, FAULT_PAGE, 4096);
	/* A second faulting task is killed by its handler instead. */
	u = child_create(SELF, child_faulter, 16, 0);
	native_task_bind(u, KAGE_BIND_EXCEPTION, ep);
	native_task_resume(u);
	native_ipc_recv(ep, &m);
	native_task_kill(u, -11);
	check(child_wait(u, &status) == KAGE_TASK_DEAD && status == -11, "fault_handler_kills_task",
	      "wrong status");
	check(native_ipc_reply(m.token, go) == -ESRCH, "reply_to_killed_task_is_esrch", "accepted");
	native_handle_close(t), native_handle_close(u);
}

/* ipc_hold's arguments, on a call this task holds (spent: a token already forwarded). */
static void check_hold(uint64_t spent, uint64_t token, long ep)
{
	check(native_call(KAGE_SYS_IPC_HOLD, spent, KAGE_HOLD_KEEP) == -ESRCH, "ipc_hold_spent_token_is_esrch",
	      "accepted");
	check(native_ipc_interrupt_waits(spent) == -ESRCH, "ipc_hold_ask_spent_token_is_esrch", "accepted");
	check(native_call(KAGE_SYS_IPC_HOLD, token, KAGE_HOLD_ASK + 1) == -EINVAL, "ipc_hold_bad_flag_is_einval",
	      "accepted");
	check(native_call4(KAGE_SYS_IPC_FORWARD, token, (uint64_t)ep, 0, 4) == -EINVAL,
	      "ipc_forward_unknown_flag_is_einval", "accepted");
	check(native_call(KAGE_SYS_IPC_HOLD, token, KAGE_HOLD_KEEP) == 0 && native_ipc_interrupt_waits(token) == 0 &&
	      native_ipc_let_go(token) == 0, "ipc_hold_and_let_go", "refused, or said a signal was waiting");
}

/* Forwarded unchanged to a second endpoint, then rewritten back to the first: one reply ends it. */
static void check_forward(long ep)
{
	long b = native_ep_create(), badged = native_handle_copy(ep, -1, KAGE_RIGHT_SEND, 0x99);
	long t = spawn(child_caller, 1, ep, 0x55, 0), srv;
	const uint64_t words[8] = { 7, 8, 9, 10, 11, 12, 13, 14 }, answer[6] = { 5150 };
	uint64_t got = 0, put = 0x1122;
	struct kage_msg m1, m2, m3;

	volatile uintptr_t unmapped = 8;

	native_ipc_recv(ep, &m1);
	check(native_ipc_forward(m1.token, b, (const uint64_t *)unmapped) == -EFAULT, "ipc_forward_bad_words_is_efault",
	      "accepted");
	check(native_ipc_forward(m1.token, b, 0) == 0, "ipc_forward", "refused");
	check(native_ipc_reply(m1.token, answer) == -ESRCH, "forwarded_token_is_spent", "accepted");
	check(native_caller_read(m1.token, (uint64_t)&got, &got, 0) == -ESRCH, "caller_copy_needs_live_token",
	      "accepted a spent token");
	native_ipc_recv(b, &m2);
	check(m2.kind == KAGE_MSG_CALL && m2.badge == 0x55 && m2.w[0] == 1 && m2.w[5] == 6 && m2.token != m1.token,
	      "ipc_forward_unchanged_message", "wrong header or words");
	check(native_caller_read(m2.token, (uint64_t)&m2.w[0], &got, 8) == 0 && got == 1 &&
		      native_caller_write(m2.token, (uint64_t)&got, &put, 8) == 0 && got == 0x1122,
	      "caller_read_write_by_token", "copy failed");
	native_space_map(SELF, FAULT_PAGE, 4096, KAGE_PROT_READ);
	check(native_caller_write(m2.token, FAULT_PAGE, &put, 8) == -EFAULT, "caller_write_respects_protection",
	      "wrote a read-only page");
	native_space_unmap(SELF, FAULT_PAGE, 4096);
	check_hold(m1.token, m2.token, badged);
	check(native_ipc_forward(m2.token, badged, words) == 0, "ipc_forward_rewritten", "refused");
	native_ipc_recv(ep, &m3);
	check(m3.kind == KAGE_MSG_CALL && m3.badge == 0x99 && m3.w[0] == 7 && m3.w[7] == 14,
	      "ipc_forward_rewritten_words_and_badge", "wrong header or words");
	/* To a waiting receiver: it answers the original caller directly. */
	srv = child_create(SELF, child_server, 0, 1);
	native_handle_copy(b, srv, KAGE_RIGHT_RECV, 0);
	native_task_resume(srv);
	native_task_yield();	/* it runs until it waits on b */
	check(native_ipc_forward(m3.token, b, 0) == 0, "ipc_forward_to_waiting_receiver", "refused");
	child_wait(srv, 0), child_wait(t, 0);
	check(replies[0][0] == 1007 && forward_mark == 77, "forwarded_call_answered_by_last_server",
	      "wrong reply");
	native_handle_close(srv), native_handle_close(t), native_handle_close(badged), native_handle_close(b);
}

/*
 * ep_route: Linux calls of a routed number go to the second endpoint,
 * unchanged (kind, badge, words); others, and all of them once the route
 * is gone or while nobody receives there, come to the first. Routes need
 * RECV on the first, SEND on the second, and never form a chain back.
 */
static void check_route(long ep)
{
	long b = native_ep_create(), c = native_ep_create(), badged = native_handle_copy(ep, -1, KAGE_RIGHT_SEND, 0x4321);
	long send_only = native_handle_copy(c, -1, KAGE_RIGHT_SEND, 0), t;
	uint64_t getpid_only[KAGE_ROUTE_WORDS] = { 0 }, none[KAGE_ROUTE_WORDS] = { 0 };
	const uint64_t pid[6] = { 4343 };
	volatile uintptr_t unmapped = 8;
	struct kage_msg m;

	getpid_only[172 / 64] = 1ull << (172 % 64);
	check(native_ep_route(send_only, b, getpid_only) == -EPERM && native_ep_route(ep, ep, getpid_only) == -EINVAL &&
		      native_ep_route(ep, b, (const uint64_t *)unmapped) == -EFAULT,
	      "ep_route_checks_rights_and_arguments", "accepted");
	check(native_ep_route(b, c, none) == 0 && native_ep_route(ep, b, getpid_only) == -EINVAL &&
		      native_ep_route(b, -1, 0) == 0, "ep_route_one_hop_only", "routed to an endpoint that routes");
	check(native_ep_route(ep, b, getpid_only) == 0, "ep_route", "refused");
	t = child_create(SELF, child_linux, 0, 0);
	native_handle_copy(SELF, t, KAGE_RIGHT_READ, 0);
	native_task_bind(t, KAGE_BIND_PERSONALITY, badged);
	native_task_resume(t);
	native_ipc_recv(b, &m);
	check(m.kind == KAGE_MSG_SYSCALL && m.badge == 0x4321 && m.w[0] == 172 && m.w[1] == 10 && m.w[6] == 15,
	      "ep_route_delivers_the_call_unchanged", "wrong kind, badge or words");
	native_ipc_reply(m.token, pid);
	child_wait(t, 0);
	check(forwarded_a0 == 4343, "ep_route_answer_reaches_caller", "wrong a0");
	native_handle_close(t);
	/* To an endpoint nobody receives on: the calls come to the first. */
	check(native_ep_route(ep, send_only, getpid_only) == 0, "ep_route_to_send_only_handle", "refused");
	native_handle_close(c);
	t = child_create(SELF, child_linux, 0, 0);
	native_handle_copy(SELF, t, KAGE_RIGHT_READ, 0);
	native_task_bind(t, KAGE_BIND_PERSONALITY, badged);
	native_task_resume(t);
	native_ipc_recv(ep, &m);
	check(m.kind == KAGE_MSG_SYSCALL && m.w[0] == 172, "ep_route_without_receiver_falls_back", "lost or wrong");
	native_ipc_reply(m.token, pid);
	child_wait(t, 0);
	check(native_ep_route(ep, -1, 0) == 0, "ep_route_removed", "refused");
	native_handle_close(t), native_handle_close(send_only), native_handle_close(badged), native_handle_close(b);
}

/*
 * ipc_forward with KAGE_FORWARD_RECV: the call goes on, and the next
 * message comes back in the same request, at once when one waits, else
 * when it is sent. A bad receiving endpoint forwards nothing; a bad
 * token receives nothing (the message it would have taken is still there).
 */
static void check_forward_recv(long ep)
{
	long b = native_ep_create(), t = spawn(child_caller, 1, ep, 0x41, 0), u, v;
	const uint64_t answer[3][6] = { { 4100 }, { 4200 }, { 4300 } };
	struct kage_msg m1, m2, m3, m4, m5;
	uint64_t got = 0;

	native_ipc_recv(ep, &m1);
	check(native_ipc_forward_recv(m1.token, b, 0, b + 100, &m2) == -EBADF &&
		      native_caller_read(m1.token, (uint64_t)&got, &got, 0) == 0,
	      "ipc_forward_recv_bad_endpoint_forwards_nothing", "forwarded, or the wrong error");
	u = spawn(child_caller, 101, ep, 0x42, 1);
	native_task_yield();	/* u calls, and waits on ep */
	check(native_ipc_forward_recv(0x12345, b, 0, ep, &m2) == -ESRCH, "ipc_forward_recv_bad_token_is_esrch",
	      "accepted");
	check(native_ipc_forward_recv(m1.token, b, KAGE_FORWARD_HOLD, ep, &m2) > 0 && m2.kind == KAGE_MSG_CALL &&
		      m2.badge == 0x42 && m2.w[0] == 101 && m2.w[5] == 106,
	      "ipc_forward_recv_takes_waiting_message", "wrong message");
	v = spawn(child_caller, 201, ep, 0x43, 2);
	check(native_ipc_forward_recv(m2.token, b, 0, ep, &m3) > 0 && m3.badge == 0x43 && m3.w[0] == 201,
	      "ipc_forward_recv_waits_for_message", "wrong message");
	native_ipc_recv(b, &m4);
	native_ipc_recv(b, &m5);
	check(m4.badge == 0x41 && m4.w[0] == 1 && m5.badge == 0x42 && m5.w[0] == 101,
	      "ipc_forward_recv_forwards_in_order", "wrong calls at the second endpoint");
	native_ipc_reply(m4.token, answer[0]), native_ipc_reply(m5.token, answer[1]);
	native_ipc_reply(m3.token, answer[2]);
	child_wait(t, 0), child_wait(u, 0), child_wait(v, 0);
	check(replies[0][0] == 4100 && replies[1][0] == 4200 && replies[2][0] == 4300,
	      "ipc_forward_recv_calls_answered", "wrong replies");
	native_handle_close(t), native_handle_close(u), native_handle_close(v), native_handle_close(b);
}

/*
 * A token kept for a task that died must not name the task that takes its
 * id next: the low 20 bits of a token are the id, the rest its sequence,
 * which the new task continues (docs/design.md).
 */
static void check_token_outlives_task(long ep)
{
	long a = spawn(child_caller, 1, ep, 0, 0), b;
	const uint64_t answer[6] = { 4 };
	uint64_t word = 0;
	struct kage_msg ma, mb;

	native_ipc_recv(ep, &ma);
	native_task_kill(a, 0);
	native_handle_close(a);
	b = spawn(child_caller, 1, ep, 0, 1);
	native_ipc_recv(ep, &mb);
	check((ma.token & 0xfffff) == (mb.token & 0xfffff) && ma.token != mb.token, "new_task_takes_a_dead_id",
	      "the id was not reused, or the token is the same");
	check(native_ipc_reply(ma.token, answer) == -ESRCH &&
		      native_caller_read(ma.token, (uint64_t)&word, &word, sizeof(word)) == -ESRCH &&
		      native_caller_write(ma.token, (uint64_t)&word, &word, sizeof(word)) == -ESRCH &&
		      native_handle_copy_to_caller(ep, ma.token, KAGE_RIGHT_SEND, 0) == -ESRCH,
	      "dead_tasks_token_is_esrch", "the old token reached the new task");
	check(native_ipc_reply(mb.token, answer) == 0, "new_tasks_own_token_works", "refused");
	child_wait(b, 0);
	native_handle_close(b);
}

static void check_ipc_bad_input(long ep)
{
	const uint64_t w[6] = { 0 };
	struct kage_msg m;
	long send_only = native_handle_copy(ep, -1, KAGE_RIGHT_SEND, 0);

	check(native_ipc_call(99, w, 0) == -EBADF, "ipc_call_bad_handle_is_ebadf", "not -EBADF");
	check(native_ipc_call(SELF, w, 0) == -EINVAL, "ipc_call_on_a_space_is_einval", "not -EINVAL");
	check(native_ipc_recv(send_only, &m) == -EPERM, "ipc_recv_without_right_is_eperm", "not -EPERM");
	check(native_handle_copy(send_only, -1, KAGE_RIGHTS_ALL, 0) == -EPERM, "handle_copy_needs_grant",
	      "copied without the grant right");
	check(native_task_bind(KAGE_HANDLE_SELF_TASK, KAGE_BIND_PERSONALITY, SELF) == -EINVAL,
	      "task_bind_needs_endpoint", "accepted a space");
	native_handle_close(send_only);
}

static void check_server_death(long ep)
{
	long t = child_create(SELF, child_receive_and_die, 0, 0);
	const uint64_t w[6] = { 0 };

	native_handle_copy(ep, t, KAGE_RIGHT_RECV, 0);
	native_task_resume(t);
	check(native_ipc_call(ep, w, 0) == -EPIPE, "server_death_answers_epipe", "not -EPIPE");
	child_wait(t, 0);
	native_handle_close(t);
}

#define FAST_ROUNDS 50

/* Answers every call on its handle 0 with twice its first word, through reply_recv. */
static void child_doubler(long arg)
{
	uint64_t w[5] = { 0 };
	struct kage_msg m;
	long token = native_ipc_recv(0, &m);

	(void)arg;
	for (;;) {
		w[0] = m.w[0] * 2;
		w[1] = m.w[5];
		token = native_ipc_reply_recv(0, token, w, &m);
	}
}

/*
 * Round trips to a server that waits in reply_recv, which the IPC fast
 * path takes (kernel/ipc.c): the words arrive and the answers come back
 * as the general path carries them, and every event counter moves as it
 * does there (make compare reads them).
 */
static void check_fast_round_trips(long ep)
{
	long t = child_create(SELF, child_doubler, 0, 0);
	/* On several harts (the fast path is one hart's) the two may run on two: no switch at all then. */
	uint64_t one_hart = native_task_sched(KAGE_HANDLE_SELF_TASK, KAGE_SCHED_GET_AFFINITY, 0) == 1;
	uint64_t switches;
	struct kage_stats before, after;
	int right = 0;

	native_handle_copy(ep, t, KAGE_RIGHT_RECV, 0);
	native_task_resume(t);
	/* A first round: every ecall of the server's start is counted before `before` (on other harts too). */
	right += native_ipc_call(ep, (const uint64_t[6]){ 0 }, 0) == 0;
	native_stats(&before);
	for (int i = 1; i <= FAST_ROUNDS; i++) {
		const uint64_t w[6] = { (uint64_t)i, 0, 0, 0, 0, (uint64_t)i + 5 };
		uint64_t reply[6];

		right += native_ipc_call(ep, w, reply) == 2 * i && reply[1] == (uint64_t)i + 5 && reply[5] == 0;
	}
	native_stats(&after);
	switches = after.count.task_switches - before.count.task_switches;
	check(right == FAST_ROUNDS + 1, "fast_round_trips_carry_words", "a wrong answer");
	check(after.count.msg_calls - before.count.msg_calls == FAST_ROUNDS &&
		      after.count.msg_replies - before.count.msg_replies == FAST_ROUNDS &&
		      after.count.received[KAGE_SERVER_OTHER] - before.count.received[KAGE_SERVER_OTHER] ==
			      FAST_ROUNDS &&
		      after.count.ecall_native - before.count.ecall_native == 2 * FAST_ROUNDS + 1 &&
		      (one_hart ? switches == 2 * FAST_ROUNDS : switches <= 2 * FAST_ROUNDS),
	      "fast_round_trips_counted", "counters moved otherwise");
	native_task_kill(t, 0);
	native_handle_close(t);
}

/* A message counts for what its receiver's creator said it is: task_create's role. */
static void check_role_counts(long ep)
{
	long t = native_task_create_named(SELF, (uint64_t)child_receive_and_die, child_stack_top(0), "fs-like",
					  KAGE_SERVER_FS);
	const uint64_t w[6] = { 0 };
	struct kage_stats before, after;

	check(native_task_create_named(SELF, 0x10000, 0, 0, KAGE_SERVERS) == -EINVAL, "task_create_checks_role",
	      "accepted a role that is none");
	native_handle_copy(ep, t, KAGE_RIGHT_RECV, 0);
	native_stats(&before);
	native_task_resume(t);
	native_ipc_call(ep, w, 0);	/* received, never answered: -EPIPE */
	native_stats(&after);
	check(t > 0 && after.count.received[KAGE_SERVER_FS] == before.count.received[KAGE_SERVER_FS] + 1 &&
		      after.count.received[KAGE_SERVER_OTHER] == before.count.received[KAGE_SERVER_OTHER],
	      "received_counted_by_role", "not counted as the file server's");
	child_wait(t, 0);
	native_handle_close(t);
}

void ipc_checks(void)
{
	long ep = native_ep_create();

	check(ep > 0, "ep_create", "no handle");
	check_call_reply(ep);
	check_deferred(ep);
	check_linux_forwarding(ep);
	check_fault_forwarding(ep);
	check_forward(ep);
	check_forward_recv(ep);
	check_route(ep);
	check_token_outlives_task(ep);
	check_ipc_bad_input(ep);
	check_server_death(ep);
	check_fast_round_trips(ep);
	check_role_counts(ep);
	native_handle_close(ep);
}
