/*
 * The process server's lookup structures, from its heap:
 *  - struct table_slots numbers objects 1..PROTO_KEY_MAX (process keys,
 *    thread slots: what badges carry), found by number in one load; a
 *    freed number is handed out again before the table grows, so numbers
 *    stay small and dense.
 *  - struct table_map finds an object by an int (a pid, a tid) through a
 *    hash of chains linked through the objects themselves, so adding to
 *    it never fails: when its bucket array cannot grow, chains get longer.
 * Owner: whoever embeds them (process.c, thread.c); they hold no
 * reference on the objects, which must leave before they are freed.
 */
#ifndef KAGE_SERVERS_PROC_TABLE_H
#define KAGE_SERVERS_PROC_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include "lib/heap.h"

struct table_slots {
	/*
	 * entry[n] for 0 < n < used: an object, or a free number's link to
	 * the next free one (odd: number << 1 | 1; objects are aligned).
	 */
	uintptr_t *entry;
	uint32_t cap;		/* entries allocated */
	uint32_t used;		/* numbers below it have been handed out */
	uint32_t free;		/* the first free number below used, 0: none */
	uint32_t count;		/* objects in the table */
};

/* A number for obj: 1..PROTO_KEY_MAX, or -ENOMEM (the table could not grow) or -EAGAIN (none left). */
long table_slot_take(struct table_slots *s, struct heap *h, void *obj);
/* Number n is free again. */
void table_slot_put(struct table_slots *s, uint32_t n);
static inline void *table_slot_get(const struct table_slots *s, uint32_t n)
{
	uintptr_t e = n < s->used ? s->entry[n] : 1;

	return e & 1 ? NULL : (void *)e;
}

struct table_link {
	struct table_link *next;
	int key;
};

#define TABLE_MAP_FIRST 64	/* buckets before the first growth, kept in the map itself */

struct table_map {
	struct table_link **bucket;
	uint32_t nbuckets;	/* a power of two */
	uint32_t count;
	struct table_link *first[TABLE_MAP_FIRST];
};

void table_map_init(struct table_map *m);
/* Adds l under key (keys are unique: the caller checks first). */
void table_map_add(struct table_map *m, struct heap *h, struct table_link *l, int key);
/* Takes l out; once few keys are left, a grown bucket array goes back to h. */
void table_map_remove(struct table_map *m, struct heap *h, struct table_link *l);
struct table_link *table_map_find(const struct table_map *m, int key);

/*
 * Blocks of one size kept after they are freed, up to TABLE_CACHE_MAX,
 * for the next allocation of that size: a fork and an exit in a loop
 * then cost no heap work at all. The heap counts cached blocks as in use.
 */
#define TABLE_CACHE_MAX 32

struct table_cache {
	size_t size;
	uint32_t n;
	void *block[TABLE_CACHE_MAX];
};

/* A block of c->size bytes (not cleared), or NULL when memory is out. */
static inline void *table_cache_get(struct table_cache *c, struct heap *h)
{
	return c->n ? c->block[--c->n] : heap_alloc(h, c->size);
}

/* p (from table_cache_get, or NULL) kept for later, or given back to the heap. */
static inline void table_cache_put(struct table_cache *c, struct heap *h, void *p)
{
	if (!p)
		return;
	if (c->n < TABLE_CACHE_MAX)
		c->block[c->n++] = p;
	else
		heap_free(h, p);
}

/* The object a link is embedded in. */
#define table_entry(link, type, member) ((type *)((char *)(link) - offsetof(type, member)))

#endif
