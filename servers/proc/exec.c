/*
 * execve: the call's path, argv and envp read out of the caller; a #!
 * script's interpreter found and run instead; an ELF file checked, with
 * the interpreter it names; the new image built (exec_load.c); then, in
 * one step, the caller's task pointed at it (task_exec), so a failure
 * anywhere before leaves the old image untouched and running.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/proc/exec.h"

#define EXEC_NEST_MAX 4		/* scripts whose interpreter is a script, as Linux allows */
#define EXEC_LINE_MAX 256	/* what Linux reads of a #! line */
#define EXEC_HEAD 1024		/* read first: a #! line, the ELF and program headers of real programs */
#define EXEC_HEAD_MAX (16u << 10)	/* how far into a file its headers may lie (kage's limit) */

/* A file to run: its pages, and its first bytes. */
struct exec_file {
	struct files_pages pages;
	uint8_t *head;
	size_t avail;			/* bytes in head */
	char *exe;			/* its absolute path, for /proc/N/exe (PROC_EXE_MAX bytes; "" if too long) */
};

static int exec_path(struct thread *t, const char *path, char *exe, const char *const argv[],
		     const char *const envp[], int depth);

/* Splits "#!interp arg" (one optional argument, as Linux): the interpreter, and *arg or NULL. */
static char *exec_shebang(const struct exec_file *f, char *line, const char **arg)
{
	const char *d = (const char *)f->head;
	size_t n = 2, len = 0;
	char *interp, *end;

	while (n < f->avail && d[n] != '\n' && len < EXEC_LINE_MAX - 1)
		line[len++] = d[n++];
	if (len == EXEC_LINE_MAX - 1 && n < f->avail && d[n] != '\n')
		return NULL;	/* longer than Linux reads */
	line[len] = 0;
	for (interp = line; *interp == ' ' || *interp == '\t'; interp++)
		;
	for (end = interp; *end && *end != ' ' && *end != '\t'; end++)
		;
	*arg = NULL;
	if (*end) {
		*end++ = 0;
		while (*end == ' ' || *end == '\t')
			end++;
		for (n = strlen(end); n && (end[n - 1] == ' ' || end[n - 1] == '\t'); n--)
			end[n - 1] = 0;
		if (*end)
			*arg = end;
	}
	return *interp ? interp : NULL;
}

/* A "#!" script: its interpreter runs with [interp, arg, path, argv[1]...]. */
static int exec_script(struct thread *t, const struct exec_file *f, const char *path, const char *const argv[],
		       const char *const envp[], int depth)
{
	static char lines[EXEC_NEST_MAX][EXEC_LINE_MAX];
	static const char *vectors[EXEC_NEST_MAX][PROC_ARGS_MAX + 1];
	const char **v = vectors[depth], *arg;
	char *interp;
	int n = 0;

	if (depth >= EXEC_NEST_MAX - 1)
		return -ELOOP;
	interp = exec_shebang(f, lines[depth], &arg);
	if (!interp)
		return -ENOEXEC;
	v[n++] = interp;
	if (arg)
		v[n++] = arg;
	v[n++] = path;
	for (int i = 1; argv && argv[i]; i++) {
		if (n == PROC_ARGS_MAX)
			return -E2BIG;
		v[n++] = argv[i];
	}
	v[n] = 0;
	/* f->exe is the script's: the interpreter's path takes its place, as Linux's /proc/N/exe names it. */
	return exec_path(t, interp, f->exe, v, envp, depth + 1);
}

/* Refuses the interpreter of the program at path: a console line naming the problem, and err. */
static int exec_interp_refuse(const char *path, const char *interp, const char *why, int err)
{
	native_note("kage: exec %s: interpreter %s: %s\n", path, interp, why);
	return err;
}

static int exec_is_executable(uint32_t mode)
{
	return (mode & S_IFMT) == S_IFREG && (mode & S_IXUGO);
}

/* A file's first bytes (at most want) into head: 0, or -errno. */
static int exec_read_head(struct exec_file *f, uint8_t *head, size_t want)
{
	long n = files_read(&f->pages, 0, head, want);

	f->head = head;
	f->avail = n > 0 ? (size_t)n : 0;
	return n < 0 ? (int)n : 0;
}

/* elf_parse of a file of which f->head holds the first bytes, reading further once if its headers need. */
static int exec_parse(struct exec_file *f, struct elf_image *img)
{
	int err = elf_parse_head(f->head, f->avail, f->pages.size, EXEC_SEGMENT_TOP, img);

	if (err == 0 || img->head_needed <= f->avail || img->head_needed > EXEC_HEAD_MAX)
		return err;
	err = exec_read_head(f, f->head, img->head_needed);
	if (err < 0)
		return err;
	return elf_parse_head(f->head, f->avail, f->pages.size, EXEC_SEGMENT_TOP, img);
}

/*
 * Opens and checks the program's interpreter (PT_INTERP), held in f until
 * the caller closes it, and places it: an ET_DYN one at the top of the
 * mmap area, which then grows down below it, as on Linux. A missing file
 * is -ENOENT and one that cannot be executed -EACCES, as for a program;
 * one that is no ELF file kage can load is -ELIBBAD, as Linux answers.
 * Linux would also load an interpreter that names an interpreter itself,
 * without loading that one; kage refuses it (-ELIBBAD) rather than start
 * a program that cannot work.
 */
static int exec_interp(const struct process *p, const char *path, const char *name, uint64_t mmap_top,
		       struct exec_file *f, struct exec_elf *interp)
{
	static uint8_t head[EXEC_HEAD_MAX];
	int err = files_exec_open(p, name, &f->pages, NULL);

	if (err < 0)
		return exec_interp_refuse(path, name, errno_name(err), err);
	if (!exec_is_executable(f->pages.mode))
		err = exec_interp_refuse(path, name, "not an executable file", -EACCES);
	else if (exec_read_head(f, head, EXEC_HEAD) < 0)
		err = exec_interp_refuse(path, name, "cannot be read", -EIO);
	else if (exec_parse(f, &interp->img) < 0)
		err = exec_interp_refuse(path, name, interp->img.why, -ELIBBAD);
	else if (interp->img.interp)
		err = exec_interp_refuse(path, name, "has an interpreter itself", -ELIBBAD);
	if (err < 0) {
		files_close(&f->pages);
		return err;
	}
	f->exe = NULL;	/* an interpreter is not what /proc/N/exe names */
	interp->file = &f->pages;
	interp->bias = 0;
	if (interp->img.type == ET_DYN)
		interp->bias = (mmap_top - interp->img.hi) & ~(interp->img.align - 1);
	return 0;
}

/* init's first thread has no task yet: one is made in the new space. */
static long exec_new_task(struct thread *t, long space, uint64_t pc, uint64_t sp)
{
	long task = native_task_create(space, pc, sp), err;

	if (task < 0)
		return task;
	err = thread_bind(t, task);
	if (err == 0)
		err = native_task_resume(task);
	if (err < 0) {
		native_task_kill(task, 0);
		native_handle_close(task);
		return err;
	}
	t->task = task;
	return 0;
}

/* The old image's thread state goes: its clear_tid is zeroed and woken as Linux's exec does. */
static void exec_release_thread(struct thread *t)
{
	const uint32_t zero = 0;
	struct process *p = t->proc;

	if (t->clear_tid && p->space >= 0 &&
	    native_space_write_user(p->space, t->clear_tid, &zero, sizeof(zero)) == 0)
		futex_wake(p->mm, t->clear_tid, 1, FUTEX_BITSET_MATCH_ANY);
	t->clear_tid = 0;
	t->robust_list = 0;
}

/* Points t at the new space: the point of no return, and what the process keeps of its image. */
static int exec_switch(struct thread *t, long space, uint64_t pc, uint64_t sp, const char *exe,
		       const char *const argv[], uint64_t brk, uint64_t mmap_top)
{
	struct process *p = t->proc;
	long err = t->task < 0 ? exec_new_task(t, space, pc, sp) : native_task_exec(t->task, space, pc, sp);

	if (err < 0) {
		native_handle_close(space);
		return (int)err;
	}
	/* The process runs the new image from here; its other threads go with the old one. */
	thread_end_others(p, t);
	exec_release_thread(t);
	thread_set_tid(t, p->pid);	/* as on Linux, the thread that called execve becomes the leader */
	p->leader_exited = 0;
	if (p->space >= 0)
		native_handle_close(p->space);
	p->space = space;
	p->mm = proc_new_mm();	/* a new space: futex waiters of the old one cannot meet it */
	p->membarrier = 0;	/* registrations are the old space's, as Linux's are its mm's */
	files_exec(p);
	strlcpy(p->live->exe, exe, sizeof(p->live->exe));
	procfs_set_cmdline(p, argv);
	p->brk_start = p->brk = brk;
	p->mmap_next = p->mmap_base = mmap_top;
	return 0;
}

static void exec_account(struct process *p, const struct exec_elf *prog, const struct exec_elf *interp,
			 const struct exec_layout *l)
{
	p->vm_bytes = prog->img.hi - prog->img.lo + l->stack_size;
	if (interp)
		p->vm_bytes += interp->img.hi - interp->img.lo;
	p->data_bytes = 0;
}

/* execve of an ELF file, with its interpreter when it names one. */
static int exec_elf(struct thread *t, struct exec_file *f, const char *path, const char *const argv[],
		    const char *const envp[])
{
	static struct exec_elf prog, interp;	/* too big for the server's stack */
	struct exec_file ifile;
	const struct exec_elf *ip = NULL;
	struct exec_layout l;
	uint64_t sp = 0, pc, mmap_top;
	long space;
	int err = exec_parse(f, &prog.img);

	if (err < 0) {
		native_note("kage: exec %s: %s\n", path, prog.img.why ? prog.img.why : errno_name(err));
		return err;
	}
	exec_layout(t->proc, &l);
	mmap_top = l.mmap_top;
	prog.file = &f->pages;
	prog.bias = 0;
	if (prog.img.type == ET_DYN)
		prog.bias = (l.dyn_bias + prog.img.align - 1) & ~(prog.img.align - 1);
	pc = prog.img.entry + prog.bias;
	if (prog.img.interp) {
		err = exec_interp(t->proc, path, prog.img.interp, l.mmap_top, &ifile, &interp);
		if (err < 0)
			return err;
		ip = &interp;
		pc = interp.img.entry + interp.bias;
		if (interp.img.type == ET_DYN)
			mmap_top = interp.bias + interp.img.lo;
	}
	space = exec_build(&prog, ip, &l, path, argv, envp, &sp);
	if (space < 0)
		err = (int)space;
	else
		err = exec_switch(t, space, pc, sp, f->exe[0] ? f->exe : path, argv, prog.img.hi + prog.bias + l.brk_pad,
				  mmap_top);
	if (err == 0)	/* what RLIMIT_AS counts from now on (RLIMIT_DATA: what the program maps and its heap) */
		exec_account(t->proc, &prog, ip, &l);
	if (ip)
		files_close(&ifile.pages);
	return err;
}

/* execve of one file: a script's interpreter, or an ELF image. */
static int exec_file(struct thread *t, struct exec_file *f, const char *path, const char *const argv[],
		     const char *const envp[], int depth)
{
	if (!exec_is_executable(f->pages.mode))
		return -EACCES;	/* files without execute permission */
	if (f->avail >= 2 && f->head[0] == '#' && f->head[1] == '!')
		return exec_script(t, f, path, argv, envp, depth);
	return exec_elf(t, f, path, argv, envp);
}

/*
 * The file at path, run; a script's level reads its head into the same
 * buffer as the next level, and its absolute path into exe (PROC_EXE_MAX
 * bytes) as the next level will.
 */
static int exec_path(struct thread *t, const char *path, char *exe, const char *const argv[],
		     const char *const envp[], int depth)
{
	static uint8_t head[EXEC_HEAD_MAX];
	struct exec_file f = { .exe = exe };
	int err = files_exec_open(t->proc, path, &f.pages, exe);

	if (err < 0)
		return err;
	err = exec_read_head(&f, head, EXEC_HEAD);
	if (err == 0)
		err = exec_file(t, &f, path, argv, envp, depth);
	files_close(&f.pages);
	return err;
}

int exec_run(struct thread *t, const char *path, const char *const argv[], const char *const envp[])
{
	static char exe[PROC_EXE_MAX];
	const char *name = strrchr(path, '/');
	int err = exec_path(t, procfs_exec_path(t, path), exe, argv, envp, 0);

	if (err == 0)
		strlcpy(t->proc->comm, name ? name + 1 : path, sizeof(t->proc->comm));	/* Linux's comm, as execve names it */
	return err;
}

enum proc_reply proc_execve(struct thread *t, const struct kage_msg *m, long *result)
{
	static char path[PROTO_PATH_MAX], pool[PROC_ARG_BYTES];
	static const char *argv[PROC_ARGS_MAX + 1], *envp[PROC_ARGS_MAX + 1];
	struct process *p = t->proc;
	const uint64_t *a = &m->w[1];
	char *next = pool;
	long err = proc_string(p, a[0], path, sizeof(path));

	if (err >= 0)
		err = exec_args(p, a[1], argv, &next, pool + sizeof(pool));
	if (err >= 0)
		err = exec_args(p, a[2], envp, &next, pool + sizeof(pool));
	if (err >= 0)
		err = exec_run(t, path, argv, envp);
	if (err < 0) {
		*result = err;
		return PROC_REPLY;
	}
	proc_vfork_done(p);
	p->did_exec = 1;
	sig_exec(t);
	sig_check(t);	/* what is pending and not blocked is delivered in the new image */
	return PROC_NO_REPLY;	/* the call is gone with the old image */
}
