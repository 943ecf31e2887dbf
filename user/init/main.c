/*
 * /init of the system Image. It starts the login shell, /bin/sh (BusyBox
 * ash), in a session of its own whose foreground group owns the console,
 * so that the shell has job control; then it reaps every process that
 * ends up its child (orphans come to pid 1) until the shell ends, and
 * ends with the shell's status, which powers kage off.
 *
 * Without /bin/sh, or when the command line says `mini`, it is itself a
 * very small shell: it reads a line, runs the program it names (a bare
 * name is looked up in /bin) with the other words as arguments, waits
 * and says how it ended if that was not exit 0. Built in: cd, exit [N],
 * help. End of file (^D on an empty line) ends it.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define LINE_MAX_LEN 256
#define WORDS_MAX 16

static void help(void)
{
	DIR *d = opendir("/bin");
	struct dirent *e;
	int n = 0;

	printf("Built in: cd DIR, exit [N], help. Programs in /bin:\n");
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			printf("%s%s", n++ % 6 ? "  " : "\n  ", e->d_name);
	printf("\n`demos` runs the seed demos; ^C interrupts a program; ^D here ends kage.\n");
	if (d)
		closedir(d);
}

/* Runs words[0] with its arguments and waits for it. */
static void run(char **words, char **envp)
{
	char path[LINE_MAX_LEN + 8];
	int status = 0;
	pid_t pid;

	snprintf(path, sizeof(path), "%s%s", strchr(words[0], '/') ? "" : "/bin/", words[0]);
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("init: fork");
		return;
	}
	if (pid == 0) {
		execve(path, words, envp);
		fprintf(stderr, "init: %s: %s\n", words[0], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		perror("init: wait");
	else if (WIFSIGNALED(status))	/* after ^C, whose echo ends no line, as shells do */
		printf("%sinit: %s killed by signal %d\n", WTERMSIG(status) == SIGINT ? "\n" : "", words[0],
		       WTERMSIG(status));
	else if (WEXITSTATUS(status))
		printf("init: %s exited %d\n", words[0], WEXITSTATUS(status));
}

/* One command line: 1 to go on, 0 to end with *code. */
static int command(char *line, char **envp, int *code)
{
	char *words[WORDS_MAX + 1];
	int n = 0;

	for (char *w = strtok(line, " \t\n"); w && n < WORDS_MAX; w = strtok(NULL, " \t\n"))
		words[n++] = w;
	words[n] = NULL;
	if (n == 0)
		return 1;
	if (strcmp(words[0], "exit") == 0) {
		*code = n > 1 ? atoi(words[1]) : 0;
		return 0;
	}
	if (strcmp(words[0], "help") == 0)
		help();
	else if (strcmp(words[0], "cd") == 0 && chdir(n > 1 ? words[1] : "/") < 0)
		perror("init: cd");
	else if (strcmp(words[0], "cd") != 0)
		run(words, envp);
	return 1;
}

/* The login shell in its own session on the console; init reaps until it ends. */
static int login_shell(char **envp)
{
	char *argv[] = { "-sh", NULL };
	int status = 0;
	pid_t shell = fork(), pid;

	if (shell < 0) {
		perror("init: fork");
		return 1;
	}
	if (shell == 0) {
		setsid();
		ioctl(0, TIOCSCTTY, 0);
		tcsetpgrp(0, getpid());
		execve("/bin/sh", argv, envp);
		perror("init: /bin/sh");
		_exit(127);
	}
	while ((pid = wait(&status)) != shell)
		if (pid < 0 && errno != EINTR)
			return 1;
	if (WIFSIGNALED(status)) {
		printf("init: the shell was killed by signal %d\n", WTERMSIG(status));
		return 128 + WTERMSIG(status);
	}
	return WEXITSTATUS(status);
}

int main(int argc, char **argv, char **envp)
{
	char line[LINE_MAX_LEN];
	struct utsname u;
	int code = 0;

	if (access("/bin/sh", X_OK) == 0 && !(argc > 1 && strcmp(argv[1], "mini") == 0))
		return login_shell(envp);
	uname(&u);
	printf("kage %s %s: /init is a small shell (type help)\n", u.release, u.machine);
	for (;;) {
		printf("kage# ");
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin)) {
			printf("\n");
			break;
		}
		if (!command(line, envp, &code))
			break;
	}
	return code;
}
