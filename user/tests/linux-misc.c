/*
 * Small Linux calls glibc programs lean on: readlink("/proc/self/exe"),
 * getrlimit, getcwd, uname, clock_gettime, getrandom, waitid, statx,
 * 1,024 descriptors, chmod and chown, setuid and its kin on a system
 * that is all root, the socket calls on descriptors that are no sockets,
 * execve's argument limits, and
 * -EFAULT for a bad pointer instead of a crash (a pipe's bytes staying
 * for the next read). Run with "--count-env" it
 * exits 100 if it has 1,024 environment strings.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/select.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static void check_waitid(void)
{
	siginfo_t si = { 0 };
	pid_t pid = fork();

	if (pid == 0)
		_exit(7);
	printf("linux-misc: waitid WNOWAIT sees exit 7 %s\n",
	       waitid(P_PID, pid, &si, WEXITED | WNOWAIT) == 0 && si.si_pid == pid && si.si_code == CLD_EXITED &&
			       si.si_status == 7 && si.si_signo == SIGCHLD ? "ok" : "wrong");
	memset(&si, 0, sizeof(si));
	printf("linux-misc: waitid reaps it after WNOWAIT %s\n",
	       waitid(P_ALL, 0, &si, WEXITED) == 0 && si.si_pid == pid && waitpid(-1, 0, WNOHANG) < 0 &&
			       errno == ECHILD ? "ok" : "wrong");
	pid = fork();
	if (pid == 0) {
		usleep(50000);
		kill(getpid(), SIGTERM);
		_exit(0);
	}
	si.si_pid = 99;
	printf("linux-misc: waitid WNOHANG on a running child %s\n",
	       waitid(P_PID, pid, &si, WEXITED | WNOHANG) == 0 && si.si_pid == 0 ? "ok" : "wrong");
	printf("linux-misc: waitid sees SIGTERM %s\n",
	       waitid(P_PID, pid, &si, WEXITED) == 0 && si.si_code == CLD_KILLED && si.si_status == SIGTERM ? "ok"
																: "wrong");
	printf("linux-misc: waitid without WEXITED %s\n",
	       waitid(P_ALL, 0, &si, WNOHANG) < 0 && errno == EINVAL ? "EINVAL" : "wrong");
}

static void check_statx(void)
{
	struct statx stx;
	struct stat st;

	stat("/bin/linux-misc", &st);
	printf("linux-misc: statx of a file %s\n",
	       statx(AT_FDCWD, "/bin/linux-misc", 0, STATX_BASIC_STATS, &stx) == 0 && S_ISREG(stx.stx_mode) &&
			       stx.stx_size == (uint64_t)st.st_size && stx.stx_ino == st.st_ino ? "ok" : "wrong");
	printf("linux-misc: statx of a missing file %s\n",
	       statx(AT_FDCWD, "/no/such", 0, STATX_BASIC_STATS, &stx) < 0 && errno == ENOENT ? "ENOENT" : "wrong");
}

/* umask is kept per process; the affinity mask holds every hart (the test knows how many). */
static void check_umask_affinity(void)
{
	cpu_set_t set;
	mode_t first = umask(077), second = umask(022);

	printf("linux-misc: umask 022 then 077 %s\n", first == 022 && second == 077 ? "ok" : "wrong");
	CPU_ZERO(&set);
	printf("linux-misc: affinity %d harts\n", sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : -1);
}

/* 1,024 descriptors, as RLIMIT_NOFILE says (ash keeps its own above 255), and select's sets that big. */
static void check_descriptors(void)
{
	struct timeval tv = { 0, 0 };
	struct rlimit rl;
	fd_set rd;
	int p[2], high, ok;

	pipe(p);
	high = fcntl(p[0], F_DUPFD, 256);
	ok = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == 1024 && high >= 256 && dup2(p[0], 1000) == 1000;
	ok = ok && dup2(p[0], 1024) < 0 && errno == EBADF && write(p[1], "x", 1) == 1;
	FD_ZERO(&rd);
	FD_SET(1000, &rd);
	ok = ok && select(1001, &rd, NULL, NULL, &tv) == 1 && FD_ISSET(1000, &rd);
	printf("linux-misc: descriptors up to 1023, select on fd 1000 %s\n", ok ? "ok" : "wrong");
	close(high);
	close(1000);
	close(p[0]);
	close(p[1]);
}

/* A pipe read into a bad buffer: EFAULT, and its bytes stay for the next read, as on Linux. */
static void check_pipe_fault(void)
{
	char buf[8] = { 0 };
	int p[2], ok;

	ok = pipe2(p, O_NONBLOCK) == 0 && write(p[1], "kage", 4) == 4;
	errno = 0;
	ok = ok && syscall(SYS_read, p[0], (void *)8, 4) < 0 && errno == EFAULT;
	ok = ok && read(p[0], buf, sizeof(buf)) == 4 && memcmp(buf, "kage", 4) == 0;
	printf("linux-misc: a pipe read into a bad pointer: %s\n", ok ? "EFAULT, its bytes stay" : "wrong");
	close(p[0]);
	close(p[1]);
}

static void check_chmod(void)
{
	struct stat st;
	int fd = open("/tmp/mode", O_CREAT | O_WRONLY, 0644), ok;

	ok = fd >= 0 && chmod("/tmp/mode", 0600) == 0 && stat("/tmp/mode", &st) == 0 && (st.st_mode & 07777) == 0600;
	ok = ok && fchmod(fd, 04755) == 0 && fstat(fd, &st) == 0 && (st.st_mode & 07777) == 04755 && S_ISREG(st.st_mode);
	ok = ok && chown("/tmp/mode", 0, 0) == 0 && fchown(fd, 0, 0) == 0;
	printf("linux-misc: chmod, fchmod, chown and fchown %s\n", ok ? "ok" : "wrong");
	errno = 0;
	printf("linux-misc: chmod in /proc, and of a missing file: %s\n",
	       chmod("/proc/self/status", 0666) < 0 && errno == EPERM && chmod("/no/such", 0600) < 0 &&
			       errno == ENOENT ? "EPERM ENOENT" : "wrong");
	close(fd);
	unlink("/tmp/mode");
}

static void check_ids(void)
{
	uid_t r = 1, e = 1, s = 1;
	gid_t gr = 1, ge = 1, gs = 1;
	int ok = setuid(0) == 0 && setgid(0) == 0 && setresuid(0, -1, 0) == 0 && setresgid(-1, 0, -1) == 0 &&
		 setreuid(0, 0) == 0 && setregid(-1, -1) == 0;

	ok = ok && getresuid(&r, &e, &s) == 0 && r == 0 && e == 0 && s == 0 && getresgid(&gr, &ge, &gs) == 0 &&
	     gr == 0 && ge == 0 && gs == 0;
	errno = 0;
	printf("linux-misc: setuid and its kin: to root, to another user: %s\n",
	       ok && setuid(1000) < 0 && errno == EPERM && setresgid(0, 0, 1000) < 0 && errno == EPERM && getuid() == 0
		       ? "ok EPERM" : "wrong");
}

/* What bash asks of its standard input before it reads ~/.bashrc for a network login. */
static void check_not_sockets(void)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);
	int v, ok;

	errno = 0;
	ok = getpeername(0, (struct sockaddr *)&sa, &len) < 0 && errno == ENOTSOCK;
	ok = ok && getsockname(1, (struct sockaddr *)&sa, &len) < 0 && errno == ENOTSOCK;
	ok = ok && getsockopt(2, SOL_SOCKET, SO_TYPE, &v, &len) < 0 && errno == ENOTSOCK;
	ok = ok && shutdown(0, SHUT_RD) < 0 && errno == ENOTSOCK;
	printf("linux-misc: socket calls on other descriptors: %s\n",
	       ok && getpeername(900, (struct sockaddr *)&sa, &len) < 0 && errno == EBADF ? "ENOTSOCK EBADF" : "wrong");
}

/* execve of this program with n environment strings: the child's exit status (200: E2BIG). */
static int exec_with_env(int n)
{
	static char strings[1025][16];
	static char *env[1026];
	char *argv[] = { "/bin/linux-misc", "--count-env", NULL };
	int status;
	pid_t pid;

	for (int i = 0; i < n; i++) {
		snprintf(strings[i], sizeof(strings[i]), "V%d=%d", i, i);
		env[i] = strings[i];
	}
	env[n] = NULL;
	pid = fork();
	if (pid == 0) {
		execve(argv[0], argv, env);
		_exit(errno == E2BIG ? 200 : 201);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* execve of /bin/exit0 with argv: 0 if it ran, 202 for EFAULT, 203 for another error. */
static int exec_status(char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		execve("/bin/exit0", argv, environ);
		_exit(errno == EFAULT ? 202 : 203);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * execve's vectors and strings at the end of a mapping, the next page
 * unmapped: what ends on the page's last byte is read, what runs past it
 * is EFAULT, and a vector at an odd address reads as it stands.
 */
static void check_exec_edges(void)
{
	const long page = 4096;
	char *two = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *end, *vec[3] = { "/bin/exit0", "x", NULL };
	int ok;

	if (two == MAP_FAILED || munmap(two + page, page) < 0) {
		printf("linux-misc: execve at a mapping's end: no mapping\n");
		return;
	}
	end = two + page;
	memcpy(end - 6, "abcde", 6);	/* its NUL is the page's last byte */
	ok = exec_status((char *[]){ "/bin/exit0", end - 6, NULL }) == 0;
	memcpy(end - 5, "abcde", 5);	/* no NUL before the unmapped page */
	ok = ok && exec_status((char *[]){ "/bin/exit0", end - 5, NULL }) == 202;
	memcpy(end - sizeof(vec), vec, sizeof(vec));	/* its NULL is the page's last word */
	ok = ok && exec_status((char **)(end - sizeof(vec))) == 0;
	memcpy(end - sizeof(char *), &vec[1], sizeof(char *));	/* no NULL before the unmapped page */
	ok = ok && exec_status((char **)(end - 2 * sizeof(char *))) == 202;
	memcpy(end - sizeof(vec) - 4, vec, sizeof(vec));	/* at an odd address */
	ok = ok && exec_status((char **)(end - sizeof(vec) - 4)) == 0;
	printf("linux-misc: execve at a mapping's end: %s\n", ok ? "ok" : "wrong");
	munmap(two, page);
}

/*
 * What a JIT does: code stored into a page, the page made executable, the
 * instruction cache flushed (GCC's __builtin___clear_cache, which is
 * riscv_flush_icache), the code called. Bad flags are EINVAL.
 */
static void check_flush_icache(void)
{
	static const uint32_t ret42[] = { 0x02a00513, 0x00008067 };	/* li a0, 42; ret */
	char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long (*fn)(void) = (long (*)(void))(uintptr_t)page;
	int ok, bad;

	if (page == MAP_FAILED) {
		printf("linux-misc: riscv_flush_icache: no mapping\n");
		return;
	}
	memcpy(page, ret42, sizeof(ret42));
	ok = mprotect(page, 4096, PROT_READ | PROT_EXEC) == 0;
	__builtin___clear_cache(page, page + sizeof(ret42));
	ok = ok && syscall(SYS_riscv_flush_icache, page, page + 8, 0) == 0 &&
	     syscall(SYS_riscv_flush_icache, page, page + 8, 1) == 0 && fn() == 42;
	bad = syscall(SYS_riscv_flush_icache, page, page + 8, 2) < 0 && errno == EINVAL;
	printf("linux-misc: riscv_flush_icache, then the code runs: %s %s\n", ok ? "ok" : "wrong",
	       bad ? "EINVAL" : "wrong");
	munmap(page, 4096);
}

int main(int argc, char **argv)
{
	char buf[128], cwd[64];
	struct rlimit rl;
	struct utsname u;
	struct timespec t0, t1;
	unsigned char rnd[32] = { 0 };
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	int nonzero = 0;

	if (argc > 1 && strcmp(argv[1], "--count-env") == 0) {
		int envc = 0;

		while (environ[envc])
			envc++;
		return envc == 1024 ? 100 : 101;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	buf[n > 0 ? n : 0] = 0;
	printf("linux-misc: /proc/self/exe -> %s\n", buf);
	check_umask_affinity();
	printf("linux-misc: RLIMIT_STACK %s\n",
	       getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur == 8u << 20 ? "8 MiB" : "wrong");
	printf("linux-misc: getcwd %s\n", getcwd(cwd, sizeof(cwd)) ? cwd : "failed");
	printf("linux-misc: uname %s\n", uname(&u) == 0 ? u.machine : "failed");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (volatile int i = 0; i < 100000; i++)
		;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("linux-misc: clock advances %s\n",
	       t1.tv_sec > t0.tv_sec || (t1.tv_sec == t0.tv_sec && t1.tv_nsec > t0.tv_nsec) ? "yes" : "no");
	getrandom(rnd, sizeof(rnd), 0);
	for (size_t i = 0; i < sizeof(rnd); i++)
		nonzero += rnd[i] != 0;
	printf("linux-misc: getrandom %s\n", nonzero > 16 ? "random" : "suspicious");
	errno = 0;
	printf("linux-misc: write from a bad pointer: %s\n",
	       syscall(SYS_write, 1, (void *)8, 4) < 0 && errno == EFAULT ? "EFAULT" : "wrong");
	printf("linux-misc: uname into a bad pointer: %s\n",
	       syscall(SYS_uname, (void *)0x10) < 0 && errno == EFAULT ? "EFAULT" : "wrong");
	check_waitid();
	check_statx();
	check_descriptors();
	check_pipe_fault();
	check_chmod();
	check_ids();
	check_not_sockets();
	printf("linux-misc: execve with 1,024 environment strings %s\n", exec_with_env(1024) == 100 ? "ok" : "wrong");
	printf("linux-misc: execve with 1,025 of them: %s\n", exec_with_env(1025) == 200 ? "E2BIG" : "wrong");
	check_exec_edges();
	check_flush_icache();
	errno = 0;
	printf("linux-misc: unknown system call, twice: %s\n",
	       syscall(500) < 0 && errno == ENOSYS && syscall(500) < 0 && errno == ENOSYS ? "ENOSYS" : "wrong");
	return 0;
}
