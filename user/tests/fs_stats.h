/*
 * The file server's counts, as kage's file-server tests read them: the
 * test route to FS_OP_STATS (servers/protocol.h), an ioctl on /dev/null
 * that says how many nodes, open file descriptions, pipes, descriptor
 * tables, heap allocations and waiting calls the server has. A test
 * takes them before a part and checks they are back after it; it waits
 * for calls to be waiting by watching the last count, never by time.
 * Static functions in a header, as dirs.h: each test is one file.
 */
#ifndef KAGE_USER_TESTS_FS_STATS_H
#define KAGE_USER_TESTS_FS_STATS_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include "servers/protocol.h"

#define FS_WAIT_LIMIT_MS 120000	/* a wait for the counts to reach a value gives up after this */

struct fs_stats {
	uint64_t heap, nodes, files, pipes, tables, waits;
};

/* The counts now, read with a descriptor of their own (so that taking them changes none). */
static inline struct fs_stats fs_stats(void)
{
	struct fs_stats s = { 0 };
	int fd = open("/dev/null", O_RDONLY);

	if (fd < 0 || ioctl(fd, PROTO_IOCTL_FS_STATS, &s) < 0)
		printf("the file server's counts: %s\n", strerror(errno));
	close(fd);
	return s;
}

/* Whether the counts are back where they were (said, with both, when not). */
static inline int fs_stats_back(const struct fs_stats *before)
{
	struct fs_stats now = fs_stats();
	int ok = !memcmp(&now, before, sizeof(now));

	if (!ok)
		printf("the file server's counts: heap %lu nodes %lu files %lu pipes %lu tables %lu waits %lu"
		       " (before: %lu %lu %lu %lu %lu %lu)\n", (unsigned long)now.heap, (unsigned long)now.nodes,
		       (unsigned long)now.files, (unsigned long)now.pipes, (unsigned long)now.tables,
		       (unsigned long)now.waits, (unsigned long)before->heap, (unsigned long)before->nodes,
		       (unsigned long)before->files, (unsigned long)before->pipes, (unsigned long)before->tables,
		       (unsigned long)before->waits);
	return ok;
}

/* Waits until `want` calls wait in the file server: whether they came (within FS_WAIT_LIMIT_MS). */
static inline int fs_waits_reach(uint64_t want)
{
	const struct timespec ms = { 0, 1000000 };

	for (long i = 0; i < FS_WAIT_LIMIT_MS; i++) {
		if (fs_stats().waits == want)
			return 1;
		nanosleep(&ms, NULL);
	}
	return 0;
}

#endif
