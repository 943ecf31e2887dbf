/*
 * Default signal actions through kill(2): SIGTERM and SIGKILL end a
 * child, the parent's wait sees which signal; SIGCHLD is ignored by
 * default; signal 0 probes; abort() ends the caller with SIGABRT.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void victim(int sig)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		for (;;)
			;	/* spins until the signal ends it */
	}
	kill(pid, sig);
	waitpid(pid, &status, 0);
	printf("kill-default: child %s by signal %d\n", WIFSIGNALED(status) ? "killed" : "NOT killed",
	       WTERMSIG(status));
}

int main(void)
{
	int status = 0;
	pid_t pid;

	setvbuf(stdout, NULL, _IONBF, 0);
	victim(SIGTERM);
	victim(SIGKILL);
	printf("kill-default: SIGCHLD to myself: %s\n", kill(getpid(), SIGCHLD) == 0 ? "ignored" : "error");
	printf("kill-default: probe with signal 0: %s\n", kill(getpid(), 0) == 0 ? "alive" : "error");
	printf("kill-default: no such process: %s\n", kill(9999, SIGTERM) < 0 && errno == ESRCH ? "ESRCH" : "?");
	pid = fork();
	if (pid == 0)
		abort();
	waitpid(pid, &status, 0);
	printf("kill-default: abort ends with signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : -1);
	return 0;
}
