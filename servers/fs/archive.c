/*
 * The tree's start: the initramfs, read once into nodes whose bytes stay
 * in the mapped archive (read-only, shared: exec and mmap get slices of
 * its memory object) until a file is first written, and /dev's devices.
 *
 * Invariants: a node's `archive` points into the archive, with size bytes
 * there; the archive is never written.
 */
#include "lib/cpio.h"
#include "lib/errno.h"
#include "lib/heap.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/fs/fs_impl.h"

struct fs_archive {
	const uint8_t *bytes;		/* mapped read-only */
	size_t size;
	long mem;			/* its memory object, whose slices are its files' pages */
	uint64_t base;			/* its physical address, for whether a file starts on a page */
};

static struct fs_archive fs_archive = { .mem = -1 };
struct fs_node *fs_console, *fs_null;
struct fs_node *fs_zero, *fs_full, *fs_urandom, *fs_random, *fs_tty;
int fs_console_ctty;

long fs_archive_slice(const struct fs_node *n, uint64_t *page_off)
{
	uint64_t off = (uint64_t)(n->archive - fs_archive.bytes);

	if (n->archive < fs_archive.bytes || off >= fs_archive.size || n->size > fs_archive.size - off)
		return -EINVAL;
	*page_off = (fs_archive.base + off) & 4095;
	return native_mem_slice(fs_archive.mem, off, n->size);
}

/* A device node in /dev (the archive's, if it has one), never freed. */
static struct fs_node *fs_device(struct fs_node *dev, const char *name, uint32_t mode)
{
	size_t len = strlen(name);
	struct fs_node *n = fs_child(dev, name, len);

	if (!n)
		n = fs_new(dev, name, len, mode);
	if (!n)
		return NULL;
	n->mode = mode;
	n->pinned = 1;
	n->names->pinned = 1;
	return n;
}

/*
 * Creates the node for one archive entry under its (implicitly created)
 * directory. Hard links: newc gives every name of a file the same inode
 * number and nlink > 1, and the data with one name only (the last, as
 * cpio writes them). The first name makes the node, noted in links by
 * its inode number; each later one is one more name of it, and the one
 * that carries the data gives it.
 */
static long fs_add(const struct cpio_entry *e, struct fs_radix *links)
{
	const char *base = strrchr(e->name, '/');
	struct fs_node *parent = fs_root, *n;
	int linked = e->nlink > 1 && (e->mode & S_IFMT) == S_IFREG;
	size_t len;
	long err;

	fs_time_fix((int64_t)e->mtime * 1000000000);
	err = base ? fs_mkdirs(e->name, (size_t)(base - e->name), &parent) : 0;
	if (err < 0)
		return err;
	base = base ? base + 1 : e->name;
	len = strlen(base);
	if (len > FS_NAME_MAX || ((e->mode & S_IFMT) == S_IFLNK && e->size >= PROTO_PATH_MAX))
		return -ENAMETOOLONG;	/* a name, or a link's target, longer than Linux takes */
	if (!len && (e->mode & S_IFMT) != S_IFDIR)
		return -EISDIR;		/* "dir/" (or "." or "/") for a file: no name for it */
	n = len ? fs_child(parent, base, len) : parent;	/* "." (`find . | cpio`), "dir/": that directory */
	if (n) {
		fs_touch(n, FS_TIME_A | FS_TIME_MC);
		return 0;	/* a directory created on the way */
	}
	n = linked ? fs_radix_get(links, e->ino) : NULL;
	if (n) {
		err = fs_link(parent, base, len, n);
	} else {
		n = fs_new(parent, base, len, e->mode);
		if (!n)
			return -ENOMEM;
		err = linked ? fs_radix_set(links, &fs_heap, e->ino, n) : 0;
	}
	if (e->size) {
		n->archive = e->data;	/* read-only until fs_own copies it */
		n->size = e->size;
	}
	return err;
}

static long fs_load(void)
{
	struct fs_radix links = { 0 };
	struct cpio_iter it;
	struct cpio_entry e;
	long r;

	cpio_iter_init(&it, fs_archive.bytes, fs_archive.size);
	for (r = cpio_next(&it, &e); r > 0; r = cpio_next(&it, &e)) {
		r = fs_add(&e, &links);
		if (r == -ENAMETOOLONG)
			native_say("kage: fs: initramfs entry %s left out: its name or target is too long\n", e.name);
		else if (r == -EISDIR)
			native_say("kage: fs: initramfs entry \"%s\" left out: a directory's name for a file\n", e.name);
		else if (r < 0)
			break;
	}
	fs_radix_cut(&links, &fs_heap, 0, NULL, NULL);
	return r;
}

/*
 * /dev, with the console, /dev/null (reads see the end, writes vanish),
 * /dev/zero and /dev/full (zeros; writes vanish, or ENOSPC),
 * /dev/urandom and /dev/random (the process server's generator), and
 * /dev/tty (the console once it is a controlling terminal, else ENXIO).
 */
static long fs_devices(void)
{
	struct fs_node *dev;
	long err = fs_mkdirs("dev", 3, &dev);

	if (err < 0)
		return err;
	fs_console = fs_device(dev, "console", S_IFCHR | 0620);
	fs_null = fs_device(dev, "null", S_IFCHR | 0666);
	fs_zero = fs_device(dev, "zero", S_IFCHR | 0666);
	fs_full = fs_device(dev, "full", S_IFCHR | 0666);
	fs_urandom = fs_device(dev, "urandom", S_IFCHR | 0666);
	fs_random = fs_device(dev, "random", S_IFCHR | 0666);
	fs_tty = fs_device(dev, "tty", S_IFCHR | 0666);
	return fs_console && fs_null && fs_zero && fs_full && fs_urandom && fs_random && fs_tty ? 0 : -ENOMEM;
}

int fs_init(const void *cpio, size_t size, long mem, uint64_t base)
{
	long err = fs_tree_init(), dev;

	if (err < 0)
		return (int)err;
	fs_archive = (struct fs_archive){ cpio, size, mem, base };
	err = cpio ? fs_load() : -ENOENT;
	dev = fs_devices();	/* at the archive's last time too, as all until the clock is known */
	return (int)(err < 0 ? err : dev);
}
