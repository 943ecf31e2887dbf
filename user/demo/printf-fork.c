/*
 * stdio buffering meets fork: a line printed before fork reaches a
 * terminal once (stdout is line-buffered on a tty, so it is out before
 * the fork), but text still in the buffer at fork time is copied into the
 * child with the rest of memory and comes out twice.
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int status;
	pid_t pid;

	printf("stdout is %s\n", isatty(1) ? "a terminal: line-buffered" : "not a terminal: fully buffered");
	printf("one line before fork\n");
	printf("0123456789 (no newline: still buffered)");
	pid = fork();
	if (pid == 0)
		return 0;	/* exit flushes the child's copy of the buffer */
	waitpid(pid, &status, 0);
	printf("\n");
	return 0;
}
