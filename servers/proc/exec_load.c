/*
 * What a new image is made of: an ELF file's segments in a new space (its
 * interpreter's too), a stack region of RLIMIT_STACK's size, and the stack Linux lays out
 * for a new program: argc, argv, envp, the auxiliary vector, the strings
 * above. exec.c decides what to load; this file builds it. Nothing here
 * touches the process until exec.c switches its task to the result.
 */
#include "lib/elf.h"
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/proc/exec.h"

#define STACK_VECTORS (8 * (2 * PROC_ARGS_MAX + 64))	/* room kept below the strings for argv, envp, auxv */
#define STACK_IMAGE (PROC_ARG_BYTES + PROTO_PATH_MAX + 64 + STACK_VECTORS)	/* + the path, AT_RANDOM's bytes */

/*
 * One segment: its whole pages of file bytes shared from the file's
 * pages where they can be (files_share), the rest a fresh region the
 * kernel fills from them. `from` is where its own pages start: its first
 * page, or the next one when the previous segment ends in that page
 * (which then gets both segments' permissions and bytes).
 */
static long exec_segment(long space, const struct files_pages *file, const struct elf_segment *s, uint64_t bias,
			 uint64_t from, uint64_t limit, unsigned populate)
{
	uint64_t va = s->vaddr + bias, hi = (va + s->memsz + PAGE - 1) & ~(PAGE - 1), shared = 0, rest;
	unsigned prot = elf_prot(s->flags);
	long err = 0;

	/* p_vaddr and p_offset are page-congruent (lib/elf.c), so the file offset of `from` is s->offset less va's in-page part. */
	if (limit > from)
		shared = files_share(space, from, file, s->offset - (va - from), limit - from, prot);
	if (hi > from + shared)
		err = native_space_map(space, from + shared, hi - from - shared, prot | populate);
	if (err == 0 && va < from)
		err = files_copy(file, s->offset, space, va, (from < va + s->filesz ? from : va + s->filesz) - va);
	rest = from + shared > va ? from + shared : va;
	if (err == 0 && va + s->filesz > rest)
		err = files_copy(file, s->offset + (rest - va), space, rest, va + s->filesz - rest);
	return err;
}

long exec_load_segments(long space, const struct files_pages *file, const struct elf_image *img, uint64_t bias,
			unsigned populate)
{
	uint64_t prev_hi = 0;
	unsigned prev_prot = 0;
	long err = 0;

	for (unsigned i = 0; i < img->nload && err == 0; i++) {
		const struct elf_segment *s = &img->load[i];
		uint64_t va = s->vaddr + bias, lo = va & ~(PAGE - 1);
		uint64_t limit = (va + s->filesz) & ~(PAGE - 1);	/* whole pages of file bytes */

		if (i + 1 < img->nload && ((img->load[i + 1].vaddr + bias) & ~(PAGE - 1)) < limit)
			limit = (img->load[i + 1].vaddr + bias) & ~(PAGE - 1);	/* the next one's first page */
		if (lo < prev_hi) {
			err = native_space_protect(space, lo, PAGE, elf_prot(s->flags) | prev_prot);
			lo += PAGE;
		}
		if (err == 0)
			err = exec_segment(space, file, s, bias, lo, limit, populate);
		prev_hi = (va + s->memsz + PAGE - 1) & ~(PAGE - 1);
		prev_prot = elf_prot(s->flags);
	}
	return err;
}

struct exec_stack {
	uint8_t image[STACK_IMAGE];	/* what goes at [top - STACK_IMAGE, top) */
	uint64_t top;			/* the stack's top (the layout's) */
	uint64_t low;			/* lowest address used so far */
};

/* Puts bytes below what is there; their user address, or 0 when full. */
static uint64_t exec_push(struct exec_stack *st, const void *data, size_t len)
{
	uint64_t avail = st->low - (st->top - STACK_IMAGE);

	if (avail < STACK_VECTORS || len > avail - STACK_VECTORS)
		return 0;
	st->low -= len;
	memcpy(st->image + (st->low - (st->top - STACK_IMAGE)), data, len);
	return st->low;
}

static int exec_count(const char *const v[])
{
	int n = 0;

	while (v && v[n])
		n++;
	return n;
}

/* The strings, each pushed: 0, or -E2BIG when they do not fit (ptr[] gets their addresses). */
static int exec_push_strings(struct exec_stack *st, const char *const v[], int n, uint64_t *ptr)
{
	for (int i = 0; i < n; i++) {
		ptr[i] = exec_push(st, v[i], strlen(v[i]) + 1);
		if (!ptr[i])
			return -E2BIG;
	}
	return 0;
}

/* Builds the initial stack: its sp, or 0 if the arguments do not fit. */
static uint64_t exec_stack(struct exec_stack *st, const char *path, const char *const argv[],
			   const char *const envp[], const uint64_t aux[][2], int naux)
{
	static uint64_t ptr[2 * PROC_ARGS_MAX + 2];	/* too big for the server's stack */
	int argc = exec_count(argv), envc = exec_count(envp), i;
	uint64_t rnd[2], execfn, random, sp, *table;

	if (argc > PROC_ARGS_MAX || envc > PROC_ARGS_MAX)
		return 0;
	rng_bytes(rnd, sizeof(rnd));	/* AT_RANDOM: 16 fresh bytes per execve */
	st->low = st->top;
	execfn = exec_push(st, path, strlen(path) + 1);
	if (exec_push_strings(st, argv, argc, ptr) < 0 || exec_push_strings(st, envp, envc, ptr + argc) < 0)
		return 0;
	random = exec_push(st, rnd, sizeof(rnd));
	if (!execfn || !random)
		return 0;
	sp = (st->low - 8 * (size_t)(1 + argc + 1 + envc + 1 + 2 * (naux + 3))) & ~15ul;
	table = (uint64_t *)(st->image + (sp - (st->top - STACK_IMAGE)));
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

/* The program's segments, then its interpreter's: 0, or -ENOMEM when they do not fit together. */
static long exec_load_all(long space, const struct exec_elf *prog, const struct exec_elf *interp)
{
	long err = exec_load_segments(space, prog->file, &prog->img, prog->bias, 0);

	if (err == 0 && interp)
		err = exec_load_segments(space, interp->file, &interp->img, interp->bias, 0);
	return err == -EEXIST ? -ENOMEM : err;	/* an ET_EXEC interpreter where the program is */
}

long exec_build(const struct exec_elf *prog, const struct exec_elf *interp, const struct exec_layout *l,
		const char *path, const char *const argv[], const char *const envp[], uint64_t *sp)
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
	err = exec_load_all(space, prog, interp);
	if (err < 0)
		goto fail;
	err = native_space_map(space, l->stack_top - l->stack_size, l->stack_size, KAGE_PROT_READ | KAGE_PROT_WRITE);
	if (err < 0)
		goto fail;
	st.top = l->stack_top - l->stack_pad;
	*sp = exec_stack(&st, path, argv, envp, aux, sizeof(aux) / sizeof(aux[0]));
	err = *sp ? 0 : -E2BIG;
	if (err < 0)
		goto fail;
	err = native_space_write(space, *sp, st.image + (*sp - (st.top - STACK_IMAGE)), st.top - *sp);
	if (err == 0)
		return space;
fail:
	native_handle_close(space);
	return err;
}
