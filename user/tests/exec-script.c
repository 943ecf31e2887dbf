/*
 * execve of "#!" scripts: the interpreter gets its one optional argument,
 * the script's path and the remaining arguments; a script whose
 * interpreter is a script works; an endless chain, an empty #! line and a
 * file without execute permission are refused.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void run(const char *path)
{
	char *const argv[] = { (char *)path, "first", "second", NULL }, *const envp[] = { NULL };
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		execve(path, argv, envp);
		printf("exec-script: %s refused: %s\n", path, strerror(errno));
		_exit(100);
	}
	waitpid(pid, &status, 0);
	printf("exec-script: %s exited %d\n", path, WEXITSTATUS(status));
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	run("/tests/scripts/one-arg");
	run("/tests/scripts/nested");
	run("/tests/scripts/loop");
	run("/tests/scripts/empty");
	run("/tests/scripts/not-a-script");
	run("/tests");
	return 0;
}
