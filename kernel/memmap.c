#include <stdbool.h>
#include "kernel/memmap.h"
#include "lib/errno.h"

#define MEMMAP_PAGE 4096ull

static uint64_t memmap_down(uint64_t x)
{
	return x & ~(MEMMAP_PAGE - 1);
}

static uint64_t memmap_up(uint64_t x)
{
	return x > UINT64_MAX - (MEMMAP_PAGE - 1) ? UINT64_MAX & ~(MEMMAP_PAGE - 1) : memmap_down(x + MEMMAP_PAGE - 1);
}

/* End of a range, saturating: a range reaching past 2^64 ends at the top. */
static uint64_t memmap_end(const struct memrange *r)
{
	return r->size > UINT64_MAX - r->base ? UINT64_MAX : r->base + r->size;
}

/* First reserved range overlapping [base, end), or -1. */
static int memmap_first_overlap(const struct memrange *rsv, unsigned nrsv, uint64_t base, uint64_t end)
{
	int best = -1;
	uint64_t best_base = 0;
	unsigned i;

	for (i = 0; i < nrsv; i++) {
		uint64_t rb = memmap_down(rsv[i].base);
		uint64_t re = memmap_up(memmap_end(&rsv[i]));

		if (rsv[i].size == 0 || rb >= end || re <= base)
			continue;
		if (best < 0 || rb < best_base) {
			best = (int)i;
			best_base = rb;
		}
	}
	return best;
}

static int memmap_emit(struct memrange *out, unsigned *n, unsigned max, uint64_t base, uint64_t end)
{
	unsigned i;

	if (end <= base)
		return 0;
	if (*n == max)
		return -ENOSPC;
	/* Insertion keeps the output sorted whatever order RAM came in. */
	for (i = *n; i > 0 && out[i - 1].base > base; i--)
		out[i] = out[i - 1];
	out[i].base = base;
	out[i].size = end - base;
	(*n)++;
	return 0;
}

int memmap_free(const struct memrange *ram, unsigned nram,
		const struct memrange *rsv, unsigned nrsv,
		struct memrange *out, unsigned max)
{
	unsigned n = 0, i;

	for (i = 0; i < nram; i++) {
		uint64_t base = memmap_up(ram[i].base);
		uint64_t end = memmap_down(memmap_end(&ram[i]));

		/* Walk the RAM range left to right, skipping each reservation. */
		while (base < end) {
			int k = memmap_first_overlap(rsv, nrsv, base, end);
			uint64_t cut = k < 0 ? end : memmap_down(rsv[k].base);
			/* An empty piece (a reservation at base) emits nothing. */
			int r = memmap_emit(out, &n, max, base, cut < end ? cut : end);

			if (r < 0)
				return r;
			if (k < 0)
				break;
			base = memmap_up(memmap_end(&rsv[k]));
		}
	}
	return (int)n;
}

uint64_t memmap_take(struct memrange *pieces, unsigned n, uint64_t size)
{
	struct memrange *best = 0;
	unsigned i;

	size = memmap_up(size);
	for (i = 0; i < n; i++)
		if (pieces[i].size >= size && (!best || pieces[i].size > best->size))
			best = &pieces[i];
	if (!best || size == 0)
		return 0;
	best->size -= size;
	return best->base + best->size;
}
