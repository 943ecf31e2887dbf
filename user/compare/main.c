/*
 * Where the work of a Linux call goes: the kernel's event counters
 * (struct kage_counters) and the instruction counter around many
 * repetitions of getpid, a pipe write + read, fork + exit + wait and
 * execve of a static binary, in whichever mode kage was built
 * (tools/compare boots both and writes docs/comparison.md).
 *
 * Then the same for the real workloads of user/bench/workloads.h (each
 * run once, its output checked as make bench checks it).
 *
 * The counters are read with the native call sys_stats, the one native
 * call a Linux program may make (it names no object): one trap, no IPC,
 * so reading them disturbs little, and what it does add (one native
 * ecall, one copy) is measured first and taken off every figure.
 *
 * Prints "kage-compare: memory ..." once, "kage-compare: op NAME n=N
 * instructions=I FIELD=V ..." per operation (totals over the N
 * repetitions), and "kage-compare: done" last; a failure prints
 * "kage-compare: failed ..." and ends without "done".
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lib/instret.h"
#include "lib/kage_abi.h"
#include "lib/kage_stats.h"
#include "user/bench/workloads.h"

#define STATIC_PROGRAM "/bin/exit0"

extern char **environ;

#define FIELD(f) { #f, offsetof(struct kage_counters, f) }
static const struct {
	const char *name;
	size_t offset;
} fields[] = {
	FIELD(ecall_linux), FIELD(ecall_native), FIELD(page_faults), FIELD(interrupts), FIELD(other_traps),
	FIELD(direct_native), FIELD(msg_calls), FIELD(msg_syscalls), FIELD(msg_faults), FIELD(msg_alerts),
	FIELD(msg_forwards), FIELD(msg_replies), FIELD(msg_epipe), FIELD(notif_signals),
	{ "received_proc", offsetof(struct kage_counters, received[KAGE_SERVER_PROC]) },
	{ "received_fs", offsetof(struct kage_counters, received[KAGE_SERVER_FS]) },
	{ "received_console", offsetof(struct kage_counters, received[KAGE_SERVER_CONSOLE]) },
	{ "received_other", offsetof(struct kage_counters, received[KAGE_SERVER_OTHER]) },
	FIELD(satp_writes), FIELD(task_switches), FIELD(copies), FIELD(copy_bytes),
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static void fail(const char *what)
{
	printf("kage-compare: failed: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* sys_stats, straight to the kernel (a native ecall, not a Linux call). */
static void stats(struct kage_stats *st)
{
	long r = kage_stats_read(st);

	if (r != (long)sizeof(*st)) {
		errno = r < 0 ? (int)-r : EINVAL;
		fail("sys_stats (a kernel without event counters?)");
	}
}

static uint64_t counter(const struct kage_stats *st, size_t i)
{
	return *(const uint64_t *)((const char *)&st->count + fields[i].offset);
}

/* What one stats() read adds to the counters between two reads: taken off every figure. */
static uint64_t baseline[NFIELDS];

static void report(const char *name, unsigned n, uint64_t instructions, const struct kage_stats *a,
		   const struct kage_stats *b)
{
	printf("kage-compare: op %s n=%u instructions=%lu", name, n, (unsigned long)instructions);
	for (size_t i = 0; i < NFIELDS; i++)
		printf(" %s=%ld", fields[i].name, (long)(counter(b, i) - counter(a, i) - baseline[i]));
	/* Timer ticks that found the hart idle: none, or a figure holds time the clock skipped. */
	printf(" ticks_idle=%ld\n", (long)(b->ticks_idle - a->ticks_idle));
}

static void measure_baseline(void)
{
	struct kage_stats a, b;

	stats(&a);
	stats(&a);	/* the first read may fault its buffer's pages in */
	stats(&b);
	for (size_t i = 0; i < NFIELDS; i++)
		baseline[i] = counter(&b, i) - counter(&a, i);
}

static void reap(pid_t pid, const char *what)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail(what);
}

static void op_getpid(unsigned n)
{
	struct kage_stats a, b;
	uint64_t t0, t1;

	syscall(SYS_getpid);
	stats(&a);
	t0 = instret();
	for (unsigned i = 0; i < n; i++)
		syscall(SYS_getpid);
	t1 = instret();
	stats(&b);
	report("getpid", n, t1 - t0, &a, &b);
}

static void op_pipe(unsigned n)
{
	struct kage_stats a, b;
	char c = 'k';
	uint64_t t0, t1;
	int p[2];

	if (pipe(p) < 0 || write(p[1], &c, 1) != 1 || read(p[0], &c, 1) != 1)
		fail("pipe");
	stats(&a);
	t0 = instret();
	for (unsigned i = 0; i < n; i++)
		if (write(p[1], &c, 1) != 1 || read(p[0], &c, 1) != 1)
			fail("pipe write+read");
	t1 = instret();
	stats(&b);
	report("pipe_write_read_1B", n, t1 - t0, &a, &b);
	close(p[0]);
	close(p[1]);
}

static void op_fork(unsigned n)
{
	struct kage_stats a, b;
	uint64_t t0, t1;

	stats(&a);
	t0 = instret();
	for (unsigned i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		reap(pid, "fork");
	}
	t1 = instret();
	stats(&b);
	report("fork_exit_wait", n, t1 - t0, &a, &b);
}

/* Written by the vfork child, which shares this memory until its execve succeeds. */
static struct kage_stats exec_before;
static volatile uint64_t exec_t0;

/* From the child's execve to the parent's return from wait, as user/bench's exec_static. */
static void op_exec(unsigned n)
{
	char *const argv[] = { "exit0", NULL };
	struct kage_stats a, b, sum_a, sum_b;
	volatile uint64_t total = 0;	/* lives across vfork */

	memset(&sum_a, 0, sizeof(sum_a));
	memset(&sum_b, 0, sizeof(sum_b));
	for (volatile unsigned i = 0; i < n; i++) {
		pid_t pid = vfork();
		uint64_t t1;

		if (pid == 0) {
			stats(&exec_before);
			exec_t0 = instret();
			execve(STATIC_PROGRAM, argv, environ);
			_exit(127);
		}
		reap(pid, "execve");
		t1 = instret();
		stats(&b);
		a = exec_before;
		total += t1 - exec_t0;
		for (size_t f = 0; f < NFIELDS; f++) {
			*(uint64_t *)((char *)&sum_a.count + fields[f].offset) += counter(&a, f);
			*(uint64_t *)((char *)&sum_b.count + fields[f].offset) += counter(&b, f);
		}
	}
	for (size_t f = 0; f < NFIELDS; f++)
		baseline[f] *= n;	/* one read pair per repetition */
	report("execve_static", n, total, &sum_a, &sum_b);
	for (size_t f = 0; f < NFIELDS; f++)
		baseline[f] /= n;
}

/* The real workloads, each once, with the counters around its run. */
static void op_workloads(void)
{
	if (workload_setup() < 0) {
		printf("kage-compare: failed: setting up the workloads: %s\n", workload_why);
		exit(1);
	}
	for (unsigned i = 0; i < NWORKLOADS; i++) {
		const struct workload *w = &workloads[i];
		struct kage_stats a, b;
		uint64_t t0, t1;

		if (w->prepare() < 0) {
			printf("kage-compare: failed: %s: %s\n", w->name, workload_why);
			exit(1);
		}
		stats(&a);
		t0 = instret();
		if (w->run() < 0) {
			printf("kage-compare: failed: %s: %s\n", w->name, workload_why);
			exit(1);
		}
		t1 = instret();
		stats(&b);
		if (workload_reap_orphans() < 0) {
			printf("kage-compare: failed: %s: %s\n", w->name, workload_why);
			exit(1);
		}
		if (w->check() < 0) {
			printf("kage-compare: failed: %s: wrong output: %s\n", w->name, workload_why);
			exit(1);
		}
		report(w->name, 1, t1 - t0, &a, &b);
	}
}

/* Memory when this program (pid 1) starts: what the kernel and the servers hold after boot. */
static void memory(void)
{
	struct kage_stats st;

	stats(&st);
	printf("kage-compare: memory frames_free=%lu frames_used=%lu tasks=%lu spaces=%lu endpoints=%lu "
	       "pages_proc=%lu pages_fs=%lu pages_console=%lu\n",
	       (unsigned long)st.frames_free, (unsigned long)st.frames_used, (unsigned long)st.tasks,
	       (unsigned long)st.spaces, (unsigned long)st.endpoints,
	       (unsigned long)st.server_pages[KAGE_SERVER_PROC], (unsigned long)st.server_pages[KAGE_SERVER_FS],
	       (unsigned long)st.server_pages[KAGE_SERVER_CONSOLE]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	memory();
	measure_baseline();
	op_getpid(1000);
	op_pipe(1000);
	op_fork(20);
	op_exec(10);
	op_workloads();
	printf("kage-compare: done\n");
	return 0;
}
