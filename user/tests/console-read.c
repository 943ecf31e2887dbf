/*
 * Reads the console line by line until end of file (^D), printing what
 * arrived; the test types lines, a backspace and ^D.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	char buf[128];
	long n;

	setvbuf(stdout, NULL, _IONBF, 0);
	printf("console-read: type lines, ^D ends\n");
	while ((n = read(0, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = 0;
		if (n && buf[n - 1] == '\n')
			buf[n - 1] = 0;
		printf("console-read: got [%s]\n", buf);
	}
	printf("console-read: end of file (%ld)\n", n);
	return 0;
}
