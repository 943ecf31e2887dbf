/*
 * A radix tree: a map from 64-bit indexes to pointers, in nodes of 64
 * slots from a server heap (lib/heap.h). The file server keys by it a
 * file's pages (by page number), a directory's entries (by the order
 * they were made in, for getdents), and the descriptor tables (by
 * process key).
 *
 * Why a radix tree: lookups cost one step per 6 bits of the largest index
 * in use, not per entry; it is sparse (a hole of a gigabyte costs no
 * node); "the first entry at or after i" is cheap, which is what a
 * directory listing resumes with; and nodes come and go with the
 * entries, so an emptied tree holds no memory.
 *
 * Invariants: height 0 is the empty tree (root NULL); at height h the
 * root covers indexes below 64^h, and h is the least that covers the
 * largest index stored (taking an entry shrinks it again); no node is
 * empty. The tree owns its nodes, never its entries.
 */
#ifndef KAGE_SERVERS_FS_RADIX_H
#define KAGE_SERVERS_FS_RADIX_H

#include <stdint.h>

struct heap;

struct fs_radix {
	void *root;
	unsigned height;
};

#define FS_RADIX_BITS 6
#define FS_RADIX_SLOTS (1u << FS_RADIX_BITS)
#define FS_RADIX_LEVELS 11	/* 6 * 11 >= 64 */

struct fs_radix_node {
	void *slot[FS_RADIX_SLOTS];
};

void *fs_radix_get_deep(const struct fs_radix *r, uint64_t index);
/*
 * The entry at index, or NULL. A tree of one node (indexes below 64: the
 * descriptor tables of the first processes, a small file's pages) is
 * read inline, since every call a process makes starts with one lookup.
 */
static inline void *fs_radix_get(const struct fs_radix *r, uint64_t index)
{
	if (r->height == 1 && index < FS_RADIX_SLOTS)
		return ((struct fs_radix_node *)r->root)->slot[index];
	return fs_radix_get_deep(r, index);
}
/* Stores p (not NULL) at index, replacing what was there: 0, or -ENOMEM with the tree as it was. */
int fs_radix_set(struct fs_radix *r, struct heap *h, uint64_t index, void *p);
/* Removes the entry at index: what it was, or NULL. */
void *fs_radix_take(struct fs_radix *r, struct heap *h, uint64_t index);
/* The first entry at an index >= *index, which it sets to that index; NULL (and *index kept) if none. */
void *fs_radix_next(const struct fs_radix *r, uint64_t *index);
/* Removes every entry at an index >= from, each handed to drop(entry, arg) (if not NULL) first. */
void fs_radix_cut(struct fs_radix *r, struct heap *h, uint64_t from, void (*drop)(void *entry, void *arg),
		  void *arg);

#endif
