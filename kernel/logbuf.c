/* The system log's ring (kernel/logbuf.h). */
#include "kernel/logbuf.h"

static char logbuf_ring[LOGBUF_SIZE];
static uint64_t logbuf_end;	/* bytes put since boot */

void logbuf_put(char c)
{
	logbuf_ring[logbuf_end % LOGBUF_SIZE] = c;
	logbuf_end++;
}

void logbuf_bounds(uint64_t *first, uint64_t *end)
{
	*end = logbuf_end;
	*first = logbuf_end > LOGBUF_SIZE ? logbuf_end - LOGBUF_SIZE : 0;
}

void logbuf_span(uint64_t pos, size_t len, const char **a, size_t *na, const char **b, size_t *nb)
{
	size_t at = (size_t)(pos % LOGBUF_SIZE), room = LOGBUF_SIZE - at;

	if (len > logbuf_end - pos)
		len = (size_t)(logbuf_end - pos);
	*a = logbuf_ring + at;
	*na = len < room ? len : room;
	*b = logbuf_ring;
	*nb = len - *na;
}
