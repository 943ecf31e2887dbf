/*
 * /proc as BusyBox's ps, pidof and killall read it: the directory lists
 * processes, /proc/N/stat, status, comm and cmdline describe them (state
 * R, S, T or Z), /proc/self is the caller, exe links to the executable,
 * and the global files (meminfo, uptime, loadavg, mounts, version) read.
 * /proc/N/fd holds a link per open descriptor (/dev/fd is /proc/self/fd),
 * status shows the signal sets, comm is what execve was given.
 * Everything under /proc is read-only.
 * Each check prints "procfs: NAME ok" or "procfs: NAME FAILED".
 * Run with "--cmdline" or "--exe" it checks its own argv or executable
 * and exits 0 if they are right.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dirs.h"

static void check(const char *name, int ok)
{
	printf("procfs: %s %s\n", name, ok ? "ok" : "FAILED");
	fflush(stdout);
}

/* The whole of a file, NUL-terminated: its length, or -1 with errno. */
static long slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	long n, total = 0;

	if (fd < 0)
		return -1;
	while (total < (long)size - 1 && (n = read(fd, buf + total, size - 1 - (size_t)total)) > 0)
		total += n;
	buf[total] = 0;
	close(fd);
	return total;
}

/* /proc/PID/stat's fields: state, ppid and pgrp (after the name in parentheses). */
static int stat_of(int pid, char *state, int *ppid, int *pgrp, char *comm, size_t comm_size)
{
	char path[64], buf[1024], *open_paren, *close_paren;
	int got_pid;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (slurp(path, buf, sizeof(buf)) <= 0)
		return 0;
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');
	if (!open_paren || !close_paren || sscanf(buf, "%d", &got_pid) != 1 || got_pid != pid)
		return 0;
	if (comm) {
		snprintf(comm, comm_size, "%.*s", (int)(close_paren - open_paren - 1), open_paren + 1);
	}
	return sscanf(close_paren + 1, " %c %d %d", state, ppid, pgrp) == 3;
}

/* Field n of /proc/PID/stat (1 is the pid, 3 the state), counted past the name: whether it is there. */
static int stat_field(int pid, int n, unsigned long *v)
{
	char path[64], buf[1024], *at;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (slurp(path, buf, sizeof(buf)) <= 0)
		return 0;
	at = strrchr(buf, ')');
	if (!at)
		return 0;
	for (int i = 2; i < n && at; i++)
		at = strchr(at + 1, ' ');
	return at && sscanf(at, " %lu", v) == 1;
}

static char state_of(int pid)
{
	char state = '?';
	int ppid, pgrp;

	return stat_of(pid, &state, &ppid, &pgrp, NULL, 0) ? state : '?';
}

/*
 * A child that has just been forked or continued is R until it has run to
 * its sleep: give the CPU away (each yield lets every runnable task run)
 * until it is S, a bounded number of times. Its state, then.
 */
static char settled_state(int pid)
{
	char state = state_of(pid);

	for (int i = 0; i < 1000 && state == 'R'; i++) {
		sched_yield();
		state = state_of(pid);
	}
	return state;
}

static int sleeper(void)
{
	int pid = fork();

	if (pid == 0) {
		for (;;)
			sleep(100);
	}
	return pid;
}

static void reap(int pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* The way ps reads /proc: every numeric entry, then its stat. How many read well; *seen if pid was one. */
static int scan_like_ps(int pid, int *seen)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int good = 0;

	*seen = 0;
	while (d && (e = readdir(d))) {
		char state, comm[32];
		int n, ppid, pgrp;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		n = atoi(e->d_name);
		if (stat_of(n, &state, &ppid, &pgrp, comm, sizeof(comm)) && comm[0])
			good++;
		*seen |= n == pid;
	}
	if (d)
		closedir(d);
	return good;
}

static void check_listing(void)
{
	char name[16];
	int child = sleeper(), seen, good;

	snprintf(name, sizeof(name), "%d", child);
	check("opendir /proc lists pid 1 and the child", has_entry("/proc", "1") && has_entry("/proc", name));
	check("/proc lists self and meminfo", has_entry("/proc", "self") && has_entry("/proc", "meminfo"));
	good = scan_like_ps(child, &seen);
	check("every listed process has a readable stat", good >= 2 && seen);
	snprintf(name, sizeof(name), "/proc/%d", child);
	check("/proc/N lists its files", has_entry(name, "stat") && has_entry(name, "status") &&
						  has_entry(name, "cmdline") && has_entry(name, "comm") &&
						  has_entry(name, "exe"));
	check("a sleeping child is S", settled_state(child) == 'S');
	reap(child);
}

/* As many processes as the process server keeps, less a few: every one listed and readable. */
static void check_many(void)
{
	enum { MANY = 70 };
	int pids[MANY], seen, good, all = 1;

	for (int i = 0; i < MANY; i++)
		pids[i] = sleeper();
	for (int i = 0; i < MANY; i++)
		all &= pids[i] > 0 && settled_state(pids[i]) == 'S';
	good = scan_like_ps(pids[MANY - 1], &seen);
	check("70 children: every one listed, each stat readable", good == MANY + 1 && seen && all);
	for (int i = 0; i < MANY; i++)
		reap(pids[i]);
	good = scan_like_ps(pids[0], &seen);
	check("and once they are reaped, only init is left", good == 1 && !seen);
}

static void check_self(void)
{
	char state = 0, comm[32], buf[1024], expect[64];
	int ppid = -1, pgrp = -1, pid = fork(), status;
	unsigned long v = 0;

	if (pid == 0) {
		setpgid(0, 0);
		snprintf(expect, sizeof(expect), "%d", getpid());
		exit(!(stat_of(getpid(), &state, &ppid, &pgrp, comm, sizeof(comm)) && state == 'R' &&
		       ppid == getppid() && pgrp == getpid() && strcmp(comm, "procfs") == 0 &&
		       readlink("/proc/self", buf, sizeof(buf)) == (ssize_t)strlen(expect) &&
		       memcmp(buf, expect, strlen(expect)) == 0));
	}
	waitpid(pid, &status, 0);
	check("a child's /proc/self/stat: itself, R, its ppid and pgrp", WIFEXITED(status) && !WEXITSTATUS(status));
	check("init's /proc/self/stat: pid 1, R, ppid 0, pgrp 1",
	      stat_of(1, &state, &ppid, &pgrp, comm, sizeof(comm)) && state == 'R' && ppid == 0 && pgrp == 1);
	check("status has Name, State, Pid and PPid",
	      slurp("/proc/self/status", buf, sizeof(buf)) > 0 && strstr(buf, "Name:\tprocfs\n") &&
		      strstr(buf, "State:\tR (running)\n") && strstr(buf, "\nPid:\t1\n") && strstr(buf, "\nPPid:\t0\n") &&
		      strstr(buf, "\nThreads:\t1\n"));
	check("comm", slurp("/proc/self/comm", buf, sizeof(buf)) == 7 && strcmp(buf, "procfs\n") == 0);
	check("stat has 52 fields, num_threads 1 and a vsize",
	      stat_field(1, 52, &v) && v == 0 && !stat_field(1, 53, &v) && stat_field(1, 20, &v) && v == 1 &&
		      stat_field(1, 23, &v) && v > 0);
}

static void check_stop_and_zombie(void)
{
	int child = sleeper(), status = 0;
	siginfo_t si;

	kill(child, SIGSTOP);
	waitpid(child, &status, WUNTRACED);
	check("a stopped child is T", WIFSTOPPED(status) && state_of(child) == 'T');
	kill(child, SIGCONT);
	waitpid(child, &status, WCONTINUED);
	check("continued, it is S again", settled_state(child) == 'S');
	reap(child);
	child = fork();
	if (child == 0)
		exit(3);
	memset(&si, 0, sizeof(si));
	waitid(P_PID, (id_t)child, &si, WEXITED | WNOWAIT);
	check("a zombie is Z", si.si_pid == child && state_of(child) == 'Z');
	waitpid(child, &status, 0);
	check("a reaped child is gone: ENOENT", state_of(child) == '?' && errno == ENOENT);
}

static void check_cmdline(void)
{
	char *const args[] = { "/bin/procfs", "--cmdline", "two words", NULL };
	char *const exe_args[] = { "procfs", "--exe", NULL };
	char buf[256];
	long n = slurp("/proc/self/cmdline", buf, sizeof(buf));
	int pid, status;

	check("init's cmdline", n == 12 && memcmp(buf, "/bin/procfs", 12) == 0);
	pid = fork();
	if (pid == 0) {
		execv("/bin/procfs", args);
		_exit(100);
	}
	waitpid(pid, &status, 0);
	check("cmdline has the argv of execve", WIFEXITED(status) && WEXITSTATUS(status) == 0);
	pid = fork();
	if (pid == 0) {
		execv("/proc/self/exe", exe_args);
		_exit(100);
	}
	waitpid(pid, &status, 0);
	check("execve of /proc/self/exe runs the same program", WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* glibc's static start-up asserts that /proc/self/exe is absolute (_dl_get_origin). */
	pid = fork();
	if (pid == 0) {
		if (chdir("/tmp") == 0)
			execv("../bin/procfs", exe_args);
		_exit(100);
	}
	waitpid(pid, &status, 0);
	check("execve of a relative path: /proc/self/exe is absolute", WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void check_exe(void)
{
	char buf[256];
	struct stat a, b;
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf));
	int child = sleeper();
	char path[64];

	check("/proc/self/exe links to the executable", n == 11 && memcmp(buf, "/bin/procfs", 11) == 0);
	snprintf(path, sizeof(path), "/proc/%d/exe", child);
	n = readlink(path, buf, sizeof(buf));
	check("/proc/N/exe of another process", n == 11 && memcmp(buf, "/bin/procfs", 11) == 0);
	check("lstat of /proc/self/exe is a link, of /proc/self too",
	      lstat("/proc/self/exe", &a) == 0 && S_ISLNK(a.st_mode) && lstat("/proc/self", &b) == 0 &&
		      S_ISLNK(b.st_mode) && lstat("/proc/self/", &b) == 0 && S_ISDIR(b.st_mode));
	check("stat of /proc/self/exe is the executable's",
	      stat("/proc/self/exe", &a) == 0 && stat("/bin/procfs", &b) == 0 && a.st_ino == b.st_ino &&
		      a.st_size == b.st_size && S_ISREG(a.st_mode));
	reap(child);
}

static void check_global(void)
{
	char buf[1024];
	unsigned long total = 0, free_kb = 0;
	char *at;

	slurp("/proc/meminfo", buf, sizeof(buf));
	at = strstr(buf, "MemFree:");
	check("meminfo has MemTotal and MemFree", sscanf(buf, "MemTotal: %lu kB", &total) == 1 && at &&
							  sscanf(at, "MemFree: %lu kB", &free_kb) == 1 &&
							  total > free_kb && free_kb > 0);
	check("uptime", slurp("/proc/uptime", buf, sizeof(buf)) > 0 && strchr(buf, '.') && buf[strlen(buf) - 1] == '\n');
	check("loadavg", slurp("/proc/loadavg", buf, sizeof(buf)) > 0 && strncmp(buf, "0.00 0.00 0.00 ", 15) == 0);
	check("mounts names /", slurp("/proc/mounts", buf, sizeof(buf)) > 0 && strstr(buf, " / "));
	check("version", slurp("/proc/version", buf, sizeof(buf)) > 0 && strncmp(buf, "Linux version ", 14) == 0);
}

static void check_missing_and_read_only(void)
{
	struct stat st;
	int fd;

	check("a missing pid is ENOENT", open("/proc/99999/stat", O_RDONLY) < 0 && errno == ENOENT &&
						 stat("/proc/99999", &st) < 0 && errno == ENOENT);
	fd = open("/proc/self/stat", O_WRONLY);
	check("opening a /proc file for writing is EACCES", fd < 0 && errno == EACCES);
	fd = open("/proc/new", O_WRONLY | O_CREAT, 0644);
	check("creating in /proc is EACCES", fd < 0 && errno == EACCES);
	check("mkdir, unlink and rename in /proc are EACCES",
	      mkdir("/proc/d", 0755) < 0 && errno == EACCES && unlink("/proc/meminfo") < 0 && errno == EACCES &&
		      rename("/proc/meminfo", "/tmp/m") < 0 && errno == EACCES);
	fd = open("/proc/self/stat", O_RDONLY);
	check("a read-only descriptor cannot write", fd >= 0 && write(fd, "x", 1) < 0 && errno == EBADF);
	close(fd);
}

/* A file open while its process ends keeps what it said; the name is gone. */
static void check_open_after_exit(void)
{
	char path[64], buf[512], pid_text[16];
	int child = sleeper(), fd;
	long n;

	snprintf(path, sizeof(path), "/proc/%d/stat", child);
	snprintf(pid_text, sizeof(pid_text), "%d (", child);
	fd = open(path, O_RDONLY);
	reap(child);
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	check("an open stat still reads after its process is gone", n > 0 && strncmp(buf, pid_text, strlen(pid_text)) == 0);
	close(fd);
	check("and the name is gone", open(path, O_RDONLY) < 0 && errno == ENOENT);
}

static void check_chdir(void)
{
	char state = 0, cwd[64], buf[256];
	int ppid, pgrp;
	long n;

	if (chdir("/proc") != 0) {
		check("chdir into /proc and relative paths", 0);
		return;
	}
	n = slurp("self/stat", buf, sizeof(buf));
	check("chdir into /proc and relative paths", n > 0 && strncmp(buf, "1 (procfs) R", 12) == 0 &&
							 getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/proc") == 0 &&
							 stat_of(1, &state, &ppid, &pgrp, NULL, 0));
	chdir("/");
}

/* Path calls are looked at for /proc before they are served: those on other descriptors pass by. */
static void check_other_descriptors(void)
{
	struct stat st;
	int fd[2];

	pipe(fd);
	check("fstat of a pipe, and a path relative to a pipe is ENOTDIR",
	      fstat(fd[0], &st) == 0 && S_ISFIFO(st.st_mode) && fstatat(fd[1], "", &st, AT_EMPTY_PATH) == 0 &&
		      openat(fd[0], "x", O_RDONLY) < 0 && errno == ENOTDIR);
	close(fd[0]);
	close(fd[1]);
}

static void check_fd_links(void)
{
	char path[64], name[16], buf[256];
	int p[2], fd, w;
	ssize_t n;

	pipe(p);
	fd = open("/bin/procfs", O_RDONLY);
	snprintf(name, sizeof(name), "%d", fd);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, buf, sizeof(buf));
	check("/proc/self/fd lists the open descriptors", has_entry("/proc/self/fd", "0") && has_entry("/proc/self/fd", name));
	check("a descriptor's link names its file", n == 11 && memcmp(buf, "/bin/procfs", 11) == 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0]);
	n = readlink(path, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	check("a pipe's link names the pipe", n > 7 && strncmp(buf, "pipe:[", 6) == 0 && buf[n - 1] == ']');
	snprintf(path, sizeof(path), "/dev/fd/%d", p[1]);
	w = open(path, O_WRONLY);
	check("opening /dev/fd/N of a pipe gives that pipe",
	      w >= 0 && write(w, "hi", 2) == 2 && read(p[0], buf, sizeof(buf)) == 2 && memcmp(buf, "hi", 2) == 0);
	close(w);
	close(fd);
	dup2(p[0], 900);	/* high: opendir's own descriptor will not take the number again */
	check("fd 900 is listed while open", has_entry("/proc/self/fd", "900"));
	close(900);
	check("a closed descriptor's link is gone", !has_entry("/proc/self/fd", "900"));
	close(p[0]);
	close(p[1]);
}

/*
 * /proc is reached through the file server's walk, not by the path's
 * spelling: ".." out of it is the file server's tree again, a name beside
 * it that walks in is refused, and a directory under it is a working
 * directory like any (with its descriptors' links opening their files).
 */
static void check_gateway(void)
{
	char buf[64], cwd[64], path[64];
	struct stat a, b;
	int fd, again;

	check("a path that climbs out of /proc is the tree's again",
	      stat("/proc/self/../../bin/procfs", &a) == 0 && stat("/bin/procfs", &b) == 0 && a.st_ino == b.st_ino);
	chdir("/bin");
	check("unlink of ../proc/self from beside /proc is EACCES", unlink("../proc/self") < 0 && errno == EACCES);
	check("rmdir of /proc is refused", rmdir("/proc") < 0);
	fd = open("/bin/procfs", O_RDONLY);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	lseek(fd, 100, SEEK_SET);
	again = open(path, O_RDONLY);
	check("a file's descriptor link opens the file anew, at its start",
	      again >= 0 && again != fd && read(again, buf, 4) == 4 && memcmp(buf, "\177ELF", 4) == 0 &&
		      lseek(fd, 0, SEEK_CUR) == 100);
	close(again);
	close(fd);
	chdir("/dev/fd/..");
	snprintf(path, sizeof(path), "/proc/%d", getpid());
	check("/dev/fd/.. is the process's /proc directory",
	      getcwd(cwd, sizeof(cwd)) && strcmp(cwd, path) == 0 && stat("fd", &a) == 0 && S_ISDIR(a.st_mode) &&
		      slurp("comm", buf, sizeof(buf)) > 0 && strcmp(buf, "procfs\n") == 0);
	check("and .. from there is /proc", chdir("..") == 0 && stat("self", &a) == 0 && getcwd(cwd, sizeof(cwd)) &&
						strcmp(cwd, "/proc") == 0);
	chdir("/");
}

/* SigIgn and SigBlk, bit n - 1 for signal n, as Linux prints them. */
static void check_status_signals(void)
{
	char buf[1024];
	unsigned long ign = 0, blk = 0;
	const char *at;
	sigset_t set, old;

	signal(SIGUSR1, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, &old);
	slurp("/proc/self/status", buf, sizeof(buf));
	at = strstr(buf, "SigIgn:\t");
	if (at)
		ign = strtoul(at + 8, NULL, 16);
	at = strstr(buf, "SigBlk:\t");
	if (at)
		blk = strtoul(at + 8, NULL, 16);
	check("status shows ignored and blocked signals",
	      (ign & (1ul << (SIGUSR1 - 1))) && !(ign & (1ul << (SIGUSR2 - 1))) && (blk & (1ul << (SIGUSR2 - 1))) &&
		      strstr(buf, "SigPnd:\t") && strstr(buf, "SigCgt:\t"));
	sigprocmask(SIG_SETMASK, &old, NULL);
	signal(SIGUSR1, SIG_DFL);
}

/* A script's comm is its own name, not its interpreter's: #!/bin/cat prints the script's comm. */
static void check_script_comm(void)
{
	static const char script[] = "#!/bin/cat /proc/self/comm\n";
	char buf[256] = { 0 };
	int fd = open("/tmp/show-comm", O_CREAT | O_WRONLY | O_TRUNC, 0755), p[2], status;
	pid_t pid;

	write(fd, script, sizeof(script) - 1);
	close(fd);
	pipe(p);
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		execl("/tmp/show-comm", "show-comm", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	for (long n, total = 0; (n = read(p[0], buf + total, sizeof(buf) - 1 - (size_t)total)) > 0;)
		total += n;
	close(p[0]);
	waitpid(pid, &status, 0);
	unlink("/tmp/show-comm");
	check("a script's comm is the script's name", strncmp(buf, "show-comm\n", 10) == 0);
}

static int own_checks(int argc, char **argv)
{
	static const char want[] = "/bin/procfs\0--cmdline\0two words", want_exe[] = "procfs\0--exe";
	char buf[256], exe[64];
	long n = slurp("/proc/self/cmdline", buf, sizeof(buf));
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe));

	if (strcmp(argv[1], "--cmdline") == 0)
		return !(argc == 3 && n == sizeof(want) && memcmp(buf, want, sizeof(want)) == 0);
	return !(n == sizeof(want_exe) && memcmp(buf, want_exe, sizeof(want_exe)) == 0 && len == 11 &&
		 memcmp(exe, "/bin/procfs", 11) == 0);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return own_checks(argc, argv);
	setvbuf(stdout, NULL, _IONBF, 0);
	check_listing();
	check_many();
	check_self();
	check_stop_and_zombie();
	check_cmdline();
	check_exe();
	check_global();
	check_missing_and_read_only();
	check_open_after_exit();
	check_chdir();
	check_other_descriptors();
	check_fd_links();
	check_gateway();
	check_status_signals();
	check_script_comm();
	return 0;
}
