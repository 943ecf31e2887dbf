/*
 * Reader for "newc" cpio archives (cpio -H newc), the initramfs format.
 *
 * The archive is only read, never copied: entries point into it. Every
 * header field is checked against the archive's bounds before use, so a
 * truncated or corrupt archive yields -EINVAL, never an out-of-bounds read.
 */
#ifndef KAGE_LIB_CPIO_H
#define KAGE_LIB_CPIO_H

#include <stddef.h>
#include <stdint.h>

struct cpio_entry {
	const char *name;	/* NUL-terminated inside the archive, no leading "./" or "/" */
	size_t namelen;		/* strlen(name) */
	const void *data;	/* file contents (or symlink target) */
	size_t size;
	uint32_t mode;		/* st_mode: type and permission bits */
	uint32_t uid, gid;
	uint32_t nlink;
	uint32_t mtime;
	uint32_t ino;
};

struct cpio_iter {
	const uint8_t *base;
	size_t size;
	size_t off;		/* offset of the next header */
	int done;
};

void cpio_iter_init(struct cpio_iter *it, const void *archive, size_t size);
/*
 * Fetches the next entry: returns 1 with *e filled, 0 at the TRAILER!!!
 * entry (or at the end of the data, for archives padded with zeros), or
 * -EINVAL when a header is malformed or points outside the archive.
 */
int cpio_next(struct cpio_iter *it, struct cpio_entry *e);
/* Finds a path (leading "/" or "./" ignored); 0 on success, -ENOENT, or -EINVAL. */
int cpio_find(const void *archive, size_t size, const char *path, struct cpio_entry *e);

#endif
