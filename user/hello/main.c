/*
 * The smallest Linux program: proves the initramfs carries a static glibc
 * riscv64 executable. It runs once the process server exists.
 */
#include <stdio.h>
#include <sys/utsname.h>

int main(void)
{
	struct utsname u;

	if (uname(&u) == 0)
		printf("hello from %s %s on %s\n", u.sysname, u.release, u.machine);
	else
		printf("hello\n");
	return 0;
}
