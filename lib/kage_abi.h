/*
 * The native call ABI, shared by the kernel and the programs that use it.
 *
 * A native call is an ecall with a7 = KAGE_SYS(n). The numbers start far
 * above every Linux system call number (Linux riscv64 stays below 1024),
 * so any other a7 is a Linux call to forward. Arguments in a0-a5 (a6 too
 * for IPC words); the result comes back in a0: >= 0 on success, a negative errno
 * (lib/errno.h) on failure. Pointers are user addresses of the caller's
 * own space; a bad one gives -EFAULT.
 *
 * Registers: a native call keeps every register but those it returns
 * values in and t0-t6, which it may change (the kernel's entry does not
 * save them for a native call, kernel/trapvec.S: 7 instructions a call,
 * 14 an IPC round trip). What comes back in t0-t6 is the caller's own,
 * from the call or an earlier trap, with one exception: a receive that
 * brings a Linux call (KAGE_MSG_SYSCALL) may leave t3-t6 as that call's
 * caller had them, since its server reaches the caller's memory through
 * the call anyway (4 instructions a call). A Linux call keeps every
 * register but a0, as Linux's ABI says.
 */
#ifndef KAGE_LIB_KAGE_ABI_H
#define KAGE_LIB_KAGE_ABI_H

#ifndef __ASSEMBLY__
#include <stdint.h>
#endif

#define KAGE_SYS_BASE 0x4b470000	/* "KG" */
#define KAGE_SYS(n) (KAGE_SYS_BASE + (n))
#define KAGE_SYS_COUNT 64

#define KAGE_SYS_DEBUG_PUTC KAGE_SYS(0)	/* a0: byte to the kernel console */
#define KAGE_SYS_TASK_EXIT KAGE_SYS(1)	/* a0: status; ends the calling task */
#define KAGE_SYS_STATS KAGE_SYS(2)	/* a0: struct kage_stats * to fill, a1: its size (0: the first six words) */
#define KAGE_SYS_HANDLE_CLOSE KAGE_SYS(3)	/* a0: handle */
#define KAGE_SYS_SPACE_CLONE KAGE_SYS(4)	/* a0: space handle (read); result: handle of the copy */
#define KAGE_SYS_SPACE_READ KAGE_SYS(5)	/* a0: space (read) or token, a1: its address, a2: my buffer, a3: length, a4: KAGE_COPY_* */
#define KAGE_SYS_SPACE_WRITE KAGE_SYS(6)	/* a0: space (write) or token, a1: its address, a2: my buffer, a3: length, a4: KAGE_COPY_* */
#define KAGE_SYS_SPACE_MAP KAGE_SYS(7)	/* a0: space (write), a1: address, a2: size, a3: KAGE_PROT_* */
#define KAGE_SYS_SPACE_UNMAP KAGE_SYS(8)	/* a0: space (write), a1: address, a2: size */
#define KAGE_SYS_NULL KAGE_SYS(9)	/* does nothing: the cost of a native call itself */
#define KAGE_SYS_SPACE_CREATE KAGE_SYS(10)	/* result: handle of a new empty space */
#define KAGE_SYS_SPACE_PROTECT KAGE_SYS(11)	/* a0: space (write), a1: address, a2: size, a3: KAGE_PROT_* or 0 */
#define KAGE_SYS_SPACE_MAP_PHYS KAGE_SYS(12)	/* a0: space (write), a1: address, a2: memory handle, a3: offset, a4: size, a5: prot */
#define KAGE_SYS_TASK_CREATE KAGE_SYS(13)	/* a0: space (write), a1: pc, a2: sp, a3: name or 0, a4: KAGE_SERVER_*; result: handle of a suspended task */
#define KAGE_SYS_TASK_CLONE KAGE_SYS(14)	/* a0: task (read), a1: space (write); result: handle of a suspended copy */
#define KAGE_SYS_TASK_EXEC KAGE_SYS(15)	/* a0: task (write), a1: space (write), a2: pc, a3: sp */
#define KAGE_SYS_TASK_KILL KAGE_SYS(16)	/* a0: task (write), a1: status */
#define KAGE_SYS_TASK_RESUME KAGE_SYS(17)	/* a0: task (write) */
#define KAGE_SYS_TASK_REGS KAGE_SYS(18)	/* a0: task, a1: KAGE_REGS_GET (read) or _SET (write), a2: struct kage_regs * */
#define KAGE_SYS_TASK_BIND KAGE_SYS(19)	/* a0: task (write), a1: KAGE_BIND_*, a2: endpoint (send), whose badge is used */
#define KAGE_SYS_EP_CREATE KAGE_SYS(20)	/* result: handle of a new endpoint */
#define KAGE_SYS_IPC_CALL KAGE_SYS(21)	/* a0: endpoint (send), a1-a6: words; reply words in a0-a5 */
#define KAGE_SYS_IPC_RECV KAGE_SYS(22)	/* a0: endpoint (recv); a message in registers, see below */
#define KAGE_SYS_IPC_REPLY KAGE_SYS(23)	/* a0: token, a1-a6: reply words */
#define KAGE_SYS_IPC_REPLY_RECV KAGE_SYS(24)	/* a0: endpoint (recv), a1: token or 0, a2-a6: reply words */
#define KAGE_SYS_NOTIF_CREATE KAGE_SYS(25)	/* result: handle of a new notification */
#define KAGE_SYS_NOTIF_WAIT KAGE_SYS(26)	/* a0: notification (read); result: the bits taken */
#define KAGE_SYS_NOTIF_SIGNAL KAGE_SYS(27)	/* a0: notification (write), a1: bits */
#define KAGE_SYS_IRQ_BIND KAGE_SYS(28)	/* a0: irq (write), a1: notification (write) or -1 to unbind, a2: bits */
#define KAGE_SYS_IRQ_ACK KAGE_SYS(29)	/* a0: irq (write) */
#define KAGE_SYS_TIMER_NOTIFY KAGE_SYS(30)	/* a0: notification (write), a1: delay in ns, a2: bits (0: cancel its timer); see below */
#define KAGE_SYS_HANDLE_COPY KAGE_SYS(31)	/* a0: handle (grant), a1: task (write), -1: self, or token (a4 KAGE_HANDLE_TO_CALLER), a2: rights mask, a3: badge */
#define KAGE_SYS_TASK_STATUS KAGE_SYS(32)	/* a0: task (read); result: KAGE_TASK_* state, status to *a1 */
#define KAGE_SYS_TASK_YIELD KAGE_SYS(33)	/* the caller goes to the back of the run queue */
#define KAGE_SYS_IPC_FORWARD KAGE_SYS(34)	/* a0: token, a1: endpoint (send), a2: 8 new words or 0 (unchanged), a3: KAGE_FORWARD_*, a4: endpoint (recv) with KAGE_FORWARD_RECV */
#define KAGE_SYS_TASK_ALERT KAGE_SYS(35)	/* a0: task (write), a1: KAGE_ALERT_* */
#define KAGE_SYS_MEM_CREATE KAGE_SYS(36)	/* a0: size; result: handle of a memory object of zeroed frames */
#define KAGE_SYS_MEM_WRITE KAGE_SYS(37)	/* a0: memory (write), a1: offset, a2: my buffer, a3: length */
#define KAGE_SYS_MEM_READ KAGE_SYS(38)	/* a0: memory (read), a1: offset, a2: space (write), a3: its address, a4: length, a5: KAGE_COPY_AS_USER or 0 */
#define KAGE_SYS_MEM_SLICE KAGE_SYS(39)	/* a0: memory (read), a1: offset, a2: size; result: handle of those bytes, same rights */
#define KAGE_SYS_SPACE_STAT KAGE_SYS(40)	/* a0: space (read), a1: struct kage_space_stat *, a2: its size; result: bytes filled */
#define KAGE_LOG_SIZE (64u << 10)	/* the system log keeps its last this many bytes (log_read) */
#define KAGE_SYS_LOG_READ KAGE_SYS(42)	/* a0: position, a1: my buffer, a2: length, a3: uint64_t[2] for {first, end} or 0; result: bytes copied */
#define KAGE_SYS_IPC_HOLD KAGE_SYS(41)	/* a0: token, a1: KAGE_HOLD_*; result: 1 if letting go interrupted it, or if ASK finds a signal waiting (see below) */
#define KAGE_TICK_HZ 100	/* the kernel's tick: CPU time is counted in these */
#define KAGE_SYS_TASK_TIMES KAGE_SYS(44)	/* a0: task (read), a1: uint64_t[2]: its user and system ticks */
#define KAGE_SYS_SPACE_REMAP KAGE_SYS(43)	/* a0: space (write), a1: from, a2: size, a3: to, a4: new size (>= size); mremap's move or growth */
#define KAGE_SYS_SPACE_RANGES KAGE_SYS(45)	/* a0: space (read), a1: from, a2: struct kage_range *, a3: how many; result: how many filled */
#define KAGE_SYS_EP_ROUTE KAGE_SYS(46)	/* a0: endpoint (recv), a1: endpoint (send) or -1: none, a2: uint64_t[KAGE_ROUTE_WORDS]; see below */
#define KAGE_SYS_TASK_SCHED KAGE_SYS(47)	/* a0: task, a1: KAGE_SCHED_*, a2: a hart mask (SET_AFFINITY); see below */
#define KAGE_SYS_SPACE_BARRIER KAGE_SYS(48)	/* a0: space (read), or -1: every space; a1: 0 or KAGE_BARRIER_ICACHE; see below */
#define KAGE_SYS_IPC_REPLY_COPY_RECV KAGE_SYS(49)	/* a0: endpoint (recv), a1: token, a2: reply word, a3: caller's address, a4: my buffer, a5: length; see below */

/*
 * task_sched: where a task runs. Harts are numbered as Linux numbers its
 * CPUs: the boot hart 0, the others in the order of their ids; a mask has
 * bit n for hart n (at most 64 harts, so a mask is never negative).
 *   GET_AFFINITY  (read)  the harts it may run on, of those online.
 *   SET_AFFINITY  (write) it may run only on the harts of a2 that are
 *                 online (-EINVAL if none is); the answer is the mask
 *                 before. A task that runs where it may no longer is
 *                 moved before it next returns to user mode. task_clone
 *                 copies the mask; task_exec keeps it.
 *   GET_CPU       (read)  the hart it last ran on (getcpu).
 *
 * space_barrier: membarrier. When it returns, every hart that was running
 * a task of the space (or, with -1, any user task) in user mode has
 * executed a full fence since the call began: its stores before are seen
 * by the caller's loads after. Those harts are interrupted (an IPI) and
 * the call waits until each has entered the kernel. With
 * KAGE_BARRIER_ICACHE it is riscv_flush_icache instead: when it returns,
 * every hart's instruction fetches see every store made before the call
 * (a fence.i on each: now on those running the space, before their next
 * space on the others). Other bits of a1: -EINVAL.
 */
#define KAGE_BARRIER_ICACHE 0x1
#define KAGE_SCHED_GET_AFFINITY 0
#define KAGE_SCHED_SET_AFFINITY 1
#define KAGE_SCHED_GET_CPU 2

/*
 * ep_route: the Linux calls sent to the first endpoint whose numbers are
 * set in the bitmap go to the second instead, as if the first one's
 * receiver had forwarded each there at once, unchanged and held
 * (KAGE_FORWARD_HOLD): the same kind, words and badge, and the answer
 * from whoever receives there. A server hands a whole class of its calls
 * to another this way (the process server's descriptor calls to the file
 * server), and each of them skips a hop. While the second endpoint has
 * nobody to receive (its server is gone) those calls come to the first
 * as before. Only Linux calls are routed, and only one hop: an endpoint
 * that routes cannot be routed to, nor route to itself (-EINVAL), so no
 * cycle of routes can form. -1 removes the route.
 */
#define KAGE_ROUTE_NR 512
#define KAGE_ROUTE_WORDS (KAGE_ROUTE_NR / 64)

/*
 * timer_notify: a notification carries at most one armed one-shot timer.
 * Arming it while it is armed replaces the earlier deadline and bits (it
 * used to add a second timer, up to 64 in the system); bits 0 disarms
 * it. Only memory bounds how many notifications have a timer armed. The
 * timer fires at the first tick (100 Hz) at or after the deadline.
 */

/* Permissions for space_map (the PTE bits, so the kernel needs no translation). */
#define KAGE_PROT_READ 0x2
#define KAGE_PROT_WRITE 0x4
#define KAGE_PROT_EXEC 0x8
/*
 * space_map flag: give every page its frame now, all or nothing
 * (-ENOMEM maps nothing). Memory a server must never fault on (its heap,
 * lib/heap.h) is mapped this way, so running out of frames is an error
 * it can answer, not a fault that ends it.
 */
#define KAGE_MAP_POPULATE 0x400
/*
 * space_map_phys flag: map nothing now; each page of the object arrives
 * at its first touch, with the untouched ones around it (a file mmap'd
 * whole, of which a program reads a few pages). Read or execute only.
 */
#define KAGE_MAP_LAZY 0x800

/* Rights a handle may carry (handle_copy narrows them). */
#define KAGE_RIGHT_READ 0x1
#define KAGE_RIGHT_WRITE 0x2
#define KAGE_RIGHT_SEND 0x4
#define KAGE_RIGHT_RECV 0x8
#define KAGE_RIGHT_GRANT 0x10
#define KAGE_RIGHTS_ALL 0x1f

/* Handles a root task starts with; the rest are listed in its struct kage_bootinfo. */
#define KAGE_HANDLE_SELF_SPACE 0
#define KAGE_HANDLE_SELF_TASK 1

/*
 * handle_copy flag (a4): a1 is the reply token of a call the copying task
 * received and has not answered, and the copy goes into the calling
 * task's table (its number is the result, for the reply to carry). Only a
 * task that made a native ipc_call can be given a handle this way: a
 * Linux call (forwarded or rewritten), a fault or an alert is -EPERM.
 */
#define KAGE_HANDLE_TO_CALLER 0x1

/* task_regs operations and task_bind slots. */
#define KAGE_REGS_GET 0
#define KAGE_REGS_SET 1
#define KAGE_REGS_FP_GET 2	/* struct kage_fpregs instead */
#define KAGE_REGS_FP_SET 3
#define KAGE_BIND_PERSONALITY 0	/* where its non-native ecalls go */
#define KAGE_BIND_EXCEPTION 1	/* where its unresolved faults go */

/* task_status states. */
#define KAGE_TASK_SUSPENDED 0
#define KAGE_TASK_ALIVE 1
#define KAGE_TASK_DEAD 2

/*
 * Message kinds, as ipc_recv returns them in a2, and what the eight words
 * (a3-a7, t0-t2) hold:
 *   CALL     w0-w5: the caller's a1-a6 (w6, w7 zero); the reply's six words
 *            land in the caller's a0-a5.
 *   SYSCALL  w0: Linux system call number (a7), w1-w6: a0-a5, w7: pc of
 *            the ecall; the reply's first word lands in a0, nothing else
 *            changes.
 *   FAULT    w0: scause, w1: stval, w2: pc, w3: why the kernel could not
 *            resolve it: -ENOMEM when the page may be used but no frame
 *            was free for it (a reply retries, and may succeed once memory
 *            is freed), -EFAULT for a real fault. A reply retries the
 *            faulting instruction (after the handler fixed things with
 *            task_regs or space_map), task_kill ends the task.
 *   ALERT    w0: the a0 of the task's last forwarded Linux call, w1: pc
 *            (see task_alert below); a reply resumes the task.
 */
#define KAGE_MSG_CALL 0
#define KAGE_MSG_SYSCALL 1
#define KAGE_MSG_FAULT 2
#define KAGE_MSG_ALERT 3

/*
 * task_alert: the task stops before it next runs user code and sends an
 * ALERT to its personality endpoint (w0: the a0 its last forwarded Linux
 * call had, w1: pc). While the alert waits for its reply the task's
 * registers can be read and changed (this is how a process server
 * delivers signals); the reply resumes it with them, nothing written.
 * A task waiting for the answer of the alerting server itself is alerted
 * when that answer comes. KAGE_ALERT_INTERRUPT also ends a Linux call
 * waiting in another server: the task's a0 becomes -KAGE_ERESTART and
 * that server's reply token goes stale; a call not yet received is
 * simply taken back (pc on its ecall again).
 */
#define KAGE_ALERT_INTERRUPT 0x1
/*
 * Held calls. As a Linux call is interrupted only where it sleeps, a
 * held call is not interrupted by KAGE_ALERT_INTERRUPT: the alert waits
 * for its answer, and the call ends with its own result (a regular-file
 * read moved in pieces must not lose what it moved, a close must not
 * say EINTR). The process server forwards file calls with
 * KAGE_FORWARD_HOLD; the file server lets go of one that is about to wait
 * (ipc_hold with a1 0: a pipe, a poll), and an interrupt that waited is
 * done then (result 1: the token is stale, the call is the signal's). A
 * forward without the flag lets go too (the console's reads). Killing
 * the task still ends it. -ESRCH: no such call waits.
 */
#define KAGE_FORWARD_HOLD 0x1
/*
 * ipc_hold's a1. ASK leaves the call held and answers 1 when an interrupt
 * waits for it: a server that moves a long call in pieces (the console's
 * writes) then ends it short with what it moved, as Linux's terminal
 * does, rather than making the signal wait for the whole of it.
 */
#define KAGE_HOLD_LET_GO 0
#define KAGE_HOLD_KEEP 1
#define KAGE_HOLD_ASK 2
/*
 * ipc_forward, then ipc_reply_recv with token 0 on the endpoint in a4, in
 * one request: a server whose handler ends by passing its call on takes
 * its next message without a second trap. The result is that message's,
 * in the registers reply_recv fills. A forward that fails returns its
 * error and nothing is received (the call is still the forwarder's); a
 * bad a4 fails before anything is forwarded.
 */
#define KAGE_FORWARD_RECV 0x2
#define KAGE_ERESTART 512

/*
 * What a task is, for the event counters (struct kage_counters.received,
 * struct kage_stats.server_pages): whoever creates a task says it
 * (task_create's a4; the build for the root task, boot/modules.S), a
 * clone is what its original is. It gives no right. 0 is a task like any
 * other: helpers, programs, the kernel tests' children.
 */
#define KAGE_SERVER_OTHER 0
#define KAGE_SERVER_PROC 1	/* the process server (and the root task of the kernel test Image) */
#define KAGE_SERVER_FS 2
#define KAGE_SERVER_CONSOLE 3
#define KAGE_SERVERS 4

/*
 * Where a server keeps memory of its own (its heap, lib/heap.h): the part
 * of its self window (lib/native.h NATIVE_SELF_BASE) numbered by its role,
 * [role * KAGE_SERVER_WINDOW, (role + 1) * KAGE_SERVER_WINDOW). In micro
 * each server has its own space and the rule only keeps the layouts alike;
 * in mono the servers share the kernel's server window (kernel/srvmem.h),
 * and this is how it is split, and how the kernel counts each one's pages.
 */
#define KAGE_SERVER_WINDOW (8ul << 30)

#ifndef __ASSEMBLY__
/* A bitmap of Linux numbers (ep_route's, and a server's plain calls): a bit per number, 64 to a word. */
static inline void kage_nr_set(uint64_t *map, uint64_t nr)
{
	map[nr / 64] |= 1ull << (nr % 64);
}

/* Whether nr, below count (the bitmap's size in bits), is set in map. */
static inline int kage_nr_has(const uint64_t *map, uint64_t count, uint64_t nr)
{
	return nr < count && (map[nr / 64] >> (nr % 64) & 1);
}

struct kage_msg {
	uint64_t token;		/* for ipc_reply; > 0 */
	uint64_t badge;
	uint64_t kind;
	uint64_t w[8];
};

/*
 * A task's user registers, indexed by register number: x[n] is register
 * xn (x[2] is sp, x[10] a0). x0 always reads as zero, so its slot carries
 * pc: the layout of Linux's struct user_regs_struct and of a signal
 * frame's uc_mcontext.
 */
struct kage_regs {
	uint64_t x[32];
};

#define KAGE_REG_PC 0	/* the slot of x0 */
#define KAGE_REG_RA 1
#define KAGE_REG_SP 2
#define KAGE_REG_TP 4
#define KAGE_REG_A0 10
#define KAGE_REG_A1 11
#define KAGE_REG_A2 12
#define KAGE_REG_A7 17

/* A task's FP registers: f0-f31 as 64-bit values, then fcsr. */
struct kage_fpregs {
	uint64_t f[32];
	uint64_t fcsr;
};

/* What the kernel gives the root task (pointer in a1 at entry). */
#define KAGE_BOOT_MODULE 1	/* an ELF file from the Image: memory handle, read-only; aux[0] its KAGE_SERVER_* */
#define KAGE_BOOT_INITRD 2	/* the initramfs: memory handle, read-only */
#define KAGE_BOOT_UART 3	/* the console UART's registers: memory handle, read-write */
#define KAGE_BOOT_IRQ 4		/* an interrupt source: irq handle; aux[0] is its number */
#define KAGE_BOOT_ENDPOINT 5	/* an endpoint, named (servers started by the process server) */
#define KAGE_BOOT_RTC 6		/* a goldfish real-time clock's registers: memory handle, read-only */
#define KAGE_BOOT_DTB 7		/* the device tree the kernel booted with: memory handle, read-only; aux[0] the boot hart */
#define KAGE_BOOT_MAX 16

struct kage_bootitem {
	uint32_t kind;
	int32_t handle;
	uint64_t base, size;	/* physical range (memory handles) */
	/*
	 * UART: kind (lib/uart.h), reg-shift, reg-io-width, irq item index; module: role;
	 * device tree: the boot hart's id, then the mask of the ids (below 64) of the harts kage runs on, low and high half.
	 */
	uint32_t aux[4];
	char name[32];
};

/*
 * seed: the device tree's /chosen/rng-seed (what the boot loader or QEMU
 * drew for this boot), for the root task's random generator; seed_len 0
 * when there was none. The kernel keeps no copy once the root task has it.
 */
#define KAGE_BOOT_SEED_MAX 64

struct kage_bootinfo {
	uint32_t nitems;
	uint32_t timebase_hz;
	struct kage_bootitem item[KAGE_BOOT_MAX];
	uint32_t seed_len;
	uint8_t seed[KAGE_BOOT_SEED_MAX];
};

/*
 * space_read/space_write flags: by default space_write writes whatever is
 * mapped (loaders fill read-only text); KAGE_COPY_AS_USER writes only where
 * the space's own code may write (a system call's result), else -EFAULT.
 * KAGE_COPY_CALLER: a0 is the reply token of a call the caller received and
 * has not answered, and the copy is with the calling task's space, as that
 * task itself could do it (implies AS_USER). This is how a server reaches a
 * client's buffers without holding a handle to its space; the right ends
 * with the answer. A copy of 0 bytes checks that the token is still good.
 */
#define KAGE_COPY_AS_USER 0x1
#define KAGE_COPY_CALLER 0x2

/*
 * ipc_reply_copy_recv: a server's answer that carries bytes, the way a
 * read is answered. It copies a5 bytes from a4 into the memory of the
 * caller of token a1 at a3, as space_write with KAGE_COPY_CALLER would,
 * then answers that call with a2 (the other reply words 0) and receives
 * on a0, as reply_recv does: one trap where a copy and a reply_recv are
 * two. An error means nothing was answered or received and the call is
 * still the server's to answer: the endpoint's (-EBADF, -EINVAL,
 * -EPERM), the caller gone (-ESRCH), a5 over KAGE_COPY_MAX (-EINVAL), or
 * the copy's (-EFAULT, -ENOMEM).
 */

/* Longest space_read/space_write/mem_read/mem_write in one call. */
#define KAGE_COPY_MAX (1u << 20)

/*
 * Event counters since boot: plain 64-bit counts the kernel keeps on its
 * paths (one hart, so no atomics), read with sys_stats. They say where a
 * Linux call's work goes in each mode (tools/compare, docs/comparison.md).
 */
struct kage_counters {
	/* Traps into the kernel. */
	uint64_t ecall_linux;		/* ecalls with a Linux number: forwarded */
	uint64_t ecall_native;		/* ecalls with a native number */
	uint64_t page_faults;		/* user page faults, resolved in the kernel or not, and (mono)
					 * the kernel's first touches of the servers' window */
	uint64_t interrupts;		/* timer and device interrupts, from user mode or idle */
	uint64_t other_traps;		/* other user exceptions (first FP use, bad instructions) */
	/* Native calls servers in the kernel make as function calls (MODE=mono): ecalls in micro. */
	uint64_t direct_native;
	/* IPC messages sent. */
	uint64_t msg_calls;		/* ipc_call, by a task or a server in the kernel */
	uint64_t msg_syscalls;		/* Linux calls sent to a personality endpoint */
	uint64_t msg_faults;		/* faults sent to an exception endpoint */
	uint64_t msg_alerts;		/* alerts sent (task_alert: signals) */
	uint64_t msg_forwards;		/* calls passed on to another endpoint (ipc_forward) */
	uint64_t msg_replies;		/* answers: ipc_reply, reply_recv, a handler's return */
	uint64_t msg_epipe;		/* calls answered -EPIPE: their server is gone */
	uint64_t notif_signals;		/* notifications signalled: notif_signal, timers, interrupts */
	/* Messages a server took: the handler calls, by KAGE_SERVER_*. */
	uint64_t received[KAGE_SERVERS];
	uint64_t satp_writes;		/* address-space switches (each with an sfence.vma) */
	uint64_t task_switches;		/* returns to user mode in another task than the last */
	uint64_t copies;		/* copies between spaces: space_read/write, call arguments */
	uint64_t copy_bytes;		/* and their bytes */
};

/*
 * sys_stats's answer. It grows at the end only: a caller passes the size
 * it knows, the kernel fills that much (at most its own) and returns how
 * many bytes it wrote. Size 0 means the first version, the six words up
 * to notifications.
 */
struct kage_stats {
	uint64_t frames_free;
	uint64_t frames_used;
	uint64_t tasks;
	uint64_t spaces;
	uint64_t endpoints;
	uint64_t notifications;
	/* Second version. */
	struct kage_counters count;
	/* Pages held by each server (KAGE_SERVER_*): its space's pages and page tables (micro), its share of the server window (mono). */
	uint64_t server_pages[KAGE_SERVERS];
	/* Third version: live kernel objects and memory, so a test can check they came back to a baseline. */
	uint64_t memobjs;		/* memory objects, slices included */
	uint64_t irqs;			/* interrupt objects */
	uint64_t handles;		/* handles installed, in every table */
	uint64_t regions;		/* regions of every space and of the server window */
	uint64_t kalloc_bytes;		/* bytes kzalloc handed out and not freed, by size class (a frame above it) */
	uint64_t kalloc_slabs;		/* frames kalloc holds: its slabs, and one per object above its largest class */
	/* Fourth version: ticks (KAGE_TICK_HZ a second) since boot, charged as kernel/cputime.h says. */
	uint64_t ticks_user, ticks_system, ticks_idle;
	/*
	 * Fifth version: returns to user mode through a switch (sched_switch_to):
	 * a hand-off to a server or back, or the scheduler's pick. A Linux call a
	 * server in the kernel answers at once (MODE=mono) makes none: the task
	 * returns from its own trap.
	 */
	uint64_t sched_switches;
	/* Sixth version: harts space_barrier (membarrier) found running a task of the space, each made to fence. */
	uint64_t barrier_harts;
	/*
	 * Seventh version: instruction-cache syncs (space_icache_sync): a page
	 * made executable with new contents (filled, copied or protected), or
	 * riscv_flush_icache, each a fence.i here and on the other harts.
	 */
	uint64_t icache_syncs;
	/*
	 * Eighth version: what harts cost each other (docs/design.md, "Several
	 * harts"); all 0 with one hart. Times are in the timebase's ticks
	 * (/proc/cpuinfo's timebase, the device tree's timebase-frequency).
	 */
	uint64_t ipis;			/* interrupts sent to other harts: a wake-up, a task taken off, a barrier */
	uint64_t remote_fences;		/* SBI remote fences (sfence.vma or fence.i on other harts), each one call */
	uint64_t lock_waits;		/* kernel entries that found the kernel lock held by another hart */
	uint64_t lock_wait_time;	/* and the time they waited for it, summed over the harts */
	uint64_t lock_sleeps;		/* waits that went on in wfi, past the spin (kernel/klock.h) */
	uint64_t lock_wakes;		/* IPIs a drop of the lock sent to a sleeping waiter */
	/* Ninth version: idle harts woken for work by a store while they polled, with no IPI (kernel/hart.h). */
	uint64_t idle_pokes;
};

#define KAGE_STATS_V1_SIZE (6 * 8)

/*
 * space_stat's answer: what a space holds now, kept by the kernel as it
 * changes (reading it walks nothing). Like kage_stats it grows at the end
 * only; the call fills as much as the caller's size asks for and returns
 * that many bytes. A server in the kernel (MODE=mono) naming its own
 * space (KAGE_HANDLE_SELF_SPACE) gets the server window's figures, which
 * all the servers in the kernel share.
 */
/*
 * space_ranges: what a space maps from an address on, as runs of pages
 * with the same access, ascending, the one holding the address cut to
 * start there. Pages that touch with the same prot and the same
 * KAGE_RANGE_SHARED bit make one range, as Linux's VMAs merge; a call
 * looks at KAGE_RANGES_STEPS pieces (a region, or a page mapped outside
 * every region) at most, and one it cut short ends its last range where
 * the next call, from that end, goes on, so a reader joins a range to
 * the one before it by the same rule. 0 ranges: nothing is mapped there.
 */
#define KAGE_RANGES_STEPS 1024
#define KAGE_RANGE_ZERO_FILL 0x1	/* holds regions: zero-fill memory, a page's frame at its first touch */
#define KAGE_RANGE_DIRECT 0x2		/* holds pages mapped as they are, outside every region (a memory object's) */
#define KAGE_RANGE_SHARED 0x4		/* stores there reach memory others see: a writable mapping of an object */
#define KAGE_RANGE_OBJECT 0x8		/* holds regions of an object's pages, each mapped at its first touch */

struct kage_range {
	uint64_t start, end;	/* page-aligned, end exclusive */
	uint32_t prot;		/* KAGE_PROT_*, as the space's own code may use them (0: no access) */
	uint32_t kind;		/* KAGE_RANGE_* */
};

struct kage_space_stat {
	uint64_t pages;		/* user pages holding a frame (shared ones in each space; device pages not) */
	uint64_t tables;	/* page-table frames, the root included */
	uint64_t regions;	/* zero-fill regions (space_map), after merging */
};

#endif /* __ASSEMBLY__ */

#endif
