/*
 * A dynamically linked program: the kernel-side loader only maps it and
 * glibc's loader (its PT_INTERP); the loader maps libc.so.6 and libm.so.6
 * from the initramfs, relocates everything and calls main. Prints what it
 * sees of that: its arguments, the auxiliary vector's AT_BASE, a libm
 * result, and every object in memory.
 */
#define _GNU_SOURCE	/* dl_iterate_phdr */
#include <link.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>

static int show_object(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size, (void)data;
	if (info->dlpi_name && info->dlpi_name[0])
		printf("dyn-hello: loaded %s\n", info->dlpi_name);
	return 0;
}

int main(int argc, char **argv)
{
	volatile double two = 2.0;

	printf("dyn-hello: hello from a dynamically linked program, argc %d, last argument %s\n", argc,
	       argv[argc - 1]);
	printf("dyn-hello: interpreter base in the auxiliary vector: %s\n", getauxval(AT_BASE) ? "yes" : "no");
	printf("dyn-hello: sqrt(2) from libm is %.6f\n", sqrt(two));
	dl_iterate_phdr(show_object, NULL);
	return argc > 1 ? atoi(argv[argc - 1]) : 0;
}
