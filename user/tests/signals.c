/*
 * Linux signals as glibc uses them: handlers with siginfo, masks and
 * pending sets, SIGCHLD, EINTR and SA_RESTART on blocking calls,
 * sigsuspend, sigaltstack, a SIGSEGV handler, stop and continue seen
 * through waitpid, and a handler interrupting code that holds values in
 * every register, which sigreturn must give back unchanged.
 * Each check prints "signals: NAME ok" or "signals: NAME FAILED".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t hits, last_sig, last_code, last_pid;
static volatile uintptr_t last_addr, handler_sp;
static sigjmp_buf fault_jump;
static volatile uintptr_t bad_address = 16;	/* hidden from the compiler's bounds checks */

static void check(const char *name, int ok)
{
	printf("signals: %s %s\n", name, ok ? "ok" : "FAILED");
	fflush(stdout);
}

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	int here;
	volatile double clobber = sig * 1.5;	/* the handler's own FP use */

	(void)uc;
	(void)clobber;
	hits++;
	last_sig = sig;
	last_code = si->si_code;
	last_pid = si->si_pid;
	handler_sp = (uintptr_t)&here;
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	last_sig = sig;
	last_addr = (uintptr_t)si->si_addr;
	siglongjmp(fault_jump, 1);
}

static void handle(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sigaction(sig, &sa, NULL);
}

/* A child that sends sig to its parent after ms milliseconds, then exits. */
static pid_t poke_later(int sig, int ms)
{
	pid_t parent = getpid(), pid = fork();

	if (pid == 0) {
		usleep(ms * 1000);
		kill(parent, sig);
		_exit(0);
	}
	return pid;
}

static volatile sig_atomic_t nested;

/* Raises its signal again on its first run: blocked while it runs, the second must wait for its return. */
static void on_reraise(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	if (++hits > 1)
		return;
	kill(getpid(), sig);
	nested = hits != 1;
}

/*
 * rt_sigreturn unblocks what the handler's mask held: a signal that came
 * meanwhile runs before the interrupted code goes on (the process server
 * checks after the signal calls that change a mask, not after every call).
 */
static void check_pending_after_handler(void)
{
	handle(SIGUSR2, on_reraise, 0);
	hits = 0;
	nested = 0;
	kill(getpid(), SIGUSR2);
	check("a signal raised in its handler runs once the handler returns", hits == 2 && !nested);
	signal(SIGUSR2, SIG_DFL);
}

static void check_handler_and_mask(void)
{
	sigset_t set, pending;

	handle(SIGUSR1, on_signal, 0);
	hits = 0;
	kill(getpid(), SIGUSR1);
	check("handler runs with siginfo", hits == 1 && last_sig == SIGUSR1 && last_code == SI_USER &&
						   last_pid == getpid());
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	kill(getpid(), SIGUSR1);
	sigpending(&pending);
	check("blocked signal waits in the pending set", hits == 1 && sigismember(&pending, SIGUSR1));
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	check("unblocking delivers it", hits == 2);
	signal(SIGUSR2, SIG_IGN);
	kill(getpid(), SIGUSR2);
	check("ignored signal does nothing", hits == 2);
	signal(SIGUSR2, SIG_DFL);
}

static void check_sigchld(void)
{
	pid_t pid;
	int status;

	handle(SIGCHLD, on_signal, 0);
	hits = 0;
	pid = fork();
	if (pid == 0)
		_exit(5);
	while (!hits)
		usleep(1000);
	check("SIGCHLD on child exit", last_sig == SIGCHLD && last_code == CLD_EXITED && last_pid == pid);
	check("the child is still there to wait for", waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 5);
	signal(SIGCHLD, SIG_DFL);
}

static void check_eintr_and_restart(void)
{
	int fd[2];
	char c;
	ssize_t n;
	struct timespec ts = { 5, 0 }, rem = { 0, 0 };
	pid_t pid;

	pipe(fd);
	handle(SIGUSR1, on_signal, 0);
	pid = poke_later(SIGUSR1, 50);
	n = read(fd[0], &c, 1);
	check("pipe read interrupted: EINTR", n < 0 && errno == EINTR);
	waitpid(pid, NULL, 0);

	handle(SIGUSR1, on_signal, SA_RESTART);
	hits = 0;
	pid = fork();
	if (pid == 0) {
		usleep(50000);
		kill(getppid(), SIGUSR1);
		usleep(50000);
		write(fd[1], "x", 1);
		_exit(0);
	}
	n = read(fd[0], &c, 1);
	check("SA_RESTART: the read goes on after the handler", n == 1 && c == 'x' && hits == 1);
	waitpid(pid, NULL, 0);

	handle(SIGUSR1, on_signal, SA_RESTART);
	pid = poke_later(SIGUSR1, 50);
	check("nanosleep interrupted: EINTR and the time left",
	      nanosleep(&ts, &rem) < 0 && errno == EINTR && rem.tv_sec >= 3 && rem.tv_sec <= 5);
	waitpid(pid, NULL, 0);

	handle(SIGUSR1, on_signal, 0);
	pid = fork();
	if (pid == 0) {
		usleep(300000);
		_exit(0);
	}
	poke_later(SIGUSR1, 50);
	check("waitpid interrupted: EINTR", waitpid(pid, NULL, 0) < 0 && errno == EINTR);
	while (wait(NULL) > 0)
		;
	close(fd[0]);
	close(fd[1]);
}

static void check_sigsuspend(void)
{
	sigset_t block, none, now;
	pid_t pid;

	handle(SIGUSR1, on_signal, 0);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	hits = 0;
	pid = poke_later(SIGUSR1, 30);
	sigemptyset(&none);
	check("sigsuspend returns EINTR after the handler", sigsuspend(&none) < 0 && errno == EINTR && hits == 1);
	sigprocmask(SIG_BLOCK, NULL, &now);
	check("sigsuspend puts the mask back", sigismember(&now, SIGUSR1));
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	waitpid(pid, NULL, 0);
}

static void check_altstack_and_fault(void)
{
	static char alt[16384];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt) };

	sigaltstack(&ss, NULL);
	handle(SIGUSR1, on_signal, SA_ONSTACK);
	kill(getpid(), SIGUSR1);
	check("SA_ONSTACK runs on the alternate stack",
	      handler_sp >= (uintptr_t)alt && handler_sp < (uintptr_t)alt + sizeof(alt));
	handle(SIGSEGV, on_fault, 0);
	if (sigsetjmp(fault_jump, 1) == 0)
		*(volatile int *)bad_address = 1;
	check("SIGSEGV handler gets the address", last_sig == SIGSEGV && last_addr == 16);
	signal(SIGSEGV, SIG_DFL);
}

static void check_stop_continue(void)
{
	int status, gate[2];
	char c;
	pid_t pid;

	pipe(gate);
	pid = fork();
	if (pid == 0) {
		close(gate[1]);
		raise(SIGSTOP);
		read(gate[0], &c, 1);	/* continued, it waits: an exit now would be what wait reports */
		_exit(9);
	}
	close(gate[0]);
	check("waitpid WUNTRACED sees the stop",
	      waitpid(pid, &status, WUNTRACED) == pid && WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
	kill(pid, SIGCONT);
	check("waitpid WCONTINUED sees the continue",
	      waitpid(pid, &status, WCONTINUED) == pid && WIFCONTINUED(status));
	close(gate[1]);
	check("the continued child finishes", waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 9);
	pid = fork();
	if (pid == 0) {
		for (;;)
			usleep(10000);
	}
	kill(pid, SIGTSTP);
	waitpid(pid, &status, WUNTRACED);
	kill(pid, SIGTERM);	/* pending while stopped: acted on after SIGCONT */
	kill(pid, SIGCONT);
	check("SIGTERM after SIGCONT ends a stopped child",
	      waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
}

static void check_groups(void)
{
	int status, killed = 0;
	pid_t a, b, me = getpid();

	a = fork();
	if (a == 0) {
		setpgid(0, 0);
		for (;;)
			pause();
	}
	setpgid(a, a);
	b = fork();
	if (b == 0) {
		setpgid(0, a);
		for (;;)
			pause();
	}
	setpgid(b, a);
	check("setpgid and getpgid", getpgid(a) == a && getpgid(b) == a && getpgid(0) == getpgrp());
	kill(-a, SIGTERM);
	for (int i = 0; i < 2; i++)
		if (wait(&status) > 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM)
			killed++;
	check("kill of a group reaches each member", killed == 2 && getpid() == me);
	a = fork();
	if (a == 0)
		_exit(setsid() == getpid() && getsid(0) == getpid() && getpgid(0) == getpid() ? 0 : 1);
	check("setsid makes a new session", waitpid(a, &status, 0) == a && WEXITSTATUS(status) == 0);
	check("a group leader cannot setsid", getpid() != getpgrp() || (setsid() < 0 && errno == EPERM));
}

/*
 * Loads patterns into every register a handler may clobber, spins until
 * a signal from a child has been handled, and checks them all: what the
 * kernel and the process server save and rt_sigreturn restores.
 */
static int registers_survive(void)
{
	static volatile int done;
	static uint64_t out[24];
	uint64_t bad = 0;

	done = 0;
	hits = 0;
	handle(SIGUSR1, on_signal, 0);
	poke_later(SIGUSR1, 30);
	__asm__ volatile(
		"li s1, 0x1111\n li s2, 0x2222\n li s3, 0x3333\n li s4, 0x4444\n li s5, 0x5555\n"
		"li s6, 0x6666\n li s7, 0x7777\n li s8, 0x8888\n li s9, 0x9999\n li s10, 0xaaaa\n li s11, 0xbbbb\n"
		"li a1, 0xa1\n li a2, 0xa2\n li a3, 0xa3\n li a4, 0xa4\n li a5, 0xa5\n li a6, 0xa6\n li a7, 0xa7\n"
		"li t3, 0x73\n li t4, 0x74\n li t5, 0x75\n"
		"li t6, 0x3ff0000000000000\n fmv.d.x fs0, t6\n fmv.d.x ft0, t6\n li t6, 0x76\n"
		"1: lw t0, 0(%[hits])\n beqz t0, 1b\n"
		"sd s1, 0(%[out])\n sd s2, 8(%[out])\n sd s3, 16(%[out])\n sd s4, 24(%[out])\n sd s5, 32(%[out])\n"
		"sd s6, 40(%[out])\n sd s7, 48(%[out])\n sd s8, 56(%[out])\n sd s9, 64(%[out])\n sd s10, 72(%[out])\n"
		"sd s11, 80(%[out])\n sd a1, 88(%[out])\n sd a2, 96(%[out])\n sd a3, 104(%[out])\n sd a4, 112(%[out])\n"
		"sd a5, 120(%[out])\n sd a6, 128(%[out])\n sd a7, 136(%[out])\n sd t3, 144(%[out])\n sd t4, 152(%[out])\n"
		"sd t5, 160(%[out])\n sd t6, 168(%[out])\n fmv.x.d t0, fs0\n sd t0, 176(%[out])\n"
		"fmv.x.d t0, ft0\n sd t0, 184(%[out])\n"
		:
		: [hits] "r"(&hits), [out] "r"(out)
		: "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "a1", "a2", "a3", "a4", "a5",
		  "a6", "a7", "t0", "t3", "t4", "t5", "t6", "fs0", "ft0", "memory");
	const uint64_t want[24] = { 0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666, 0x7777, 0x8888,
				    0x9999, 0xaaaa, 0xbbbb, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
				    0x73, 0x74, 0x75, 0x76, 0x3ff0000000000000, 0x3ff0000000000000 };
	for (int i = 0; i < 24; i++)
		if (out[i] != want[i])
			bad++, printf("signals: register %d is %#lx, not %#lx\n", i, (unsigned long)out[i],
				      (unsigned long)want[i]);
	wait(NULL);
	(void)done;
	return bad == 0 && hits == 1;
}

int main(void)
{
	check_handler_and_mask();
	check_pending_after_handler();
	check_sigchld();
	check_eintr_and_restart();
	check_sigsuspend();
	check_altstack_and_fault();
	check_stop_continue();
	check_groups();
	check("sigreturn restores every register", registers_survive());
	printf("signals: done\n");
	return 0;
}
