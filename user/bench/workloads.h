/*
 * Real workloads, for the benchmark (user/bench: instructions) and the
 * comparison (user/compare: the kernel's event counters), each run once
 * to its end as unmodified Linux programs started by pid 1:
 *
 *   speedtest1   SQLite's benchmark, `speedtest1 --size 10 --verify` on a
 *                file database in /tmp (rollback journal, FULL sync, POSIX
 *                record locks: docs/sqlite-tests.md)
 *   configure    a configure script's shape (tests/data/bench/configure,
 *                as /tests/bench/configure): some 2,400 processes from
 *                short pipelines, command substitutions, expr, sed, grep
 *   pipe         `dd if=/dev/zero bs=64k count=1024 | cat > /dev/null`:
 *                64 MiB through a pipe, the pipeline made here
 *   ash_suite    BusyBox's own ash test suite by its runner /ash_test/run
 *                (tests/ash-suite/run), its default set (all but
 *                ash-z_slow) less the 29 scripts that wait on the clock
 *                (tests/data/bench/ash-suite-clock): 303 scripts, of
 *                which the three docs/busybox-tests.md lists fail, as on
 *                Linux; in the ash suite's initramfs only
 *
 * The measured part is the run alone: from the first vfork to the
 * return of the last wait for a child. Under QEMU -icount with
 * sleep=off, rdinstret counts virtual nanoseconds: the instructions, plus
 * whatever time the clock skipped while the hart waited idle for a timer.
 * None of these workloads waits on the clock (the ash suite's scripts that
 * do are left out), so the hart is never idle inside a figure and a figure
 * is instructions; user/compare shows the idle ticks, none. The orphans a
 * workload leaves (the watchers of the ash suite's timeout, each of which
 * notices its command's end at its next one-second poll) are waited for
 * after the figure, since that wait is idle time. Every output is checked afterwards (the
 * verification hash, the script's exact output, dd's 1,024 whole blocks
 * in and out, every suite script's verdict), and a workload that went wrong, or a child
 * that did not exit with status 0, fails the whole program, so a broken
 * run can never give a figure.
 *
 * Every child gets the same small environment, whatever pid 1 was given,
 * and /dev/null for its standard input. On Linux, whose initramfs root has
 * no /dev/null, /dev/zero, /proc or /dev/fd of its own, workload_setup
 * makes them first (kage's file server has them from boot, so there it
 * does nothing).
 */
#ifndef KAGE_USER_BENCH_WORKLOADS_H
#define KAGE_USER_BENCH_WORKLOADS_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

/* SQLite 3.40.1's hash for `--size 10 --verify`, as Linux prints it (docs/sqlite-tests.md). */
#define SPEEDTEST1_HASH "Verification Hash: 1770470 19f033c0ab47f9479fc13174d106795176c427658861a74b\n"
#define SPEEDTEST1_DB "/tmp/speedtest1.db"
#define CONFIGURE_SCRIPT "/tests/bench/configure"
#define CONFIGURE_EXPECTED "/tests/bench/configure.expected"
/*
 * The ash suite: how many scripts its runner runs, and the ones that fail
 * on Linux and kage alike (docs/busybox-tests.md says why); every other
 * one must pass.
 */
#define ASH_SUITE_RUNNER "/ash_test/run"
#define ASH_SUITE_SKIP "/tests/bench/ash-suite-clock"
#define ASH_SUITE_SCRIPTS 303
static const char *const ash_suite_failing[] = {
	"ash-heredoc/heredoc_backslash1.tests",
	"ash-heredoc/heredoc_bkslash_newline2.tests",
	"ash-quoting/bkslash_in_varexp.tests",
};
#define ASH_SUITE_FAILING (sizeof(ash_suite_failing) / sizeof(ash_suite_failing[0]))
#define PIPE_BLOCK "64k"
#define PIPE_BLOCKS "1024"

#define WORKLOAD_OUT "/tmp/workload.out"
#define WORKLOAD_ERR "/tmp/workload.err"

static char *workload_env[] = { "PATH=/usr/bin:/bin", "HOME=/tmp", "LOGNAME=root", NULL };
static char *ash_suite_env[] = { "PATH=/usr/bin:/bin", "HOME=/tmp", "LOGNAME=root", "ASH_SKIP=" ASH_SUITE_SKIP, NULL };

/* Why the last workload call failed, for the caller's "failed" line. */
static char workload_why[8192];

static int workload_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(workload_why, sizeof(workload_why), fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * Starts argv[0] with the given descriptors as 0, 1 and 2 (vfork, dup2,
 * execve); the parent keeps its own. Not posix_spawn: this glibc's leaves
 * its two internal signals (32 and 33) ignored in the child, and ignored
 * they stay across every exec after, which the ash suite's sigquit_exec
 * sees in /proc/self/status. A vfork child inherits pid 1's actions: all
 * default.
 */
static pid_t workload_spawn(char *const argv[], char *const env[], int in, int out, int err)
{
	pid_t pid = vfork();

	if (pid == 0) {
		if (dup2(in, 0) == 0 && dup2(out, 1) == 1 && dup2(err, 2) == 2)
			execve(argv[0], argv, env);
		_exit(127);
	}
	if (pid < 0) {
		workload_fail("vfork for %s: %s", argv[0], strerror(errno));
		return -1;
	}
	return pid;
}

static int workload_reap(pid_t pid, const char *what)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return workload_fail("wait for %s: %s", what, strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return workload_fail("%s ended with %s %d", what, WIFEXITED(status) ? "status" : "signal",
				     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return 0;
}

/* After a run: every process it left, now pid 1's orphans, waited for, so that none runs into the next. */
static int workload_reap_orphans(void)
{
	int status;

	while (wait(&status) > 0)
		;
	return errno == ECHILD ? 0 : workload_fail("wait: %s", strerror(errno));
}

/* Creates (truncates) a file for a child's output; close-on-exec, so only the dup2 passes it on. */
static int workload_create(const char *path)
{
	return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
}

/* One program to its end, stdout to WORKLOAD_OUT, stderr to WORKLOAD_ERR. */
static int workload_run(char *const argv[], char *const env[])
{
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int out = workload_create(WORKLOAD_OUT);
	int err = workload_create(WORKLOAD_ERR);
	pid_t pid = -1;

	if (in < 0 || out < 0 || err < 0)
		workload_fail("opening /dev/null, %s and %s: %s", WORKLOAD_OUT, WORKLOAD_ERR, strerror(errno));
	else
		pid = workload_spawn(argv, env, in, out, err);
	close(in);
	close(out);
	close(err);
	return pid < 0 ? -1 : workload_reap(pid, argv[0]);
}

/* A whole file as a string (malloc'd), or NULL. */
static char *workload_read(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap + 1);
	ssize_t n;

	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((n = read(fd, buf + len, cap - len)) > 0) {
		len += (size_t)n;
		if (len == cap) {
			char *more = realloc(buf, 2 * cap + 1);

			if (!more)
				break;
			buf = more;
			cap *= 2;
		}
	}
	close(fd);
	buf[len] = 0;
	return buf;
}

/* Fails unless the file contains every one of the strings (NULL-terminated list). */
static int workload_expect(const char *path, const char *const want[])
{
	char *text = workload_read(path);
	int r = 0;

	if (!text)
		return workload_fail("reading %s: %s", path, strerror(errno));
	for (unsigned i = 0; want[i] && !r; i++)
		if (!strstr(text, want[i]))
			r = workload_fail("%s lacks \"%s\"; it has:\n%.1500s", path, want[i], text);
	free(text);
	return r;
}

static int workload_empty(const char *path)
{
	char *text = workload_read(path);
	int r = text && !*text ? 0 : workload_fail("%s is not empty:\n%.1500s", path, text ? text : "?");

	free(text);
	return r;
}

/* --- speedtest1 ---------------------------------------------------------- */

static void speedtest1_clean(void)
{
	unlink(SPEEDTEST1_DB);
	unlink(SPEEDTEST1_DB "-journal");
}

static int speedtest1_prepare(void)
{
	speedtest1_clean();
	return 0;
}

static int speedtest1_run(void)
{
	char *const argv[] = { "/usr/bin/speedtest1", "--size", "10", "--verify", SPEEDTEST1_DB, NULL };

	return workload_run(argv, workload_env);
}

static int speedtest1_check(void)
{
	static const char *const want[] = { SPEEDTEST1_HASH, NULL };
	int r = workload_expect(WORKLOAD_OUT, want);

	if (!r)
		r = workload_empty(WORKLOAD_ERR);
	speedtest1_clean();
	return r;
}

/* --- configure ----------------------------------------------------------- */

static int configure_prepare(void)
{
	return 0;
}

static int configure_run(void)
{
	char *const argv[] = { "/bin/sh", CONFIGURE_SCRIPT, NULL };

	return workload_run(argv, workload_env);
}

static int configure_check(void)
{
	char *got = workload_read(WORKLOAD_OUT), *want = workload_read(CONFIGURE_EXPECTED);
	int r = 0;

	if (!got || !want)
		r = workload_fail("reading %s or %s: %s", WORKLOAD_OUT, CONFIGURE_EXPECTED, strerror(errno));
	else if (strcmp(got, want))
		r = workload_fail("%s printed:\n%s\ninstead of %s:\n%s", CONFIGURE_SCRIPT, got, CONFIGURE_EXPECTED, want);
	free(got);
	free(want);
	return r ? r : workload_empty(WORKLOAD_ERR);
}

/* --- pipe: dd | cat ------------------------------------------------------ */

static int pipe_prepare(void)
{
	return 0;
}

static int pipe_run(void)
{
	char *const dd[] = { "/bin/dd", "if=/dev/zero", "bs=" PIPE_BLOCK, "count=" PIPE_BLOCKS, NULL };
	char *const cat[] = { "/bin/cat", NULL };
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	int err = workload_create(WORKLOAD_ERR);
	pid_t writer = -1, reader = -1;
	int p[2] = { -1, -1 }, r;

	if (in < 0 || null < 0 || err < 0 || pipe(p) < 0 ||
	    fcntl(p[0], F_SETFD, FD_CLOEXEC) < 0 || fcntl(p[1], F_SETFD, FD_CLOEXEC) < 0)
		workload_fail("opening /dev/null, %s or a pipe: %s", WORKLOAD_ERR, strerror(errno));
	else
		writer = workload_spawn(dd, workload_env, in, p[1], err);
	if (writer >= 0)
		reader = workload_spawn(cat, workload_env, p[0], null, err);
	close(in);
	close(null);
	close(err);
	close(p[0]);
	close(p[1]);
	r = writer < 0 ? -1 : workload_reap(writer, "dd");
	return reader < 0 || workload_reap(reader, "cat") < 0 ? -1 : r;
}

static int pipe_check(void)
{
	/* Whole blocks only: every write of 64 KiB into the pipe took all of it. */
	static const char *const want[] = { PIPE_BLOCKS "+0 records in\n" PIPE_BLOCKS "+0 records out\n", NULL };

	return workload_expect(WORKLOAD_ERR, want);
}

/* --- the ash suite ------------------------------------------------------- */

static int ash_suite_prepare(void)
{
	if (access(ASH_SUITE_RUNNER, X_OK))
		return workload_fail("%s: %s (the system boots with the ash suite's initramfs)", ASH_SUITE_RUNNER,
				     strerror(errno));
	return 0;
}

static int ash_suite_run(void)
{
	char *const argv[] = { ASH_SUITE_RUNNER, NULL };

	return workload_run(argv, ash_suite_env);
}

/* "ash-suite: DIR/NAME.tests VERDICT" for every script: ok, but fail for the listed ones. */
static int ash_suite_check(void)
{
	char done[64], want[128], other[4096] = "", *text = workload_read(WORKLOAD_OUT), *line;
	unsigned ok = 0, failing = 0;
	size_t used = 0;
	int r = 0;

	if (!text)
		return workload_fail("reading %s: %s", WORKLOAD_OUT, strerror(errno));
	for (line = text; *line; line += strcspn(line, "\n"), line += *line == '\n') {
		int len = (int)strcspn(line, "\n");

		if (len > 3 && !strncmp(line, "ash-suite: ash-", 15) && !strncmp(line + len - 3, " ok", 3))
			ok++;
		else if (used < sizeof(other) - 1)	/* the rest, for the message */
			used += (size_t)snprintf(other + used, sizeof(other) - used, "%.*s\n", len, line);
	}
	for (unsigned i = 0; i < ASH_SUITE_FAILING; i++) {
		snprintf(want, sizeof(want), "\nash-suite: %s fail\n", ash_suite_failing[i]);
		failing += strstr(text, want) != NULL;
	}
	snprintf(done, sizeof(done), "\nash-suite: done %u passed, %u failed\n",
		 (unsigned)(ASH_SUITE_SCRIPTS - ASH_SUITE_FAILING), (unsigned)ASH_SUITE_FAILING);
	if (ok != ASH_SUITE_SCRIPTS - ASH_SUITE_FAILING || failing != ASH_SUITE_FAILING || !strstr(text, done)) {
		r = workload_fail("%u of %u ash suite scripts passed, %u of the %u expected failures failed; "
				  "the lines other than ok:\n%s", ok, ASH_SUITE_SCRIPTS, failing,
				  (unsigned)ASH_SUITE_FAILING, other);
	}
	free(text);
	return r ? r : workload_empty(WORKLOAD_ERR);
}

/* --- all of them --------------------------------------------------------- */

static const struct workload {
	const char *name;
	int (*prepare)(void);
	int (*run)(void);	/* the measured part */
	int (*check)(void);
} workloads[] = {
	{ "workload_speedtest1", speedtest1_prepare, speedtest1_run, speedtest1_check },
	{ "workload_configure", configure_prepare, configure_run, configure_check },
	{ "workload_pipe_64MiB", pipe_prepare, pipe_run, pipe_check },
	{ "workload_ash_suite", ash_suite_prepare, ash_suite_run, ash_suite_check },
};
#define NWORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

/*
 * What Linux's initramfs root lacks and kage's file server has from boot:
 * /dev/null, /dev/zero, /proc, and /dev/fd (a link to /proc/self/fd, as a
 * Linux system's start-up makes it; ash's process substitution uses it).
 */
static int workload_setup(void)
{
	if (access("/dev/null", F_OK) && mknod("/dev/null", S_IFCHR | 0666, makedev(1, 3)))
		return workload_fail("mknod /dev/null: %s", strerror(errno));
	if (access("/dev/zero", F_OK) && mknod("/dev/zero", S_IFCHR | 0666, makedev(1, 5)))
		return workload_fail("mknod /dev/zero: %s", strerror(errno));
	if (access("/proc/self", F_OK)) {
		mkdir("/proc", 0555);
		if (mount("proc", "/proc", "proc", 0, NULL))
			return workload_fail("mount /proc: %s", strerror(errno));
	}
	if (access("/dev/fd", F_OK) && symlink("/proc/self/fd", "/dev/fd"))
		return workload_fail("symlink /dev/fd: %s", strerror(errno));
	return 0;
}

#endif
