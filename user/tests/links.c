/*
 * Symbolic links in the file server's tree, checked against Linux's
 * rules: made and read back (readlink cuts without a NUL), followed in
 * the middle and at the end of a path (relative targets from the link's
 * directory, absolute ones from the root), not followed where Linux does
 * not (lstat, AT_SYMLINK_NOFOLLOW, O_NOFOLLOW, O_CREAT|O_EXCL, unlink,
 * rename, rmdir, mkdir), a dangling link made real by O_CREAT, loops and
 * the 40-link limit (ELOOP), the errors symlinkat gives, links into /proc
 * (/dev/stdin and its kin, /dev/fd, a link of the test's own), and
 * opening /proc/self/fd/N as a new description. (Named pipes, which
 * mknodat makes in the same tree, are user/tests/fifo.c's.)
 *
 * Hard links: linkat's names share one file (st_nlink counts them, a
 * write through one reads through another), unlink drops one, the data
 * goes with the last name and the last close; Linux's refusals (EPERM for
 * a directory, EEXIST, EXDEV for /proc, EINVAL), AT_SYMLINK_FOLLOW and
 * AT_EMPTY_PATH, rename between two names of one file, directories'
 * st_nlink, the initramfs's applet links, and /proc/self/exe naming the
 * link a program was run by.
 *
 * The file server's objects come back to where they were
 * (user/tests/fs_stats.h).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "user/tests/dirs.h"
#include "user/tests/fs_stats.h"
#define CHECK_NAME "links"
#include "user/tests/check.h"

static char *volatile bad_pointer = (char *)8;	/* never mapped: the first page is not */
#define BAD_POINTER bad_pointer

/* Whether fd is a descriptor, closed now. */
static int fd_ok(int fd)
{
	return fd >= 0 && close(fd) == 0;
}

/* A file at path holding text: whether it was made. */
static int put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int ok = fd >= 0 && write(fd, text, strlen(text)) == (long)strlen(text);

	return close(fd) == 0 && ok;
}

/* Whether path reads as text (following links). */
static int reads(const char *path, const char *text)
{
	char buf[128] = { 0 };
	int fd = open(path, O_RDONLY);
	long n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	close(fd);
	return n == (long)strlen(text) && memcmp(buf, text, (size_t)n) == 0;
}

/* Whether readlink of path gives exactly target. */
static int link_is(const char *path, const char *target)
{
	char buf[PATH_MAX];
	long n = readlink(path, buf, sizeof(buf));

	return n == (long)strlen(target) && memcmp(buf, target, (size_t)n) == 0;
}

static void make_and_read(void)
{
	char buf[8];
	struct stat st;

	say("symlink and readlink", symlink("file", "/tmp/l/rel") == 0 && link_is("/tmp/l/rel", "file"));
	memset(buf, '#', sizeof(buf));
	say("readlink cuts at its size, without a NUL",
	    readlink("/tmp/l/rel", buf, 2) == 2 && memcmp(buf, "fi#", 3) == 0);
	say("lstat: S_IFLNK, st_size the target's length",
	    lstat("/tmp/l/rel", &st) == 0 && S_ISLNK(st.st_mode) && st.st_size == 4 && (st.st_mode & 0777) == 0777);
	say("stat follows to the file", stat("/tmp/l/rel", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 5);
	say("getdents64 says DT_LNK", entry_type("/tmp/l", "rel") == DT_LNK && entry_type("/tmp/l", "file") == DT_REG);
	say("a link is followed to its file", reads("/tmp/l/rel", "hello"));
	say("an absolute target from the root", symlink("/tmp/l/file", "/tmp/l/abs") == 0 && reads("/tmp/l/abs", "hello"));
	say("a relative target from the link's directory",
	    mkdir("/tmp/l/sub", 0755) == 0 && symlink("../file", "/tmp/l/sub/up") == 0 && reads("/tmp/l/sub/up", "hello"));
}

static void in_paths(void)
{
	char cwd[64];
	struct stat st;

	say("a link to a directory inside a path",
	    symlink("sub", "/tmp/l/dirlink") == 0 && reads("/tmp/l/dirlink/up", "hello") &&
	    stat("/tmp/l/dirlink/", &st) == 0 && S_ISDIR(st.st_mode));
	say("chdir through a link, getcwd the directory's own path",
	    chdir("/tmp/l/dirlink") == 0 && getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/tmp/l/sub") == 0 &&
	    reads("up", "hello") && chdir("/") == 0);
	say("a file through a trailing slash: ENOTDIR",
	    fails(stat("/tmp/l/rel/", &st), ENOTDIR) && fails(open("/tmp/l/file/", O_RDONLY), ENOTDIR));
	say("lstat of link/ follows it", lstat("/tmp/l/dirlink/", &st) == 0 && S_ISDIR(st.st_mode));
}

static void not_followed(void)
{
	struct stat st;
	int fd;

	say("dangling: stat ENOENT, lstat the link",
	    symlink("made", "/tmp/l/dangle") == 0 && fails(stat("/tmp/l/dangle", &st), ENOENT) &&
	    lstat("/tmp/l/dangle", &st) == 0);
	fd = open("/tmp/l/dangle", O_WRONLY | O_CREAT, 0600);
	say("O_CREAT through a dangling link makes its target",
	    fd >= 0 && close(fd) == 0 && stat("/tmp/l/made", &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & 0777) == 0600);
	say("O_CREAT|O_EXCL on a link: EEXIST",
	    fails(open("/tmp/l/rel", O_WRONLY | O_CREAT | O_EXCL, 0600), EEXIST) &&
	    fails(open("/tmp/l/abs", O_RDONLY | O_CREAT | O_EXCL, 0600), EEXIST));
	say("an empty path: ENOENT", fails(open("", O_RDONLY), ENOENT) && fails(open("", O_WRONLY | O_CREAT, 0600), ENOENT));
	say("O_NOFOLLOW on a link: ELOOP", fails(open("/tmp/l/rel", O_RDONLY | O_NOFOLLOW), ELOOP) &&
						fd_ok(open("/tmp/l/file", O_RDONLY | O_NOFOLLOW)));
	say("mkdir over a link: EEXIST", fails(mkdir("/tmp/l/dangle", 0755), EEXIST));
	say("rmdir of a link to a directory: ENOTDIR", fails(rmdir("/tmp/l/dirlink"), ENOTDIR));
	say("unlink of link/: ENOTDIR", fails(unlink("/tmp/l/dirlink/"), ENOTDIR));
	say("rename moves the link itself",
	    rename("/tmp/l/abs", "/tmp/l/abs2") == 0 && link_is("/tmp/l/abs2", "/tmp/l/file") && reads("/tmp/l/file", "hello"));
	say("unlink removes the link, not its target",
	    unlink("/tmp/l/abs2") == 0 && fails(lstat("/tmp/l/abs2", &st), ENOENT) && reads("/tmp/l/file", "hello"));
	say("faccessat2 with AT_SYMLINK_NOFOLLOW sees a dangling link",
	    faccessat(AT_FDCWD, "/tmp/l/gone", F_OK, AT_SYMLINK_NOFOLLOW) < 0 && symlink("nothing", "/tmp/l/gone") == 0 &&
	    faccessat(AT_FDCWD, "/tmp/l/gone", F_OK, AT_SYMLINK_NOFOLLOW) == 0 &&
	    fails(access("/tmp/l/gone", F_OK), ENOENT));
}

static void changes(void)
{
	const struct timespec times[2] = { { 1000, 0 }, { 2000, 0 } };
	struct stat st, target;

	say("utimensat with AT_SYMLINK_NOFOLLOW sets the link's times",
	    utimensat(AT_FDCWD, "/tmp/l/rel", times, AT_SYMLINK_NOFOLLOW) == 0 && lstat("/tmp/l/rel", &st) == 0 &&
	    st.st_mtime == 2000 && stat("/tmp/l/file", &target) == 0 && target.st_mtime != 2000);
	say("utimensat without it sets the target's",
	    utimensat(AT_FDCWD, "/tmp/l/rel", times, 0) == 0 && stat("/tmp/l/file", &target) == 0 &&
	    target.st_mtime == 2000);
	say("chmod follows, the link keeps 0777", chmod("/tmp/l/rel", 0600) == 0 && stat("/tmp/l/file", &target) == 0 &&
						     (target.st_mode & 0777) == 0600 && lstat("/tmp/l/rel", &st) == 0 &&
						     (st.st_mode & 0777) == 0777);
	say("lchown of a link and of a dangling one", lchown("/tmp/l/rel", 0, 0) == 0 && lchown("/tmp/l/gone", 0, 0) == 0 &&
							  fails(chown("/tmp/l/gone", 0, 0), ENOENT));
	say("truncate follows", truncate("/tmp/l/rel", 3) == 0 && stat("/tmp/l/file", &target) == 0 && target.st_size == 3 &&
				    put("/tmp/l/file", "hello"));
}

static void loops(void)
{
	char name[32], prev[32];
	struct stat st;
	int ok = 1;

	say("a loop is ELOOP", symlink("loop2", "/tmp/l/loop1") == 0 && symlink("loop1", "/tmp/l/loop2") == 0 &&
				   fails(open("/tmp/l/loop1", O_RDONLY), ELOOP) && fails(stat("/tmp/l/loop2/x", &st), ELOOP) &&
				   lstat("/tmp/l/loop1", &st) == 0);
	/* c1 -> file, cN -> c(N-1): opening c40 follows 40 links, c41 one more than Linux does. */
	strcpy(prev, "file");
	for (int i = 1; i <= 41 && ok; i++) {
		snprintf(name, sizeof(name), "/tmp/l/c%d", i);
		ok = symlink(prev, name) == 0;
		snprintf(prev, sizeof(prev), "c%d", i);
	}
	say("40 links are followed, the 41st is ELOOP",
	    ok && reads("/tmp/l/c40", "hello") && fails(open("/tmp/l/c41", O_RDONLY), ELOOP));
	for (int i = 1; i <= 41; i++) {
		snprintf(name, sizeof(name), "/tmp/l/c%d", i);
		unlink(name);
	}
}

static void refusals(void)
{
	static char long_target[PATH_MAX + 1];
	char buf[8];
	int ok;

	memset(long_target, 'x', PATH_MAX);
	say("symlink: empty target ENOENT, a name taken EEXIST, no directory ENOENT",
	    fails(symlink("", "/tmp/l/empty"), ENOENT) && fails(symlink("x", "/tmp/l/file"), EEXIST) &&
	    fails(symlink("x", "/tmp/l/dangle"), EEXIST) && fails(symlink("x", "/tmp/l/none/x"), ENOENT));
	ok = fails(symlink(long_target, "/tmp/l/long"), ENAMETOOLONG);
	long_target[PATH_MAX - 1] = 0;
	say("symlink: a target of PATH_MAX bytes ENAMETOOLONG, of PATH_MAX - 1 made",
	    ok && symlink(long_target, "/tmp/l/long") == 0 && link_is("/tmp/l/long", long_target) &&
	    unlink("/tmp/l/long") == 0);
	say("symlink: bad pointers EFAULT, in /proc EACCES, with a trailing slash ENOENT",
	    fails(symlink(BAD_POINTER, "/tmp/l/bad"), EFAULT) && fails(symlink("x", BAD_POINTER), EFAULT) &&
	    fails(symlink("x", "/proc/self/x"), EACCES) && fails(symlink("x", "/tmp/l/slash/"), ENOENT));
	say("readlink: of a file EINVAL, size 0 EINVAL, missing ENOENT, bad buffer EFAULT",
	    fails(readlink("/tmp/l/file", buf, sizeof(buf)), EINVAL) && fails(readlink("/tmp/l/rel", buf, 0), EINVAL) &&
	    fails(readlink("/tmp/l/none", buf, sizeof(buf)), ENOENT) &&
	    fails(readlink("/tmp/l/rel", BAD_POINTER, sizeof(buf)), EFAULT));
}

/* A child writes through /dev/stdout (its fd 1 a pipe) and /dev/fd/2: what the parent reads. */
static int through_dev_links(void)
{
	char buf[64] = { 0 };
	int p[2], status, fd;
	long n;

	if (pipe(p) < 0)
		return 0;
	if (fork() == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		fd = open("/dev/stdout", O_WRONLY);
		n = fd >= 0 ? write(fd, "out,", 4) : -1;
		fd = open("/dev/fd/2", O_WRONLY);
		_exit(n == 4 && fd >= 0 && write(fd, "err", 3) == 3 ? 0 : 1);
	}
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	if (n == 4)
		n += read(p[0], buf + 4, sizeof(buf) - 5);
	close(p[0]);
	return wait(&status) > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 && strcmp(buf, "out,err") == 0;
}

static void into_proc(void)
{
	char path[64], exe[64];
	struct stat st;
	int fd, fd2;

	say("/dev/stdin, /dev/stdout, /dev/stderr and /dev/fd are links into /proc/self/fd",
	    link_is("/dev/stdin", "/proc/self/fd/0") && link_is("/dev/stdout", "/proc/self/fd/1") &&
	    link_is("/dev/stderr", "/proc/self/fd/2") && link_is("/dev/fd", "/proc/self/fd"));
	say("stat /dev/stdin is fd 0's file, lstat the link",
	    stat("/dev/stdin", &st) == 0 && S_ISCHR(st.st_mode) && lstat("/dev/stdin", &st) == 0 && S_ISLNK(st.st_mode));
	say("writing /dev/stdout and /dev/fd/2 reaches fds 1 and 2", through_dev_links());
	say("a link of ours into /proc: readlink, and .. back out",
	    symlink("/proc/self", "/tmp/l/me") == 0 && readlink("/tmp/l/me/exe", exe, sizeof(exe)) == 10 &&
	    memcmp(exe, "/bin/links", 10) == 0 && stat("/tmp/l/me/../meminfo", &st) == 0 && S_ISREG(st.st_mode) &&
	    fails(open("/tmp/l/me/nothing", O_RDONLY), ENOENT));
	fd = open("/tmp/l/file", O_RDWR);
	snprintf(path, sizeof(path), "/dev/fd/%d", fd);
	fd2 = lseek(fd, 3, SEEK_SET) == 3 ? open(path, O_RDONLY) : -1;
	say("opening /dev/fd/N of a file: a new description at offset 0",
	    fd2 >= 0 && lseek(fd2, 0, SEEK_CUR) == 0 && lseek(fd, 0, SEEK_CUR) == 3 &&
	    fcntl(fd2, F_GETFL) == O_RDONLY && close(fd2) == 0 && close(fd) == 0);
	say("O_NOFOLLOW on /dev/stdin: ELOOP", fails(open("/dev/stdin", O_RDONLY | O_NOFOLLOW), ELOOP));
}

/* Whether a child's end came: it exited 0. */
static int child_ok(pid_t pid)
{
	int status;

	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Whether a and b name one file (same inode), st_nlink nlink. */
static int same_file(const char *a, const char *b, nlink_t nlink)
{
	struct stat sa, sb;

	return lstat(a, &sa) == 0 && lstat(b, &sb) == 0 && sa.st_ino == sb.st_ino && sa.st_nlink == nlink &&
	       sb.st_nlink == nlink;
}

static void hard_names(void)
{
	struct fs_stats before = fs_stats();
	struct stat st;
	char buf[16] = { 0 };
	int fd;

	say("link: a second name of one file, st_nlink 2",
	    put("/tmp/l/h1", "shared") && link("/tmp/l/h1", "/tmp/l/h2") == 0 && same_file("/tmp/l/h1", "/tmp/l/h2", 2));
	say("a write through one name reads through the other",
	    put("/tmp/l/h2", "changed") && reads("/tmp/l/h1", "changed"));
	say("unlink drops one name: st_nlink 1, the data stays",
	    unlink("/tmp/l/h1") == 0 && stat("/tmp/l/h2", &st) == 0 && st.st_nlink == 1 && reads("/tmp/l/h2", "changed"));
	fd = open("/tmp/l/h2", O_RDONLY);
	say("an open file whose names are all gone: st_nlink 0, still read",
	    fd >= 0 && unlink("/tmp/l/h2") == 0 && fstat(fd, &st) == 0 && st.st_nlink == 0 &&
	    read(fd, buf, sizeof(buf)) == 7 && strcmp(buf, "changed") == 0);
	say("AT_EMPTY_PATH of it: ENOENT", fails(linkat(fd, "", AT_FDCWD, "/tmp/l/back", AT_EMPTY_PATH), ENOENT));
	close(fd);
	say("its data goes with its last name and last close", fs_stats_back(&before));
}

static void hard_refusals(void)
{
	say("link of a directory: EPERM", fails(link("/tmp/l/sub", "/tmp/l/sub2"), EPERM));
	say("link: a name taken EEXIST, none to link ENOENT, no directory ENOENT, a trailing slash ENOENT",
	    fails(link("/tmp/l/file", "/tmp/l/rel"), EEXIST) && fails(link("/tmp/l/none", "/tmp/l/x"), ENOENT) &&
	    fails(link("/tmp/l/file", "/tmp/l/none/x"), ENOENT) && fails(link("/tmp/l/file", "/tmp/l/x/"), ENOENT));
	say("link: of a /proc file or into /proc EXDEV, bad flags EINVAL, bad pointers EFAULT",
	    fails(link("/proc/self/stat", "/tmp/l/x"), EXDEV) && fails(link("/tmp/l/file", "/proc/self/x"), EXDEV) &&
	    fails(linkat(AT_FDCWD, "/tmp/l/file", AT_FDCWD, "/tmp/l/x", 0x10000), EINVAL) &&
	    fails(link(BAD_POINTER, "/tmp/l/x"), EFAULT) && fails(link("/tmp/l/file", BAD_POINTER), EFAULT));
}

static void hard_kinds(void)
{
	struct stat st, target;
	char buf[8];
	int fd, rw;

	say("link of a symbolic link names the link; AT_SYMLINK_FOLLOW its target",
	    link("/tmp/l/rel", "/tmp/l/rel2") == 0 && same_file("/tmp/l/rel", "/tmp/l/rel2", 2) &&
	    linkat(AT_FDCWD, "/tmp/l/rel", AT_FDCWD, "/tmp/l/hf", AT_SYMLINK_FOLLOW) == 0 &&
	    same_file("/tmp/l/file", "/tmp/l/hf", 2) && unlink("/tmp/l/hf") == 0 && unlink("/tmp/l/rel2") == 0);
	fd = open("/tmp/l/file", O_RDONLY);
	say("AT_EMPTY_PATH names an open file",
	    linkat(fd, "", AT_FDCWD, "/tmp/l/fromfd", AT_EMPTY_PATH) == 0 && same_file("/tmp/l/file", "/tmp/l/fromfd", 2));
	close(fd);
	say("rename between two names of one file does nothing",
	    rename("/tmp/l/file", "/tmp/l/fromfd") == 0 && same_file("/tmp/l/file", "/tmp/l/fromfd", 2) &&
	    unlink("/tmp/l/fromfd") == 0);
	rw = mkfifo("/tmp/l/hfifo", 0600) == 0 && link("/tmp/l/hfifo", "/tmp/l/hfifo2") == 0 ?
	     open("/tmp/l/hfifo", O_RDWR) : -1;
	fd = open("/tmp/l/hfifo2", O_RDONLY | O_NONBLOCK);
	say("a FIFO's two names open one pipe", rw >= 0 && fd >= 0 && write(rw, "p", 1) == 1 && read(fd, buf, 1) == 1 &&
						     buf[0] == 'p' && close(fd) == 0 && close(rw) == 0);
	say("a directory's st_nlink: 2 and its subdirectories",
	    mkdir("/tmp/l/d", 0755) == 0 && stat("/tmp/l/d", &st) == 0 && st.st_nlink == 2 && mkdir("/tmp/l/d/a", 0755) == 0 &&
	    mkdir("/tmp/l/d/b", 0755) == 0 && stat("/tmp/l/d", &st) == 0 && st.st_nlink == 4 &&
	    rename("/tmp/l/d/b", "/tmp/l/b") == 0 && rmdir("/tmp/l/d/a") == 0 && stat("/tmp/l/d", &st) == 0 &&
	    st.st_nlink == 2 && rmdir("/tmp/l/b") == 0);
	say("the initramfs's applet links are one file",
	    stat("/bin/busybox", &target) == 0 && target.st_nlink > 100 && stat("/bin/ls", &st) == 0 &&
	    st.st_ino == target.st_ino && stat("/bin/sh", &st) == 0 && st.st_ino == target.st_ino);
}

/* The program run by a hard link of it: /proc/self/exe names that link, as on Linux. */
static void exe_by_link(void)
{
	pid_t pid;

	pid = link("/bin/links", "/tmp/l/again") == 0 ? fork() : -1;
	if (pid == 0) {
		execl("/tmp/l/again", "again", "exe", (char *)NULL);
		_exit(3);
	}
	say("/proc/self/exe of a program run by its link names the link", pid > 0 && child_ok(pid));
}

/* Removes dir and everything in it, links as links: whether all went. */
static int remove_tree(const char *dir)
{
	char path[PATH_MAX];
	DIR *d = opendir(dir);
	struct dirent *e;
	int ok = d != NULL;

	while (d && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		ok &= e->d_type == DT_DIR ? remove_tree(path) : unlink(path) == 0;
	}
	if (d)
		closedir(d);
	return ok && rmdir(dir) == 0;
}

int main(int argc, char **argv)
{
	char exe[64];
	struct fs_stats before;

	if (argc == 2 && strcmp(argv[1], "exe") == 0)	/* exe_by_link's child */
		return readlink("/proc/self/exe", exe, sizeof(exe)) == 12 && memcmp(exe, "/tmp/l/again", 12) == 0 ? 0 : 1;
	setvbuf(stdout, NULL, _IONBF, 0);
	before = fs_stats();
	if (mkdir("/tmp/l", 0755) < 0 || !put("/tmp/l/file", "hello"))
		printf("links: cannot make /tmp/l: %s\n", strerror(errno));
	make_and_read();
	in_paths();
	not_followed();
	changes();
	loops();
	refusals();
	into_proc();
	hard_names();
	hard_refusals();
	hard_kinds();
	exe_by_link();
	say("a tree of links and files removed", remove_tree("/tmp/l"));
	say("every node, description and byte back", fs_stats_back(&before));
	return 0;
}
