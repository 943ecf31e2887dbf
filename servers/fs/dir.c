/*
 * getdents64. A directory of the tree is listed as Linux's are, "." and
 * ".." first (offsets 0 and 1), then its entries in the order they were
 * made (their seq): an open description's offset is then the seq to
 * resume at plus 2, so a listing costs one step per entry however large
 * the directory, and entries made or removed meanwhile neither repeat nor
 * hide the others. A /proc directory's node holds its entries as data,
 * the process server's records, without "." and ".."; its offset counts
 * records.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/fs/fs_impl.h"

/* One entry of a directory, as getdents64 reports it. */
struct fs_dirent {
	uint64_t ino;
	uint8_t type;			/* DT_*: S_IF* >> 12 */
	char name[FS_NAME_MAX + 1];
};

#define FS_DIR_DOTS 2	/* offsets of "." and ".." before a tree directory's entries */

/* The entry at f's offset: 1, *e and the offset after it in *next, or 0 past the last. */
static int fs_dir_entry(const struct fs_file *f, struct fs_dirent *e, uint64_t *next)
{
	const struct fs_node *n = f->node;
	const struct fs_dentry *c;
	struct proto_procfs_dirent d;
	uint64_t at = f->offset;

	if (n->procfs) {
		if (at >= n->size / sizeof(d))
			return 0;
		fs_data_peek(n, at * sizeof(d), &d, sizeof(d));
		e->ino = d.ino;
		e->type = d.type;
		memcpy(e->name, d.name, sizeof(d.name));
		e->name[sizeof(d.name) - 1] = 0;
		*next = at + 1;
		return 1;
	}
	if (at < FS_DIR_DOTS) {
		e->ino = at ? fs_node_dir(n)->ino : n->ino;	/* the root is its own parent */
		e->type = (uint8_t)(S_IFDIR >> 12);
		strlcpy(e->name, at ? ".." : ".", sizeof(e->name));
		*next = at + 1;
		return 1;
	}
	at -= FS_DIR_DOTS;
	c = fs_dir_next(n, &at);
	if (!c)
		return 0;
	e->ino = c->node->ino;
	e->type = (uint8_t)((c->node->mode & S_IFMT) >> 12);
	memcpy(e->name, c->name, c->len + 1);
	*next = at + 1 + FS_DIR_DOTS;
	return 1;
}

/* Puts e as a struct linux_dirent64 at buf: its length, 0 if it does not fit in room, or -EFAULT. */
static long fs_dirent_put(const struct fs_call_ctx *c, uint64_t buf, uint64_t room, const struct fs_dirent *e,
			  uint64_t next)
{
	uint8_t rec[(sizeof(struct linux_dirent64) + FS_NAME_MAX + 1 + 7) & ~7ul];
	size_t nl = strlen(e->name), reclen = (sizeof(struct linux_dirent64) + nl + 1 + 7) & ~7ul;
	struct linux_dirent64 d = { .d_ino = e->ino, .d_off = (int64_t)next, .d_reclen = (uint16_t)reclen,
				    .d_type = e->type };

	if (reclen > room)
		return 0;
	memset(rec, 0, reclen);
	memcpy(rec, &d, sizeof(d));
	memcpy(rec + sizeof(d), e->name, nl);
	return native_caller_write(c->token, buf, rec, reclen) < 0 ? -EFAULT : (long)reclen;
}

long fs_getdents64(const struct fs_call_ctx *c, struct fs_file *f, uint64_t buf, uint64_t len)
{
	static struct fs_dirent e;
	uint64_t done = 0, next = 0;
	long r = 0;
	int more;

	if (!fs_is(f->node, S_IFDIR))
		return -ENOTDIR;
	for (more = fs_dir_entry(f, &e, &next); more; more = fs_dir_entry(f, &e, &next)) {
		r = fs_dirent_put(c, buf + done, len - done, &e, next);
		if (r <= 0)
			break;
		done += (uint64_t)r;
		f->offset = next;
	}
	if (r < 0 && !done)
		return r;
	return done || !more ? (long)done : -EINVAL;	/* buffer too small for one record */
}
