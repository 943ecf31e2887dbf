/*
 * vfork shares the parent's memory until the child calls execve or exits,
 * and the parent waits until then; fork + execve passes argv and envp to
 * the new program.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static volatile int shared = 1;
	char *const child_argv[] = { "vfork-exec", "child", "one", "two", NULL };
	char *const child_envp[] = { "KAGE_DEMO=yes", NULL };
	int status = 0;
	pid_t pid;

	if (argc > 1 && strcmp(argv[1], "child") == 0) {
		printf("exec'd child: argc %d, argv[2] %s, argv[3] %s, KAGE_DEMO=%s\n", argc, argv[2], argv[3],
		       getenv("KAGE_DEMO") ? getenv("KAGE_DEMO") : "(unset)");
		return 7;
	}
	pid = vfork();
	if (pid == 0) {
		shared = 42;	/* the parent's memory: vfork shares it */
		_exit(5);
	}
	waitpid(pid, &status, 0);
	printf("vfork: the child wrote %d into the parent's memory and exited %d\n", shared,
	       WEXITSTATUS(status));
	fflush(stdout);
	pid = vfork();
	if (pid == 0) {
		execve("/bin/vfork-exec", child_argv, child_envp);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	printf("vfork+execve: the program exited %d\n", WEXITSTATUS(status));
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execve("/bin/vfork-exec", child_argv, child_envp);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	printf("fork+execve: the program exited %d\n", WEXITSTATUS(status));
	pid = fork();
	if (pid == 0) {
		execve("/no/such/program", child_argv, child_envp);
		printf("execve of a missing file failed and the caller kept running\n");
		fflush(stdout);
		_exit(9);
	}
	waitpid(pid, &status, 0);
	printf("missing program: child exited %d\n", WEXITSTATUS(status));
	return 0;
}
