/*
 * The file server's capacity: each limit it once had, pushed far past,
 * with the data that comes back checked, and its objects counted back
 * to where they were after each part (the test route to FS_OP_STATS, an
 * ioctl on /dev/null: nodes, open file descriptions, pipes, descriptor
 * tables, heap allocations and calls waiting).
 *
 * Parts: 10,000 files in one directory (made, read back, listed,
 * removed); a 64 MiB file (read back, and mapped); a sparse file with a
 * hole of 1 GiB; 2,250 pipes at once in five processes; as many threads
 * waiting in poll at once as the process server allows (up to 300), all
 * woken by one byte; 100 readers waiting on one pipe, served in the
 * order they came; readers interrupted by a signal and a process killed
 * while its threads wait, neither losing a byte; a path of 4,000 bytes;
 * and memory filled with one file until a write says ENOSPC or comes up
 * short, the calls that need memory then refused cleanly, and all of it
 * given back, twice, ending exactly where it was.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "servers/protocol.h"

#define FILES 10000
#define BIG (64ul << 20)
#define CHUNK (1ul << 20)
#define HOLE (1ul << 30)
#define PIPE_PROCS 5
#define PIPES_EACH 450
#define POLLERS 300
#define POLL_PROCS 5
#define READERS 100
#define STACK (64ul << 10)
#define WAIT_LIMIT_MS 120000	/* a wait for the server's counts to reach a value gives up after this */

struct fs_stats {
	uint64_t heap, nodes, files, pipes, tables, waits;
};

static int stats_fd = -1;
static uint64_t chunk[CHUNK / 8];

static void say(const char *what, int ok)
{
	printf("fs-capacity: %s %s\n", what, ok ? "ok" : "FAILED");
}

static struct fs_stats stats(void)
{
	struct fs_stats s = { 0 };

	if (ioctl(stats_fd, PROTO_IOCTL_FS_STATS, &s) < 0)
		printf("fs-capacity: the stats ioctl failed: %s\n", strerror(errno));
	return s;
}

/* Whether the file server's objects are back where they were. */
static int stats_back(const struct fs_stats *before)
{
	struct fs_stats now = stats();
	int ok = now.heap == before->heap && now.nodes == before->nodes && now.files == before->files &&
		 now.pipes == before->pipes && now.tables == before->tables && now.waits == before->waits;

	if (!ok)
		printf("fs-capacity: objects now heap %lu nodes %lu files %lu pipes %lu tables %lu waits %lu"
		       " (before %lu %lu %lu %lu %lu %lu)\n", (unsigned long)now.heap, (unsigned long)now.nodes,
		       (unsigned long)now.files, (unsigned long)now.pipes, (unsigned long)now.tables,
		       (unsigned long)now.waits, (unsigned long)before->heap, (unsigned long)before->nodes,
		       (unsigned long)before->files, (unsigned long)before->pipes, (unsigned long)before->tables,
		       (unsigned long)before->waits);
	return ok;
}

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, ms % 1000 * 1000000 };

	nanosleep(&t, NULL);
}

/* Waits until `want` calls wait in the file server: whether they came (within WAIT_LIMIT_MS). */
static int waits_reach(uint64_t want)
{
	for (long ms = 0; ms < WAIT_LIMIT_MS; ms++) {
		if (stats().waits == want)
			return 1;
		sleep_ms(1);
	}
	return 0;
}

/* A word of the test pattern: what a file holds at byte offset off (a multiple of 8). */
static uint64_t pattern(uint64_t off)
{
	uint64_t x = (off + 1) * 0x9e3779b97f4a7c15ull;

	return x ^ (x >> 29);
}

static void fill_chunk(uint64_t off)
{
	for (uint64_t w = 0; w < CHUNK / 8; w++)
		chunk[w] = pattern(off + w * 8);
}

/* Whether len bytes read at file offset off into chunk are the pattern (zero: a hole). */
static int chunk_is(uint64_t off, uint64_t len, int zero)
{
	for (uint64_t w = 0; w < len / 8; w++)
		if (chunk[w] != (zero ? 0 : pattern(off + w * 8)))
			return 0;
	return 1;
}

static int make_many(void)
{
	char path[64], text[64];
	int ok = mkdir("/tmp/many", 0755) == 0;

	for (int i = 0; i < FILES && ok; i++) {
		int len = snprintf(text, sizeof(text), "file %d of %d\n", i, FILES), fd;

		snprintf(path, sizeof(path), "/tmp/many/f%05d", i);
		fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
		ok = fd >= 0 && write(fd, text, (size_t)len) == len;
		close(fd);
	}
	return ok;
}

static int read_many(void)
{
	char path[64], want[64], got[64];
	int ok = 1;

	for (int i = 0; i < FILES && ok; i++) {
		int len = snprintf(want, sizeof(want), "file %d of %d\n", i, FILES), fd;

		snprintf(path, sizeof(path), "/tmp/many/f%05d", i);
		fd = open(path, O_RDONLY);
		ok = fd >= 0 && read(fd, got, sizeof(got)) == len && memcmp(got, want, (size_t)len) == 0;
		close(fd);
	}
	return ok;
}

/* getdents through readdir: each file listed exactly once, nothing else but . and .. if listed. */
static int list_many(void)
{
	static unsigned char seen[FILES];
	DIR *d = opendir("/tmp/many");
	struct dirent *e;
	int ok = d != NULL, n = 0, i;

	memset(seen, 0, sizeof(seen));
	for (e = d ? readdir(d) : NULL; e; e = readdir(d)) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		ok &= sscanf(e->d_name, "f%05d", &i) == 1 && i >= 0 && i < FILES && !seen[i];
		if (ok)
			seen[i] = 1;
		n++;
	}
	if (d)
		closedir(d);
	return ok && n == FILES;
}

static int remove_many(void)
{
	char path[64];
	int ok = 1;

	for (int i = 0; i < FILES; i++) {
		snprintf(path, sizeof(path), "/tmp/many/f%05d", i);
		ok &= unlink(path) == 0;
	}
	return ok && rmdir("/tmp/many") == 0;
}

static void check_many_files(void)
{
	struct fs_stats before = stats();
	struct stat st;

	say("10,000 files made in one directory", make_many());
	say("each of them reads back what was written", read_many());
	say("getdents lists each of them once", list_many());
	say("a lookup among them finds one and misses another",
	    stat("/tmp/many/f07777", &st) == 0 && st.st_size > 0 && stat("/tmp/many/f10000", &st) < 0 &&
	    errno == ENOENT);
	say("all 10,000 removed, and the directory", remove_many());
	say("the server's objects are back after the files", stats_back(&before));
}

static int write_big(int fd)
{
	for (uint64_t off = 0; off < BIG; off += CHUNK) {
		fill_chunk(off);
		if (write(fd, chunk, CHUNK) != (ssize_t)CHUNK)
			return 0;
	}
	return 1;
}

static int read_big(int fd)
{
	int ok = lseek(fd, 0, SEEK_SET) == 0;

	for (uint64_t off = 0; off < BIG && ok; off += CHUNK)
		ok = read(fd, chunk, CHUNK) == (ssize_t)CHUNK && chunk_is(off, CHUNK, 0);
	return ok && read(fd, chunk, CHUNK) == 0;
}

static int map_big(int fd)
{
	const uint64_t *m = mmap(NULL, BIG, PROT_READ, MAP_PRIVATE, fd, 0);
	int ok = m != MAP_FAILED;

	for (uint64_t w = 0; ok && w < BIG / 8; w++)
		ok = m[w] == pattern(w * 8);
	if (m != MAP_FAILED)
		munmap((void *)m, BIG);
	return ok;
}

static void check_big_file(void)
{
	struct fs_stats before = stats();
	int fd = open("/tmp/big", O_CREAT | O_TRUNC | O_RDWR, 0644);
	struct stat st;

	say("a 64 MiB file written", fd >= 0 && write_big(fd) && fstat(fd, &st) == 0 && st.st_size == (off_t)BIG);
	say("the 64 MiB file reads back, every word", read_big(fd));
	say("the 64 MiB file maps, every word", map_big(fd));
	close(fd);
	say("the 64 MiB file removed", unlink("/tmp/big") == 0);
	say("the server's objects are back after the big file", stats_back(&before));
}

/* The sparse file read from the start: a hole of zeros, then the pattern's last page. */
static int read_sparse(int fd)
{
	int ok = lseek(fd, 0, SEEK_SET) == 0;

	for (uint64_t off = 0; off < HOLE && ok; off += CHUNK)
		ok = read(fd, chunk, CHUNK) == (ssize_t)CHUNK && chunk_is(off, CHUNK, 1);
	return ok && read(fd, chunk, CHUNK) == 4096 && chunk_is(HOLE, 4096, 0);
}

static void check_sparse_file(void)
{
	struct fs_stats before = stats();
	int fd = open("/tmp/sparse", O_CREAT | O_TRUNC | O_RDWR, 0644);
	struct stat st;

	fill_chunk(HOLE);
	say("a page written past a hole of 1 GiB",
	    fd >= 0 && pwrite(fd, chunk, 4096, HOLE) == 4096 && fstat(fd, &st) == 0 &&
	    st.st_size == (off_t)(HOLE + 4096) && st.st_blocks == 8);
	say("the hole reads as zeros, the page as written", read_sparse(fd));
	say("truncated to the hole, the page goes",
	    ftruncate(fd, HOLE) == 0 && fstat(fd, &st) == 0 && st.st_size == (off_t)HOLE && st.st_blocks == 0 &&
	    pread(fd, chunk, 8, HOLE - 8) == 8 && chunk[0] == 0);
	close(fd);
	say("the sparse file removed", unlink("/tmp/sparse") == 0);
	say("the server's objects are back after the sparse file", stats_back(&before));
}

/* A child of the pipes part: its pipes made and filled, kept until told, then read back. */
static int pipes_child(int k, int ready, int go)
{
	static int p[PIPES_EACH][2];
	uint32_t msg, got;
	char c;

	for (int i = 0; i < PIPES_EACH; i++) {
		msg = (uint32_t)(k * 100000 + i);
		if (pipe(p[i]) < 0 || write(p[i][1], &msg, sizeof(msg)) != sizeof(msg))
			return 2;
	}
	if (write(ready, "r", 1) != 1 || read(go, &c, 1) != 0)
		return 3;
	for (int i = 0; i < PIPES_EACH; i++) {
		msg = (uint32_t)(k * 100000 + i);
		if (read(p[i][0], &got, sizeof(got)) != sizeof(got) || got != msg)
			return 4;
	}
	return 0;
}

static void check_many_pipes(void)
{
	struct fs_stats before = stats(), during;
	int ready[2], go[2], status, ok = 1;
	pid_t pid[PIPE_PROCS];
	char c;

	pipe(ready);
	pipe(go);
	for (int k = 0; k < PIPE_PROCS; k++) {
		pid[k] = fork();
		if (pid[k] == 0) {
			close(ready[0]);
			close(go[1]);
			_exit(pipes_child(k, ready[1], go[0]));
		}
	}
	close(ready[1]);
	close(go[0]);
	for (int k = 0; k < PIPE_PROCS; k++)
		ok &= read(ready[0], &c, 1) == 1;
	during = stats();
	say("2,250 pipes at once, each holding its data", ok && during.pipes >= before.pipes + PIPE_PROCS * PIPES_EACH);
	close(go[1]);
	for (int k = 0; k < PIPE_PROCS; k++)
		ok &= waitpid(pid[k], &status, 0) == pid[k] && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	close(ready[0]);
	say("each pipe gives back what went in", ok);
	say("the server's objects are back after the pipes", stats_back(&before));
}

struct poller {
	int fd, report;
};

static void *poll_thread(void *arg)
{
	const struct poller *p = arg;
	struct pollfd pf = { p->fd, POLLIN, 0 };
	char r = poll(&pf, 1, -1) == 1 && (pf.revents & POLLIN) ? 'y' : 'n';

	write(p->report, &r, 1);
	return NULL;
}

/* A child of the polls part: up to n threads polling fd; it says how many it made, and waits for them. */
static int polls_child(int fd, int report, int count, int n)
{
	static pthread_t th[POLLERS];
	struct poller p = { fd, report };
	pthread_attr_t attr;
	int made = 0;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, STACK);
	while (made < n && pthread_create(&th[made], &attr, poll_thread, &p) == 0)
		made++;
	write(count, &made, sizeof(made));
	for (int i = 0; i < made; i++)
		pthread_join(th[i], NULL);
	return 0;
}

static void check_many_polls(void)
{
	struct fs_stats before = stats();
	int data[2], report[2], count[2], made, n = 0, yes = 0, status, ok = 1;
	pid_t pid[POLL_PROCS];
	char r;

	pipe(data);
	pipe(report);
	pipe(count);
	for (int k = 0; k < POLL_PROCS; k++) {
		pid[k] = fork();
		if (pid[k] == 0)
			_exit(polls_child(data[0], report[1], count[1], POLLERS / POLL_PROCS));
	}
	for (int k = 0; k < POLL_PROCS; k++)
		n += read(count[0], &made, sizeof(made)) == sizeof(made) ? made : 0;
	printf("fs-capacity: %d threads poll one pipe (of %d asked; the process server allows so many)\n", n, POLLERS);
	say("at least 100 polls wait at once", n >= 100 && waits_reach(before.waits + (uint64_t)n));
	write(data[1], "x", 1);
	for (int i = 0; i < n; i++)
		yes += read(report[0], &r, 1) == 1 && r == 'y';
	for (int k = 0; k < POLL_PROCS; k++)
		ok &= waitpid(pid[k], &status, 0) == pid[k] && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	say("one byte wakes every one of them with POLLIN", ok && yes == n);
	close(data[0]);
	close(data[1]);
	close(report[0]);
	close(report[1]);
	close(count[0]);
	close(count[1]);
	say("the server's objects are back after the polls", stats_back(&before));
}

struct reader {
	int fd;
	int got;		/* the byte it read, -1 for none, -2 for EINTR */
};

static void on_usr1(int sig)
{
	(void)sig;
}

static void *read_thread(void *arg)
{
	struct reader *r = arg;
	unsigned char b;
	ssize_t n = read(r->fd, &b, 1);

	r->got = n == 1 ? b : n < 0 && errno == EINTR ? -2 : -1;
	return NULL;
}

/*
 * n readers of fd, each started once the one before waits (base calls
 * waited before the first), so that they wait in the order of their index.
 */
static int start_readers(pthread_t *th, struct reader *r, int n, int fd, uint64_t base)
{
	pthread_attr_t attr;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, STACK);
	for (int i = 0; i < n; i++) {
		r[i] = (struct reader){ fd, -1 };
		if (pthread_create(&th[i], &attr, read_thread, &r[i]) != 0 || !waits_reach(base + (uint64_t)i + 1))
			return 0;
	}
	return 1;
}

static void check_readers_in_order(void)
{
	static pthread_t th[READERS];
	static struct reader r[READERS];
	struct fs_stats before = stats();
	unsigned char bytes[READERS];
	int p[2], ok;

	pipe(p);
	ok = start_readers(th, r, READERS, p[0], before.waits);
	say("100 readers wait on one pipe at once", ok);
	for (int i = 0; i < READERS; i++)
		bytes[i] = (unsigned char)i;
	ok = write(p[1], bytes, READERS) == READERS;
	for (int i = 0; i < READERS; i++) {
		pthread_join(th[i], NULL);
		ok &= r[i].got == i;
	}
	say("each reader gets one byte, in the order they came", ok);
	close(p[0]);
	close(p[1]);
	say("the server's objects are back after the readers", stats_back(&before));
}

static void check_interrupted_readers(void)
{
	static pthread_t th[10];
	static struct reader r[10];
	struct sigaction sa = { .sa_handler = on_usr1 };	/* no SA_RESTART: the read ends with EINTR */
	struct fs_stats before = stats();
	int p[2], ok, left = 0;

	sigaction(SIGUSR1, &sa, NULL);
	pipe(p);
	ok = start_readers(th, r, 10, p[0], before.waits);
	for (int i = 0; i < 10; i += 2)
		pthread_kill(th[i], SIGUSR1);
	for (int i = 0; i < 10; i += 2) {
		pthread_join(th[i], NULL);
		ok &= r[i].got == -2;
	}
	ok &= write(p[1], "abcde", 5) == 5;
	for (int i = 1; i < 10; i += 2) {
		pthread_join(th[i], NULL);
		ok &= r[i].got == "abcde"[i / 2];
	}
	ioctl(p[0], FIONREAD, &left);
	say("readers interrupted while waiting take no byte from the others", ok && left == 0);
	close(p[0]);
	close(p[1]);
	say("the server's objects are back after the interrupted readers", stats_back(&before));
}

/* A child whose threads wait on fd until it is killed. */
static int doomed_child(int fd)
{
	static pthread_t th[20];
	static struct reader r[20];

	start_readers(th, r, 20, fd, stats().waits);
	for (;;)
		pause();
	return 0;
}

static void check_killed_waiters(void)
{
	struct fs_stats before = stats();
	int p[2], status, ok;
	pid_t pid;
	char buf[4];

	pipe(p);
	pid = fork();
	if (pid == 0)
		_exit(doomed_child(p[0]));
	ok = waits_reach(before.waits + 20);
	kill(pid, SIGKILL);
	ok &= waitpid(pid, &status, 0) == pid && WIFSIGNALED(status);
	ok &= stats().waits == before.waits;
	ok &= write(p[1], "abc", 3) == 3 && read(p[0], buf, sizeof(buf)) == 3 && !memcmp(buf, "abc", 3);
	say("a process killed with 20 threads waiting leaves no waiter and takes no byte", ok);
	close(p[0]);
	close(p[1]);
	say("the server's objects are back after the killed process", stats_back(&before));
}

/* A child that opens descriptors up to RLIMIT_NOFILE: what is refused there, and how. */
static int descriptors_child(void)
{
	struct rlimit rl;
	int fd, last = -1, p[2], ok;
	struct stat st;

	for (fd = open("/dev/null", O_RDONLY); fd >= 0; fd = open("/dev/null", O_RDONLY))
		last = fd;
	ok = errno == EMFILE && getrlimit(RLIMIT_NOFILE, &rl) == 0 && last == (int)rl.rlim_cur - 1;
	ok &= open("/tmp/nofd", O_CREAT | O_WRONLY, 0644) < 0 && errno == EMFILE;
	ok &= stat("/tmp/nofd", &st) < 0 && errno == ENOENT;	/* refused before it was made */
	ok &= pipe(p) < 0 && errno == EMFILE;
	ok &= dup(0) < 0 && errno == EMFILE;
	ok &= dup2(0, (int)rl.rlim_cur) < 0 && errno == EBADF;
	ok &= fcntl(0, F_DUPFD, (int)rl.rlim_cur) < 0 && errno == EINVAL;
	ok &= close(last) == 0 && dup2(0, last) == last && close(100) == 0 && fcntl(0, F_DUPFD, 50) == 100;
	return ok ? 0 : 1;
}

static void check_descriptor_limit(void)
{
	struct fs_stats before = stats();
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(descriptors_child());
	say("descriptors up to RLIMIT_NOFILE, then EMFILE, EBADF and EINVAL as Linux says, and nothing made",
	    waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	say("the server's objects are back after the descriptors", stats_back(&before));
}

/* path: "/tmp/deep" and depth components of 199 letters, then a file of `last` letters. */
static size_t deep_path(char *path, int depth, int last)
{
	size_t len = (size_t)sprintf(path, "/tmp/deep");

	for (int i = 0; i < depth; i++) {
		path[len++] = '/';
		memset(path + len, 'a' + i % 26, 199);
		len += 199;
	}
	if (last) {
		path[len++] = '/';
		memset(path + len, 'z', (size_t)last);
		len += (size_t)last;
	}
	path[len] = 0;
	return len;
}

static void check_long_path(void)
{
	static char path[PATH_MAX + 200], cwd[PATH_MAX];
	struct fs_stats before = stats();
	char text[8] = { 0 };
	size_t dirlen;
	int ok = mkdir("/tmp/deep", 0755) == 0, fd;

	for (int d = 1; d <= 19 && ok; d++) {
		deep_path(path, d, 0);
		ok = mkdir(path, 0755) == 0;
	}
	dirlen = deep_path(path, 19, 0);
	deep_path(path, 19, 4000 - 1 - (int)dirlen);
	fd = open(path, O_CREAT | O_RDWR, 0644);
	ok &= strlen(path) == 4000 && fd >= 0 && write(fd, "deep", 4) == 4 && pread(fd, text, 4, 0) == 4;
	close(fd);
	say("a file at a path of 4,000 bytes", ok && !strcmp(text, "deep"));
	deep_path(path, 19, 0);
	say("chdir there, and getcwd says the path",
	    chdir(path) == 0 && getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, path) && chdir("/") == 0);
	deep_path(path, 20, 0);
	strcat(path, "/");
	memset(path + strlen(path), 'x', 4096 - strlen(path));
	path[4096] = 0;	/* 4,096 bytes and the NUL, no name longer than 255: too long only as a whole */
	say("a path of 4,096 bytes is ENAMETOOLONG", open(path, O_RDONLY) < 0 && errno == ENAMETOOLONG);
	deep_path(path, 1, 256);
	say("a name of 256 bytes is ENAMETOOLONG", open(path, O_CREAT | O_RDWR, 0644) < 0 && errno == ENAMETOOLONG);
	deep_path(path, 19, 4000 - 1 - (int)dirlen);
	ok = unlink(path) == 0;
	for (int d = 19; d >= 1; d--) {
		deep_path(path, d, 0);
		ok &= rmdir(path) == 0;
	}
	say("the deep tree removed", ok && rmdir("/tmp/deep") == 0);
	say("the server's objects are back after the long path", stats_back(&before));
}

static unsigned long free_bytes(void)
{
	struct sysinfo si;

	return sysinfo(&si) == 0 ? si.freeram * si.mem_unit : 0;
}

/* Writes fd full until a write comes up short or fails: the bytes written, and the last result in *last. */
static uint64_t fill_memory(int fd, ssize_t *last)
{
	uint64_t total = 0;

	fill_chunk(0);
	for (;;) {
		*last = write(fd, chunk, CHUNK);
		if (*last > 0)
			total += (uint64_t)*last;
		if (*last != (ssize_t)CHUNK)
			return total;
	}
}

/*
 * With memory full: what needs memory is refused cleanly (a new file
 * is ENOSPC at the latest when its node cannot be had; a pipe ENFILE or
 * ENOMEM), and the full file still reads from its start.
 */
static int refuse_when_full(int fd)
{
	char path[32];
	int made = 0, p[2], r, ok = pread(fd, chunk, 4096, 0) == 4096 && chunk_is(0, 4096, 0);

	for (;; made++) {
		snprintf(path, sizeof(path), "/tmp/e%d", made);
		r = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
		if (r < 0)
			break;
		close(r);
	}
	ok &= errno == ENOSPC;
	r = pipe(p);
	ok &= r < 0 ? errno == ENFILE || errno == ENOMEM : close(p[0]) == 0 && close(p[1]) == 0;
	r = mkdir("/tmp/edir", 0755);
	ok &= r < 0 ? errno == ENOSPC : rmdir("/tmp/edir") == 0;
	while (made-- > 0) {
		snprintf(path, sizeof(path), "/tmp/e%d", made);
		ok &= unlink(path) == 0;
	}
	return ok;
}

static uint64_t fill_round(int probe, int *ok)
{
	int fd = open("/tmp/fill", O_CREAT | O_TRUNC | O_RDWR, 0644);
	uint64_t total;
	ssize_t last;
	struct stat st;

	total = fill_memory(fd, &last);
	*ok = fd >= 0 && (last >= 0 || errno == ENOSPC) && fstat(fd, &st) == 0 && (uint64_t)st.st_size == total;
	if (probe) {
		*ok &= write(fd, chunk, CHUNK) < 0 && errno == ENOSPC;
		*ok &= refuse_when_full(fd);
	}
	close(fd);
	*ok &= unlink("/tmp/fill") == 0;
	return total;
}

static void check_out_of_memory(void)
{
	struct fs_stats before = stats();
	unsigned long free0 = free_bytes(), free1, free2;
	uint64_t total;
	int ok;

	total = fill_round(1, &ok);
	printf("fs-capacity: one file took %lu MiB before the write came up short\n", (unsigned long)(total >> 20));
	say("memory filled by one file: a short count, then ENOSPC", ok && total >= (32ul << 20));
	say("with memory full, new files, pipes and directories are refused cleanly", ok);
	free1 = free_bytes();
	fill_round(0, &ok);
	free2 = free_bytes();
	printf("fs-capacity: free memory %lu KiB before, %lu and %lu KiB after each round\n", free0 >> 10,
	       free1 >> 10, free2 >> 10);
	say("the memory came back, and a second round ends where the first did", ok && free2 == free1);
	say("the server's objects are back after memory ran out", stats_back(&before));
}

int main(void)
{
	struct fs_stats start;

	setvbuf(stdout, NULL, _IONBF, 0);
	stats_fd = open("/dev/null", O_RDWR);
	start = stats();
	check_many_files();
	check_descriptor_limit();
	check_big_file();
	check_sparse_file();
	check_many_pipes();
	check_many_polls();
	check_readers_in_order();
	check_interrupted_readers();
	check_killed_waiters();
	check_long_path();
	check_out_of_memory();
	say("every object of the run is gone", stats_back(&start));
	close(stats_fd);
	return 0;
}
