/* Prints its arguments, one per line: the interpreter of the #! tests. */
#include <stdio.h>

int main(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		printf("show-args: argv[%d] = \"%s\"\n", i, argv[i]);
	return argc;
}
