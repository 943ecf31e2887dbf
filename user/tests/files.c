/*
 * Descriptors and files of the initramfs: open, read, lseek, pread, fstat,
 * getdents64, dup/dup3/fcntl, an offset shared with a forked child,
 * close-on-exec, and the errors for what cannot be done.
 */
#define _GNU_SOURCE	/* dup3, struct dirent64 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#define CHECK_NAME "files"
#include "user/tests/check.h"

#define OK "/tests/elf/ok.elf"

/* The entries of dir, or -1 unless the first two are "." (dir itself) and ".." (its parent), as on Linux. */
static int count_entries(const char *dir)
{
	char buf[512], parent[64];
	int fd = open(dir, O_RDONLY | O_DIRECTORY), n = 0;
	struct stat self, up;
	long got;

	snprintf(parent, sizeof(parent), "%s/..", dir);
	if (stat(dir, &self) < 0 || stat(parent, &up) < 0)
		return -1;
	while ((got = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < got; off += ((struct dirent64 *)(buf + off))->d_reclen) {
			const struct dirent64 *d = (const struct dirent64 *)(buf + off);

			if ((n == 0 && (strcmp(d->d_name, ".") || d->d_ino != self.st_ino)) ||
			    (n == 1 && (strcmp(d->d_name, "..") || d->d_ino != up.st_ino)))
				return -1;
			n++;
		}
	}
	close(fd);
	return n;
}

static void check_cloexec_after_exec(int kept, int closed)
{
	say("descriptor without O_CLOEXEC survives execve", fcntl(kept, F_GETFD) == 0);
	say("O_CLOEXEC descriptor closed by execve", fcntl(closed, F_GETFD) < 0 && errno == EBADF);
}

int main(int argc, char **argv)
{
	char buf[8], sfd[2][8];
	struct stat st;
	int fd, fd2, status;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc == 4 && strcmp(argv[1], "after-exec") == 0) {
		check_cloexec_after_exec(atoi(argv[2]), atoi(argv[3]));
		return 0;
	}
	fd = open(OK, O_RDONLY);
	say("open and read", fd >= 3 && read(fd, buf, 4) == 4 && memcmp(buf, "\177ELF", 4) == 0);
	say("fstat size", fstat(fd, &st) == 0 && st.st_size == 132 && S_ISREG(st.st_mode));
	say("lseek", lseek(fd, 0, SEEK_END) == 132 && read(fd, buf, 4) == 0 && lseek(fd, 1, SEEK_SET) == 1);
	say("pread leaves the offset", pread(fd, buf, 3, 0) == 3 && lseek(fd, 0, SEEK_CUR) == 1);
	say("getdents64 lists . and .. and the corpus", count_entries("/tests/elf") == 2 + 20);
	say("stat by path", stat("/bin", &st) == 0 && S_ISDIR(st.st_mode));
	say("missing file is ENOENT", open("/no/such", O_RDONLY) < 0 && errno == ENOENT);
	say("creating in a missing directory is ENOENT", open("/no/dir/x", O_WRONLY | O_CREAT, 0644) < 0 &&
							      errno == ENOENT);
	say("reading a directory is EISDIR", (fd2 = open("/bin", O_RDONLY)) >= 0 && read(fd2, buf, 1) < 0 &&
						     errno == EISDIR);
	close(fd2);
	say("O_DIRECTORY on a file is ENOTDIR", open(OK, O_RDONLY | O_DIRECTORY) < 0 && errno == ENOTDIR);
	fd2 = dup(fd);
	say("dup shares the offset", lseek(fd2, 10, SEEK_SET) == 10 && lseek(fd, 0, SEEK_CUR) == 10);
	say("dup3 onto a chosen number", dup3(fd, 20, O_CLOEXEC) == 20 && fcntl(20, F_GETFD) == FD_CLOEXEC);
	say("close twice is EBADF", close(fd2) == 0 && close(fd2) < 0 && errno == EBADF);
	if (fork() == 0) {
		lseek(fd, 100, SEEK_SET);	/* the child moves the shared offset */
		_exit(0);
	}
	wait(&status);
	say("a child's lseek moves the parent's offset", lseek(fd, 0, SEEK_CUR) == 100);
	snprintf(sfd[0], sizeof(sfd[0]), "%d", fd);
	snprintf(sfd[1], sizeof(sfd[1]), "%d", 20);
	if (fork() == 0) {
		char *const args[] = { argv[0], "after-exec", sfd[0], sfd[1], NULL };

		execv("/bin/files", args);
		_exit(127);
	}
	wait(&status);
	say("bad descriptor is EBADF", read(55, buf, 1) < 0 && errno == EBADF);
	return 0;
}
