/*
 * nanosleep and clock_nanosleep: each sleep lasts at least what was asked
 * (the tick makes it up to 10 ms longer), two sleeping children wake in
 * deadline order, and bad arguments are refused.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

int main(void)
{
	struct timespec t0, req = { 0, 50 * 1000000 }, bad = { 0, 2000000000 };
	long ms;
	int status;

	setvbuf(stdout, NULL, _IONBF, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	nanosleep(&req, 0);
	ms = ms_since(&t0);
	printf("nanosleep: nanosleep 50 ms took %s\n", ms >= 50 && ms < 500 ? "at least 50 ms" : "the wrong time");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	req.tv_nsec = 30 * 1000000;
	clock_nanosleep(CLOCK_MONOTONIC, 0, &req, 0);
	printf("nanosleep: clock_nanosleep 30 ms %s\n", ms_since(&t0) >= 30 ? "ok" : "too short");
	if (fork() == 0) {
		struct timespec r = { 0, 200 * 1000000 };

		nanosleep(&r, 0);
		printf("nanosleep: the 200 ms child wakes second\n");
		_exit(0);
	}
	if (fork() == 0) {
		struct timespec r = { 0, 60 * 1000000 };

		nanosleep(&r, 0);
		printf("nanosleep: the 60 ms child wakes first\n");
		_exit(0);
	}
	while (wait(&status) > 0)
		;
	printf("nanosleep: bad nanoseconds: %s\n", nanosleep(&bad, 0) < 0 && errno == EINVAL ? "EINVAL" : "?");
	printf("nanosleep: bad pointer: %s\n", nanosleep((void *)8, 0) < 0 && errno == EFAULT ? "EFAULT" : "?");
	return 0;
}
