/*
 * Where things are in a dynamically linked PIE: one line with the
 * program's own code, its stack, a fresh anonymous mapping, the heap's
 * start, libc's code (placed by the dynamic loader, itself at the top of
 * the mmap area), AT_RANDOM's bytes and getrandom's. user/tests/aslr.c
 * runs it twice and compares.
 */
#include <stdio.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

int main(void)
{
	const uint8_t *at_random = (const uint8_t *)getauxval(AT_RANDOM);
	void *map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t drawn[2] = { 0 };
	int local = 0;

	if (getrandom(drawn, sizeof(drawn), 0) != sizeof(drawn))
		return 1;
	printf("main=%p stack=%p mmap=%p brk=%p libc=%p base=%#lx random=%016lx%016lx getrandom=%016lx%016lx\n",
	       (void *)main, (void *)&local, map, sbrk(0), (void *)printf, getauxval(AT_BASE),
	       *(const unsigned long *)at_random, *(const unsigned long *)(at_random + 8),
	       (unsigned long)drawn[0], (unsigned long)drawn[1]);
	return 0;
}
