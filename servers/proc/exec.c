/*
 * execve's core: an ELF file (with the interpreter it names, for a
 * dynamically linked program) becomes a new space with its segments and a
 * Linux stack (argc, argv, envp, auxiliary vector) laid out as Linux lays
 * it out, and the process's task is pointed at it in one step
 * (task_exec), so a failure leaves the old image untouched.
 */
#include "lib/cpio.h"
#include "lib/elf.h"
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/proc/proc.h"

#define PAGE 4096ul
#define STACK_TOP 0x3fff000000ul	/* a gap below the top of user space */
#define STACK_SIZE (8ul << 20)
#define MMAP_TOP (STACK_TOP - STACK_SIZE - (1ul << 30))
#define DYN_BIAS 0x400000ul		/* where an ET_DYN program (static-pie or PIE) goes */
#define INTERP_ALIGN (2ul << 20)	/* an ET_DYN interpreter's base, at the top of the mmap area */
#define STACK_VECTORS (8 * (2 * PROC_ARGS_MAX + 64))	/* room kept below the strings for argv, envp, auxv */
#define STACK_IMAGE (PROC_ARG_BYTES + 4096 + STACK_VECTORS)	/* + the path and AT_RANDOM's bytes */
#define SEGMENT_TOP (1ul << 37)	/* ELF segments stay below the mmap area */

enum {
	AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7,
	AT_FLAGS = 8, AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14,
	AT_HWCAP = 16, AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25, AT_EXECFN = 31,
};

static unsigned exec_prot(uint32_t flags)
{
	return (flags & PF_R ? KAGE_PROT_READ : 0) | (flags & PF_W ? KAGE_PROT_WRITE : 0) |
	       (flags & PF_X ? KAGE_PROT_EXEC : 0);
}

static long exec_copy(long space, uint64_t va, const uint8_t *src, uint64_t len)
{
	long err = 0;

	for (uint64_t done = 0; done < len && err == 0; done += KAGE_COPY_MAX) {
		uint64_t n = len - done < KAGE_COPY_MAX ? len - done : KAGE_COPY_MAX;

		err = native_space_write(space, va + done, src + done, n);
	}
	return err;
}

/* A page two segments share gets both permissions (and is copied, not shared). */
long exec_load_segments(long space, const uint8_t *file, const struct elf_image *img, uint64_t bias)
{
	uint64_t prev_hi = 0, shared;
	unsigned prev_prot = 0;
	long err = 0;

	for (unsigned i = 0; i < img->nload && err == 0; i++) {
		const struct elf_segment *s = &img->load[i];
		uint64_t va = s->vaddr + bias, lo = va & ~(PAGE - 1), hi = (va + s->memsz + PAGE - 1) & ~(PAGE - 1);
		uint64_t limit = (va + s->filesz) & ~(PAGE - 1);	/* whole pages of file bytes */
		unsigned prot = exec_prot(s->flags);

		if (i + 1 < img->nload && ((img->load[i + 1].vaddr + bias) & ~(PAGE - 1)) < limit)
			limit = (img->load[i + 1].vaddr + bias) & ~(PAGE - 1);	/* the next one's first page */
		if (lo < prev_hi) {
			err = native_space_protect(space, lo, PAGE, prot | prev_prot);
			lo += PAGE;
		}
		shared = err == 0 && limit > lo ?
			 files_map_shared(space, lo, file + s->offset + ((int64_t)lo - (int64_t)va), limit - lo, prot) : 0;
		if (err == 0 && hi > lo + shared)
			err = native_space_map(space, lo + shared, hi - lo - shared, prot);
		if (err == 0 && va + s->filesz > lo + shared) {
			uint64_t from = va > lo + shared ? va : lo + shared;

			err = exec_copy(space, from, file + s->offset + (from - va), va + s->filesz - from);
		}
		prev_hi = hi;
		prev_prot = prot;
	}
	return err;
}

struct exec_stack {
	uint8_t image[STACK_IMAGE];	/* what goes at [STACK_TOP - STACK_IMAGE, STACK_TOP) */
	uint64_t low;			/* lowest address used so far */
};

/* Puts bytes below what is there; their user address, or 0 when full. */
static uint64_t exec_push(struct exec_stack *st, const void *data, size_t len)
{
	uint64_t avail = st->low - (STACK_TOP - STACK_IMAGE);

	if (avail < STACK_VECTORS || len > avail - STACK_VECTORS)
		return 0;
	st->low -= len;
	memcpy(st->image + (st->low - (STACK_TOP - STACK_IMAGE)), data, len);
	return st->low;
}

static uint64_t exec_random(void)
{
	static uint64_t x;
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	x ^= t + 0x9e3779b97f4a7c15ull;
	x ^= x << 13, x ^= x >> 7, x ^= x << 17;
	return x;
}

static int exec_count(const char *const v[])
{
	int n = 0;

	while (v && v[n])
		n++;
	return n;
}

/* Builds the initial stack; its sp, or 0 if the arguments do not fit. */
static uint64_t exec_stack(struct exec_stack *st, const char *path, const char *const argv[],
			   const char *const envp[], const uint64_t aux[][2], int naux)
{
	int argc = exec_count(argv), envc = exec_count(envp), i, n = 0;
	static uint64_t ptr[2 * PROC_ARGS_MAX + 2];	/* too big for the server's stack */
	uint64_t rnd[2] = { exec_random(), exec_random() }, execfn, random, sp;
	uint64_t *table;

	if (argc > PROC_ARGS_MAX || envc > PROC_ARGS_MAX)
		return 0;
	st->low = STACK_TOP;
	execfn = exec_push(st, path, strlen(path) + 1);
	for (i = 0; i < argc; i++)
		ptr[n++] = exec_push(st, argv[i], strlen(argv[i]) + 1);
	for (i = 0; i < envc; i++)
		ptr[n++] = exec_push(st, envp[i], strlen(envp[i]) + 1);
	random = exec_push(st, rnd, sizeof(rnd));
	for (i = 0; i < n; i++)
		if (!ptr[i])
			return 0;
	if (!execfn || !random)
		return 0;
	sp = (st->low - 8 * (size_t)(1 + argc + 1 + envc + 1 + 2 * (naux + 3))) & ~15ul;
	table = (uint64_t *)(st->image + (sp - (STACK_TOP - STACK_IMAGE)));
	*table++ = (uint64_t)argc;
	for (i = 0; i < argc; i++)
		*table++ = ptr[i];
	*table++ = 0;
	for (i = 0; i < envc; i++)
		*table++ = ptr[argc + i];
	*table++ = 0;
	for (i = 0; i < naux; i++)
		*table++ = aux[i][0], *table++ = aux[i][1];
	*table++ = AT_RANDOM, *table++ = random;
	*table++ = AT_EXECFN, *table++ = execfn;
	*table++ = AT_NULL, *table++ = 0;
	st->low = sp;
	return sp;
}

long proc_bind(struct proc *p, long task)
{
	long ep = native_handle_copy(proc_endpoint, -1, KAGE_RIGHT_SEND, proc_badge(p)), err;

	err = ep < 0 ? ep : native_task_bind(task, KAGE_BIND_PERSONALITY, ep);
	if (err == 0)
		err = native_task_bind(task, KAGE_BIND_EXCEPTION, ep);
	if (ep >= 0)
		native_handle_close(ep);
	return err;
}

static long exec_new_task(struct proc *p, long space, uint64_t pc, uint64_t sp)
{
	long t = native_task_create(space, pc, sp), err;

	if (t < 0)
		return t;
	err = proc_bind(p, t);
	if (err == 0)
		err = native_task_resume(t);
	if (err < 0) {
		native_task_kill(t, 0);
		native_handle_close(t);
		return err;
	}
	p->task = t;
	return 0;
}

/* One ELF file being loaded: its bytes, what elf_parse found in it, and the bias it loads at. */
struct exec_elf {
	const uint8_t *data;
	struct elf_image img;
	uint64_t bias;
};

/*
 * Builds the whole new space: the program, its interpreter if it has one,
 * the stack. Its handle, or a negative errno (nothing left behind).
 */
static long exec_build(const struct exec_elf *prog, const struct exec_elf *interp, const char *path,
		       const char *const argv[], const char *const envp[], uint64_t *sp)
{
	static struct exec_stack st;	/* too big for the server's stack */
	const struct elf_image *img = &prog->img;
	const uint64_t aux[][2] = {
		{ AT_PHDR, img->phdr_vaddr ? img->phdr_vaddr + prog->bias : 0 }, { AT_PHENT, img->phentsize },
		{ AT_PHNUM, img->phnum }, { AT_PAGESZ, PAGE }, { AT_BASE, interp ? interp->bias : 0 },
		{ AT_FLAGS, 0 }, { AT_ENTRY, img->entry + prog->bias }, { AT_UID, 0 }, { AT_EUID, 0 },
		{ AT_GID, 0 }, { AT_EGID, 0 }, { AT_HWCAP, 0 }, { AT_CLKTCK, 100 }, { AT_SECURE, 0 },
	};
	long space = native_space_create(), err;

	if (space < 0)
		return space;
	err = exec_load_segments(space, prog->data, img, prog->bias);
	if (err == 0 && interp)
		err = exec_load_segments(space, interp->data, &interp->img, interp->bias);
	if (err == -EEXIST)
		err = -ENOMEM;	/* an ET_EXEC interpreter where the program is: they do not fit together */
	if (err == 0)
		err = native_space_map(space, STACK_TOP - STACK_SIZE, STACK_SIZE, KAGE_PROT_READ | KAGE_PROT_WRITE);
	if (err == 0 && !(*sp = exec_stack(&st, path, argv, envp, aux, sizeof(aux) / sizeof(aux[0]))))
		err = -E2BIG;
	if (err == 0)
		err = native_space_write(space, *sp, st.image + (*sp - (STACK_TOP - STACK_IMAGE)), STACK_TOP - *sp);
	if (err < 0) {
		native_handle_close(space);
		return err;
	}
	return space;
}

#define EXEC_NEST_MAX 4		/* scripts whose interpreter is a script, as Linux allows */
#define EXEC_LINE_MAX 256
#define S_IFMT 0170000
#define S_IFREG 0100000

static int exec_path(struct proc *p, const char *path, const char *const argv[], const char *const envp[],
		     int depth);
static int exec_file(struct proc *p, const struct cpio_entry *e, const char *path, const char *const argv[],
		     const char *const envp[], int depth);

/* Splits "#!interp arg" (one optional argument, as Linux): the interpreter, and *arg or NULL. */
static char *exec_shebang(const struct cpio_entry *e, char *line, const char **arg)
{
	const char *d = e->data;
	size_t n = 2, len = 0;
	char *interp, *end;

	while (n < e->size && d[n] != '\n' && len < EXEC_LINE_MAX - 1)
		line[len++] = d[n++];
	if (len == EXEC_LINE_MAX - 1 && n < e->size && d[n] != '\n')
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
static int exec_script(struct proc *p, const struct cpio_entry *e, const char *path, const char *const argv[],
		       const char *const envp[], int depth)
{
	static char lines[EXEC_NEST_MAX][EXEC_LINE_MAX];
	static const char *vectors[EXEC_NEST_MAX][PROC_ARGS_MAX + 1];
	const char **v = vectors[depth], *arg;
	char *interp;
	int n = 0;

	if (depth >= EXEC_NEST_MAX - 1)
		return -ELOOP;
	if (!(interp = exec_shebang(e, lines[depth], &arg)))
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
	return exec_path(p, interp, v, envp, depth + 1);
}

static int exec_path(struct proc *p, const char *path, const char *const argv[], const char *const envp[],
		     int depth)
{
	struct files_exe fe;
	int err;

	if ((err = files_exec_open(p, path, &fe)) < 0)
		return err;
	err = exec_file(p, &(struct cpio_entry){ .data = fe.data, .size = fe.size, .mode = fe.mode }, path, argv,
			envp, depth);
	files_exec_close(&fe);
	return err;
}

/* Refuses the interpreter of the program at path: a console line naming the problem, and err. */
static int exec_interp_refuse(const char *path, const char *interp, const char *why, int err)
{
	native_say("kage: exec %s: interpreter %s: %s\n", path, interp, why);
	return err;
}

/*
 * Opens and checks the program's interpreter (PT_INTERP), held in fe until
 * the caller closes it, and places it: an ET_DYN one at the top of the
 * mmap area, which then grows down below it, as on Linux. A missing file
 * is -ENOENT and one that cannot be executed -EACCES, as for a program;
 * one that is no ELF file kage can load is -ELIBBAD, as Linux answers.
 * Linux would also load an interpreter that names an interpreter itself,
 * without loading that one; kage refuses it (-ELIBBAD) rather than start
 * a program that cannot work.
 */
static int exec_interp(struct proc *p, const char *path, const char *name, struct files_exe *fe,
		       struct exec_elf *interp)
{
	int err;

	if ((err = files_exec_open(p, name, fe)) < 0)
		return exec_interp_refuse(path, name, errno_name(err), err);
	if ((fe->mode & S_IFMT) != S_IFREG || !(fe->mode & 0111))
		err = exec_interp_refuse(path, name, "not an executable file", -EACCES);
	else if (elf_parse(fe->data, fe->size, SEGMENT_TOP, &interp->img) < 0)
		err = exec_interp_refuse(path, name, interp->img.why, -ELIBBAD);
	else if (interp->img.interp)
		err = exec_interp_refuse(path, name, "has an interpreter itself", -ELIBBAD);
	if (err < 0) {
		files_exec_close(fe);
		return err;
	}
	interp->data = fe->data;
	interp->bias = 0;
	if (interp->img.type == ET_DYN)
		interp->bias = ((MMAP_TOP - (interp->img.hi - interp->img.lo)) & ~(INTERP_ALIGN - 1)) - interp->img.lo;
	return 0;
}

/* Points p at the new space: the point of no return, and what the process keeps of its image. */
static int exec_switch(struct proc *p, long space, uint64_t pc, uint64_t sp, const char *path,
		       const char *const argv[], uint64_t brk, uint64_t mmap_top)
{
	long err = p->task < 0 ? exec_new_task(p, space, pc, sp) : native_task_exec(p->task, space, pc, sp);

	if (err < 0) {
		native_handle_close(space);
		return (int)err;
	}
	/* The process runs the new image from here. */
	if (p->space >= 0)
		native_handle_close(p->space);
	p->space = space;
	files_exec(p);
	strlcpy(p->exe, path, sizeof(p->exe));
	procfs_set_cmdline(p, argv);
	p->brk_start = p->brk = brk;
	p->mmap_next = mmap_top;
	return 0;
}

/* execve of an ELF file, with its interpreter when it names one. */
static int exec_elf(struct proc *p, const struct cpio_entry *e, const char *path, const char *const argv[],
		    const char *const envp[])
{
	static struct exec_elf prog, interp;	/* too big for the server's stack */
	struct files_exe ife;
	const struct exec_elf *ip = NULL;
	uint64_t sp = 0, pc, mmap_top = MMAP_TOP;
	long space;
	int err;

	if ((err = elf_parse(e->data, e->size, SEGMENT_TOP, &prog.img)) < 0) {
		native_say("kage: exec %s: %s\n", path, prog.img.why);
		return err;
	}
	prog.data = e->data;
	prog.bias = prog.img.type == ET_DYN ? DYN_BIAS : 0;
	pc = prog.img.entry + prog.bias;
	if (prog.img.interp) {
		if ((err = exec_interp(p, path, prog.img.interp, &ife, &interp)) < 0)
			return err;
		ip = &interp;
		pc = interp.img.entry + interp.bias;
		if (interp.img.type == ET_DYN)
			mmap_top = interp.bias + interp.img.lo;
	}
	if ((space = exec_build(&prog, ip, path, argv, envp, &sp)) < 0)
		err = (int)space;
	else
		err = exec_switch(p, space, pc, sp, path, argv, prog.img.hi + prog.bias, mmap_top);
	if (ip)
		files_exec_close(&ife);
	return err;
}

/* execve of the bytes of one file: a script's interpreter, or an ELF image. */
static int exec_file(struct proc *p, const struct cpio_entry *e, const char *path, const char *const argv[],
		     const char *const envp[], int depth)
{
	if ((e->mode & S_IFMT) != S_IFREG || !(e->mode & 0111))
		return -EACCES;	/* directories and files without execute permission */
	if (e->size >= 2 && ((const char *)e->data)[0] == '#' && ((const char *)e->data)[1] == '!')
		return exec_script(p, e, path, argv, envp, depth);
	return exec_elf(p, e, path, argv, envp);
}

int proc_exec(struct proc *p, const char *path, const char *const argv[], const char *const envp[])
{
	const char *name = strrchr(path, '/');
	int err = exec_path(p, procfs_exec_path(p, path), argv, envp, 0);

	if (err == 0)
		strlcpy(p->comm, name ? name + 1 : path, sizeof(p->comm));	/* Linux's comm, as execve names it */
	return err;
}
