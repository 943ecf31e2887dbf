/*
 * Numbered slots and hashed maps (table.h). The slots' free numbers form
 * a list threaded through their own entries, most recently freed first;
 * the map doubles its buckets whenever it holds more entries than
 * buckets, and a failed doubling only leaves its chains longer.
 */
#include "lib/errno.h"
#include "lib/string.h"
#include "servers/protocol.h"
#include "servers/proc/table.h"

#define TABLE_SLOTS_FIRST 64

static int table_slots_grow(struct table_slots *s, struct heap *h)
{
	uint32_t cap = s->cap ? s->cap * 2 : TABLE_SLOTS_FIRST;
	uintptr_t *e;

	if (cap > PROTO_KEY_MAX + 1)
		cap = PROTO_KEY_MAX + 1;
	if (cap <= s->cap)
		return -EAGAIN;
	e = heap_realloc(h, s->entry, cap * sizeof(*e));
	if (!e)
		return -ENOMEM;
	if (!s->cap)
		e[0] = 1;	/* number 0 names nothing */
	s->entry = e;
	s->cap = cap;
	return 0;
}

long table_slot_take(struct table_slots *s, struct heap *h, void *obj)
{
	uint32_t n = s->free;
	int err;

	if (n) {
		s->free = (uint32_t)(s->entry[n] >> 1);
	} else {
		if (s->used == 0)
			s->used = 1;	/* number 0 names nothing */
		if (s->used >= s->cap) {
			err = table_slots_grow(s, h);
			if (err < 0)
				return err;
		}
		n = s->used++;
	}
	s->entry[n] = (uintptr_t)obj;
	s->count++;
	return n;
}

void table_slot_put(struct table_slots *s, uint32_t n)
{
	s->entry[n] = (uintptr_t)s->free << 1 | 1;
	s->free = n;
	s->count--;
}

static uint32_t table_hash(int key, uint32_t nbuckets)
{
	uint32_t x = (uint32_t)key * 0x9e3779b1u;	/* Fibonacci hashing: neighbouring keys spread */

	return (x ^ x >> 16) & (nbuckets - 1);
}

void table_map_init(struct table_map *m)
{
	memset(m, 0, sizeof(*m));
	m->bucket = m->first;
	m->nbuckets = TABLE_MAP_FIRST;
}

/* Twice the buckets, every link moved to its new chain; nothing changes when memory is out. */
static void table_map_grow(struct table_map *m, struct heap *h)
{
	uint32_t n = m->nbuckets * 2;
	struct table_link **b = heap_zalloc(h, n * sizeof(*b)), *l, *next;

	if (!b)
		return;
	for (uint32_t i = 0; i < m->nbuckets; i++) {
		for (l = m->bucket[i]; l; l = next) {
			uint32_t k = table_hash(l->key, n);

			next = l->next;
			l->next = b[k];
			b[k] = l;
		}
	}
	if (m->bucket != m->first)
		heap_free(h, m->bucket);
	m->bucket = b;
	m->nbuckets = n;
}

void table_map_add(struct table_map *m, struct heap *h, struct table_link *l, int key)
{
	uint32_t k;

	if (m->count >= m->nbuckets)
		table_map_grow(m, h);
	k = table_hash(key, m->nbuckets);
	l->key = key;
	l->next = m->bucket[k];
	m->bucket[k] = l;
	m->count++;
}

/* Back to the buckets inside the map, the array given back: a burst of keys keeps no memory after it. */
static void table_map_shrink(struct table_map *m, struct heap *h)
{
	struct table_link **old = m->bucket, *l, *next;
	uint32_t n = m->nbuckets;

	memset(m->first, 0, sizeof(m->first));
	for (uint32_t i = 0; i < n; i++) {
		for (l = old[i]; l; l = next) {
			uint32_t k = table_hash(l->key, TABLE_MAP_FIRST);

			next = l->next;
			l->next = m->first[k];
			m->first[k] = l;
		}
	}
	m->bucket = m->first;
	m->nbuckets = TABLE_MAP_FIRST;
	heap_free(h, old);
}

void table_map_remove(struct table_map *m, struct heap *h, struct table_link *l)
{
	struct table_link **link = &m->bucket[table_hash(l->key, m->nbuckets)];

	while (*link && *link != l)
		link = &(*link)->next;
	if (!*link)
		return;
	*link = l->next;
	m->count--;
	/* A quarter of the inline buckets: far enough below growth that a count going up and down costs no churn. */
	if (m->bucket != m->first && m->count <= TABLE_MAP_FIRST / 4)
		table_map_shrink(m, h);
}

struct table_link *table_map_find(const struct table_map *m, int key)
{
	struct table_link *l = m->bucket[table_hash(key, m->nbuckets)];

	while (l && l->key != key)
		l = l->next;
	return l;
}
