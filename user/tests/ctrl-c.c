/* ^C on the console interrupts a sleeping child: its parent sees SIGINT. */
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		struct timespec t = { 100, 0 };

		nanosleep(&t, 0);
		printf("ctrl-c: the child slept 100 s: ^C did not arrive\n");
		return 0;
	}
	printf("ctrl-c: waiting for ^C\n");
	fflush(stdout);
	waitpid(pid, &status, 0);
	printf("ctrl-c: child %s by signal %d\n", WIFSIGNALED(status) ? "killed" : "NOT killed", WTERMSIG(status));
	return 0;
}
