/*
 * Open file descriptions and descriptor tables.
 *
 * A description counts the descriptors naming it (refs) and holds its
 * node (nopen) or its pipe end; the last reference frees it. A table is
 * found by its process's key in a radix tree; it holds one reference
 * per open descriptor and its working directory. Its array of slots
 * grows on demand, by powers of two from Linux's first 64, and never
 * past what RLIMIT_NOFILE allows, so a process that opens few files
 * costs 512 bytes however high its limit is.
 *
 * Invariants: top is one past the highest open descriptor (or 0), so
 * fork copies and exec and exit scan only [0, top); every descriptor
 * below hint is open; slots from top to cap are 0.
 */
#include "lib/errno.h"
#include "lib/heap.h"
#include "lib/string.h"
#include "servers/fs/fs_impl.h"

static struct fs_radix fs_tables;	/* key -> table */
struct fs_counts fs_counts;

struct fs_file *fs_file_new(struct fs_node *n, uint32_t flags)
{
	struct fs_file *f = heap_zalloc(&fs_heap, sizeof(*f));

	if (!f)
		return NULL;
	f->refs = 1;
	f->flags = flags;
	f->node = n;
	if (n)
		n->nopen++;
	fs_counts.files++;
	return f;
}

void fs_file_put(struct fs_file *f)
{
	if (--f->refs)
		return;
	if (f->pipe)
		fs_pipe_release(f);
	if (f->node) {
		fs_lock_file_gone(f);
		f->node->nopen--;
		fs_node_release(f->node);
	}
	heap_free(&fs_heap, f);
	fs_counts.files--;
}

struct fs_fdtable *fs_table_of_key(uint64_t key)
{
	return key ? fs_radix_get(&fs_tables, key) : NULL;
}

/* The slots a table needs to hold n descriptors. */
static uint32_t fs_slots_for(uint64_t n)
{
	uint32_t cap = FS_FDS_FIRST;

	while (cap < n)
		cap *= 2;
	return cap;
}

/* Slot fd exists in t: 0, or -ENOMEM with t as it was. */
static long fs_table_grow(struct fs_fdtable *t, uint64_t fd)
{
	uint32_t cap = fs_slots_for(fd + 1);
	uintptr_t *s;

	if (fd < t->cap)
		return 0;
	s = t->slot == t->first ? heap_alloc(&fs_heap, cap * sizeof(*s))
				: heap_realloc(&fs_heap, t->slot, cap * sizeof(*s));
	if (!s)
		return -ENOMEM;
	if (t->slot == t->first)
		memcpy(s, t->first, sizeof(t->first));
	memset(s + t->cap, 0, (cap - t->cap) * sizeof(*s));
	t->slot = s;
	t->cap = cap;
	return 0;
}

/* Frees t, and its slots if they grew out of it. */
static void fs_table_free(struct fs_fdtable *t)
{
	if (t->slot != t->first)
		heap_free(&fs_heap, t->slot);
	heap_free(&fs_heap, t);
}

/* Slot fd (which exists) names f, or nothing; top follows. */
static void fs_fd_put(struct fs_fdtable *t, uint64_t fd, struct fs_file *f, int cloexec)
{
	uintptr_t v = (uintptr_t)f;

	if (cloexec && f)
		v |= FS_FD_CLOEXEC;
	t->slot[fd] = v;
	if (f && fd >= t->top)
		t->top = (uint32_t)fd + 1;
	while (!f && t->top && !t->slot[t->top - 1])
		t->top--;
}

void fs_fd_set_cloexec(struct fs_fdtable *t, uint64_t fd, int cloexec)
{
	struct fs_file *f = fs_fd_file(t, fd);

	if (f)
		fs_fd_put(t, fd, f, cloexec);
}

long fs_install_fd(struct fs_fdtable *t, struct fs_file *f, uint64_t from, int cloexec)
{
	uint64_t fd = from > t->hint ? from : t->hint;

	while (fd < t->top && t->slot[fd])
		fd++;
	if (fd >= t->nofile)
		return -EMFILE;
	if (fs_table_grow(t, fd) < 0)
		return -ENOMEM;
	fs_fd_put(t, fd, f, cloexec);
	if (from <= t->hint)
		t->hint = (uint32_t)fd + 1;
	return (long)fd;
}

long fs_place_fd(struct fs_fdtable *t, uint64_t fd, struct fs_file *f, int cloexec)
{
	struct fs_file *old;

	if (fd >= t->nofile)
		return -EBADF;
	if (fs_table_grow(t, fd) < 0)
		return -ENOMEM;
	old = fs_fd_file(t, fd);
	fs_fd_put(t, fd, f, cloexec);
	if (t->hint == fd)
		t->hint = (uint32_t)fd + 1;
	if (old) {
		fs_lock_close(t, old);
		fs_file_put(old);	/* as Linux's dup2: the old one goes once the new one is in */
	}
	return (long)fd;
}

int fs_fd_close(struct fs_fdtable *t, uint64_t fd)
{
	struct fs_file *f = fs_fd_file(t, fd);

	if (!f)
		return -EBADF;
	fs_fd_put(t, fd, NULL, 0);
	if (fd < t->hint)
		t->hint = (uint32_t)fd;
	fs_lock_close(t, f);
	fs_file_put(f);
	return 0;
}

/* A new table for key, its slots for `need` descriptors (those from `need` on zeroed), its fields as a new process has them; or NULL. */
static struct fs_fdtable *fs_table_alloc(uint64_t key, uint64_t need)
{
	uint32_t cap = fs_slots_for(need);
	struct fs_fdtable *t = heap_alloc(&fs_heap, sizeof(*t));
	uintptr_t *slot = !t || cap == FS_FDS_FIRST ? NULL : heap_alloc(&fs_heap, cap * sizeof(*slot));

	if (!t || (cap > FS_FDS_FIRST && !slot) || fs_radix_set(&fs_tables, &fs_heap, key, t) < 0) {
		heap_free(&fs_heap, slot);
		heap_free(&fs_heap, t);
		return NULL;
	}
	t->slot = slot ? slot : t->first;
	t->cap = cap;
	t->top = t->hint = 0;
	t->umask = 022;
	t->key = (uint32_t)key;
	t->nofile = FS_NOFILE_DEFAULT;
	t->fsize = RLIM_INFINITY;
	t->cwd = NULL;
	fs_list_init(&t->waits);
	memset(t->slot + need, 0, (cap - need) * sizeof(*slot));
	return t;
}

/* fork: the child's table shares every description of the parent's, its directory and its limits. */
static void fs_table_copy(struct fs_fdtable *t, const struct fs_fdtable *from)
{
	memcpy(t->slot, from->slot, from->top * sizeof(*t->slot));
	t->top = from->top;
	t->hint = from->hint;
	t->umask = from->umask;
	t->nofile = from->nofile;
	t->fsize = from->fsize;
	fs_set_cwd(t, from->cwd);
	for (uint32_t i = 0; i < t->top; i++)
		if (t->slot[i])
			fs_fd_file(t, i)->refs++;
}

long fs_table_new(uint64_t key, uint32_t pid, const struct fs_fdtable *from)
{
	struct fs_fdtable *t;
	struct fs_file *console;

	if (!key || key > PROTO_KEY_MAX || fs_table_of_key(key))
		return -EINVAL;
	t = fs_table_alloc(key, from ? from->top : 3);
	if (!t)
		return -ENOMEM;
	if (from) {
		fs_table_copy(t, from);
	} else {
		console = fs_file_new(fs_console, O_RDWR);
		if (!console) {
			fs_radix_take(&fs_tables, &fs_heap, key);
			fs_table_free(t);
			return -ENOMEM;
		}
		console->refs = 3;	/* fds 0, 1 and 2 */
		for (uint64_t fd = 0; fd < 3; fd++)
			t->slot[fd] = (uintptr_t)console;
		t->top = 3;
		t->hint = 3;
	}
	t->pid = pid;
	fs_counts.tables++;
	return 0;
}

void fs_table_end(uint64_t key)
{
	struct fs_fdtable *t = fs_radix_take(&fs_tables, &fs_heap, key);

	if (!t)
		return;
	fs_wait_forget(t);
	fs_set_cwd(t, NULL);
	while (t->top)
		fs_fd_close(t, t->top - 1);
	fs_table_free(t);
	fs_counts.tables--;
}

void fs_table_exec(struct fs_fdtable *t)
{
	for (uint32_t fd = 0; fd < t->top; fd++)
		if (fs_fd_cloexec(t, fd))
			fs_fd_close(t, fd);
}

long fs_table_limit(struct fs_fdtable *t, uint64_t nofile, uint64_t fsize)
{
	if (nofile > LINUX_NR_OPEN)
		return -EINVAL;	/* past Linux's fs.nr_open: the process server should have said EPERM */
	t->nofile = nofile;	/* descriptors at or above it stay open, as on Linux */
	t->fsize = fsize;
	return 0;
}

void fs_table_fds(const struct fs_fdtable *t, uint64_t *map, uint64_t first, uint64_t bits)
{
	for (uint64_t w = 0; w < bits / 64; w++) {
		uint64_t word = 0;

		for (uint64_t b = 0, fd = first + w * 64; b < 64 && fd < t->top; b++, fd++)
			if (t->slot[fd])
				word |= 1ull << b;
		map[w] = word;
	}
}
