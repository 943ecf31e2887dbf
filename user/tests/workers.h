/*
 * Work a test or a measurement runs in many processes at once
 * (user/tests/smp.c, user/scaling/main.c): process creation and pipe
 * round trips, each checking its own result. Static functions in a
 * header, as each program is one static binary built from one .c file.
 */
#ifndef KAGE_USER_TESTS_WORKERS_H
#define KAGE_USER_TESTS_WORKERS_H

#include <sys/wait.h>
#include <unistd.h>

/* fork, exec /bin/exit0 and wait, `rounds` times: 0 when every one exited 0. */
static inline int work_spawn(int rounds)
{
	for (int i = 0; i < rounds; i++) {
		int status;
		pid_t p = fork();

		if (p == 0) {
			execl("/bin/exit0", "exit0", (char *)NULL);
			_exit(127);
		}
		if (p < 0 || waitpid(p, &status, 0) != p || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			return 1;
	}
	return 0;
}

/* `rounds` bytes, one at a time, bounced off a child through two pipes: 0 when each came back. */
static inline int work_ping(int rounds)
{
	int to[2], from[2], status, bad = 0;
	pid_t p;

	if (pipe(to) < 0 || pipe(from) < 0)
		return 1;
	p = fork();
	if (p == 0) {
		char c;

		close(to[1]);	/* else its own copy keeps the end it waits on open */
		close(from[0]);
		while (read(to[0], &c, 1) == 1)
			if (write(from[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(to[0]);
	close(from[1]);
	for (int i = 0; i < rounds && !bad; i++) {
		char c = (char)i, back = 0;

		bad = write(to[1], &c, 1) != 1 || read(from[0], &back, 1) != 1 || back != c;
	}
	close(to[1]);
	bad |= p < 0 || waitpid(p, &status, 0) != p || !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	close(from[0]);
	return bad;
}

#endif
