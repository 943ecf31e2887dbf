/*
 * A server's heap: memory of any size, from a window of the server's own
 * address space, given back to the kernel when it is freed.
 *
 * Why a heap: the servers' tables (processes, threads, files, open file
 * descriptions, pipes, descriptor tables) must grow until memory says no,
 * not until a compile-time count does. And why not demand-zero memory:
 * a server that touches a page when no frame is free would fault and die
 * (micro) or stop the kernel (mono). The heap maps every page it hands
 * out with its frame first (KAGE_MAP_POPULATE, all or nothing), so
 * running out of memory is a NULL from heap_alloc, which the server
 * answers with -ENOMEM, never a fault.
 *
 * Layout of the window [base, base + size): a page map (one span pointer
 * per page of the window), the span descriptors, then the pages handed
 * out. The page map and descriptors are mapped as the used part of the
 * window grows, never given back. Data pages are grouped in spans: a run
 * of free pages, a large block (one allocation of more than
 * HEAP_SMALL_MAX bytes, whole pages), or a slab (one page of objects of
 * one size class). Both ends of every span have their page-map entry, so
 * a freed span finds its neighbours at once and merges with them.
 * Free pages keep their frames up to HEAP_CACHE_PAGES (so that a server
 * freeing and allocating in a loop does not map and unmap each time);
 * beyond that a freed span is unmapped at once.
 *
 * Owner: one server; not reentrant (servers handle one message at a
 * time). The heap is an explicit object, so several servers linked
 * into one kernel (MODE=mono) each have their own, in their own window.
 */
#ifndef KAGE_LIB_HEAP_H
#define KAGE_LIB_HEAP_H

#include <stddef.h>
#include <stdint.h>

#define HEAP_PAGE 4096ul
#define HEAP_SMALL_MAX 2048	/* larger requests take whole pages */
#define HEAP_CLASSES 13
#define HEAP_BINS 64		/* free spans of 1..63 pages by size; longer ones in bin 0 */
#define HEAP_CACHE_PAGES 64	/* free pages kept mapped */
#define HEAP_GROW_PAGES 16	/* the least the used part of the window grows by */

/* How the heap gets and gives back the frames behind its pages. */
struct heap_backend {
	/* Maps [va, va + size) with a frame for every page, zeroed: 0 or -ENOMEM (nothing mapped). */
	int (*map)(uint64_t va, uint64_t size);
	/* Unmaps [va, va + size), giving the frames back. */
	void (*unmap)(uint64_t va, uint64_t size);
	/* The heap found itself corrupted (a bad or double free): does not return. */
	void (*corrupt)(const char *what, const void *p);
};

struct heap_span;

/* Spans of free pages, by length and by whether their pages still have frames. */
struct heap_bins {
	struct heap_span *bin[HEAP_BINS];
};

struct heap_stats {
	uint64_t in_use;	/* allocations not yet freed */
	uint64_t bytes;		/* bytes they asked for, rounded to their class or pages */
	uint64_t pages;		/* data pages with frames: in use, in slabs, or cached free */
	uint64_t meta_pages;	/* pages of page map and descriptors */
};

struct heap {
	const struct heap_backend *be;
	uint64_t base, end;		/* the window */
	uint64_t data;			/* first data page */
	uint64_t top;			/* end of the data pages used so far */
	uint64_t map_mapped;		/* end of the page map's mapped part */
	uint64_t desc_next, desc_mapped; /* descriptor bump pointer, end of their mapped part */
	struct heap_span *desc_free;	/* descriptors to reuse */
	struct heap_bins free[2];	/* [0]: pages without frames, [1]: with */
	struct heap_span *partial[HEAP_CLASSES];	/* slabs with a free object */
	uint64_t cached;		/* free pages that keep their frames */
	struct heap_stats st;
};

/* Takes the window [base, base + size) (page-aligned, unused): 0 or -EINVAL. */
int heap_init(struct heap *h, uint64_t base, uint64_t size, const struct heap_backend *be);
/* n bytes (n > 0), aligned to 16 (whole pages: to a page), or NULL when memory is out. */
void *heap_alloc(struct heap *h, size_t n);
/* The same, zeroed. */
void *heap_zalloc(struct heap *h, size_t n);
/* p grown or shrunk to n bytes, moved if it must be (NULL p: heap_alloc); NULL leaves p as it was. */
void *heap_realloc(struct heap *h, void *p, size_t n);
/* Gives back what heap_alloc returned; NULL is ignored. */
void heap_free(struct heap *h, void *p);
/* The bytes p may use (at least what was asked). */
size_t heap_usable(const struct heap *h, const void *p);
/* Gives the frames of every cached free page back (for a leak check's baseline). */
void heap_trim(struct heap *h);
/* Unmaps everything the heap ever mapped, metadata too; it may be set up again. */
void heap_destroy(struct heap *h);
static inline void heap_stats(const struct heap *h, struct heap_stats *st)
{
	*st = h->st;
}

#endif
