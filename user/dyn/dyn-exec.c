/*
 * A dynamically linked program that forks and execs: its child runs on in
 * a copy of the libraries, then fork+execve and vfork+execve start another
 * dynamically linked program and a static one, each with its arguments.
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

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

int main(void)
{
	char *const dyn[] = { "dyn-hello", "from-fork", "3", NULL };
	char *const dyn_vfork[] = { "dyn-hello", "from-vfork", "5", NULL };
	char *const stat[] = { "show-args", "static", NULL };
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
	printf("dyn-exec: done\n");
	return 0;
}
