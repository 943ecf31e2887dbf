/*
 * The system log through syslog(2), as dmesg reads it: the boot report
 * and the servers' notes are in it, CLEAR and READ_CLEAR start it again,
 * READ takes what is new once, and bad arguments get Linux's errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/syscall.h>
#include <unistd.h>
#define CHECK_NAME "syslog"
#include "user/tests/check.h"

#define LOG_SIZE 65536
#define UNUSED_CALL 500	/* no Linux call has this number yet: the process server notes it */

static char log_text[LOG_SIZE + 1];

/* READ_ALL (or READ_CLEAR) into log_text: its length, NUL-terminated, or -1. */
static int read_all(int type)
{
	int n = klogctl(type, log_text, LOG_SIZE);

	log_text[n > 0 ? n : 0] = 0;
	return n;
}

int main(void)
{
	int n, ok;

	setvbuf(stdout, NULL, _IONBF, 0);
	n = read_all(3);
	ok = klogctl(10, NULL, 0) == LOG_SIZE && n > 0 && strstr(log_text, "kage: hart ") &&
	     strstr(log_text, "kage: frames free=") && strstr(log_text, "kage: clock: ");
	say("the log holds the boot report and the clock's line", ok);
	ok = klogctl(5, NULL, 0) == 0 && read_all(3) == 0;
	syscall(UNUSED_CALL);
	n = read_all(3);
	ok &= n > 0 && strstr(log_text, "system call 500 is not implemented") && !strstr(log_text, "kage: hart ");
	say("after CLEAR the log starts again, with a server's note", ok);
	ok = read_all(4) == n && read_all(3) == 0;
	say("READ_CLEAR reads it and clears it", ok);
	n = klogctl(9, NULL, 0);
	ok = n > 0 && klogctl(2, log_text, LOG_SIZE) == n && klogctl(9, NULL, 0) == 0 && klogctl(2, log_text, 10) == 0;
	say("READ takes what is unread, once", ok);
	ok = klogctl(99, NULL, 0) < 0 && errno == EINVAL;
	ok &= klogctl(3, NULL, 10) < 0 && errno == EINVAL;
	ok &= klogctl(3, log_text, -1) < 0 && errno == EINVAL;
	syscall(UNUSED_CALL + 1);	/* something to copy */
	ok &= klogctl(3, (char *)8, 100) < 0 && errno == EFAULT;
	ok &= klogctl(8, NULL, 9) < 0 && errno == EINVAL && klogctl(8, NULL, 4) == 0;
	say("bad actions, buffers and lengths are EINVAL and EFAULT", ok);
	return 0;
}
