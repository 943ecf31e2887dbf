/*
 * Address-space layout randomisation: /bin/dyn-aslr (a PIE with glibc's
 * dynamic loader) runs twelve times and reports where its code, stack, a
 * mapping, its heap, libc and the loader are. With randomisation on
 * (randomize_va_space 2) every one of them moves in at least RANDOM_BITS
 * bits across the runs; with it off ("norandmaps", randomize_va_space 0)
 * or after personality(ADDR_NO_RANDOMIZE), as `setarch -R` does, none
 * moves at all. The random bytes (AT_RANDOM, getrandom) differ every time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/wait.h>
#include <unistd.h>

#define FIELDS 8	/* main stack mmap brk libc base random getrandom */
#define ADDRESSES 6
#define RUNS 12
/*
 * An address is random when at least this many of its bits move across
 * the runs. Each draws 18 or more (mmap_rnd_bits, STACK_RND_MASK); a bit
 * that is random stays put through all twelve runs with odds 1 in 2048,
 * so a working layout falls below 15 less than once in 10^9 measurements,
 * and one that throws away bits (a 2 MiB alignment keeps 9) never
 * reaches it.
 */
#define RANDOM_BITS 15

static const char *const names[ADDRESSES] = { "main", "stack", "mmap", "brk", "libc", "base" };

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

/* A field's value: what follows "name=". */
static unsigned long address_of(const struct run *r, int field)
{
	const char *eq = strchr(r->field[field], '=');

	return strtoul(eq ? eq + 1 : r->field[field], NULL, 0);
}

/* How many bits of an address field differ between run 0 and some other run. */
static int varying_bits(const struct run *runs, int field)
{
	unsigned long first = address_of(&runs[0], field), differ = 0;

	for (int i = 1; i < RUNS; i++)
		differ |= address_of(&runs[i], field) ^ first;
	return __builtin_popcountl(differ);
}

/* Whether AT_RANDOM's and getrandom's bytes differ in every pair of runs. */
static int random_bytes_differ(const struct run *runs)
{
	for (int i = 0; i < RUNS; i++)
		for (int j = 0; j < i; j++)
			if (!strcmp(runs[i].field[6], runs[j].field[6]) || !strcmp(runs[i].field[7], runs[j].field[7]))
				return 0;
	return 1;
}

static int measure(const char *what, int want_random)
{
	static struct run runs[RUNS];
	int bits[ADDRESSES], random = 0, fixed = 0, differ;

	for (int i = 0; i < RUNS; i++) {
		if (run_once(&runs[i]) < 0) {
			printf("aslr: %s: dyn-aslr did not run\n", what);
			return 1;
		}
	}
	for (int i = 0; i < ADDRESSES; i++) {
		bits[i] = varying_bits(runs, i);
		random += bits[i] >= RANDOM_BITS;
		fixed += bits[i] == 0;
	}
	differ = random_bytes_differ(runs);
	printf("aslr: %s: bits that move:", what);
	for (int i = 0; i < ADDRESSES; i++)
		printf(" %s %d", names[i], bits[i]);
	printf("\naslr: %s: %d of %d addresses random, %d fixed, random bytes %s\n", what, random, ADDRESSES, fixed,
	       differ ? "differ" : "repeat");
	if (differ && (want_random ? random : fixed) == ADDRESSES)
		return 0;
	for (int i = 0; i < ADDRESSES; i++)
		printf("aslr:   %s / %s\n", runs[0].field[i], runs[1].field[i]);
	return 1;
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
	bad += measure("default", rv != 0);
	if (personality(ADDR_NO_RANDOMIZE) < 0 || !(personality(0xffffffff) & ADDR_NO_RANDOMIZE))
		bad++;
	bad += measure("ADDR_NO_RANDOMIZE", 0);
	printf("aslr: %s\n", bad ? "FAILED" : "ok");
	return bad != 0;
}
