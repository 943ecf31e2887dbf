/*
 * The memory devices: /dev/zero and /dev/full read as zeros, /dev/full
 * refuses writes with ENOSPC, /dev/urandom and /dev/random give the
 * process server's random bytes, each with Linux's device numbers; and
 * getrandom stops at 1 MiB a call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#define CHECK_NAME "devices"
#include "user/tests/check.h"

static unsigned char buf[1 << 20], other[64];

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static int is_device(const char *path, unsigned major, unsigned minor)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == major && minor(st.st_rdev) == minor;
}

int main(void)
{
	int zero = open("/dev/zero", O_RDWR), full = open("/dev/full", O_RDWR), ur = open("/dev/urandom", O_RDWR);
	int rnd = open("/dev/random", O_RDONLY), ok;
	ssize_t n;
	void *volatile unmapped = (void *)8;

	setvbuf(stdout, NULL, _IONBF, 0);
	memset(buf, 0xff, sizeof(buf));
	n = read(zero, buf, 100000);
	ok = n == 100000 && all_zero(buf, 100000) && buf[100000] == 0xff && write(zero, buf, 10) == 10;
	say("/dev/zero reads as zeros and takes writes", ok);
	memset(buf, 0xff, 4096);
	ok = read(full, buf, 4096) == 4096 && all_zero(buf, 4096) && write(full, buf, 1) < 0 && errno == ENOSPC;
	say("/dev/full reads as zeros and refuses writes with ENOSPC", ok);
	memset(buf, 0, 64);
	ok = read(ur, buf, 64) == 64 && read(ur, other, 64) == 64 && !all_zero(buf, 64) && memcmp(buf, other, 64);
	ok &= read(rnd, other, 64) == 64 && memcmp(buf, other, 64) && write(ur, buf, 64) == 64;
	say("/dev/urandom and /dev/random give fresh bytes each read", ok);
	n = read(ur, buf, sizeof(buf));
	ok = n == (ssize_t)sizeof(buf) && !all_zero(buf + sizeof(buf) - 64, 64);
	ok &= read(ur, unmapped, 16) < 0 && errno == EFAULT && read(zero, unmapped, 16) < 0 && errno == EFAULT;
	say("a read of 1 MiB is filled, a bad buffer is EFAULT", ok);
	ok = is_device("/dev/null", 1, 3) && is_device("/dev/zero", 1, 5) && is_device("/dev/full", 1, 7) &&
	     is_device("/dev/random", 1, 8) && is_device("/dev/urandom", 1, 9) && is_device("/dev/console", 5, 1);
	say("each has Linux's device number", ok);
	{
		unsigned char *big = mmap(NULL, 4 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		ok = big != MAP_FAILED && getrandom(big, 4 << 20, 0) == (1 << 20) && !all_zero(big + (1 << 20) - 64, 64) &&
		     all_zero(big + (1 << 20), 4096);
		say("getrandom of 4 MiB gives 1 MiB, the bound on one call", ok);
	}
	close(zero), close(full), close(ur), close(rnd);
	return 0;
}
