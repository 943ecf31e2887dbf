/*
 * Address-space layout randomisation: /bin/dyn-aslr (a PIE with glibc's
 * dynamic loader) runs twice and reports where its code, stack, a mapping,
 * its heap, libc and the loader are. With randomisation on
 * (randomize_va_space 2) every one of them moves from one execve to the
 * next; with it off ("norandmaps", randomize_va_space 0) or after
 * personality(ADDR_NO_RANDOMIZE), as `setarch -R` does, none does. The
 * random bytes (AT_RANDOM, getrandom) differ every time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/wait.h>
#include <unistd.h>

#define FIELDS 8	/* main stack mmap brk libc base random getrandom */
#define ADDRESSES 6

struct run {
	char line[512];
	char *field[FIELDS];
};

static int run_once(struct run *r)
{
	int fds[2], status, n = 0;
	ssize_t got;
	pid_t pid;

	if (pipe(fds) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		execl("/bin/dyn-aslr", "dyn-aslr", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	while (pid > 0 && n < (int)sizeof(r->line) - 1 && (got = read(fds[0], r->line + n, sizeof(r->line) - 1 - n)) > 0)
		n += (int)got;
	close(fds[0]);
	r->line[n] = 0;
	if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0)
		return -1;
	for (int i = 0; i < FIELDS; i++) {
		r->field[i] = strtok(i ? NULL : r->line, " \n");
		if (!r->field[i])
			return -1;
	}
	return 0;
}

/* How many of the address fields are the same in a and b; whether the random bytes differ. */
static int same_addresses(const struct run *a, const struct run *b, int *random_differs)
{
	int same = 0;

	for (int i = 0; i < ADDRESSES; i++)
		same += strcmp(a->field[i], b->field[i]) == 0;
	*random_differs = strcmp(a->field[6], b->field[6]) != 0 && strcmp(a->field[7], b->field[7]) != 0;
	return same;
}

static int compare_two(const char *what, int want_same)
{
	struct run a, b;
	int same, random_differs;

	if (run_once(&a) < 0 || run_once(&b) < 0) {
		printf("aslr: %s: dyn-aslr did not run\n", what);
		return 1;
	}
	same = same_addresses(&a, &b, &random_differs);
	printf("aslr: %s: %d of %d addresses the same, random bytes %s\n", what, same, ADDRESSES,
	       random_differs ? "differ" : "repeat");
	if (!random_differs || same != (want_same ? ADDRESSES : 0)) {
		for (int i = 0; i < ADDRESSES; i++)
			printf("aslr:   %s / %s\n", a.field[i], b.field[i]);
		return 1;
	}
	return 0;
}

int main(void)
{
	FILE *f = fopen("/proc/sys/kernel/randomize_va_space", "r");
	int rv = -1, bad = 0;

	if (!f || fscanf(f, "%d", &rv) != 1)
		printf("aslr: no /proc/sys/kernel/randomize_va_space\n");
	if (f)
		fclose(f);
	printf("aslr: randomize_va_space %d\n", rv);
	bad += compare_two("default", rv == 0);
	if (personality(ADDR_NO_RANDOMIZE) < 0 || !(personality(0xffffffff) & ADDR_NO_RANDOMIZE))
		bad++;
	bad += compare_two("ADDR_NO_RANDOMIZE", 1);
	printf("aslr: %s\n", bad ? "FAILED" : "ok");
	return bad != 0;
}
