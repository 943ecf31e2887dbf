/*
 * newc cpio reader. The archive is untrusted input (it comes from the boot
 * loader): every field is parsed as exactly eight hex digits, and every
 * size is checked against what remains of the archive before the name or
 * data is touched, with arithmetic that cannot wrap.
 */
#include <stdbool.h>
#include "lib/cpio.h"
#include "lib/errno.h"
#include "lib/string.h"

#define CPIO_HEADER 110
#define CPIO_FIELDS 13

/* Field order after the 6-byte magic. */
enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE,
       F_DEVMAJOR, F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK };

static size_t cpio_align4(size_t x)
{
	return (x + 3) & ~(size_t)3;
}

static bool cpio_hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 8; i++) {
		uint8_t c = p[i];

		if (c >= '0' && c <= '9')
			v = v << 4 | (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v << 4 | (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v << 4 | (uint32_t)(c - 'A' + 10);
		else
			return false;
	}
	*out = v;
	return true;
}

void cpio_iter_init(struct cpio_iter *it, const void *archive, size_t size)
{
	it->base = archive;
	it->size = size;
	it->off = 0;
	it->done = 0;
}

static bool cpio_all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

static const char *cpio_strip(const char *name)
{
	for (;;) {
		if (name[0] == '.' && name[1] == '/')
			name += 2;
		else if (name[0] == '/')
			name++;
		else if (name[0] == '.' && name[1] == '\0')
			name++;
		else
			return name;
	}
}

/* Parses the header at it->off; on success, the entry and its end offset. */
static int cpio_parse(const struct cpio_iter *it, struct cpio_entry *e, size_t *next)
{
	const uint8_t *h = it->base + it->off;
	size_t left = it->size - it->off, name_end, data_end;
	uint32_t f[CPIO_FIELDS];
	int i;

	if (left < CPIO_HEADER || (memcmp(h, "070701", 6) != 0 && memcmp(h, "070702", 6) != 0))
		return -EINVAL;
	for (i = 0; i < CPIO_FIELDS; i++)
		if (!cpio_hex8(h + 6 + 8 * i, &f[i]))
			return -EINVAL;
	if (f[F_NAMESIZE] == 0 || f[F_NAMESIZE] > left - CPIO_HEADER)
		return -EINVAL;
	if (h[CPIO_HEADER + f[F_NAMESIZE] - 1] != '\0')
		return -EINVAL;
	name_end = cpio_align4(CPIO_HEADER + (size_t)f[F_NAMESIZE]);
	if (name_end > left || f[F_FILESIZE] > left - name_end)
		return -EINVAL;
	data_end = name_end + f[F_FILESIZE];
	e->name = cpio_strip((const char *)h + CPIO_HEADER);
	e->namelen = strlen(e->name);
	e->data = h + name_end;
	e->size = f[F_FILESIZE];
	e->mode = f[F_MODE];
	e->uid = f[F_UID];
	e->gid = f[F_GID];
	e->nlink = f[F_NLINK];
	e->mtime = f[F_MTIME];
	e->ino = f[F_INO];
	*next = it->off + (cpio_align4(data_end) < left ? cpio_align4(data_end) : left);
	return 0;
}

int cpio_next(struct cpio_iter *it, struct cpio_entry *e)
{
	size_t next;
	int err;

	if (it->done || it->off >= it->size)
		return 0;
	/* Boot loaders pad the initrd; a zero tail is a clean end. */
	if (cpio_all_zero(it->base + it->off, it->size - it->off)) {
		it->done = 1;
		return 0;
	}
	err = cpio_parse(it, e, &next);
	if (err < 0) {
		it->done = 1;
		return err;
	}
	it->off = next;
	if (strcmp(e->name, "TRAILER!!!") == 0) {
		it->done = 1;
		return 0;
	}
	return 1;
}

int cpio_find(const void *archive, size_t size, const char *path, struct cpio_entry *e)
{
	struct cpio_iter it;
	int r;

	path = cpio_strip(path);
	cpio_iter_init(&it, archive, size);
	while ((r = cpio_next(&it, e)) > 0)
		if (strcmp(e->name, path) == 0)
			return 0;
	return r < 0 ? r : -ENOENT;
}
