/*
 * /proc/N/maps: every line as Linux prints it, and exactly the mappings
 * there are: anonymous memory at a fixed address and what mprotect makes
 * of it, a file's mapping, the heap after sbrk, the stack, the program's
 * own segments by its path and inode, 3,000 mappings whose permissions
 * alternate, a forked child's mappings seen from its parent, a zombie's
 * empty file, and a dynamically linked program's interpreter. Each check
 * prints "proc-maps: CHECK ok" or "FAILED"; tests/system/test_linux.py
 * reads them.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096ul
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#define FIXED_AT 0x1800000000ul	/* far from anything execve or mmap places */
#define FILE_AT 0x1810000000ul
#define MANY_AT 0x1900000000ul
#define CHILD_AT 0x1a00000000ul
#define MANY 3000
#define NAME_AT 73		/* where Linux starts a name on a 64-bit machine */
#define DATA "/tmp/proc-maps-data"
#define DYNAMIC "/bin/dyn-hello"
#define INTERP "/lib/ld-linux-riscv64-lp64d.so.1"

struct map {
	unsigned long start, end, offset, ino;
	char perms[5];
	const char *name;	/* "" for none */
};

static struct map *maps;
static int nmaps;
static char *text;
static int well_formed;	/* every line of the last read as Linux would print it */
static int initialized = 42;	/* in the program's data segment */

static void check(const char *what, int ok)
{
	printf("proc-maps: %s %s\n", what, ok ? "ok" : "FAILED");
}

/* A whole file, read 4 KiB at a time into text (NUL-terminated): its length, or -1. */
static long slurp(const char *path)
{
	size_t cap = 1 << 16, len = 0;
	int fd = open(path, O_RDONLY);
	ssize_t n;

	free(text);
	text = malloc(cap + 1);
	if (fd < 0 || !text)
		return -1;
	while ((n = read(fd, text + len, 4096)) > 0) {
		len += (size_t)n;
		if (cap - len < 4096)
			text = realloc(text, (cap *= 2) + 1);
	}
	close(fd);
	text[len] = 0;
	return n < 0 ? -1 : (long)len;
}

/* Whether line (NUL-terminated) is exactly what Linux would print for m. */
static int as_linux_prints(const char *line, const struct map *m)
{
	char want[512];
	int n = snprintf(want, sizeof(want), "%08lx-%08lx %s %08lx 00:00 %lu ", m->start, m->end, m->perms,
			 m->offset, m->ino);

	if (m->name[0])
		snprintf(want + n, sizeof(want) - (size_t)n, "%*s%s", n < NAME_AT ? NAME_AT - n : 0, "", m->name);
	return strcmp(line, want) == 0;
}

/* Reads and parses path's maps into maps[]: how many lines, or -1. */
static int read_maps(const char *path)
{
	long len = slurp(path);
	unsigned long prev_end = 0;
	char *line, *next;

	nmaps = 0;
	well_formed = len >= 0 && (len == 0 || text[len - 1] == '\n');
	if (len < 0)
		return -1;
	maps = realloc(maps, (size_t)(len / 40 + 1) * sizeof(*maps));
	for (line = text; *line; line = next) {
		struct map *m = &maps[nmaps];
		unsigned dev_major, dev_minor;
		int at = 0;

		next = strchr(line, '\n');
		*next++ = 0;
		if (sscanf(line, "%lx-%lx %4s %lx %x:%x %lu %n", &m->start, &m->end, m->perms, &m->offset, &dev_major,
			   &dev_minor, &m->ino, &at) != 7) {
			well_formed = 0;
			return -1;
		}
		m->name = line + at;
		well_formed &= as_linux_prints(line, m) && m->start < m->end && m->start >= prev_end;
		prev_end = m->end;
		nmaps++;
	}
	return nmaps;
}

/* The line holding addr, or NULL. */
static const struct map *holding(unsigned long addr)
{
	for (int i = 0; i < nmaps; i++)
		if (maps[i].start <= addr && addr < maps[i].end)
			return &maps[i];
	return NULL;
}

/* Whether there is a line exactly [start, end) with perms, and no name, offset or inode (anonymous). */
static int has(unsigned long start, unsigned long end, const char *perms)
{
	const struct map *m = holding(start);

	return m && m->start == start && m->end == end && strcmp(m->perms, perms) == 0 && !m->name[0] &&
	       !m->offset && !m->ino;
}

/* A line of memory no file backs: offset and inode 0, as Linux prints them. */
static int anonymous(const struct map *m)
{
	return m && !m->offset && !m->ino;
}

static const struct map *named(const char *name)
{
	for (int i = 0; i < nmaps; i++)
		if (strcmp(maps[i].name, name) == 0)
			return &maps[i];
	return NULL;
}

/* MAP_FIXED_NOREPLACE over p's 8 pages (with MAP_FIXED too), and just past them where nothing is. */
static void check_noreplace(char *p)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;
	char *over = mmap(p + 7 * PAGE, 2 * PAGE, PROT_READ, flags, -1, 0);
	int over_errno = errno;
	char *past = mmap(p + 8 * PAGE, PAGE, PROT_READ | PROT_WRITE, flags, -1, 0);

	read_maps("/proc/self/maps");
	check("MAP_FIXED_NOREPLACE: EEXIST over a mapping, that very address where nothing is",
	      over == MAP_FAILED && over_errno == EEXIST && has(FIXED_AT + 7 * PAGE, FIXED_AT + 9 * PAGE, "rw-p") &&
	      past == p + 8 * PAGE && mmap(p, PAGE, PROT_READ, flags | MAP_FIXED, -1, 0) == MAP_FAILED &&
	      errno == EEXIST);
}

static void check_anonymous(void)
{
	char *p = mmap((void *)FIXED_AT, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		       -1, 0);

	check("every line as Linux prints it", read_maps("/proc/self/maps") > 5 && well_formed);
	check("an anonymous mapping at a fixed address, rw-p", p == (char *)FIXED_AT &&
	      has(FIXED_AT, FIXED_AT + 8 * PAGE, "rw-p"));
	mprotect(p + 2 * PAGE, 2 * PAGE, PROT_READ);
	mprotect(p + 5 * PAGE, PAGE, PROT_NONE);
	mprotect(p + 6 * PAGE, PAGE, PROT_READ | PROT_EXEC);
	read_maps("/proc/self/maps");
	check("mprotect cuts it into the ranges it made", well_formed && has(FIXED_AT, FIXED_AT + 2 * PAGE, "rw-p") &&
	      has(FIXED_AT + 2 * PAGE, FIXED_AT + 4 * PAGE, "r--p") &&
	      has(FIXED_AT + 4 * PAGE, FIXED_AT + 5 * PAGE, "rw-p") &&
	      has(FIXED_AT + 5 * PAGE, FIXED_AT + 6 * PAGE, "---p") &&
	      has(FIXED_AT + 6 * PAGE, FIXED_AT + 7 * PAGE, "r-xp") &&
	      has(FIXED_AT + 7 * PAGE, FIXED_AT + 8 * PAGE, "rw-p"));
	check_noreplace(p);
	munmap(p, 9 * PAGE);
	read_maps("/proc/self/maps");
	check("munmap takes them away", !holding(FIXED_AT) && !holding(FIXED_AT + 7 * PAGE));
}

static void check_file(void)
{
	static char bytes[3 * PAGE + 100];
	int fd = open(DATA, O_RDWR | O_CREAT | O_TRUNC, 0644), ok;
	char *ro, *rw;

	memset(bytes, 'k', sizeof(bytes));
	ok = fd >= 0 && write(fd, bytes, sizeof(bytes)) == (ssize_t)sizeof(bytes);
	ro = mmap((void *)FILE_AT, sizeof(bytes), PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0);
	rw = mmap((void *)(FILE_AT + 8 * PAGE), 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, PAGE);
	read_maps("/proc/self/maps");
	check("a file's mappings: their pages, their permissions", ok && ro == (char *)FILE_AT && ro[5] == 'k' &&
	      rw == (char *)(FILE_AT + 8 * PAGE) && has(FILE_AT, FILE_AT + 4 * PAGE, "r--p") &&
	      has(FILE_AT + 8 * PAGE, FILE_AT + 10 * PAGE, "rw-p") && well_formed);
	munmap(ro, sizeof(bytes));
	munmap(rw, 2 * PAGE);
	close(fd);
	unlink(DATA);
}

static void check_heap_and_stack(void)
{
	volatile int local = 1;
	char *before = sbrk(0), *after;
	unsigned long first = ((unsigned long)before + PAGE - 1) & ~(PAGE - 1);
	const struct map *h, *s;

	after = sbrk(64 * 1024) == (void *)-1 ? before : sbrk(0);
	memset(before, 1, (size_t)(after - before));
	read_maps("/proc/self/maps");
	h = named("[heap]");
	check("[heap] is the break's pages after sbrk", after > before && anonymous(h) && h->start <= first &&
	      h->end == (((unsigned long)after + PAGE - 1) & ~(PAGE - 1)) && strcmp(h->perms, "rw-p") == 0);
	s = named("[stack]");
	check("[stack] holds a local variable", anonymous(s) && s->start <= (unsigned long)&local &&
	      (unsigned long)&local < s->end && strcmp(s->perms, "rw-p") == 0 && local);
}

static void check_program(void)
{
	char exe[256] = "";
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const struct map *text_line, *data_line;
	struct stat st;

	read_maps("/proc/self/maps");
	text_line = holding((unsigned long)&check_program);
	data_line = holding((unsigned long)&initialized);
	check("the program's code is named by its path and inode", n > 0 && stat(exe, &st) == 0 && text_line &&
	      strcmp(text_line->name, exe) == 0 && text_line->perms[2] == 'x' && text_line->ino == st.st_ino);
	check("and so are its data", data_line && strcmp(data_line->name, exe) == 0 &&
	      strcmp(data_line->perms, "rw-p") == 0 && data_line->ino == st.st_ino && initialized == 42);
	check("the first is from offset 0, the data from further on", named(exe) && named(exe)->offset == 0 &&
	      data_line && data_line->offset > 0);
}

/* 3,000 one-page mappings side by side whose permissions alternate: 3,000 lines, none missing. */
static void check_many(void)
{
	int mapped = 0, seen = 0;
	const struct map *first;

	for (unsigned long i = 0; i < MANY; i++)
		mapped += mmap((void *)(MANY_AT + i * PAGE), PAGE, i % 2 ? PROT_READ : PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == (void *)(MANY_AT + i * PAGE);
	read_maps("/proc/self/maps");
	first = holding(MANY_AT);
	for (int i = 0; first && first - maps + i < nmaps && i < MANY; i++) {
		const struct map *m = first + i;

		seen += m->start == MANY_AT + (unsigned long)i * PAGE && m->end == m->start + PAGE &&
			strcmp(m->perms, i % 2 ? "r--p" : "rw-p") == 0;
	}
	check("3,000 alternating mappings: every one a line of its own", mapped == MANY && seen == MANY &&
	      well_formed && nmaps > MANY && named("[stack]"));
	munmap((void *)MANY_AT, MANY * PAGE);
}

/* A child that maps CHILD_AT, says so on `ready` and waits to be killed. */
static pid_t child_mapping(void)
{
	int fds[2];
	char c = 0;
	pid_t pid;

	if (pipe(fds) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		mmap((void *)CHILD_AT, 5 * PAGE, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		write(fds[1], "m", 1);
		for (;;)
			pause();
	}
	close(fds[1]);
	if (pid > 0 && read(fds[0], &c, 1) != 1)
		pid = -1;
	close(fds[0]);
	return pid;
}

/* Waits until pid is a zombie: its state in /proc/N/stat is Z. */
static int became_zombie(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	for (int tries = 0; tries < 1000; tries++) {
		const char *paren = slurp(path) > 0 ? strrchr(text, ')') : NULL;

		if (paren && paren[1] == ' ' && paren[2] == 'Z')
			return 1;
		usleep(1000);
	}
	return 0;
}

static void check_child(void)
{
	pid_t pid = child_mapping();
	char path[64], exe[256] = "";
	int status = 0, listed;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	listed = read_maps(path) > 0 && has(CHILD_AT, CHILD_AT + 5 * PAGE, "r-xp") && named(exe) && well_formed;
	read_maps("/proc/self/maps");
	check("a forked child's /proc/N/maps, read by its parent", pid > 0 && listed && !holding(CHILD_AT));
	kill(pid, SIGKILL);
	check("a zombie's maps is empty", became_zombie(pid) && slurp(path) == 0);
	waitpid(pid, &status, 0);
	check("a reaped child's maps is gone", open(path, O_RDONLY) < 0 && errno == ENOENT);
}

/*
 * A dynamically linked child, held in its first write to a pipe already
 * full, so that it is alive while its maps is read: the program and its
 * interpreter are named.
 */
static void check_dynamic(void)
{
	char path[64], sink[4096];
	int fds[2], status = 0, ok = 0;
	pid_t pid;

	if (pipe(fds) < 0)
		return check("a dynamic program's interpreter is named", 0);
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	while (write(fds[1], sink, sizeof(sink)) > 0)
		;
	fcntl(fds[1], F_SETFL, 0);
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		execl(DYNAMIC, DYNAMIC, (char *)0);
		_exit(127);
	}
	close(fds[1]);
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	for (int tries = 0; tries < 2000 && !ok; tries++) {
		ok = read_maps(path) > 0 && named(DYNAMIC) && named(INTERP);
		if (!ok)
			usleep(1000);
	}
	ok = ok && well_formed && named(INTERP)->offset == 0 && named(DYNAMIC)->offset == 0;
	while (read(fds[0], sink, sizeof(sink)) > 0)
		;
	close(fds[0]);
	waitpid(pid, &status, 0);
	check("a dynamic program's interpreter is named", ok && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	check_anonymous();
	check_file();
	check_heap_and_stack();
	check_program();
	check_many();
	check_child();
	check_dynamic();
	return 0;
}
