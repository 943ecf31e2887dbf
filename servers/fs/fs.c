/*
 * The node tree, path walks, open file descriptions and descriptor
 * tables. A path is resolved from the root or from a working or dirfd
 * directory, component by component; "." and ".." work; the tree holds no
 * symbolic links (an archive's are plain files), only the gateways into
 * /proc (mount.c), where a walk stops and hands the rest of its path to
 * the process server.
 */
#include "lib/cpio.h"
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/fs/fs.h"
#include "servers/fs/fs_impl.h"

static struct fs_node fs_nodes[FS_NODES];
static uint32_t fs_next_ino = 1;
struct fs_file fs_files[FS_FILES];
struct fs_node *fs_root, *fs_console, *fs_null;

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
	return n;
}
static const uint8_t *fs_archive;	/* the initramfs, mapped read-only */
static size_t fs_archive_size;
static long fs_archive_mem = -1;	/* its memory object, whose slices are its files' pages */
static uint64_t fs_archive_base;	/* its physical address, for whether a file starts on a page */

/*
 * n's bytes as a memory object, a new handle here: a slice of the
 * initramfs while they are still there, else a copy into fresh frames
 * (the file's own window is this server's, and changes). *page_off: where
 * the file starts in the object's first page.
 */
long fs_node_pages(const struct fs_node *n, uint64_t *page_off)
{
	uint64_t off = (uint64_t)(n->data - fs_archive);
	long mem;

	*page_off = 0;
	if (!n->owned && n->data >= fs_archive && off < fs_archive_size && n->size <= fs_archive_size - off) {
		*page_off = (fs_archive_base + off) & 4095;
		return native_mem_slice(fs_archive_mem, off, n->size);
	}
	mem = native_mem_create(n->size);
	for (uint64_t done = 0; mem >= 0 && done < n->size; done += KAGE_COPY_MAX) {
		uint64_t chunk = n->size - done < KAGE_COPY_MAX ? n->size - done : KAGE_COPY_MAX;
		long err = native_mem_write(mem, done, n->data + done, chunk);

		if (err < 0) {
			native_handle_close(mem);
			mem = err;
		}
	}
	return mem;
}

struct fs_node *fs_new(struct fs_node *dir, const char *name, size_t len, uint32_t mode)
{
	static unsigned hint;	/* where the last free slot was: the search starts there */
	struct fs_node *n = NULL, **tail;

	for (unsigned k = 0; k < FS_NODES && !n; k++) {
		unsigned i = (hint + k) % FS_NODES;

		if (!fs_nodes[i].mode)
			n = &fs_nodes[i], hint = i;
	}
	if (!n || len >= sizeof(n->name) || (!len && dir))
		return NULL;	/* only the root and nodes outside the tree (dir NULL) go without a name */
	memset(n, 0, sizeof(*n));
	n->ino = fs_next_ino++;
	memcpy(n->name, name, len);
	n->name[len] = 0;
	n->mode = mode;
	n->parent = dir ? dir : n;
	if (dir) {
		for (tail = &dir->child; *tail; tail = &(*tail)->next)
			;	/* keep archive order for getdents */
		*tail = n;
	}
	return n;
}

void fs_detach(struct fs_node *n)
{
	struct fs_node **p;

	for (p = &n->parent->child; *p; p = &(*p)->next) {
		if (*p != n)
			continue;
		*p = n->next;
		break;
	}
	n->next = NULL;
	n->unlinked = 1;
	fs_node_release(n);
}

void fs_attach(struct fs_node *dir, struct fs_node *n)
{
	struct fs_node **tail;

	for (tail = &dir->child; *tail; tail = &(*tail)->next)
		;
	*tail = n;
	n->parent = dir;
	n->unlinked = 0;
}

void fs_node_release(struct fs_node *n)
{
	if (n->unlinked && !n->nopen && !n->pinned) {
		fs_data_free(n);
		n->mode = 0;	/* the slot is free */
	}
}

struct fs_node *fs_child(struct fs_node *dir, const char *name, size_t len)
{
	struct fs_node *c;

	if (len == 1 && name[0] == '.')
		return dir;
	if (len == 2 && name[0] == '.' && name[1] == '.')
		return dir->parent;
	for (c = dir->child; c; c = c->next)
		if (strlen(c->name) == len && strncmp(c->name, name, len) == 0)
			return c;
	return NULL;
}

/*
 * The rest of a path at gateway n, read lexically: NULL if it stays in
 * /proc, else where it goes on once ".." has climbed out of /proc again.
 * Lexical ".." is exact here: nothing in /proc leads elsewhere in it but
 * "self", which names a process's directory at the same depth.
 */
static const char *fs_gate_leave(const struct fs_node *n, const char *path)
{
	int depth = fs_gate_depth(n);

	while (*path) {
		const char *start;
		size_t len;

		while (*path == '/')
			path++;
		for (start = path; *path && *path != '/'; path++)
			;
		len = (size_t)(path - start);
		if (len == 2 && start[0] == '.' && start[1] == '.')
			depth--;
		else if (len && !(len == 1 && start[0] == '.'))
			depth++;
		if (depth < 0)
			return path;
	}
	return NULL;
}

struct fs_node *fs_walk(struct fs_node *at, const char *path, int create_dirs, const char **rest)
{
	struct fs_node *n = *path == '/' || !at ? fs_root : at, *c;
	const char *start, *out;
	size_t len;

	while (n) {
		if (n->gate) {
			out = fs_gate_leave(n, path);
			if (!out)
				break;	/* the process server's from here */
			n = fs_gate_exit();
			path = out;
		}
		while (*path == '/')
			path++;
		if (!*path)
			break;
		for (start = path; *path && *path != '/'; path++)
			;
		len = (size_t)(path - start);
		if ((n->mode & S_IFMT) != S_IFDIR)
			return NULL;
		c = fs_child(n, start, len);
		if (!c && create_dirs && *path)
			c = fs_new(n, start, len, S_IFDIR | 0755);
		n = c;
	}
	if (rest)
		*rest = path;
	return n;
}

struct fs_node *fs_lookup(const struct fs_fdtable *t, const char *path)
{
	return fs_walk(t->cwd, path, 0, NULL);
}

/*
 * Hard links in the archive: newc gives every name of a file the same inode
 * number and nlink > 1, and the data with one name only (the last, as cpio
 * writes them). Every name becomes a node sharing that data in the archive;
 * like any initramfs file, each gets its own copy when first written.
 */
static struct fs_link {
	uint32_t ino;
	struct fs_node *node;
} fs_links[FS_NODES];
static unsigned fs_nlinks;

static void fs_add_link(struct fs_node *n, uint32_t ino)
{
	for (unsigned i = 0; i < fs_nlinks; i++) {
		struct fs_node *o = fs_links[i].node;

		if (fs_links[i].ino != ino)
			continue;
		if (n->size && !o->size) {
			o->data = n->data;
			o->size = n->size;
		} else if (!n->size && o->size) {
			n->data = o->data;
			n->size = o->size;
		}
	}
	if (fs_nlinks < FS_NODES)
		fs_links[fs_nlinks++] = (struct fs_link){ ino, n };
}

/* Creates the node for one archive entry under its (implicitly created) directory. */
static int fs_add(const struct cpio_entry *e)
{
	char dir[256];
	const char *base = strrchr(e->name, '/');
	struct fs_node *parent = fs_root, *n;

	if (base) {
		if ((size_t)(base - e->name) >= sizeof(dir))
			return -ENAMETOOLONG;
		memcpy(dir, e->name, (size_t)(base - e->name));
		dir[base - e->name] = 0;
		parent = fs_walk(fs_root, dir, 1, NULL);
		base++;
	} else {
		base = e->name;
	}
	if (!parent)
		return -ENOMEM;
	if (strlen(base) > FS_NAME_MAX)
		return -ENAMETOOLONG;
	if (fs_child(parent, base, strlen(base)))
		return 0;	/* a directory created on the way */
	n = fs_new(parent, base, strlen(base), e->mode);
	if (!n)
		return -ENOMEM;
	n->data = (uint8_t *)e->data;	/* read-only until fs_own copies it */
	n->size = e->size;
	if (e->nlink > 1 && (e->mode & S_IFMT) == S_IFREG)
		fs_add_link(n, e->ino);
	return 0;
}

int fs_init(const void *cpio, size_t size, long mem, uint64_t base)
{
	struct cpio_iter it;
	struct cpio_entry e;
	struct fs_node *dev;
	int r;

	fs_archive = cpio;
	fs_archive_size = size;
	fs_archive_mem = mem;
	fs_archive_base = base;
	fs_root = fs_new(NULL, "", 0, S_IFDIR | 0755);
	cpio_iter_init(&it, cpio, size);
	for (r = cpio_next(&it, &e); r > 0; r = cpio_next(&it, &e)) {
		r = fs_add(&e);
		if (r == -ENAMETOOLONG) {
			native_say("kage: fs: initramfs entry %s left out: its name is too long\n", e.name);
			continue;
		}
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	dev = fs_walk(fs_root, "dev/.", 1, NULL);
	if (!dev)
		dev = fs_new(fs_root, "dev", 3, S_IFDIR | 0755);
	if (!dev)
		return -ENOMEM;
	fs_console = fs_device(dev, "console", S_IFCHR | 0620);
	fs_null = fs_device(dev, "null", S_IFCHR | 0666);	/* reads see the end, writes vanish */
	return fs_console && fs_null ? 0 : -ENOMEM;
}

struct fs_file *fs_file_new(struct fs_node *n, uint32_t flags)
{
	for (unsigned i = 0; i < FS_FILES; i++) {
		if (fs_files[i].refs)
			continue;
		fs_files[i] = (struct fs_file){ .refs = 1, .flags = flags, .node = n };
		if (n)
			n->nopen++;
		return &fs_files[i];
	}
	return NULL;
}

int fs_table_init(struct fs_fdtable *t)
{
	struct fs_file *f = fs_file_new(fs_console, O_RDWR);

	memset(t, 0, sizeof(*t));
	t->umask = 022;
	if (!f)
		return -ENFILE;
	f->refs = 3;
	for (int fd = 0; fd < 3; fd++)
		fs_fd_set(t, fd, f, 0);
	return 0;
}

/* Copies only the used part of the table: a fork should not cost 8 KiB of copying. */
void fs_table_copy(struct fs_fdtable *to, const struct fs_fdtable *from)
{
	if (to->top > from->top)
		memset(&to->fd[from->top], 0, (to->top - from->top) * sizeof(to->fd[0]));
	memcpy(to->fd, from->fd, from->top * sizeof(to->fd[0]));
	memcpy(to->cloexec, from->cloexec, sizeof(to->cloexec));
	to->top = from->top;
	to->umask = from->umask;
	to->cwd = from->cwd;
	if (to->cwd)
		to->cwd->nopen++;
	for (uint32_t i = 0; i < to->top; i++)
		if (to->fd[i])
			to->fd[i]->refs++;
}

void fs_fd_set(struct fs_fdtable *t, uint64_t fd, struct fs_file *f, int cloexec)
{
	t->fd[fd] = f;
	fs_fd_set_cloexec(t, fd, cloexec);
	if (f && fd >= t->top)
		t->top = (uint32_t)fd + 1;
}

void fs_fd_set_cloexec(struct fs_fdtable *t, uint64_t fd, int cloexec)
{
	uint64_t bit = 1ull << (fd % 64);

	if (cloexec)
		t->cloexec[fd / 64] |= bit;
	else
		t->cloexec[fd / 64] &= ~bit;
}

int fs_fd_cloexec(const struct fs_fdtable *t, uint64_t fd)
{
	return (t->cloexec[fd / 64] >> (fd % 64)) & 1;
}

void fs_file_put(struct fs_file *f)
{
	if (--f->refs)
		return;
	if (f->pipe)
		fs_pipe_release(f);
	if (f->node) {
		f->node->nopen--;
		fs_node_release(f->node);
	}
}

int fs_fd_close(struct fs_fdtable *t, uint64_t fd)
{
	if (fd >= FS_FDS || !t->fd[fd])
		return -EBADF;
	fs_file_put(t->fd[fd]);
	fs_fd_set(t, fd, NULL, 0);
	return 0;
}

void fs_table_close_all(struct fs_fdtable *t)
{
	fs_pipe_forget(t);
	fs_poll_forget(t);
	fs_set_cwd(t, NULL);
	for (uint32_t i = 0; i < t->top; i++)
		fs_fd_close(t, i);
	t->top = 0;
}

void fs_table_exec(struct fs_fdtable *t)
{
	for (uint32_t i = 0; i < t->top; i++)
		if (fs_fd_cloexec(t, i))
			fs_fd_close(t, i);
}
