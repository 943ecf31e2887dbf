/*
 * Linux signals, kept by the process server (signal.c, signal_calls.c,
 * job.c).
 *
 * A signal is generated (sig_post_thread, sig_post_process) into a
 * thread's own pending set or its process's shared one, with where it
 * came from (struct sig_info; a second instance merges with the first). One that nothing
 * blocks is acted on at once when its action is to end or stop the
 * process; one with a handler makes a thread that does not block it stop
 * before it next runs user code (kernel task_alert, which also ends a
 * call it waits in at another server with -KAGE_ERESTART). The task then
 * sends an ALERT, and sig_alert builds the handler's frame on its stack,
 * laid out as Linux riscv64 lays out struct rt_sigframe, so glibc's
 * handlers and rt_sigreturn work unmodified. The frame returns through a
 * two-instruction page (li a7, 139; ecall) that plays the vDSO's part:
 * riscv64 has no SA_RESTORER.
 *
 * What is whose follows Linux: the actions and the signals sent to the
 * process (kill, SIGCHLD, a key) are the process's; the mask, the signals
 * sent to one thread (tgkill, its faults, SIGPIPE), the alternate stack
 * and sigsuspend's saved mask are the thread's. A process-directed
 * signal waits in the shared set until some thread does not block it.
 */
#ifndef KAGE_SERVERS_PROC_SIGNAL_H
#define KAGE_SERVERS_PROC_SIGNAL_H

#include <stdint.h>
#include "lib/linux_abi.h"

#define SIG_BIT(sig) (1ull << ((sig) - 1))
#define SIG_TRAMP_VA 0x3fff800000ul	/* the return page: above the stack, below the top of user space */

/* Where a pending signal came from, for its siginfo_t. */
struct sig_info {
	int32_t code;		/* si_code: SI_USER, SI_KERNEL, SI_TKILL, CLD_*, SEGV_* */
	int32_t pid;		/* sender, or the child for SIGCHLD */
	int32_t status;		/* SIGCHLD: exit code or signal */
	uint64_t addr;		/* faults: the address */
};

/*
 * What a process's threads share: the signals sent to the process (taken
 * by a thread that does not block them), and whether the handlers' return
 * page is mapped in the current image. The actions are struct process's
 * `act`; where each pending signal came from is its `sig_info`.
 */
struct sig_process {
	uint64_t shared;
	uint8_t tramp;
};

/* One thread's own: its mask, the signals sent to it alone (their sig_info is the thread's). */
struct sig_thread {
	uint64_t blocked;
	uint64_t own;
	uint64_t saved;			/* rt_sigsuspend: the mask to restore after the handler */
	uint8_t restore_saved;		/* saved is valid */
	uint64_t ss_sp, ss_size;	/* sigaltstack */
};

#endif
