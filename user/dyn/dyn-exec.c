/*
 * A dynamically linked program that forks and execs: its child runs on in
 * a copy of the libraries, then fork+execve and vfork+execve start another
 * dynamically linked program and a static one, each with its arguments,
 * and last a copy of a dynamic program runs with a rewritten loader.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#define LOADER "/lib/ld-linux-riscv64-lp64d.so.1"

/* Starts path with argv in a child (vfork or fork) and returns its exit status, or -1. */
static int run(const char *path, char *const argv[], int use_vfork)
{
	char *const envp[] = { "KAGE_DYN=1", NULL };
	int status = 0;
	pid_t pid = use_vfork ? vfork() : fork();

	if (pid == 0) {
		execve(path, argv, envp);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * Copies the file from to `to`, which may be from itself: either way the
 * bytes then live in the file server's memory, not in the initramfs.
 */
static int copy_file(const char *from, const char *to)
{
	static char buf[512 << 10];
	size_t len = 0;
	ssize_t n;
	int fd = open(from, O_RDONLY);

	while (fd >= 0 && len < sizeof(buf) && (n = read(fd, buf + len, sizeof(buf) - len)) > 0)
		len += (size_t)n;
	close(fd);
	if (fd < 0 || len == sizeof(buf))
		return -1;
	fd = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (fd < 0)
		return -1;
	n = write(fd, buf, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

int main(void)
{
	char *const dyn[] = { "dyn-hello", "from-fork", "3", NULL };
	char *const dyn_vfork[] = { "dyn-hello", "from-vfork", "5", NULL };
	char *const stat[] = { "show-args", "static", NULL };
	char *const dyn_copy[] = { "dyn-hello", "copied", "6", NULL };
	int status = 0;
	pid_t pid;

	setvbuf(stdout, NULL, _IONBF, 0);
	pid = fork();
	if (pid == 0) {
		printf("dyn-exec: the forked child calls into its copy of libc\n");
		_exit(4);
	}
	waitpid(pid, &status, 0);
	printf("dyn-exec: fork without execve: the child exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	printf("dyn-exec: fork+execve of a dynamic program: it exited %d\n", run("/bin/dyn-hello", dyn, 0));
	printf("dyn-exec: vfork+execve of a dynamic program: it exited %d\n", run("/bin/dyn-hello", dyn_vfork, 1));
	printf("dyn-exec: fork+execve of a static program: it exited %d\n", run("/bin/show-args", stat, 0));
	if (copy_file("/bin/dyn-hello", "/tmp/dyn-hello") < 0 || copy_file(LOADER, LOADER) < 0)
		printf("dyn-exec: cannot copy the program and its loader\n");
	printf("dyn-exec: a program and its loader written at run time: it exited %d\n",
	       run("/tmp/dyn-hello", dyn_copy, 0));
	printf("dyn-exec: done\n");
	return 0;
}
