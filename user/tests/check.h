/*
 * The reporting every file-system test program shares: one line per
 * check, "<program>: <what> ok" or "... FAILED", which its system test
 * expects line by line. Define CHECK_NAME before including it. Each test
 * is one static binary built from one .c file, so these are static
 * functions in a header rather than a library.
 */
#ifndef KAGE_USER_TESTS_CHECK_H
#define KAGE_USER_TESTS_CHECK_H

#include <errno.h>
#include <stdio.h>

#ifndef CHECK_NAME
#error "define CHECK_NAME, the program's name in its lines, before including check.h"
#endif

static inline void say(const char *what, int ok)
{
	printf(CHECK_NAME ": %s %s\n", what, ok ? "ok" : "FAILED");
}

/* Whether a call's result r is a failure with err. */
static inline int fails(long r, int err)
{
	return r < 0 && errno == err;
}

#endif
