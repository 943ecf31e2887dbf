/*
 * /bin/demos: says hello, runs each seed demo (fork, vfork, exec,
 * buffering, signals, sleep) as its own process, reports how each one
 * ended, and exits 0 if all of them did well. Type `demos` at the /init
 * prompt, or boot with rdinit=/bin/demos to run them as pid 1.
 */
#include <stdio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const demos[] = {
	"/bin/fork-basics", "/bin/vfork-exec", "/bin/printf-fork", "/bin/kill-default", "/bin/nanosleep",
	"/bin/unlinked-exe", "/bin/clone-flags",
};

int main(int argc, char **argv, char **envp)
{
	struct utsname u;
	int failed = 0;

	(void)argc;
	uname(&u);
	printf("demos: %s %s on %s, pid %d: running the demos\n", u.sysname, u.release, u.machine, getpid());
	for (size_t i = 0; i < sizeof(demos) / sizeof(demos[0]); i++) {
		char *const args[] = { (char *)demos[i], NULL };
		int status = 0;
		pid_t pid;

		printf("\ndemos: --- %s ---\n", demos[i]);
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			execve(demos[i], args, envp);
			perror("demos: execve");
			_exit(127);
		}
		waitpid(pid, &status, 0);
		failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		printf("demos: %s %s %d\n", demos[i], WIFEXITED(status) ? "exited" : "killed by signal",
		       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	}
	printf("\ndemos: %d of %zu demos failed; %s exits now\n", failed, sizeof(demos) / sizeof(demos[0]), argv[0]);
	return failed != 0;
}
