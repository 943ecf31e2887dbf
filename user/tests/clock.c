/*
 * The clocks: the wall clock starts at a real date (QEMU virt's RTC, or
 * the build's date), clock_settime and settimeofday move it and leave the
 * monotonic clock alone, absolute sleeps and futex waits on the wall
 * clock end when it reaches their deadline, and bad arguments get Linux's
 * errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#define CHECK_NAME "clock"
#include "user/tests/check.h"

#define NS 1000000000ll
#define Y2023 1700000000ll	/* 2023-11-14: no kage Image is older */
#define Y2030 1893456000ll	/* 2030-01-01 00:00:00 UTC */

static int64_t ns_of(clockid_t id)
{
	struct timespec ts;

	if (syscall(SYS_clock_gettime, id, &ts) < 0)
		return -1;
	return ts.tv_sec * NS + ts.tv_nsec;
}

static void check_start(void)
{
	struct timeval tv;
	struct timespec res;
	int64_t wall = ns_of(CLOCK_REALTIME);
	int ok = wall / NS > Y2023 && gettimeofday(&tv, NULL) == 0 && tv.tv_sec >= wall / NS &&
		 tv.tv_sec - wall / NS < 2;

	printf("clock: the wall clock says %lld\n", (long long)(wall / NS));
	say("the wall clock starts at a real date, and gettimeofday agrees", ok);
	ok = syscall(SYS_clock_getres, CLOCK_REALTIME, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0 &&
	     res.tv_nsec <= 1000000 && syscall(SYS_clock_getres, CLOCK_MONOTONIC, NULL) == 0;
	say("clock_getres says the tick", ok);
}

static void check_set(void)
{
	struct timespec to = { Y2030, 0 };
	struct timeval tv;
	int64_t mono0 = ns_of(CLOCK_MONOTONIC), wall0 = ns_of(CLOCK_REALTIME), wall, mono1;
	int ok = syscall(SYS_clock_settime, CLOCK_REALTIME, &to) == 0;

	wall = ns_of(CLOCK_REALTIME);
	mono1 = ns_of(CLOCK_MONOTONIC);
	ok &= wall >= Y2030 * NS && wall < (Y2030 + 2) * NS && mono1 >= mono0 && mono1 - mono0 < 2 * NS;
	say("clock_settime moves the wall clock and not the monotonic one", ok);
	tv.tv_sec = (wall0 + mono1 - mono0) / NS;
	tv.tv_usec = (wall0 + mono1 - mono0) % NS / 1000;
	ok = settimeofday(&tv, NULL) == 0 && ns_of(CLOCK_REALTIME) / NS - wall0 / NS < 3 &&
	     ns_of(CLOCK_REALTIME) >= wall0;
	say("settimeofday sets it back", ok);
}

static void check_errors(void)
{
	struct timespec ts = { 0, 0 }, bad = { 0, NS };
	struct timeval tv = { 0, 1000000 };
	int ok = syscall(SYS_clock_settime, CLOCK_MONOTONIC, &ts) < 0 && errno == EINVAL;

	ok &= syscall(SYS_clock_settime, CLOCK_REALTIME, &bad) < 0 && errno == EINVAL;
	ok &= syscall(SYS_clock_settime, CLOCK_REALTIME, (void *)8) < 0 && errno == EFAULT;
	ok &= syscall(SYS_clock_gettime, 10, &ts) < 0 && errno == EINVAL;
	ok &= syscall(SYS_clock_gettime, 100, &ts) < 0 && errno == EINVAL;
	ok &= syscall(SYS_clock_gettime, CLOCK_REALTIME, (void *)8) < 0 && errno == EFAULT;
	ok &= settimeofday(&tv, NULL) < 0 && errno == EINVAL;
	say("bad clocks, times and pointers are EINVAL and EFAULT", ok);
}

/* Absolute deadlines on the wall clock: 30 ms from now, with the wall clock years from boot. */
static void check_absolute(void)
{
	int64_t wall = ns_of(CLOCK_REALTIME) + 30000000;
	struct timespec until = { wall / NS, wall % NS };
	uint32_t word = 0;
	int ok = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &until, NULL) == 0 && ns_of(CLOCK_REALTIME) >= wall;

	say("clock_nanosleep to a wall-clock time ends when it comes", ok);
	wall = ns_of(CLOCK_REALTIME) + 30000000;
	until = (struct timespec){ wall / NS, wall % NS };
	ok = syscall(SYS_futex, &word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &until, NULL,
		     FUTEX_BITSET_MATCH_ANY) < 0 && errno == ETIMEDOUT && ns_of(CLOCK_REALTIME) >= wall;
	say("a futex wait to a wall-clock time times out when it comes", ok);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	check_start();
	check_set();
	check_errors();
	check_absolute();
	return 0;
}
