/*
 * syslog(2), which dmesg uses: the kernel's system log (kernel/logbuf.h:
 * the boot report, the kernel's lines and every server's notes), read
 * with log_read. The two places Linux keeps in its log, where a READ
 * left off and where a CLEAR was, are this file's, one pair for the
 * system, as Linux's.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "servers/proc/proc.h"

#define SYSLOG_CHUNK 512	/* bytes moved at a time through this server's stack */

static uint64_t syslog_read_pos, syslog_clear_pos;

static uint64_t syslog_max(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* The log's bytes [from, to) (all still kept) to buf: the count, or -EFAULT. */
static long syslog_copy(const struct process *p, uint64_t buf, uint64_t from, uint64_t to)
{
	char chunk[SYSLOG_CHUNK];
	uint64_t done = 0;
	long n;

	while (from + done < to) {
		n = native_log_read(from + done, chunk, to - from - done < sizeof(chunk) ? to - from - done : sizeof(chunk),
				    NULL);
		if (n <= 0)
			break;
		if (native_space_write_user(p->space, buf + done, chunk, (uint64_t)n) < 0)
			return -EFAULT;
		done += (uint64_t)n;
	}
	return (long)done;
}

/* READ (from where the last one left off), READ_ALL and READ_CLEAR (the last len bytes since a CLEAR). */
static long syslog_read(const struct process *p, int type, uint64_t buf, uint64_t len, const uint64_t b[2])
{
	uint64_t from;
	long n;

	if (type == LINUX_SYSLOG_READ) {
		from = syslog_max(syslog_read_pos, b[0]);
		n = syslog_copy(p, buf, from, from + len < b[1] ? from + len : b[1]);
		if (n > 0)
			syslog_read_pos = from + (uint64_t)n;
		return n;
	}
	from = syslog_max(syslog_clear_pos, b[0]);
	if (b[1] - from > len)
		from = b[1] - len;
	n = syslog_copy(p, buf, from, b[1]);
	if (n >= 0 && type == LINUX_SYSLOG_READ_CLEAR)
		syslog_clear_pos = b[1];
	return n;
}

long syslog_call(const struct process *p, int type, uint64_t buf, int64_t len)
{
	uint64_t b[2];

	if (native_log_read(0, NULL, 0, b) < 0)
		return -EIO;
	switch (type) {
	case LINUX_SYSLOG_CLOSE: case LINUX_SYSLOG_OPEN:
	case LINUX_SYSLOG_CONSOLE_OFF: case LINUX_SYSLOG_CONSOLE_ON:
		return 0;
	case LINUX_SYSLOG_READ: case LINUX_SYSLOG_READ_ALL: case LINUX_SYSLOG_READ_CLEAR:
		if (!buf || len < 0)
			return -EINVAL;
		return len ? syslog_read(p, type, buf, (uint64_t)len, b) : 0;
	case LINUX_SYSLOG_CLEAR:
		syslog_clear_pos = b[1];
		return 0;
	case LINUX_SYSLOG_CONSOLE_LEVEL:
		return len < 1 || len > 8 ? -EINVAL : 0;
	case LINUX_SYSLOG_SIZE_UNREAD:
		return (long)(b[1] - syslog_max(syslog_read_pos, b[0]));
	case LINUX_SYSLOG_SIZE_BUFFER:
		return KAGE_LOG_SIZE;
	default:
		return -EINVAL;
	}
}
