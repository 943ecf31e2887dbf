/*
 * Small Linux calls glibc programs lean on: readlink("/proc/self/exe"),
 * getrlimit, getcwd, uname, clock_gettime, getrandom, and -EFAULT for a
 * bad pointer instead of a crash.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	char buf[128], cwd[64];
	struct rlimit rl;
	struct utsname u;
	struct timespec t0, t1;
	unsigned char rnd[32] = { 0 };
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	int nonzero = 0;

	setvbuf(stdout, NULL, _IONBF, 0);
	buf[n > 0 ? n : 0] = 0;
	printf("linux-misc: /proc/self/exe -> %s\n", buf);
	printf("linux-misc: RLIMIT_STACK %s\n",
	       getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur == 8u << 20 ? "8 MiB" : "wrong");
	printf("linux-misc: getcwd %s\n", getcwd(cwd, sizeof(cwd)) ? cwd : "failed");
	printf("linux-misc: uname %s\n", uname(&u) == 0 ? u.machine : "failed");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (volatile int i = 0; i < 100000; i++)
		;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("linux-misc: clock advances %s\n",
	       t1.tv_sec > t0.tv_sec || (t1.tv_sec == t0.tv_sec && t1.tv_nsec > t0.tv_nsec) ? "yes" : "no");
	getrandom(rnd, sizeof(rnd), 0);
	for (size_t i = 0; i < sizeof(rnd); i++)
		nonzero += rnd[i] != 0;
	printf("linux-misc: getrandom %s\n", nonzero > 16 ? "random" : "suspicious");
	errno = 0;
	printf("linux-misc: write from a bad pointer: %s\n",
	       syscall(SYS_write, 1, (void *)8, 4) < 0 && errno == EFAULT ? "EFAULT" : "wrong");
	printf("linux-misc: uname into a bad pointer: %s\n",
	       syscall(SYS_uname, (void *)0x10) < 0 && errno == EFAULT ? "EFAULT" : "wrong");
	return 0;
}
