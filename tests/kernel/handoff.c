/*
 * Handles given to a caller: a server answers a native ipc_call with a
 * handle copied into the caller's own table (handle_copy with
 * KAGE_HANDLE_TO_CALLER), and can never give one to a Linux call (even
 * forwarded as a CALL with new words), a faulting or an alerted task.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "tests/kernel/root.h"

#define SELF KAGE_HANDLE_SELF_SPACE
#define FAULT_VA 0x42000000ul
#define LINUX_GETPID 172

static const char content[16] = "handed over";
static volatile long got_handle = -1, got_read = -1, got_write = -1;
static char got_bytes[16];

/* Handle 0: the endpoint, 1: its space. Asks for a memory object and uses the handle it gets. */
static void child_asks_for_memory(long arg)
{
	const uint64_t w[6] = { 1 };
	uint64_t reply[6] = { 0 };

	(void)arg;
	native_ipc_call(0, w, reply);
	got_handle = (long)reply[0];
	got_read = native_mem_read(got_handle, 0, 1, (uint64_t)got_bytes, sizeof(got_bytes), 0);
	got_write = native_mem_write(got_handle, 0, got_bytes, 1);
	native_exit(0);
}

static void child_linux_call(long arg)
{
	register long a0 __asm__("a0") = 0;
	register long a7 __asm__("a7") = LINUX_GETPID;

	(void)arg;
	__asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
	native_exit(0);
}

static void child_faults(long arg)
{
	(void)arg;
	*(volatile long *)FAULT_VA = 1;
}

static void child_spins(long arg)
{
	for (volatile long i = arg;; i++)
		;
}

static void check_to_caller(long ep, long mem)
{
	long t = child_create(SELF, child_asks_for_memory, 0, 0), h;
	long ro = native_handle_copy(mem, -1, KAGE_RIGHT_READ | KAGE_RIGHT_GRANT, 0);
	long no_grant = native_handle_copy(mem, -1, KAGE_RIGHT_READ, 0);
	uint64_t answer[6] = { 0 };
	struct kage_msg m;

	native_handle_copy(ep, t, KAGE_RIGHT_SEND, 0);
	native_handle_copy(SELF, t, KAGE_RIGHT_READ | KAGE_RIGHT_WRITE, 0);
	native_task_resume(t);
	native_ipc_recv(ep, &m);
	check(native_handle_copy_to_caller(no_grant, m.token, KAGE_RIGHTS_ALL, 0) == -EPERM,
	      "handle_copy_to_caller_needs_grant", "copied without the grant right");
	check(native_call6(KAGE_SYS_HANDLE_COPY, (uint64_t)mem, m.token, KAGE_RIGHTS_ALL, 0, 0x4, 0) == -EINVAL,
	      "handle_copy_unknown_flag_is_einval", "accepted");
	/* All rights asked of a read-only handle: the caller gets read (and grant) only. */
	h = native_handle_copy_to_caller(ro, m.token, KAGE_RIGHTS_ALL, 0);
	check(h == 2, "handle_copy_to_caller", "not the caller's next handle");
	answer[0] = (uint64_t)h;
	native_ipc_reply(m.token, answer);
	check(native_handle_copy_to_caller(mem, m.token, KAGE_RIGHT_READ, 0) == -ESRCH &&
		      native_handle_copy_to_caller(mem, 0x12345, KAGE_RIGHT_READ, 0) == -ESRCH,
	      "handle_copy_to_caller_stale_token_is_esrch", "accepted");
	child_wait(t, 0);
	check(got_handle == 2 && got_read == 0 && memcmp(got_bytes, content, sizeof(content)) == 0,
	      "caller_uses_handed_handle", "the caller could not read the object");
	check(got_write == -EPERM, "handed_handle_rights_only_narrow", "the caller may write");
	native_handle_close(t), native_handle_close(ro), native_handle_close(no_grant);
}

/* A Linux call, received as such or forwarded as a CALL with new words: never given a handle. */
static void check_linux_caller(long ep, long mem)
{
	long t = child_create(SELF, child_linux_call, 0, 0);
	long badged = native_handle_copy(ep, -1, KAGE_RIGHT_SEND | KAGE_RIGHT_GRANT, 0x4321);
	const uint64_t words[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, answer[6] = { 0 };
	struct kage_msg m1, m2;

	native_handle_copy(SELF, t, KAGE_RIGHT_READ, 0);	/* for native_exit */
	native_task_bind(t, KAGE_BIND_PERSONALITY, badged);
	native_task_resume(t);
	native_ipc_recv(ep, &m1);
	check(m1.kind == KAGE_MSG_SYSCALL && native_handle_copy_to_caller(mem, m1.token, KAGE_RIGHT_READ, 0) == -EPERM,
	      "handle_copy_to_linux_call_is_eperm", "a Linux program got a handle");
	native_ipc_forward(m1.token, badged, words);
	native_ipc_recv(ep, &m2);
	check(m2.kind == KAGE_MSG_CALL && native_handle_copy_to_caller(mem, m2.token, KAGE_RIGHT_READ, 0) == -EPERM,
	      "handle_copy_to_forwarded_linux_call_is_eperm", "a Linux program got a handle");
	native_ipc_reply(m2.token, answer);
	child_wait(t, 0);
	native_handle_close(t), native_handle_close(badged);
}

static void check_fault_and_alert(long ep, long mem)
{
	long t = child_create(SELF, child_faults, 0, 0), u = child_create(SELF, child_spins, 0, 1);
	struct kage_msg m;

	native_task_bind(t, KAGE_BIND_EXCEPTION, ep);
	native_task_resume(t);
	native_ipc_recv(ep, &m);
	check(m.kind == KAGE_MSG_FAULT && native_handle_copy_to_caller(mem, m.token, KAGE_RIGHT_READ, 0) == -EPERM,
	      "handle_copy_to_faulting_task_is_eperm", "a faulting task got a handle");
	native_task_kill(t, 0);
	native_task_bind(u, KAGE_BIND_PERSONALITY, ep);
	native_task_resume(u);
	native_task_alert(u, 0);
	native_ipc_recv(ep, &m);
	check(m.kind == KAGE_MSG_ALERT && native_handle_copy_to_caller(mem, m.token, KAGE_RIGHT_READ, 0) == -EPERM,
	      "handle_copy_to_alerted_task_is_eperm", "an alerted task got a handle");
	native_task_kill(u, 0);
	native_handle_close(t), native_handle_close(u);
}

void handoff_checks(void)
{
	long ep = native_ep_create(), mem = native_mem_create(sizeof(content));

	native_mem_write(mem, 0, content, sizeof(content));
	check_to_caller(ep, mem);
	check_linux_caller(ep, mem);
	check_fault_and_alert(ep, mem);
	native_handle_close(mem), native_handle_close(ep);
}
