/*
 * /proc's names and calls (procfs.h tells the design). A path is resolved
 * here from the /proc directory the file server reached, one component at
 * a time, as the file server resolves its own: "." and ".." lexically (the
 * file server already sent anything that climbs out of /proc back into its
 * tree), "self" as a link to the caller's process, "exe" and "fd/N" as
 * links out of /proc that only the file server can follow (fd/N's and
 * the fd directory's side is procfs_fd.c).
 *
 * Every call is answered to the process here, with one call on the file
 * server when the answer is its to give; nothing is kept between calls.
 */
#include "lib/errno.h"
#include "lib/fmt.h"
#include "lib/heap.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/proc/exec.h"
#include "servers/proc/procfs.h"

/* The call being served: who made it, its token, and what it asked. */
struct procfs_call {
	struct thread *t;
	uint64_t token;			/* the process's call: copies and the answer */
	uint64_t nr;
	uint64_t at;			/* the /proc directory the path starts from */
	const char *path;		/* the rest of the path */
	uint64_t arg[3];		/* the call's arguments after its path */
	int follow;			/* the last component, if a link, is followed */
};


void procfs_set_cmdline(struct process *p, const char *const argv[])
{
	size_t n = 0;

	for (int i = 0; argv && argv[i] && n < sizeof(p->live->cmdline); i++) {
		n += strlcpy(p->live->cmdline + n, argv[i], sizeof(p->live->cmdline) - n) + 1;
		if (n > sizeof(p->live->cmdline))
			n = sizeof(p->live->cmdline);	/* cut: the last byte is the NUL strlcpy left */
	}
	p->live->cmdline_len = (uint8_t)n;
}

/* The process a directory id names: its pid, or the caller's for "self" (0). */
static struct process *procfs_proc_of(const struct procfs_call *c, uint64_t dir)
{
	uint32_t pid = proto_procfs_pid_of(dir);

	return pid ? proc_by_pid((int)pid) : c->t->proc;
}

/* The directory node of id dir (self made real), or -ENOENT if its process is gone. */
static long procfs_dir_node(const struct procfs_call *c, uint64_t dir, struct procfs_node *n)
{
	enum proto_procfs_kind kind = proto_procfs_kind_of(dir);
	int system = kind != PROTO_PROCFS_PID && kind != PROTO_PROCFS_FD;	/* of no process */
	struct process *p = system ? NULL : procfs_proc_of(c, dir);

	if (!system && (!p || (kind == PROTO_PROCFS_FD && p->state != PROCESS_LIVE)))
		return -ENOENT;
	*n = (struct procfs_node){ .type = PROCFS_DIR, .file = PROCFS_DIRSELF, .proc = p,
				   .dir = proto_procfs_dir(kind, p ? (uint32_t)p->pid : 0) };
	return 0;
}

/* A decimal number and nothing else (at most len characters), or -1. */
static long procfs_number(const char *s, size_t len)
{
	long v = 0;

	if (!len || len > 9)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static const char *const procfs_names[PROCFS_KAGE_END] = {
	[PROCFS_SELF] = "self", [PROCFS_MEMINFO] = "meminfo", [PROCFS_UPTIME] = "uptime",
	[PROCFS_LOADAVG] = "loadavg", [PROCFS_MOUNTS] = "mounts", [PROCFS_VERSION] = "version",
	[PROCFS_SYSSTAT] = "stat", [PROCFS_CPUINFO] = "cpuinfo",
	[PROCFS_SYSDIR] = "sys", [PROCFS_KAGEDIR] = "kage", [PROCFS_KERNELDIR] = "kernel",
	[PROCFS_PID_MAX] = "pid_max", [PROCFS_RANDOMIZE] = "randomize_va_space",
	[PROCFS_THREADS_MAX] = "threads-max", [PROCFS_OBJECTS] = "objects",
	[PROCFS_STAT] = "stat", [PROCFS_STATUS] = "status", [PROCFS_COMM] = "comm",
	[PROCFS_CMDLINE] = "cmdline", [PROCFS_EXE] = "exe", [PROCFS_FDDIR] = "fd", [PROCFS_MAPS] = "maps",
};

const char *procfs_name(enum procfs_file f)
{
	return f < PROCFS_KAGE_END ? procfs_names[f] : "";
}

/* The directory kind of a system directory's entry. */
static enum proto_procfs_kind procfs_kind_of_dir(enum procfs_file f)
{
	if (f == PROCFS_SYSDIR)
		return PROTO_PROCFS_SYS;
	return f == PROCFS_KERNELDIR ? PROTO_PROCFS_SYS_KERNEL : PROTO_PROCFS_KAGE;
}

long procfs_node_of(struct process *p, enum procfs_file f, struct procfs_node *n)
{
	if (p && (p->state != PROCESS_LIVE || !p->live->exe[0]) && (f == PROCFS_EXE || f == PROCFS_FDDIR))
		return -ENOENT;	/* a zombie has no memory and no descriptors left */
	*n = (struct procfs_node){ .type = PROCFS_FILE, .file = f, .proc = p };
	if (f == PROCFS_SELF || f == PROCFS_EXE)
		n->type = PROCFS_LINK;
	if (f == PROCFS_FDDIR)
		*n = (struct procfs_node){ .type = PROCFS_DIR, .file = PROCFS_DIRSELF, .proc = p,
					   .dir = proto_procfs_dir(PROTO_PROCFS_FD, (uint32_t)p->pid) };
	else if (f == PROCFS_SYSDIR || f == PROCFS_KERNELDIR || f == PROCFS_KAGEDIR)
		*n = (struct procfs_node){ .type = PROCFS_DIR, .file = PROCFS_DIRSELF,
					   .dir = proto_procfs_dir(procfs_kind_of_dir(f), 0) };
	return 0;
}

/* The file `name` among f from first to end of p's directory: 0 and *n, or -ENOENT. */
static long procfs_named(struct process *p, int first, int end, const char *name, size_t len,
			 struct procfs_node *n)
{
	for (int f = first; f < end; f++)
		if (strlen(procfs_names[f]) == len && strncmp(procfs_names[f], name, len) == 0)
			return procfs_node_of(p, (enum procfs_file)f, n);
	return -ENOENT;
}

/* The entry `name` of /proc: a process's directory, "self", or a file about the system. */
static long procfs_root_child(const char *name, size_t len, struct procfs_node *n)
{
	long pid = procfs_number(name, len);
	struct process *p = pid > 0 ? proc_by_pid((int)pid) : NULL;

	if (!p)
		return procfs_named(NULL, PROCFS_SELF, PROCFS_ROOT_END, name, len, n);
	*n = (struct procfs_node){ .type = PROCFS_DIR, .file = PROCFS_DIRSELF, .proc = p,
				   .dir = proto_procfs_dir(PROTO_PROCFS_PID, (uint32_t)p->pid) };
	return 0;
}

static long procfs_child(const struct procfs_node *dir, const char *name, size_t len, struct procfs_node *n)
{
	switch (proto_procfs_kind_of(dir->dir)) {
	case PROTO_PROCFS_ROOT: return procfs_root_child(name, len, n);
	case PROTO_PROCFS_PID: return procfs_named(dir->proc, PROCFS_STAT, PROCFS_PID_END, name, len, n);
	case PROTO_PROCFS_FD: return procfs_fd_node(dir->proc, procfs_number(name, len), n);
	case PROTO_PROCFS_SYS: return procfs_named(NULL, PROCFS_KERNELDIR, PROCFS_SYS_END, name, len, n);
	case PROTO_PROCFS_SYS_KERNEL: return procfs_named(NULL, PROCFS_PID_MAX, PROCFS_SYSK_END, name, len, n);
	case PROTO_PROCFS_KAGE: return procfs_named(NULL, PROCFS_OBJECTS, PROCFS_KAGE_END, name, len, n);
	}
	return -ENOENT;
}

/* ".." of a /proc directory (the file server saw to it that nothing climbs above /proc). */
static long procfs_parent(const struct procfs_call *c, struct procfs_node *n)
{
	enum proto_procfs_kind kind = proto_procfs_kind_of(n->dir);
	uint32_t pid = proto_procfs_pid_of(n->dir);

	if (kind == PROTO_PROCFS_ROOT)
		return -ENOENT;
	if (kind == PROTO_PROCFS_FD)
		return procfs_dir_node(c, proto_procfs_dir(PROTO_PROCFS_PID, pid), n);
	if (kind == PROTO_PROCFS_SYS_KERNEL)
		return procfs_dir_node(c, proto_procfs_dir(PROTO_PROCFS_SYS, 0), n);
	return procfs_dir_node(c, proto_procfs_dir(PROTO_PROCFS_ROOT, 0), n);
}

/* One component from directory n: n becomes what it names (self followed into /proc/N). */
static long procfs_step(const struct procfs_call *c, struct procfs_node *n, const char *name, size_t len,
			int follow)
{
	long err;

	if (n->type != PROCFS_DIR)
		return -ENOTDIR;
	if (len == 1 && name[0] == '.')
		return 0;
	if (len == 2 && name[0] == '.' && name[1] == '.')
		return procfs_parent(c, n);
	err = procfs_child(n, name, len, n);
	if (err == 0 && follow && n->type == PROCFS_LINK && n->file == PROCFS_SELF)
		err = procfs_dir_node(c, proto_procfs_dir(PROTO_PROCFS_PID, 0), n);
	return err;
}

/* What c's path names, its last link followed or not as the call asks. */
static long procfs_resolve(const struct procfs_call *c, struct procfs_node *n)
{
	const char *s = c->path;
	long err = procfs_dir_node(c, c->at, n);

	while (err == 0 && *s) {
		const char *start;
		size_t len;
		int slash;

		while (*s == '/')
			s++;
		for (start = s; *s && *s != '/'; s++)
			;
		len = (size_t)(s - start);
		slash = *s == '/';
		while (*s == '/')
			s++;
		/* A link is followed inside a path, at its end if the call asks, and before a trailing "/". */
		if (len)
			err = procfs_step(c, n, start, len, *s || c->follow || slash);
		if (err == 0 && (*s || slash) && n->type != PROCFS_DIR)
			err = -ENOTDIR;	/* "file/", and exe and fd/N, which lead out of /proc */
	}
	return err;
}

/* A directory's number among /proc's names, for its inode. */
static uint64_t procfs_dir_index(enum proto_procfs_kind kind)
{
	switch (kind) {
	case PROTO_PROCFS_FD: return PROCFS_FDDIR;
	case PROTO_PROCFS_SYS: return PROCFS_SYSDIR;
	case PROTO_PROCFS_SYS_KERNEL: return PROCFS_KERNELDIR;
	case PROTO_PROCFS_KAGE: return PROCFS_KAGEDIR;
	default: return PROCFS_DIRSELF;
	}
}

uint64_t procfs_ino(const struct procfs_node *n)
{
	uint64_t pid = n->proc ? (uint64_t)n->proc->pid : 0;
	uint64_t idx = n->file == PROCFS_FDLINK ? (uint64_t)PROCFS_DIRSELF + 1 + (uint64_t)n->fd : n->file;

	if (n->type == PROCFS_DIR)
		idx = procfs_dir_index(proto_procfs_kind_of(n->dir));
	return (0xfull << 60) | pid << 24 | idx;	/* apart from the file server's small numbers */
}

uint32_t procfs_mode(const struct procfs_node *n)
{
	if (n->type == PROCFS_DIR)
		return proto_procfs_kind_of(n->dir) == PROTO_PROCFS_FD ? S_IFDIR | 0500 : S_IFDIR | 0555;
	if (n->type == PROCFS_LINK)
		return n->file == PROCFS_FDLINK ? S_IFLNK | 0700 : S_IFLNK | 0777;
	return S_IFREG | 0444;
}

/* n's absolute path: "/proc", "/proc/12", "/proc/12/fd", "/proc/12/stat", "/proc/meminfo". */
static void procfs_path(const struct procfs_node *n, char *buf, size_t size)
{
	enum proto_procfs_kind kind = proto_procfs_kind_of(n->dir);
	int pid = n->proc ? n->proc->pid : 0;

	if (n->type == PROCFS_DIR && kind == PROTO_PROCFS_ROOT)
		fmt_snprintf(buf, size, "/proc");
	else if (n->type == PROCFS_DIR && kind == PROTO_PROCFS_SYS)
		fmt_snprintf(buf, size, "/proc/sys");
	else if (n->type == PROCFS_DIR && kind == PROTO_PROCFS_SYS_KERNEL)
		fmt_snprintf(buf, size, "/proc/sys/kernel");
	else if (n->type == PROCFS_DIR && kind == PROTO_PROCFS_KAGE)
		fmt_snprintf(buf, size, "/proc/kage");
	else if (n->type == PROCFS_DIR)
		fmt_snprintf(buf, size, kind == PROTO_PROCFS_FD ? "/proc/%d/fd" : "/proc/%d", pid);
	else if (n->file == PROCFS_FDLINK)
		fmt_snprintf(buf, size, "/proc/%d/fd/%d", pid, n->fd);
	else if (n->proc)
		fmt_snprintf(buf, size, "/proc/%d/%s", pid, procfs_name(n->file));
	else if (n->file >= PROCFS_PID_MAX && n->file < PROCFS_SYSK_END)
		fmt_snprintf(buf, size, "/proc/sys/kernel/%s", procfs_name(n->file));
	else if (n->file == PROCFS_OBJECTS)
		fmt_snprintf(buf, size, "/proc/kage/%s", procfs_name(n->file));
	else
		fmt_snprintf(buf, size, "/proc/%s", procfs_name(n->file));
}

/*
 * The file server's answer for a link out of /proc: what `act` gives for
 * n's target, exe's path here, fd/M's descriptor in procfs_fd.c.
 */
static long procfs_link(const struct procfs_call *c, const struct procfs_node *n, enum proto_procfs_act act,
			uint64_t arg)
{
	const uint64_t w[6] = { FS_OP_PROC_LINK, proc_key(c->t->proc), act, PROTO_PROCFS_PATH,
				(uint64_t)n->proc->live->exe, arg };

	if (n->file == PROCFS_FDLINK)
		return procfs_fd_follow(c->t->proc, n, act, arg);
	return files_op(w, NULL);
}

/* A link's target into buf (PROTO_PATH_MAX bytes): its length. */
static long procfs_target(const struct procfs_call *c, const struct procfs_node *n, char *buf)
{
	if (n->file == PROCFS_SELF)
		return fmt_snprintf(buf, PROTO_PATH_MAX, "%d", c->t->proc->pid);
	if (n->file == PROCFS_EXE)
		return (long)strlcpy(buf, n->proc->live->exe, PROTO_PATH_MAX);
	return procfs_link(c, n, PROTO_PROCFS_READLINK, (uint64_t)buf);
}

/*
 * n's header and, if asked, its text (or entries), in a buffer from the
 * heap as long as they need (the caller frees it): NULL when memory is
 * out. *len: the bytes to hand the file server.
 */
static uint8_t *procfs_fill(const struct procfs_call *c, const struct procfs_node *n, int text_too, size_t *len)
{
	size_t cap = text_too ? procfs_capacity(n) : 0;
	struct proto_procfs_file *h = heap_alloc(&proc_heap, sizeof(*h) + cap);
	char *text = (char *)(h + 1);

	if (!h)
		return NULL;
	memset(h, 0, sizeof(*h));
	h->ino = procfs_ino(n);
	h->mode = procfs_mode(n);
	h->dir = n->type == PROCFS_DIR ? n->dir : 0;
	procfs_path(n, h->path, sizeof(h->path));
	*len = sizeof(*h);
	if (text_too && n->type == PROCFS_DIR)
		*len += procfs_list(n, c->t->proc, text, cap);
	else if (text_too && n->file == PROCFS_MAPS)
		return procfs_maps(n->proc, h, sizeof(*h), len);	/* as long as it needs: it grows the buffer */
	else if (text_too)
		*len += procfs_text(n, text, cap);
	return (uint8_t *)h;
}

/* FS_OP_PROC_OPEN of n (flags, or PROTO_PROCFS_CHDIR) with its text if asked: the file server's answer. */
static long procfs_hand_over(const struct procfs_call *c, const struct procfs_node *n, uint64_t flags, int text_too)
{
	uint64_t w[6] = { FS_OP_PROC_OPEN, proc_key(c->t->proc), flags };
	size_t len;
	uint8_t *buf = procfs_fill(c, n, text_too, &len);
	long r;

	if (!buf)
		return -ENOMEM;
	w[3] = (uint64_t)buf;
	w[4] = len;
	r = files_op(w, NULL);
	heap_free(&proc_heap, buf);
	return r;
}

/* openat: a descriptor for the text of a file or the entries of a directory, or the link's target. */
static long procfs_open(const struct procfs_call *c, const struct procfs_node *n)
{
	const uint64_t flags = c->arg[0];

	if (n->type == PROCFS_LINK)
		return c->follow ? procfs_link(c, n, PROTO_PROCFS_OPEN, flags) : -ELOOP;
	if ((flags & O_CREAT) && (flags & O_EXCL))
		return -EEXIST;
	if (n->type == PROCFS_DIR && (flags & O_ACCMODE) != O_RDONLY)
		return -EISDIR;
	if (n->type != PROCFS_DIR && (flags & O_DIRECTORY))
		return -ENOTDIR;
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC))
		return -EACCES;	/* /proc is read-only */
	return procfs_hand_over(c, n, flags, 1);
}

/* The size stat reports: a file's text, a link's target, 0 for a directory. */
static uint64_t procfs_size(const struct procfs_call *c, const struct procfs_node *n)
{
	static char target[PROTO_PATH_MAX];	/* off the stack the servers share in MODE=mono */
	long len;
	size_t bytes;
	uint8_t *buf;

	if (n->type == PROCFS_DIR)
		return 0;
	if (n->type == PROCFS_LINK) {
		len = procfs_target(c, n, target);
		return len > 0 ? (uint64_t)len : 0;
	}
	buf = procfs_fill(c, n, 1, &bytes);
	heap_free(&proc_heap, buf);
	return buf ? bytes - sizeof(struct proto_procfs_file) : 0;	/* out of memory: Linux's size, 0 */
}

/* newfstatat and statx of a name of /proc itself. */
static long procfs_stat_node(const struct procfs_call *c, const struct procfs_node *n, int statx)
{
	struct linux_statx stx = { 0 };
	struct linux_stat st = { 0 };
	uint64_t size = procfs_size(c, n), buf = statx ? c->arg[2] : c->arg[0];

	if (statx) {
		stx.stx_mask = STATX_BASIC_STATS;
		stx.stx_blksize = PAGE;
		stx.stx_nlink = n->type == PROCFS_DIR ? 2 : 1;
		stx.stx_mode = (uint16_t)procfs_mode(n);
		stx.stx_ino = procfs_ino(n);
		stx.stx_size = size;
		return native_caller_write(c->token, buf, &stx, sizeof(stx)) < 0 ? -EFAULT : 0;
	}
	st.st_ino = procfs_ino(n);
	st.st_mode = procfs_mode(n);
	st.st_nlink = n->type == PROCFS_DIR ? 2 : 1;
	st.st_size = (int64_t)size;
	st.st_blksize = PAGE;
	return native_caller_write(c->token, buf, &st, sizeof(st)) < 0 ? -EFAULT : 0;
}

/* newfstatat and statx: a followed link out of /proc is the file server's to stat. */
static long procfs_stat(const struct procfs_call *c, const struct procfs_node *n, int statx)
{
	static struct linux_statx out;	/* the larger of the two */
	uint64_t buf = statx ? c->arg[2] : c->arg[0];
	size_t size = statx ? sizeof(struct linux_statx) : sizeof(struct linux_stat);
	long err;

	if (n->type != PROCFS_LINK || !c->follow)
		return procfs_stat_node(c, n, statx);
	err = procfs_link(c, n, statx ? PROTO_PROCFS_STATX : PROTO_PROCFS_STAT, (uint64_t)&out);
	if (err < 0)
		return err;
	return native_caller_write(c->token, buf, &out, size) < 0 ? -EFAULT : 0;
}

static long procfs_readlink(const struct procfs_call *c, const struct procfs_node *n)
{
	static char target[PROTO_PATH_MAX];	/* off the stack the servers share in MODE=mono */
	long len;

	if (n->type != PROCFS_LINK || (int64_t)c->arg[1] <= 0)
		return -EINVAL;
	len = procfs_target(c, n, target);
	if (len < 0)
		return len;
	if ((uint64_t)len > c->arg[1])
		len = (long)c->arg[1];	/* cut, without a NUL, as Linux does */
	return native_caller_write(c->token, c->arg[0], target, (uint64_t)len) < 0 ? -EFAULT : len;
}

/* faccessat: every process is root, so only execute needs a bit (or a directory). */
static long procfs_access(const struct procfs_call *c, const struct procfs_node *n)
{
	if (c->arg[0] & ~(uint64_t)(R_OK | W_OK | X_OK))
		return -EINVAL;
	if ((c->arg[0] & X_OK) && n->type == PROCFS_FILE)
		return -EACCES;
	return 0;
}

static long procfs_chdir(const struct procfs_call *c, const struct procfs_node *n)
{
	if (n->type == PROCFS_LINK)
		return procfs_link(c, n, PROTO_PROCFS_CHDIR_TO, 0);
	if (n->type != PROCFS_DIR)
		return -ENOTDIR;
	return procfs_hand_over(c, n, PROTO_PROCFS_CHDIR, 0);	/* a working directory is never read: its entries come with an open */
}

/* Whether the call follows a link at the end of its path. */
static int procfs_follows(uint64_t nr, const uint64_t *arg)
{
	switch (nr) {
	case NR_openat: return !(arg[0] & O_NOFOLLOW);
	case NR_newfstatat: return !(arg[1] & AT_SYMLINK_NOFOLLOW);
	case NR_statx: return !(arg[0] & AT_SYMLINK_NOFOLLOW);
	case NR_faccessat2: return !(arg[1] & AT_SYMLINK_NOFOLLOW);
	case NR_readlinkat: return 0;
	default: return 1;
	}
}

static long procfs_serve(const struct procfs_call *c)
{
	struct procfs_node n;
	long err = procfs_resolve(c, &n);

	if (err == -ENOENT && c->nr == NR_openat && (c->arg[0] & O_CREAT))
		return -EACCES;	/* nothing is made in /proc */
	if (err < 0)
		return err;
	switch (c->nr) {
	case NR_openat: return procfs_open(c, &n);
	case NR_newfstatat: return procfs_stat(c, &n, 0);
	case NR_statx: return procfs_stat(c, &n, 1);
	case NR_readlinkat: return procfs_readlink(c, &n);
	case NR_faccessat: case NR_faccessat2: return procfs_access(c, &n);
	case NR_chdir: return procfs_chdir(c, &n);
	default: return -ENOSYS;
	}
}

/*
 * The rest of a path a symbolic link led into /proc: the file server
 * holds it (the caller's memory has only the path it gave), under the
 * number w4 carries. Its length, or -errno.
 */
static long procfs_held_path(const struct procfs_call *c, uint64_t id, char *path, size_t size)
{
	const uint64_t w[6] = { FS_OP_PROC_PATH, proc_key(c->t->proc), id, (uint64_t)path, size };

	return files_op(w, NULL);
}

int procfs_call(const struct kage_msg *m, long *result)
{
	static char path[PROTO_PATH_MAX];
	struct procfs_call c = { .t = thread_named_by(m->w[1]), .token = m->token, .nr = m->w[2],
				 .at = proto_procfs_where_dir(m->w[3]), .arg = { m->w[5], m->w[6], m->w[7] } };
	uint64_t skip = proto_procfs_where_skip(m->w[3]);
	long len;

	*result = -ESRCH;
	if (!c.t)
		return 1;	/* the caller is gone: nobody to answer */
	if (skip == PROTO_PROCFS_HELD) {
		len = procfs_held_path(&c, m->w[4], path, sizeof(path));
		skip = 0;
	} else {
		len = native_read_string(c.token, KAGE_COPY_CALLER, m->w[4], path, sizeof(path));
	}
	*result = len < 0 ? len : -ENOENT;
	if (len < 0 || skip > (uint64_t)len)
		return 1;
	c.path = path + skip;
	c.follow = procfs_follows(c.nr, c.arg);
	*result = procfs_serve(&c);
	return 1;
}

/* Whether path is /proc or under it, read as it is written: absolute, and no ".." anywhere. */
static int procfs_plainly_under(const char *path)
{
	if (strncmp(path, "/proc", 5) != 0 || (path[5] && path[5] != '/'))
		return 0;
	for (const char *s = path; *s; s++)
		if (s[0] == '.' && s[1] == '.' && (s == path || s[-1] == '/') && (!s[2] || s[2] == '/'))
			return 0;
	return 1;
}

int procfs_readlinkat(struct thread *t, const struct kage_msg *m, long *result)
{
	static char path[PROTO_PATH_MAX];
	struct procfs_call c = { .t = t, .token = m->token, .nr = NR_readlinkat,
				 .at = proto_procfs_dir(PROTO_PROCFS_ROOT, 0), .arg = { m->w[3], m->w[4] } };
	long len = native_read_string(c.token, KAGE_COPY_CALLER, m->w[2], path, sizeof(path));

	if (len < 0 || !procfs_plainly_under(path))
		return 0;	/* the file server resolves it, and sends it back here if it is /proc's after all */
	c.path = path + 5;
	*result = procfs_serve(&c);
	return 1;
}

/* execve of /proc/self/exe or /proc/N/exe runs that executable (read before execve changes it). */
const char *procfs_exec_path(const struct thread *t, const char *path)
{
	static char exe[PROC_EXE_MAX];
	const struct process *p = t->proc;
	const char *rest = path + 6;
	long pid = 0;

	if (strncmp(path, "/proc/", 6) != 0)
		return path;
	if (strncmp(rest, "self/", 5) == 0) {
		rest += 5;
	} else {
		for (; *rest >= '0' && *rest <= '9' && pid < 100000000; rest++)
			pid = pid * 10 + (*rest - '0');
		p = *rest == '/' ? proc_by_pid((int)pid) : NULL;
		rest++;
	}
	if (!p || p->state != PROCESS_LIVE || strcmp(rest, "exe") != 0 || !p->live->exe[0])
		return path;
	strlcpy(exe, p->live->exe, sizeof(exe));
	return exe;
}
