/*
 * fork after the running executable was unlinked: the program copies
 * itself to /tmp, runs the copy, which deletes its own file and forks.
 * Both processes keep running: a running image lives in its address
 * space, not in the file.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define COPY "/tmp/unlinked-exe"

static int copy_self(const char *self)
{
	char buf[4096];
	int in = open(self, O_RDONLY), out = open(COPY, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	long n;

	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return -1;
	close(in);
	return close(out);
}

int main(int argc, char **argv)
{
	struct stat st;
	int status = 0;
	pid_t pid;

	if (argc < 2) {
		char *const args[] = { COPY, "run", NULL };

		if (copy_self(argv[0]) < 0)
			return 1;
		execv(COPY, args);
		return 1;
	}
	unlink(COPY);
	printf("unlinked-exe: my file is %s\n", stat(COPY, &st) < 0 ? "gone" : "still there");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		printf("unlinked-exe: the child of a deleted program runs\n");
		return 0;
	}
	waitpid(pid, &status, 0);
	printf("unlinked-exe: the parent runs on, its child exited %d\n", WEXITSTATUS(status));
	return 0;
}
