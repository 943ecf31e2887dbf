/*
 * Host stand-in for the kernel's panic(): a broken kernel invariant in code
 * under test becomes a cmocka assertion failure, which expect_assert_failure()
 * can catch when a test provokes it on purpose.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include "kernel/panic.h"

void panic(const char *fmt, ...)
{
	/* Static: cmocka prints the message after longjmp-ing out of this frame. */
	static char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mock_assert(0, msg, __FILE__, __LINE__);
	abort();
}
