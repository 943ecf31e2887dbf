/*
 * A server's heap (lib/heap.h): spans of pages, and slabs of small
 * objects on single pages.
 *
 * Invariants: every page in [data, top) belongs to exactly one span;
 * the page-map entries of a span's first and last pages name it (the
 * entries of pages inside it may be stale and are never read); a free
 * span is in exactly one bin, the one for its length and for whether
 * its pages have frames, and its neighbours are in use or differ in
 * that (free spans that could merge always have); a slab is on its
 * class's partial list exactly when it has a free object and one in
 * use. Pages of spans in use always have their frames.
 */
#include <stdbool.h>
#include "lib/errno.h"
#include "lib/heap.h"
#include "lib/string.h"

enum heap_state { HEAP_FREE, HEAP_LARGE, HEAP_SLAB };

struct heap_span {
	uint64_t start, pages;
	struct heap_span *next, *prev;	/* in a bin, or on a partial list */
	void *objs;			/* a slab's free objects */
	uint32_t used;			/* a slab's objects in use */
	uint16_t cls;			/* a slab's class */
	uint8_t state;			/* enum heap_state */
	uint8_t mapped;			/* a free span's pages have their frames */
};

static const uint16_t heap_class_size[HEAP_CLASSES] = {
	16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 2048,
};

_Static_assert(HEAP_SMALL_MAX == 2048, "the last class is the largest small object");

static uint64_t heap_round(uint64_t n)
{
	return (n + HEAP_PAGE - 1) & ~(HEAP_PAGE - 1);
}

static struct heap_span **heap_map_entry(const struct heap *h, uint64_t va)
{
	return (struct heap_span **)h->base + (va - h->base) / HEAP_PAGE;
}

/* Maps metadata up to `need` (the page map or the descriptors, whose mapped end is *mapped). */
static int heap_meta_need(struct heap *h, uint64_t *mapped, uint64_t need)
{
	uint64_t end = heap_round(need);

	if (end <= *mapped)
		return 0;
	if (h->be->map(*mapped, end - *mapped) < 0)
		return -ENOMEM;
	h->st.meta_pages += (end - *mapped) / HEAP_PAGE;
	*mapped = end;
	return 0;
}

static struct heap_span *heap_desc_new(struct heap *h)
{
	struct heap_span *s = h->desc_free;

	if (s) {
		h->desc_free = s->next;
	} else {
		if (heap_meta_need(h, &h->desc_mapped, h->desc_next + sizeof(*s)) < 0)
			return NULL;
		s = (struct heap_span *)h->desc_next;
		h->desc_next += sizeof(*s);
	}
	memset(s, 0, sizeof(*s));
	return s;
}

static void heap_desc_free(struct heap *h, struct heap_span *s)
{
	s->state = HEAP_FREE;
	s->next = h->desc_free;
	h->desc_free = s;
}

/* Both ends of s name it in the page map. */
static void heap_mark(struct heap *h, struct heap_span *s)
{
	*heap_map_entry(h, s->start) = s;
	*heap_map_entry(h, s->start + (s->pages - 1) * HEAP_PAGE) = s;
}

static struct heap_span **heap_list_of(struct heap *h, const struct heap_span *s)
{
	if (s->state == HEAP_SLAB)
		return &h->partial[s->cls];
	return &h->free[s->mapped].bin[s->pages < HEAP_BINS ? s->pages : 0];
}

static void heap_link(struct heap *h, struct heap_span *s)
{
	struct heap_span **list = heap_list_of(h, s);

	s->prev = NULL;
	s->next = *list;
	if (*list)
		(*list)->prev = s;
	*list = s;
}

static void heap_unlink(struct heap *h, struct heap_span *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		*heap_list_of(h, s) = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->next = s->prev = NULL;
}

int heap_init(struct heap *h, uint64_t base, uint64_t size, const struct heap_backend *be)
{
	uint64_t pages = size / HEAP_PAGE;
	uint64_t map = heap_round(pages * sizeof(struct heap_span *));
	uint64_t desc = heap_round(pages * sizeof(struct heap_span));

	if ((base | size) & (HEAP_PAGE - 1) || !be || base + size < base || map + desc + HEAP_PAGE > size)
		return -EINVAL;
	memset(h, 0, sizeof(*h));
	h->be = be;
	h->base = base;
	h->end = base + size;
	h->map_mapped = base;
	h->desc_next = h->desc_mapped = base + map;
	h->data = h->top = base + map + desc;
	return 0;
}

/* A free span of at least n pages from the bins of `mapped`, taken out of its bin; or NULL. */
static struct heap_span *heap_find_free(struct heap *h, uint64_t n, int mapped)
{
	struct heap_bins *b = &h->free[mapped];
	struct heap_span *s;

	for (uint64_t i = n; i < HEAP_BINS; i++) {
		if (b->bin[i]) {
			s = b->bin[i];
			heap_unlink(h, s);
			return s;
		}
	}
	for (s = b->bin[0]; s; s = s->next) {
		if (s->pages >= n) {
			heap_unlink(h, s);
			return s;
		}
	}
	return NULL;
}

/* Uses the first n pages of free span s (out of its bin), with frames: 0, or -ENOMEM with s back in its bin. */
static int heap_carve(struct heap *h, struct heap_span *s, uint64_t n)
{
	struct heap_span *rest = NULL;

	if (s->pages > n) {
		rest = heap_desc_new(h);
		if (!rest)
			goto fail;
	}
	if (!s->mapped && h->be->map(s->start, n * HEAP_PAGE) < 0)
		goto fail;
	if (s->mapped)
		h->cached -= n;
	else
		h->st.pages += n;
	if (rest) {
		rest->start = s->start + n * HEAP_PAGE;
		rest->pages = s->pages - n;
		rest->mapped = s->mapped;
		heap_mark(h, rest);
		heap_link(h, rest);
	}
	s->pages = n;
	s->mapped = 1;
	heap_mark(h, s);
	return 0;
fail:
	if (rest)
		heap_desc_free(h, rest);
	heap_link(h, s);
	return -ENOMEM;
}

/* Maps `want` pages (or, failing that, n) above the used part of the window: the pages mapped, 0 if none. */
static uint64_t heap_map_top(struct heap *h, uint64_t n, uint64_t want)
{
	uint64_t map_end = (uint64_t)(heap_map_entry(h, h->top + want * HEAP_PAGE - HEAP_PAGE) + 1);

	if (heap_meta_need(h, &h->map_mapped, map_end) < 0)
		return 0;
	if (h->be->map(h->top, want * HEAP_PAGE) == 0)
		return want;
	if (want > n && h->be->map(h->top, n * HEAP_PAGE) == 0)
		return n;
	return 0;
}

/*
 * n fresh pages above the used part of the window, or NULL. The window
 * grows by HEAP_GROW_PAGES at least, the rest a cached free span, so
 * that small allocations do not each cost a mapping.
 */
static struct heap_span *heap_grow(struct heap *h, uint64_t n)
{
	uint64_t room = (h->end - h->top) / HEAP_PAGE;
	uint64_t want = n < HEAP_GROW_PAGES && room >= HEAP_GROW_PAGES ? HEAP_GROW_PAGES : n;
	struct heap_span *s;

	if (n > room)
		return NULL;
	s = heap_desc_new(h);
	if (!s)
		return NULL;
	s->pages = heap_map_top(h, n, want);
	if (!s->pages) {
		heap_desc_free(h, s);
		return NULL;
	}
	s->start = h->top;
	s->mapped = 1;
	h->top += s->pages * HEAP_PAGE;
	h->st.pages += s->pages;
	h->cached += s->pages;
	heap_mark(h, s);
	return heap_carve(h, s, n) < 0 ? NULL : s;
}

/* A span of n pages with frames, state still FREE and in no list; or NULL. */
static struct heap_span *heap_pages(struct heap *h, uint64_t n)
{
	for (int mapped = 1; mapped >= 0; mapped--) {
		struct heap_span *s = heap_find_free(h, n, mapped);

		if (s)
			return heap_carve(h, s, n) < 0 ? NULL : s;
	}
	return heap_grow(h, n);
}

static void heap_unmap_span(struct heap *h, struct heap_span *s)
{
	h->be->unmap(s->start, s->pages * HEAP_PAGE);
	h->st.pages -= s->pages;
	s->mapped = 0;
}

/*
 * Free spans a and b, side by side, become one: a cached one gives its
 * frames back when the other has none, since a long run of free pages
 * is worth more than a few cached frames.
 */
static void heap_match(struct heap *h, struct heap_span *a, struct heap_span *b)
{
	struct heap_span *cached = a->mapped ? a : b;

	if (a->mapped == b->mapped)
		return;
	h->cached -= cached->pages;
	heap_unmap_span(h, cached);
}

/* Merges free span s (in no bin) with its free neighbours and puts it in its bin. */
static void heap_insert_free(struct heap *h, struct heap_span *s)
{
	uint64_t end = s->start + s->pages * HEAP_PAGE;
	struct heap_span *left = s->start > h->data ? *heap_map_entry(h, s->start - HEAP_PAGE) : NULL;
	struct heap_span *right = end < h->top ? *heap_map_entry(h, end) : NULL;

	s->state = HEAP_FREE;
	if (left && left->state == HEAP_FREE) {
		heap_unlink(h, left);
		heap_match(h, left, s);
		left->pages += s->pages;
		heap_desc_free(h, s);
		s = left;
	}
	if (right && right->state == HEAP_FREE) {
		heap_unlink(h, right);
		heap_match(h, s, right);
		s->pages += right->pages;
		heap_desc_free(h, right);
	}
	heap_mark(h, s);
	heap_link(h, s);
}

/* Span s, in use and in no list, becomes free: cached while there is room, else unmapped. */
static void heap_release(struct heap *h, struct heap_span *s)
{
	if (h->cached + s->pages <= HEAP_CACHE_PAGES) {
		s->mapped = 1;
		h->cached += s->pages;
	} else {
		heap_unmap_span(h, s);
	}
	heap_insert_free(h, s);
}

void heap_trim(struct heap *h)
{
	for (int i = 0; i < HEAP_BINS; i++) {
		while (h->free[1].bin[i]) {
			struct heap_span *s = h->free[1].bin[i];

			heap_unlink(h, s);
			h->cached -= s->pages;
			heap_unmap_span(h, s);
			heap_insert_free(h, s);
		}
	}
}

void heap_destroy(struct heap *h)
{
	uint64_t desc_start = h->base + heap_round((h->end - h->base) / HEAP_PAGE * sizeof(struct heap_span *));

	for (uint64_t va = h->data; va < h->top;) {
		struct heap_span *s = *heap_map_entry(h, va);

		if (s->state != HEAP_FREE || s->mapped)
			h->be->unmap(s->start, s->pages * HEAP_PAGE);
		va += s->pages * HEAP_PAGE;
	}
	if (h->map_mapped > h->base)
		h->be->unmap(h->base, h->map_mapped - h->base);
	if (h->desc_mapped > desc_start)
		h->be->unmap(desc_start, h->desc_mapped - desc_start);
	memset(h, 0, sizeof(*h));
}

static int heap_class_of(size_t n)
{
	int c = 0;

	while (heap_class_size[c] < n)
		c++;
	return c;
}

/* A new slab of class c on its partial list, or NULL. */
static struct heap_span *heap_slab_new(struct heap *h, int c)
{
	struct heap_span *s = heap_pages(h, 1);
	uint64_t size = heap_class_size[c];
	void **last = NULL;

	if (!s)
		return NULL;
	s->state = HEAP_SLAB;
	s->cls = (uint16_t)c;
	s->used = 0;
	for (uint64_t o = s->start; o + size <= s->start + HEAP_PAGE; o += size) {
		void **obj = (void **)o;

		*obj = NULL;
		if (last)
			*last = obj;
		else
			s->objs = obj;
		last = obj;
	}
	heap_link(h, s);
	return s;
}

static void *heap_small(struct heap *h, size_t n)
{
	int c = heap_class_of(n);
	struct heap_span *s = h->partial[c];
	void **obj;

	if (!s) {
		s = heap_slab_new(h, c);
		if (!s)
			return NULL;
	}
	obj = s->objs;
	s->objs = *obj;
	s->used++;
	if (!s->objs)
		heap_unlink(h, s);	/* full */
	h->st.bytes += heap_class_size[c];
	return obj;
}

void *heap_alloc(struct heap *h, size_t n)
{
	struct heap_span *s;
	void *p;

	if (!n)
		n = 1;
	if (n <= HEAP_SMALL_MAX) {
		p = heap_small(h, n);
	} else {
		s = n > h->end - h->base ? NULL : heap_pages(h, heap_round(n) / HEAP_PAGE);
		if (s) {
			s->state = HEAP_LARGE;
			h->st.bytes += s->pages * HEAP_PAGE;
		}
		p = s ? (void *)s->start : NULL;
	}
	if (p)
		h->st.in_use++;
	return p;
}

void *heap_zalloc(struct heap *h, size_t n)
{
	void *p = heap_alloc(h, n);

	if (p)
		memset(p, 0, heap_usable(h, p));
	return p;
}

/* The span in use that p was handed out from; a bad pointer is the heap's corruption. */
static struct heap_span *heap_span_of(const struct heap *h, const void *p)
{
	uint64_t va = (uint64_t)p;
	struct heap_span *s = va >= h->data && va < h->top ? *heap_map_entry(h, va) : NULL;
	bool ok = s && va >= s->start && va < s->start + s->pages * HEAP_PAGE;

	if (ok && s->state == HEAP_LARGE)
		ok = va == s->start;
	else if (ok && s->state == HEAP_SLAB)
		ok = (va - s->start) % heap_class_size[s->cls] == 0;
	else
		ok = false;
	if (!ok)
		h->be->corrupt("freed or measured a pointer it never handed out", p);
	return s;
}

size_t heap_usable(const struct heap *h, const void *p)
{
	const struct heap_span *s = heap_span_of(h, p);

	return s->state == HEAP_SLAB ? heap_class_size[s->cls] : s->pages * HEAP_PAGE;
}

static void heap_free_small(struct heap *h, struct heap_span *s, void *p)
{
	void **obj = p;
	bool was_full = !s->objs;

	*obj = s->objs;
	s->objs = obj;
	s->used--;
	h->st.bytes -= heap_class_size[s->cls];
	if (s->used && was_full)
		heap_link(h, s);
	if (s->used)
		return;
	if (!was_full)
		heap_unlink(h, s);
	s->objs = NULL;
	heap_release(h, s);
}

void heap_free(struct heap *h, void *p)
{
	struct heap_span *s;

	if (!p)
		return;
	s = heap_span_of(h, p);
	h->st.in_use--;
	if (s->state == HEAP_SLAB) {
		heap_free_small(h, s, p);
		return;
	}
	h->st.bytes -= s->pages * HEAP_PAGE;
	heap_release(h, s);
}

void *heap_realloc(struct heap *h, void *p, size_t n)
{
	size_t have;
	void *q;

	if (!p)
		return heap_alloc(h, n);
	have = heap_usable(h, p);
	if (n <= have && n > have / 4)
		return p;
	q = heap_alloc(h, n);
	if (!q)
		return NULL;
	memcpy(q, p, n < have ? n : have);
	heap_free(h, p);
	return q;
}
