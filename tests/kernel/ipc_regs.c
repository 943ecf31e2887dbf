/*
 * The registers of native calls (lib/kage_abi.h): a native call may
 * change t0-t6, since the kernel's entry does not save them
 * (kernel/trapvec.S). What comes back in them must still be the caller's
 * own: a value it had at the call or at an earlier trap, never another
 * task's or the kernel's. Checked on the hottest case, an IPC round trip
 * that the fast path hands to a server and back, and on a native call
 * the general path takes.
 */
#include "lib/native.h"
#include "tests/kernel/root.h"

#define SELF KAGE_HANDLE_SELF_SPACE
#define ROUNDS 20
#define TEMPS 7
#define PAGE 4096ul
#define FRESH 0x47000000ul	/* ROUNDS pages of demand-zero memory: a fault each */

/* What the server leaves in its t0-t6 at every reply_recv: nothing a caller may ever see. */
static const uint64_t server_temps[TEMPS] = { 0x5e5e000000000005, 0x5e5e000000000006, 0x5e5e000000000007,
					      0x5e5e00000000001c, 0x5e5e00000000001d, 0x5e5e00000000001e,
					      0x5e5e00000000001f };

/* Handle 0: the endpoint. Answers every call at once, with t0-t6 set to server_temps. */
static void child_marked_server(long arg)
{
	register uint64_t a0 __asm__("a0") = 0;
	register uint64_t a1 __asm__("a1") = 0;	/* nothing to answer yet */

	(void)arg;
	for (;;) {
		__asm__ volatile("ld t0, 0(%[s])\n\tld t1, 8(%[s])\n\tld t2, 16(%[s])\n\t"
				 "ld t3, 24(%[s])\n\tld t4, 32(%[s])\n\tld t5, 40(%[s])\n\tld t6, 48(%[s])\n\t"
				 "li a2, 0\n\tli a3, 0\n\tli a4, 0\n\tli a5, 0\n\tli a6, 0\n\tli a7, %[nr]\n\t"
				 "ecall"
				 : "+r"(a0), "+r"(a1)
				 : [s] "r"(server_temps), [nr] "i"(KAGE_SYS_IPC_REPLY_RECV)
				 : "a2", "a3", "a4", "a5", "a6", "a7", "t0", "t1", "t2", "t3", "t4", "t5", "t6",
				   "memory");
		a1 = a0;	/* the token to answer */
		a0 = 0;
	}
}

/*
 * A first touch of `fresh` with t0-t6 = before[] (a fault saves every
 * register: the frame then holds them), then native call nr with a0 =
 * arg, a1-a6 = 1-6 and t0-t6 = at[]; t0-t6 after it into after[], and
 * its result. One asm statement, so no compiler temporary lands in them.
 */
static long call_with_temps(uint64_t nr, long arg, volatile char *fresh, const uint64_t before[TEMPS],
			    const uint64_t at[TEMPS], uint64_t after[TEMPS])
{
	register uint64_t a0 __asm__("a0") = (uint64_t)arg;
	register uint64_t a7 __asm__("a7") = nr;

	__asm__ volatile("ld t0, 0(%[b])\n\tld t1, 8(%[b])\n\tld t2, 16(%[b])\n\t"
			 "ld t3, 24(%[b])\n\tld t4, 32(%[b])\n\tld t5, 40(%[b])\n\tld t6, 48(%[b])\n\t"
			 "sb zero, 0(%[f])\n\t"
			 "ld t0, 0(%[a])\n\tld t1, 8(%[a])\n\tld t2, 16(%[a])\n\t"
			 "ld t3, 24(%[a])\n\tld t4, 32(%[a])\n\tld t5, 40(%[a])\n\tld t6, 48(%[a])\n\t"
			 "li a1, 1\n\tli a2, 2\n\tli a3, 3\n\tli a4, 4\n\tli a5, 5\n\tli a6, 6\n\t"
			 "ecall\n\t"
			 "sd t0, 0(%[o])\n\tsd t1, 8(%[o])\n\tsd t2, 16(%[o])\n\t"
			 "sd t3, 24(%[o])\n\tsd t4, 32(%[o])\n\tsd t5, 40(%[o])\n\tsd t6, 48(%[o])"
			 : "+r"(a0), "+r"(a7)
			 : [b] "r"(before), [a] "r"(at), [o] "r"(after), [f] "r"(fresh)
			 : "a1", "a2", "a3", "a4", "a5", "a6", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "memory");
	return (long)a0;
}

/* ROUNDS calls of nr (arg in a0) answered with `want`: whether t0-t6 came back the caller's own each time. */
static int own_temps(uint64_t nr, long arg, long want, uint64_t fresh, int *answered)
{
	int own = 0;

	for (int round = 0; round < ROUNDS; round++) {
		uint64_t before[TEMPS], at[TEMPS], after[TEMPS];
		int right = 1;

		for (int i = 0; i < TEMPS; i++) {
			before[i] = 0xb0b0000000000000 | (uint64_t)round << 8 | (uint64_t)i;
			at[i] = 0xa7a7000000000000 | (uint64_t)round << 8 | (uint64_t)i;
		}
		*answered += call_with_temps(nr, arg, (volatile char *)(fresh + round * PAGE), before, at, after) ==
			     want;
		for (int i = 0; i < TEMPS; i++)
			right &= after[i] == before[i] || after[i] == at[i];
		own += right;
	}
	return own;
}

void ipc_regs_checks(void)
{
	long ep = native_ep_create(), t = child_create(SELF, child_marked_server, 0, 0);
	int answered = 0, own_ipc, own_null;

	native_space_map(SELF, FRESH, 2 * ROUNDS * PAGE, KAGE_PROT_READ | KAGE_PROT_WRITE);
	native_handle_copy(ep, t, KAGE_RIGHT_RECV, 0);
	native_task_resume(t);
	native_task_yield();	/* the server waits in reply_recv now: the calls below take the fast path */
	own_ipc = own_temps(KAGE_SYS_IPC_CALL, ep, 0, FRESH, &answered);
	own_null = own_temps(KAGE_SYS_NULL, 0, 0, FRESH + ROUNDS * PAGE, &answered);
	check(answered == 2 * ROUNDS, "native_calls_with_temps_answered", "a call went wrong");
	check(own_ipc == ROUNDS && own_null == ROUNDS, "native_call_temps_are_the_callers_own",
	      "t0-t6 came back with another task's or the kernel's");
	native_task_kill(t, 0);
	native_handle_close(t);
	native_handle_close(ep);
	native_space_unmap(SELF, FRESH, 2 * ROUNDS * PAGE);
}
