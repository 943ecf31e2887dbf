/*
 * Mappings per process up to Linux's vm.max_map_count (65,530): one-page
 * anonymous mappings whose permissions alternate (so no two merge) until
 * mmap says ENOMEM; at the bound, a split by mprotect or munmap is ENOMEM
 * too and changes nothing; once all are unmapped, the same number fits
 * again (nothing was left behind).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096ul
#define MAX_TRY 70000

static char *maps[MAX_TRY];

/* Maps pages until refused: how many, and the errno of the refusal in *why. */
static int fill(int *why)
{
	int n = 0;

	*why = 0;
	while (n < MAX_TRY) {
		int prot = n % 2 ? PROT_READ : PROT_READ | PROT_WRITE;
		char *p = mmap(0, PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			*why = errno;
			break;
		}
		maps[n++] = p;
	}
	return n;
}

static int empty(int n)
{
	int bad = 0;

	while (n-- > 0)
		bad += munmap(maps[n], PAGE) != 0;
	return bad;
}

int main(void)
{
	int why, n = fill(&why), again;
	char *three = NULL;

	setvbuf(stdout, NULL, _IONBF, 0);
	printf("maps: %d mappings, then %s\n", n, why ? strerror(why) : "no refusal");
	/* Room for one three-page mapping, then a split of it is one too many. */
	if (n > 0 && munmap(maps[--n], PAGE) == 0)
		three = mmap(0, 3 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (three != MAP_FAILED && three) {
		printf("maps: mprotect splitting one at the bound: %s\n",
		       mprotect(three + PAGE, PAGE, PROT_NONE) ? strerror(errno) : "done (wrong)");
		printf("maps: munmap splitting one at the bound: %s\n",
		       munmap(three + PAGE, PAGE) ? strerror(errno) : "done (wrong)");
		printf("maps: munmap of the whole one: %s\n", munmap(three, 3 * PAGE) ? strerror(errno) : "done");
	}
	printf("maps: munmap of the rest: %d failed\n", empty(n));
	again = fill(&why);
	printf("maps: the same number again: %s (%d, then %s)\n", again == n + 1 ? "yes" : "no", again,
	       why ? strerror(why) : "no refusal");
	printf("maps: munmap of the rest: %d failed\n", empty(again));
	return 0;
}
