/*
 * Linux signals, kept by the process server (signal.c, job.c).
 *
 * A signal is generated (sig_post) into a process's pending set. One
 * that nothing blocks is acted on at once when its action is to end or
 * stop the process; one with a handler makes the process's task stop
 * before it next runs user code (kernel task_alert, which also ends a
 * call it waits in at another server with -KAGE_ERESTART). The task then
 * sends an ALERT, and sig_alert builds the handler's frame on its stack,
 * laid out as Linux riscv64 lays out struct rt_sigframe, so glibc's
 * handlers and rt_sigreturn work unmodified. The frame returns through a
 * two-instruction page (li a7, 139; ecall) that plays the vDSO's part:
 * riscv64 has no SA_RESTORER.
 */
#ifndef KAGE_SERVERS_PROC_SIGNAL_H
#define KAGE_SERVERS_PROC_SIGNAL_H

#include <stdint.h>

#define SIG_MAX 64
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGPIPE 13
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22

#define SIG_BIT(sig) (1ull << ((sig) - 1))

/* What the handler of a signal is, as rt_sigaction sets it (struct sigaction without sa_restorer). */
struct sig_action {
	uint64_t handler;	/* SIG_DFL 0, SIG_IGN 1, or an address */
	uint64_t flags;		/* SA_* */
	uint64_t mask;		/* blocked while it runs */
};

/* Where a pending signal came from, for its siginfo_t. */
struct sig_info {
	int32_t code;		/* si_code: SI_USER 0, SI_KERNEL 0x80, CLD_*, SEGV_* */
	int32_t pid;		/* sender, or the child for SIGCHLD */
	int32_t status;		/* SIGCHLD: exit code or signal */
	uint64_t addr;		/* faults: the address */
};

/* A process's signal state. */
struct sig_state {
	struct sig_action act[SIG_MAX];
	struct sig_info info[SIG_MAX];
	uint64_t pending, blocked;
	uint64_t saved;			/* rt_sigsuspend: the mask to restore after the handler */
	uint8_t restore_saved;		/* saved is valid */
	uint8_t tramp;			/* the return page is mapped in the current image */
	uint64_t ss_sp, ss_size;	/* sigaltstack */
	int32_t ss_flags;
};

#endif
