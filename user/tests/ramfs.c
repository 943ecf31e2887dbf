/*
 * The writable tree: create, write, read back, append, truncate, exclusive
 * create, directories, rename, unlink of an open file, working directory
 * and relative paths, and running a program written at run time.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dirs.h"
#define CHECK_NAME "ramfs"
#include "user/tests/check.h"

static int copy(const char *from, const char *to)
{
	char buf[4096];
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	long n, total = 0;

	while ((n = read(in, buf, sizeof(buf))) > 0)
		total += write(out, buf, (size_t)n) == n ? n : -1000000;
	close(in);
	close(out);
	return total > 0;
}

/*
 * A working directory removed under its process gains no entry (ENOENT, as
 * Linux), and a new directory of the same name is another one: listing
 * and walking the tree ends, whatever slot the old one's node had.
 */
static void removed_cwd(void)
{
	int fd;

	say("rmdir of the working directory", mkdir("/tmp/gone", 0755) == 0 && chdir("/tmp/gone") == 0 &&
						  rmdir("/tmp/gone") == 0);
	fd = open("f", O_WRONLY | O_CREAT, 0644);
	say("no file made in a removed working directory", fd < 0 && errno == ENOENT);
	say("no directory made in a removed working directory", mkdir("d", 0755) < 0 && errno == ENOENT);
	say("a new directory of that name is another", mkdir("/tmp/gone", 0755) == 0 &&
						  (fd = creat("/tmp/gone/x", 0644)) >= 0 && close(fd) == 0 &&
						  open("x", O_RDONLY) < 0 && errno == ENOENT && chdir("/") == 0 &&
						  has_entry("/tmp/gone", "x") && unlink("/tmp/gone/x") == 0 &&
						  rmdir("/tmp/gone") == 0 && !has_entry("/tmp", "gone"));
}

int main(void)
{
	char buf[64] = { 0 }, cwd[64];
	struct stat st;
	int fd, fd2, status;

	setvbuf(stdout, NULL, _IONBF, 0);
	fd = open("/tmp/a.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
	say("create and write", fd >= 0 && write(fd, "hello", 5) == 5 && lseek(fd, 0, SEEK_SET) == 0);
	say("read back", read(fd, buf, sizeof(buf)) == 5 && memcmp(buf, "hello", 5) == 0);
	close(fd);
	fd = open("/tmp/a.txt", O_WRONLY | O_APPEND);
	say("append", write(fd, " world", 6) == 6 && stat("/tmp/a.txt", &st) == 0 && st.st_size == 11);
	close(fd);
	say("exclusive create of an existing file is EEXIST",
	    open("/tmp/a.txt", O_WRONLY | O_CREAT | O_EXCL, 0644) < 0 && errno == EEXIST);
	say("truncate", truncate("/tmp/a.txt", 2) == 0 && stat("/tmp/a.txt", &st) == 0 && st.st_size == 2);
	say("mkdir and a file inside", mkdir("/tmp/d", 0755) == 0 && (fd = creat("/tmp/d/f", 0644)) >= 0 &&
						  close(fd) == 0 && has_entry("/tmp/d", "f"));
	say("rmdir of a non-empty directory is ENOTEMPTY", rmdir("/tmp/d") < 0 && errno == ENOTEMPTY);
	say("rename", rename("/tmp/d/f", "/tmp/g") == 0 && !has_entry("/tmp/d", "f") && has_entry("/tmp", "g"));
	say("rmdir", rmdir("/tmp/d") == 0 && !has_entry("/tmp", "d"));
	fd = open("/tmp/a.txt", O_RDONLY);
	say("unlink while open", unlink("/tmp/a.txt") == 0 && stat("/tmp/a.txt", &st) < 0 && errno == ENOENT);
	memset(buf, 0, sizeof(buf));
	say("an unlinked open file still reads", read(fd, buf, 2) == 2 && memcmp(buf, "he", 2) == 0);
	close(fd);
	say("chdir and getcwd", chdir("/tmp") == 0 && getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/tmp") == 0);
	fd2 = open("g", O_RDONLY);
	say("relative paths from the working directory", fd2 >= 0 && close(fd2) == 0 && chdir("..") == 0 &&
							   getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/") == 0);
	say("copy a program into /tmp", copy("/bin/show-args", "/tmp/prog"));
	if (fork() == 0) {
		char *const args[] = { "/tmp/prog", "written", "at", "run", "time", NULL };

		execv("/tmp/prog", args);
		_exit(127);
	}
	wait(&status);
	say("run a program written at run time", WIFEXITED(status) && WEXITSTATUS(status) == 5);
	say("unlink", unlink("/tmp/prog") == 0 && unlink("/tmp/g") == 0 && unlink("/tmp/prog") < 0);
	removed_cwd();
	return 0;
}
