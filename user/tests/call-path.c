/*
 * The path a Linux call takes, read from the kernel's counters around
 * N calls of getpid, N one-byte pipe write + read rounds and N calls of
 * rt_sigprocmask with a set to read and one to write (a plain call whose
 * handler copies, so in MODE=mono it settles: design.md, "Plain
 * calls"): how many
 * messages the servers took, how many returns to user mode went through
 * a switch, and how many address-space switches there were. Prints
 * "call-path: OP n=N FIELD=V ..." per operation and "call-path: done";
 * tests/system/test_modes.py says what each mode must show (MODE=mono
 * answers in place: no switch at all; MODE=micro hands the hart to the
 * server and back). A read of the counters is one native ecall, which
 * neither switches nor sends a message, so it adds nothing to the fields
 * printed. A timer tick or a device interrupt in a loop may switch in
 * either mode, so "interrupts" is printed too: in MODE=mono every switch
 * must be one of those.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "lib/kage_abi.h"
#include "lib/kage_stats.h"

#define N 1000

static void fail(const char *what)
{
	printf("call-path: failed: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* sys_stats, straight to the kernel: the one native call a Linux program may make. */
static void stats(struct kage_stats *st)
{
	long r = kage_stats_read(st);

	if (r != (long)sizeof(*st)) {
		errno = r < 0 ? (int)-r : EINVAL;
		fail("sys_stats");
	}
}

static void report(const char *op, const struct kage_stats *a, const struct kage_stats *b)
{
	printf("call-path: %s n=%d ecall_linux=%lu syscalls=%lu received_proc=%lu received_fs=%lu replies=%lu "
	       "sched_switches=%lu satp_writes=%lu interrupts=%lu\n",
	       op, N, (unsigned long)(b->count.ecall_linux - a->count.ecall_linux),
	       (unsigned long)(b->count.msg_syscalls - a->count.msg_syscalls),
	       (unsigned long)(b->count.received[KAGE_SERVER_PROC] - a->count.received[KAGE_SERVER_PROC]),
	       (unsigned long)(b->count.received[KAGE_SERVER_FS] - a->count.received[KAGE_SERVER_FS]),
	       (unsigned long)(b->count.msg_replies - a->count.msg_replies),
	       (unsigned long)(b->sched_switches - a->sched_switches),
	       (unsigned long)(b->count.satp_writes - a->count.satp_writes),
	       (unsigned long)(b->count.interrupts - a->count.interrupts));
}

/* Both loops before anything is printed, so the console has no output to drain meanwhile. */
int main(void)
{
	struct kage_stats a[3], b[3];
	uint64_t none = 0, old;	/* the kernel's sigset_t: 8 bytes */
	char c = 'k';
	int p[2];

	if (pipe(p) < 0 || write(p[1], &c, 1) != 1 || read(p[0], &c, 1) != 1)
		fail("pipe");	/* also faults in every page the loops touch */
	stats(&a[0]);
	stats(&a[0]);
	for (int i = 0; i < N; i++)
		syscall(SYS_getpid);
	stats(&b[0]);
	stats(&a[1]);
	for (int i = 0; i < N; i++)
		if (write(p[1], &c, 1) != 1 || read(p[0], &c, 1) != 1)
			fail("pipe write+read");
	stats(&b[1]);
	stats(&a[2]);
	for (int i = 0; i < N; i++)
		if (syscall(SYS_rt_sigprocmask, SIG_BLOCK, &none, &old, sizeof(none)) != 0)
			fail("rt_sigprocmask");
	stats(&b[2]);
	report("getpid", &a[0], &b[0]);
	report("pipe", &a[1], &b[1]);
	report("sigmask", &a[2], &b[2]);
	printf("call-path: done\n");
	return 0;
}
