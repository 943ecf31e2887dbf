/*
 * Process-tree stress: 64 children alive at once, each status collected;
 * then 1000 rounds of fork + execve + wait. The kernel's leak check at
 * power-off proves every frame came back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILDREN 64
#define ROUNDS 1000

static int concurrent(void)
{
	pid_t pids[CHILDREN];
	int seen[CHILDREN] = { 0 }, status, bad = 0;

	for (int i = 0; i < CHILDREN; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			_exit(i);
		}
		if (pids[i] < 0) {
			printf("proc-stress: fork %d failed\n", i);
			return 1;
		}
	}
	for (int n = 0; n < CHILDREN; n++) {
		pid_t pid = wait(&status);

		for (int i = 0; i < CHILDREN; i++)
			if (pids[i] == pid && WIFEXITED(status) && WEXITSTATUS(status) == i)
				seen[i]++;
	}
	for (int i = 0; i < CHILDREN; i++)
		bad += seen[i] != 1;
	printf("proc-stress: %d children at once, %d statuses wrong\n", CHILDREN, bad);
	return bad;
}

static int fork_exec_loop(void)
{
	char *const argv[] = { "ok", NULL }, *const envp[] = { NULL };
	int status, bad = 0;

	for (int i = 0; i < ROUNDS; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			execve("/tests/elf/ok.elf", argv, envp);
			_exit(99);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
	}
	printf("proc-stress: %d rounds of fork+exec+wait, %d failed\n", ROUNDS, bad);
	return bad;
}

int main(void)
{
	int bad;

	setvbuf(stdout, NULL, _IONBF, 0);
	bad = concurrent() + fork_exec_loop();
	printf("proc-stress: %s\n", bad ? "FAILED" : "done");
	return bad != 0;
}
