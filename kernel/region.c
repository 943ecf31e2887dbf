#include <stddef.h>
#include "kernel/region.h"
#include "lib/errno.h"

const struct region *region_find(const struct region_set *rs, uint64_t va)
{
	unsigned i;

	for (i = 0; i < rs->n && rs->r[i].start <= va; i++)
		if (va < rs->r[i].end)
			return &rs->r[i];
	return NULL;
}

static void region_insert_at(struct region_set *rs, unsigned i, struct region r)
{
	unsigned j;

	for (j = rs->n; j > i; j--)
		rs->r[j] = rs->r[j - 1];
	rs->r[i] = r;
	rs->n++;
}

static void region_delete_at(struct region_set *rs, unsigned i)
{
	for (rs->n--; i < rs->n; i++)
		rs->r[i] = rs->r[i + 1];
}

int region_add(struct region_set *rs, uint64_t start, uint64_t end, uint64_t perm)
{
	struct region r = { start, end, perm };
	unsigned i;

	if (end <= start)
		return -EINVAL;
	for (i = 0; i < rs->n && rs->r[i].end <= start; i++)
		;
	if (i < rs->n && rs->r[i].start < end)
		return -EEXIST;
	if (rs->n == REGION_MAX)
		return -ENOMEM;
	region_insert_at(rs, i, r);
	return 0;
}

int region_remove(struct region_set *rs, uint64_t start, uint64_t end)
{
	unsigned i;

	if (end <= start)
		return -EINVAL;
	/* A hole inside one region splits it: make sure there is room first. */
	for (i = 0; i < rs->n; i++)
		if (rs->r[i].start < start && end < rs->r[i].end && rs->n == REGION_MAX)
			return -ENOMEM;
	for (i = 0; i < rs->n;) {
		struct region *r = &rs->r[i];

		if (r->end <= start || end <= r->start) {
			i++;
		} else if (start <= r->start && r->end <= end) {
			region_delete_at(rs, i);
		} else if (r->start < start && end < r->end) {
			struct region tail = { end, r->end, r->perm };

			r->end = start;
			region_insert_at(rs, i + 1, tail);
			i += 2;
		} else if (r->start < start) {
			r->end = start;
			i++;
		} else {
			r->start = end;
			i++;
		}
	}
	return 0;
}

/* Splits the region strictly containing `at` in two: 0 or -ENOMEM. */
static int region_split(struct region_set *rs, uint64_t at)
{
	for (unsigned i = 0; i < rs->n; i++) {
		struct region r = rs->r[i];

		if (r.start >= at || r.end <= at)
			continue;
		if (rs->n == REGION_MAX)
			return -ENOMEM;
		rs->r[i].end = at;
		r.start = at;
		region_insert_at(rs, i + 1, r);
		return 0;
	}
	return 0;
}

int region_protect(struct region_set *rs, uint64_t start, uint64_t end, uint64_t perm)
{
	int err;

	if (start >= end)
		return -EINVAL;
	err = region_split(rs, start);
	if (err == 0)
		err = region_split(rs, end);
	if (err < 0)
		return err;
	for (unsigned i = 0; i < rs->n; i++)
		if (rs->r[i].start >= start && rs->r[i].end <= end)
			rs->r[i].perm = perm;
	return 0;
}
