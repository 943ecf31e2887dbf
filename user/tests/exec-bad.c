/*
 * execve of every file of the broken-ELF corpus (tests/data/elf, made by
 * tools/mkelfcorpus, in the initramfs at /tests/elf): each must fail with
 * an error while this process keeps running (the interp-* files for their
 * interpreter); ok.elf, the file they were all made from, must run.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const broken[] = {
	"bad-magic", "wrong-class", "big-endian", "wrong-machine", "not-executable", "truncated",
	"phdrs-past-end", "absurd-phnum", "segment-past-end", "filesz-over-memsz", "kernel-address",
	"overlapping-segments", "entry-outside", "no-segments", "huge-memsz", "interp-missing",
	"interp-directory", "interp-not-elf", "interp-nested",
};

int main(void)
{
	char *const argv[] = { "broken", NULL }, *const envp[] = { NULL };
	char path[64];
	int status = -1;
	pid_t pid;

	setvbuf(stdout, NULL, _IONBF, 0);
	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		snprintf(path, sizeof(path), "/tests/elf/%s.elf", broken[i]);
		execve(path, argv, envp);
		printf("exec-bad: %s refused: %s\n", broken[i], strerror(errno));
	}
	pid = fork();
	if (pid == 0) {
		execve("/tests/elf/ok.elf", argv, envp);
		_exit(99);
	}
	waitpid(pid, &status, 0);
	printf("exec-bad: ok.elf ran and exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	printf("exec-bad: still running after %zu refusals\n", sizeof(broken) / sizeof(broken[0]));
	return 0;
}
