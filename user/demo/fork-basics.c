/*
 * fork's return values and wait4's statuses: the child sees 0, the parent
 * the child's pid; the parent collects an exit status and a death by
 * signal; copy-on-write keeps each side's memory its own.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int counter = 100;

int main(void)
{
	pid_t parent = getpid(), child, got;
	int status = 0;

	child = fork();
	if (child < 0) {
		perror("fork");
		return 1;
	}
	if (child == 0) {
		counter++;	/* only in the child's copy */
		printf("child: fork returned 0, getppid %s the parent, counter %d\n",
		       getppid() == parent ? "is" : "is NOT", counter);
		exit(3);
	}
	got = waitpid(child, &status, 0);
	printf("parent: fork returned the child's pid: %s\n", got == child ? "yes" : "no");
	printf("parent: child exited %s with status %d, counter still %d\n",
	       WIFEXITED(status) ? "normally" : "abnormally", WEXITSTATUS(status), counter);
	child = fork();
	if (child == 0) {
		*(volatile int *)0 = 1;	/* SIGSEGV */
		return 0;
	}
	waitpid(child, &status, 0);
	printf("parent: second child %s by signal %d\n", WIFSIGNALED(status) ? "killed" : "NOT killed",
	       WTERMSIG(status));
	printf("parent: waitpid with no children left: %s\n", waitpid(-1, &status, 0) < 0 ? "ECHILD" : "?");
	return 0;
}
