/*
 * Native calls (lib/kage_abi.h) for the servers and the kernel tests: the
 * one interface through which server code reaches the kernel. Results
 * are >= 0 or a negative errno.
 *
 * Two implementations. In user programs (MODE=micro servers, the kernel
 * test root task) each call is an ecall, and a server's receive loop is
 * lib/native_user.c's. Compiled with KAGE_NATIVE_DIRECT (MODE=mono: the
 * servers linked into the kernel) each call is a function call into the
 * kernel (kernel/kserver_native.c), and the kernel calls the server's
 * handler instead of a receive loop.
 */
#ifndef KAGE_LIB_NATIVE_H
#define KAGE_LIB_NATIVE_H

#include <stddef.h>
#include <stdint.h>
#include "lib/kage_abi.h"

#ifdef KAGE_NATIVE_DIRECT
/* Seven arguments in a[0..6]; a[0..5] come back (kernel/kserver_native.c). */
long native_direct(uint64_t nr, uint64_t a[7]);

static inline long native_call7(uint64_t nr, uint64_t a[7])
{
	return native_direct(nr, a);
}

/*
 * caller_read and caller_write, the commonest native calls (every buffer
 * of a read or write), as one function call with no words to marshal.
 */
long native_caller_copy(uint64_t token, uint64_t va, uint64_t buf, uint64_t len, int write);

static inline long native_call4(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	uint64_t a[7] = { a0, a1, a2, a3, 0, 0, 0 };

	return native_direct(nr, a);
}

/* Where a server keeps memory of its own (native_space_map of KAGE_HANDLE_SELF_SPACE). */
#define NATIVE_SELF_BASE 0xffffffe800000000ul	/* the kernel's server window, kernel/srvmem.h */
#else
#define NATIVE_SELF_BASE 0x1000000000ul		/* in its own space */

static inline long native_call4(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t r_a0 __asm__("a0") = a0;
	register uint64_t r_a1 __asm__("a1") = a1;
	register uint64_t r_a2 __asm__("a2") = a2;
	register uint64_t r_a3 __asm__("a3") = a3;
	register uint64_t r_a7 __asm__("a7") = nr;

	__asm__ volatile("ecall"
			 : "+r"(r_a0)
			 : "r"(r_a1), "r"(r_a2), "r"(r_a3), "r"(r_a7)
			 : "t0", "t1", "t2", "t3", "t4", "t5", "t6", "memory");	/* lib/kage_abi.h: it may change them */
	return (long)r_a0;
}

/* What the kernel leaves in a0-a7 and t0-t2 (a received message's registers, lib/kage_abi.h). */
struct native_regs {
	uint64_t a0, a1, a2, a3, a4, a5, a6, a7, t0, t1, t2;
};

/* The ecall of every native call with more than four arguments: a0-a6 from a[0..6], the number in a7. */
static inline struct native_regs native_ecall(uint64_t nr, const uint64_t a[7])
{
	register uint64_t a0 __asm__("a0") = a[0];
	register uint64_t a1 __asm__("a1") = a[1];
	register uint64_t a2 __asm__("a2") = a[2];
	register uint64_t a3 __asm__("a3") = a[3];
	register uint64_t a4 __asm__("a4") = a[4];
	register uint64_t a5 __asm__("a5") = a[5];
	register uint64_t a6 __asm__("a6") = a[6];
	register uint64_t a7 __asm__("a7") = nr;
	register uint64_t t0 __asm__("t0");
	register uint64_t t1 __asm__("t1");
	register uint64_t t2 __asm__("t2");

	__asm__ volatile("ecall"
			 : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5), "+r"(a6), "+r"(a7),
			   "=r"(t0), "=r"(t1), "=r"(t2)
			 :
			 : "t3", "t4", "t5", "t6", "memory");	/* a native call may change them */
	return (struct native_regs){ a0, a1, a2, a3, a4, a5, a6, a7, t0, t1, t2 };
}

/*
 * Seven arguments in a[0..6] (a0-a6); a0-a5 come back in a[0..5] (ipc_call
 * returns its reply words there). Every native call but ipc_recv and
 * ipc_reply_recv goes through here.
 */
static inline long native_call7(uint64_t nr, uint64_t a[7])
{
	const struct native_regs r = native_ecall(nr, a);

	a[0] = r.a0, a[1] = r.a1, a[2] = r.a2, a[3] = r.a3, a[4] = r.a4, a[5] = r.a5;
	return (long)r.a0;
}
#endif
#define NATIVE_SELF_SIZE (32ul << 30)

static inline long native_call6(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
				uint64_t a4, uint64_t a5)
{
	uint64_t a[7] = { a0, a1, a2, a3, a4, a5, 0 };

	return native_call7(nr, a);
}

static inline long native_call(uint64_t nr, uint64_t a0, uint64_t a1)
{
	return native_call4(nr, a0, a1, 0, 0);
}

static inline long native_handle_close(long h)
{
	return native_call(KAGE_SYS_HANDLE_CLOSE, (uint64_t)h, 0);
}

static inline long native_space_clone(long space)
{
	return native_call(KAGE_SYS_SPACE_CLONE, (uint64_t)space, 0);
}

static inline long native_space_read(long space, uint64_t va, void *buf, uint64_t len)
{
	return native_call6(KAGE_SYS_SPACE_READ, (uint64_t)space, va, (uint64_t)buf, len, 0, 0);
}

/* Copies from / to the memory of the task whose call `token` names (KAGE_COPY_CALLER). */
static inline long native_caller_read(uint64_t token, uint64_t va, void *buf, uint64_t len)
{
#ifdef KAGE_NATIVE_DIRECT
	return native_caller_copy(token, va, (uint64_t)buf, len, 0);
#else
	return native_call6(KAGE_SYS_SPACE_READ, token, va, (uint64_t)buf, len, KAGE_COPY_CALLER, 0);
#endif
}

static inline long native_caller_write(uint64_t token, uint64_t va, const void *buf, uint64_t len)
{
#ifdef KAGE_NATIVE_DIRECT
	return native_caller_copy(token, va, (uint64_t)buf, len, 1);
#else
	return native_call6(KAGE_SYS_SPACE_WRITE, token, va, (uint64_t)buf, len, KAGE_COPY_CALLER, 0);
#endif
}

static inline long native_space_write(long space, uint64_t va, const void *buf, uint64_t len)
{
	return native_call6(KAGE_SYS_SPACE_WRITE, (uint64_t)space, va, (uint64_t)buf, len, 0, 0);
}

/* Writes only where the space's own code could write (results of system calls). */
static inline long native_space_write_user(long space, uint64_t va, const void *buf, uint64_t len)
{
	return native_call6(KAGE_SYS_SPACE_WRITE, (uint64_t)space, va, (uint64_t)buf, len, KAGE_COPY_AS_USER, 0);
}

static inline void native_putc(char c)
{
	native_call(KAGE_SYS_DEBUG_PUTC, (unsigned char)c, 0);
}

static inline long native_stats(struct kage_stats *st)
{
	return native_call(KAGE_SYS_STATS, (uint64_t)st, sizeof(*st));
}

__attribute__((noreturn)) static inline void native_exit(long status)
{
	native_call(KAGE_SYS_TASK_EXIT, (uint64_t)status, 0);
	for (;;)
		;
}

/* What a space holds now (pages, page tables, regions): the bytes filled. */
static inline long native_space_stat(long space, struct kage_space_stat *st)
{
	return native_call4(KAGE_SYS_SPACE_STAT, (uint64_t)space, (uint64_t)st, sizeof(*st), 0);
}

static inline long native_space_map(long space, uint64_t va, uint64_t size, unsigned prot)
{
	return native_call4(KAGE_SYS_SPACE_MAP, (uint64_t)space, va, size, prot);
}

static inline long native_space_unmap(long space, uint64_t va, uint64_t size)
{
	return native_call4(KAGE_SYS_SPACE_UNMAP, (uint64_t)space, va, size, 0);
}

static inline long native_space_create(void)
{
	return native_call(KAGE_SYS_SPACE_CREATE, 0, 0);
}

static inline long native_space_protect(long space, uint64_t va, uint64_t size, unsigned prot)
{
	return native_call4(KAGE_SYS_SPACE_PROTECT, (uint64_t)space, va, size, prot);
}

/* A task's CPU time in ticks (KAGE_TICK_HZ): ticks[0] user, ticks[1] system. 0 or a negative errno. */
static inline long native_task_times(long task, uint64_t ticks[2])
{
	return native_call(KAGE_SYS_TASK_TIMES, (uint64_t)task, (uint64_t)ticks);
}

/* mremap's kernel part (kernel/space.h, space_remap): 0 or a negative errno. */
static inline long native_space_remap(long space, uint64_t from, uint64_t size, uint64_t to, uint64_t new_size)
{
	return native_call6(KAGE_SYS_SPACE_REMAP, (uint64_t)space, from, size, to, new_size, 0);
}

/* task_sched (lib/kage_abi.h): a task's hart mask, a new one (the old is the answer), or its last hart. */
static inline long native_task_sched(long task, unsigned op, uint64_t mask)
{
	return native_call4(KAGE_SYS_TASK_SCHED, (uint64_t)task, op, mask, 0);
}

/* membarrier: every hart running a task of `space` (-1: any user task) has fenced when this returns. */
static inline long native_space_barrier(long space)
{
	return native_call(KAGE_SYS_SPACE_BARRIER, (uint64_t)space, 0);
}

/* riscv_flush_icache: every hart's instruction fetches see the stores made before this call. */
static inline long native_icache_sync(long space)
{
	return native_call(KAGE_SYS_SPACE_BARRIER, (uint64_t)space, KAGE_BARRIER_ICACHE);
}

/* A space's mappings from `from` on into r[0..n) (lib/kage_abi.h, struct kage_range): how many, or a negative errno. */
static inline long native_space_ranges(long space, uint64_t from, struct kage_range *r, uint64_t n)
{
	return native_call4(KAGE_SYS_SPACE_RANGES, (uint64_t)space, from, (uint64_t)r, n);
}

/* Routes the Linux calls of ep set in which[] to `to` (-1: no more route): 0 or a negative errno. */
static inline long native_ep_route(long ep, long to, const uint64_t which[KAGE_ROUTE_WORDS])
{
	return native_call4(KAGE_SYS_EP_ROUTE, (uint64_t)ep, (uint64_t)to, (uint64_t)which, 0);
}

static inline long native_space_map_phys(long space, uint64_t va, long mem, uint64_t offset, uint64_t size,
					 unsigned prot)
{
	return native_call6(KAGE_SYS_SPACE_MAP_PHYS, (uint64_t)space, va, (uint64_t)mem, offset, size, prot);
}

/* A task of no role (KAGE_SERVER_OTHER), "task" in the kernel's messages: a program, a helper. */
static inline long native_task_create(long space, uint64_t pc, uint64_t sp)
{
	return native_call6(KAGE_SYS_TASK_CREATE, (uint64_t)space, pc, sp, 0, KAGE_SERVER_OTHER, 0);
}

/*
 * The same, with a name for the kernel's messages (15 characters kept)
 * and what the task is (KAGE_SERVER_*), whose counters the messages it
 * receives go to: how a server is started.
 */
static inline long native_task_create_named(long space, uint64_t pc, uint64_t sp, const char *name,
					    unsigned role)
{
	return native_call6(KAGE_SYS_TASK_CREATE, (uint64_t)space, pc, sp, (uint64_t)name, role, 0);
}

static inline long native_task_clone(long task, long space)
{
	return native_call(KAGE_SYS_TASK_CLONE, (uint64_t)task, (uint64_t)space);
}

static inline long native_task_exec(long task, long space, uint64_t pc, uint64_t sp)
{
	return native_call4(KAGE_SYS_TASK_EXEC, (uint64_t)task, (uint64_t)space, pc, sp);
}

static inline long native_task_kill(long task, long status)
{
	return native_call(KAGE_SYS_TASK_KILL, (uint64_t)task, (uint64_t)status);
}

static inline long native_task_resume(long task)
{
	return native_call(KAGE_SYS_TASK_RESUME, (uint64_t)task, 0);
}

static inline long native_task_regs(long task, unsigned op, struct kage_regs *r)
{
	return native_call4(KAGE_SYS_TASK_REGS, (uint64_t)task, op, (uint64_t)r, 0);
}

static inline long native_task_fpregs(long task, unsigned op, struct kage_fpregs *r)
{
	return native_call4(KAGE_SYS_TASK_REGS, (uint64_t)task, op, (uint64_t)r, 0);
}

static inline long native_task_alert(long task, unsigned flags)
{
	return native_call(KAGE_SYS_TASK_ALERT, (uint64_t)task, flags);
}

static inline long native_task_bind(long task, unsigned which, long ep)
{
	return native_call4(KAGE_SYS_TASK_BIND, (uint64_t)task, which, (uint64_t)ep, 0);
}

static inline long native_task_status(long task, long *status)
{
	return native_call(KAGE_SYS_TASK_STATUS, (uint64_t)task, (uint64_t)status);
}

static inline long native_task_yield(void)
{
	return native_call(KAGE_SYS_TASK_YIELD, 0, 0);
}

/* a4 (flags) must be 0 here: native_call4 would leave that register as it was. */
static inline long native_handle_copy(long h, long task, unsigned rights, uint64_t badge)
{
	return native_call6(KAGE_SYS_HANDLE_COPY, (uint64_t)h, (uint64_t)task, rights, badge, 0, 0);
}

/*
 * Copies handle h into the table of the task whose call `token` names (a
 * native ipc_call received and not yet answered): the handle number there,
 * for the reply to carry. -ESRCH for a token not held, -EPERM if that
 * call is not a native ipc_call.
 */
static inline long native_handle_copy_to_caller(long h, uint64_t token, unsigned rights, uint64_t badge)
{
	return native_call6(KAGE_SYS_HANDLE_COPY, (uint64_t)h, token, rights, badge, KAGE_HANDLE_TO_CALLER, 0);
}

/* A memory object of `size` bytes of zeroed frames (whole pages): its handle. */
static inline long native_mem_create(uint64_t size)
{
	return native_call(KAGE_SYS_MEM_CREATE, size, 0);
}

/* Copies len bytes (at most KAGE_COPY_MAX) from buf into a frame-backed object at offset. */
static inline long native_mem_write(long mem, uint64_t offset, const void *buf, uint64_t len)
{
	return native_call4(KAGE_SYS_MEM_WRITE, (uint64_t)mem, offset, (uint64_t)buf, len);
}

/*
 * Copies len bytes of an object from offset into `space` at va, as
 * space_write does (flags 0: wherever mapped; KAGE_COPY_AS_USER: only
 * where that space's code may write). KAGE_HANDLE_SELF_SPACE with a
 * pointer of this program copies into its own memory, in either mode.
 */
static inline long native_mem_read(long mem, uint64_t offset, long space, uint64_t va, uint64_t len,
				   unsigned flags)
{
	return native_call6(KAGE_SYS_MEM_READ, (uint64_t)mem, offset, (uint64_t)space, va, len, flags);
}

/* A handle, with this one's rights, to bytes [offset, offset + size) of an object. */
static inline long native_mem_slice(long mem, uint64_t offset, uint64_t size)
{
	return native_call4(KAGE_SYS_MEM_SLICE, (uint64_t)mem, offset, size, 0);
}

/* Passes the call `token` names on to ep: unchanged (words NULL), or as a CALL with eight new words. */
static inline long native_ipc_forward(uint64_t token, long ep, const uint64_t words[8])
{
	return native_call4(KAGE_SYS_IPC_FORWARD, token, (uint64_t)ep, (uint64_t)words, 0);
}

/* The same, the call held on where it goes (KAGE_FORWARD_HOLD): signals wait until it is let go or answered. */
static inline long native_ipc_forward_held(uint64_t token, long ep, const uint64_t words[8])
{
	return native_call4(KAGE_SYS_IPC_FORWARD, token, (uint64_t)ep, (uint64_t)words, KAGE_FORWARD_HOLD);
}

/*
 * A held call is let go before it waits (KAGE_SYS_IPC_HOLD): 0, or 1
 * when a signal was waiting and has now interrupted it (nobody to answer).
 */
static inline long native_ipc_let_go(uint64_t token)
{
	return native_call(KAGE_SYS_IPC_HOLD, token, KAGE_HOLD_LET_GO);
}

/* Whether a signal waits to interrupt a held call (KAGE_HOLD_ASK): 1, 0, or -ESRCH. */
static inline long native_ipc_interrupt_waits(uint64_t token)
{
	return native_call(KAGE_SYS_IPC_HOLD, token, KAGE_HOLD_ASK);
}

/* The system log from pos (kernel/logbuf.h): bytes copied to buf; bounds[2], if given, the oldest kept and the end. */
static inline long native_log_read(uint64_t pos, void *buf, uint64_t len, uint64_t bounds[2])
{
	return native_call4(KAGE_SYS_LOG_READ, pos, (uint64_t)buf, len, (uint64_t)bounds);
}

static inline long native_ep_create(void)
{
	return native_call(KAGE_SYS_EP_CREATE, 0, 0);
}

/* Sends six words on ep and waits; the six reply words land in reply[] (if not NULL). */
static inline long native_ipc_call(long ep, const uint64_t w[6], uint64_t reply[6])
{
	uint64_t a[7] = { (uint64_t)ep, w[0], w[1], w[2], w[3], w[4], w[5] };
	long r = native_call7(KAGE_SYS_IPC_CALL, a);

	if (reply)
		for (int i = 0; i < 6; i++)
			reply[i] = a[i];
	return r;
}

#ifndef KAGE_NATIVE_DIRECT
/*
 * The message a receive left in r. Filled even on an error (then kind and
 * the words are meaningless), so m is never undefined.
 */
static inline void native_msg_of(struct kage_msg *m, const struct native_regs *r)
{
	m->token = r->a0, m->badge = r->a1, m->kind = (long)r->a0 > 0 ? r->a2 : ~0ull;
	m->w[0] = r->a3, m->w[1] = r->a4, m->w[2] = r->a5, m->w[3] = r->a6;
	m->w[4] = r->a7, m->w[5] = r->t0, m->w[6] = r->t1, m->w[7] = r->t2;
}

/* A native call with a0-a6 from a[] that ends in a receive: the message, as lib/kage_abi.h lays it out. */
static inline long native_call_recv(uint64_t nr, const uint64_t a[7], struct kage_msg *m)
{
	const struct native_regs r = native_ecall(nr, a);

	native_msg_of(m, &r);
	return (long)r.a0;
}

/*
 * Answers `token` (0: nothing to answer) with five words, then waits for
 * the next message on ep. Returns its token (> 0) or a negative errno.
 * (User programs only: servers receive through native_serve.)
 */
static inline long native_ipc_reply_recv(long ep, uint64_t token, const uint64_t w[5], struct kage_msg *m)
{
	const uint64_t a[7] = { (uint64_t)ep, token, w ? w[0] : 0, w ? w[1] : 0, w ? w[2] : 0, w ? w[3] : 0,
				w ? w[4] : 0 };

	return native_call_recv(KAGE_SYS_IPC_REPLY_RECV, a, m);
}

/*
 * Answers the Linux call `token` with `answer` alone (its caller gets a0
 * and nothing else, so a3-a6 are not set), then waits for the next
 * message on ep as native_ipc_reply_recv does: its registers, as
 * native_call_recv lays them out (a0 its token or a negative errno).
 */
static inline struct native_regs native_ipc_answer_recv(long ep, uint64_t token, uint64_t answer)
{
	register uint64_t a0 __asm__("a0") = (uint64_t)ep;
	register uint64_t a1 __asm__("a1") = token;
	register uint64_t a2 __asm__("a2") = answer;
	register uint64_t a3 __asm__("a3");
	register uint64_t a4 __asm__("a4");
	register uint64_t a5 __asm__("a5");
	register uint64_t a6 __asm__("a6");
	register uint64_t a7 __asm__("a7") = KAGE_SYS_IPC_REPLY_RECV;
	register uint64_t t0 __asm__("t0");
	register uint64_t t1 __asm__("t1");
	register uint64_t t2 __asm__("t2");

	__asm__ volatile("ecall"
			 : "+r"(a0), "+r"(a1), "+r"(a2), "=r"(a3), "=r"(a4), "=r"(a5), "=r"(a6), "+r"(a7),
			   "=r"(t0), "=r"(t1), "=r"(t2)
			 :
			 : "t3", "t4", "t5", "t6", "memory");
	return (struct native_regs){ a0, a1, a2, a3, a4, a5, a6, a7, t0, t1, t2 };
}

/*
 * Answers `token` with `answer` once len bytes of buf are in its caller's
 * memory at va, then waits on ep as native_ipc_reply_recv does; an error
 * means nothing was answered or received (lib/kage_abi.h). Servers use
 * native_answer_copy.
 */
static inline long native_ipc_reply_copy_recv(long ep, uint64_t token, uint64_t answer, uint64_t va, const void *buf,
					      uint64_t len, struct kage_msg *m)
{
	const uint64_t a[7] = { (uint64_t)ep, token, answer, va, (uint64_t)buf, len, 0 };

	return native_call_recv(KAGE_SYS_IPC_REPLY_COPY_RECV, a, m);
}

static inline long native_ipc_recv(long ep, struct kage_msg *m)
{
	return native_ipc_reply_recv(ep, 0, 0, m);
}

/*
 * Forwards the call `token` names to ep, unchanged (flags: KAGE_FORWARD_*
 * but RECV), then waits for the next message on recv_ep
 * (KAGE_FORWARD_RECV): that message's token (> 0), or the forward's
 * error, and then nothing was received. Servers use native_ipc_pass.
 */
static inline long native_ipc_forward_recv(uint64_t token, long ep, uint64_t flags, long recv_ep,
					   struct kage_msg *m)
{
	const uint64_t a[7] = { token, (uint64_t)ep, 0, flags | KAGE_FORWARD_RECV, (uint64_t)recv_ep, 0, 0 };

	return native_call_recv(KAGE_SYS_IPC_FORWARD, a, m);
}
#endif

static inline long native_ipc_reply(uint64_t token, const uint64_t w[6])
{
	uint64_t a[7] = { token, w[0], w[1], w[2], w[3], w[4], w[5] };

	return native_call7(KAGE_SYS_IPC_REPLY, a);
}

static inline long native_notif_create(void)
{
	return native_call(KAGE_SYS_NOTIF_CREATE, 0, 0);
}

static inline long native_notif_wait(long n)
{
	return native_call(KAGE_SYS_NOTIF_WAIT, (uint64_t)n, 0);
}

static inline long native_notif_signal(long n, uint64_t bits)
{
	return native_call(KAGE_SYS_NOTIF_SIGNAL, (uint64_t)n, bits);
}

static inline long native_irq_bind(long irq, long n, uint64_t bits)
{
	return native_call4(KAGE_SYS_IRQ_BIND, (uint64_t)irq, (uint64_t)n, bits, 0);
}

static inline long native_irq_ack(long irq)
{
	return native_call(KAGE_SYS_IRQ_ACK, (uint64_t)irq, 0);
}

static inline long native_timer_notify(long n, uint64_t ns, uint64_t bits)
{
	return native_call4(KAGE_SYS_TIMER_NOTIFY, (uint64_t)n, ns, bits, 0);
}

/* What a server is built from besides the calls: boot items, its serving loop, time, heap, messages. */
#include "lib/native_server.h"

#endif
