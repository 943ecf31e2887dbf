/*
 * /proc/N/maps: what the kernel says the process's space maps
 * (space_ranges, read a batch at a time until it says nothing is left),
 * one line per range as Linux prints a VMA, with the names this server
 * can give from what it knows of the image:
 *  - the program and its interpreter: their ELF headers, read where
 *    execve mapped them (the program's first mapping below the break,
 *    the interpreter at the top of the mmap area), give each segment's
 *    span and file offset, a file page's name and its bss none;
 *  - [heap], the break's pages; [stack], the range ending where the
 *    stack region may end (between EXEC_STACK_TOP less the random gap
 *    and EXEC_STACK_TOP: nothing else execve places ends there);
 *    [sigpage], the signal return page.
 * Nothing is kept at execve or fork for this (their cost is the same as
 * without /proc/N/maps), and the server keeps no list of mappings, so a
 * file mapped with mmap shows no name. The kernel's ranges are the
 * truth: a name only decorates, and a range is cut where a named span
 * ends inside it, as Linux's VMAs end where a file's mapping does.
 * The text grows in a heap buffer as long as it needs (65,530 mappings
 * are about 5 MiB); a zombie's is empty, as on Linux.
 */
#include "lib/elf.h"
#include "lib/fmt.h"
#include "lib/heap.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/proc/exec.h"
#include "servers/proc/procfs.h"

#define MAPS_BATCH 64			/* ranges asked of the kernel at a time */
#define MAPS_NAME_AT 73			/* the column where Linux starts a name on a 64-bit machine */
#define MAPS_LINE_MAX (MAPS_NAME_AT + PROC_EXE_MAX + 2)
#define MAPS_AREAS (2 * 2 * ELF_MAX_LOAD + 2)	/* a file part and a bss per segment of two files; heap, return page */
#define MAPS_CANDIDATES 4		/* mappings below the break tried for the program's headers */

/* A span this server can name: part of a file (its offset there), or anonymous. */
struct maps_area {
	uint64_t start, end;
	uint64_t offset;		/* the file's offset at start */
	uint64_t ino;
	const char *name;		/* NULL: anonymous, no name (a segment's bss) */
	int file;			/* a file's pages: offset and ino are printed */
};

/* What one open of maps works with: from the heap, too big for the server's stack. */
struct maps_ctx {
	const struct process *p;
	struct maps_area area[MAPS_AREAS];
	unsigned nareas, next;		/* the areas, by address; the first that may name what comes */
	struct kage_range batch[MAPS_BATCH];
	struct kage_range cur;		/* the range being joined (cur.end == 0: none) */
	struct elf_image img;
	struct linux_stat st;
	uint8_t head[PAGE];
	char interp[PROC_EXE_MAX];
	char *buf;			/* the file server's header, then the text */
	size_t len, cap;
	int out_of_memory;
};

static uint64_t maps_page_up(uint64_t va)
{
	return (va + PAGE - 1) & ~(PAGE - 1);
}

/* The inode of the file at path, as the file server's stat gives it; 0 if it cannot. */
static uint64_t maps_ino(struct maps_ctx *c, const char *path)
{
	const uint64_t w[6] = { FS_OP_PROC_LINK, proc_key(c->p), PROTO_PROCFS_STAT, PROTO_PROCFS_PATH,
				(uint64_t)path, (uint64_t)&c->st };

	return files_op(w, NULL) == 0 ? c->st.st_ino : 0;
}

/* Adds [start, end) after the areas there are, cut where it would overlap them. */
static void maps_add_area(struct maps_ctx *c, uint64_t start, uint64_t end, uint64_t offset, uint64_t ino,
			  const char *name, int file)
{
	uint64_t last = c->nareas ? c->area[c->nareas - 1].end : 0;

	if (start < last) {
		offset += last - start;
		start = last;
	}
	if (start >= end || c->nareas == MAPS_AREAS)
		return;
	c->area[c->nareas++] = (struct maps_area){ start, end, offset, ino, name, file };
}

/* Each PT_LOAD segment of c->img at bias: its file pages named `name`, its bss anonymous. */
static void maps_add_image(struct maps_ctx *c, uint64_t bias, const char *name)
{
	uint64_t ino = maps_ino(c, name);

	for (unsigned i = 0; i < c->img.nload; i++) {
		const struct elf_segment *s = &c->img.load[i];
		uint64_t lo = (s->vaddr + bias) & ~(PAGE - 1), file_end = maps_page_up(s->vaddr + bias + s->filesz);

		maps_add_area(c, lo, file_end, s->offset & ~(PAGE - 1), ino, name, 1);
		maps_add_area(c, file_end, maps_page_up(s->vaddr + bias + s->memsz), 0, 0, NULL, 0);
	}
}

/* The ELF headers at va, where execve put an image's first page: 0, or -1 if none are there. */
static int maps_read_image(struct maps_ctx *c, uint64_t va)
{
	if (native_space_read(c->p->space, va, c->head, PAGE) < 0)
		return -1;
	return elf_parse_head(c->head, PAGE, EXEC_SEGMENT_TOP, EXEC_SEGMENT_TOP, &c->img) < 0 ? -1 : 0;
}

/* The program: the first of its lowest mappings below the break that holds its headers where they load. */
static void maps_find_program(struct maps_ctx *c)
{
	uint64_t heap = maps_page_up(c->p->brk_start), bias;
	long n = native_space_ranges(c->p->space, 0, c->batch, MAPS_CANDIDATES);

	for (long i = 0; i < n && c->batch[i].start < heap; i++) {
		if (!(c->batch[i].prot & KAGE_PROT_READ) || maps_read_image(c, c->batch[i].start) < 0)
			continue;
		bias = c->img.type == ET_DYN ? c->batch[i].start - c->img.lo : 0;
		if (c->img.lo + bias != c->batch[i].start)
			continue;
		if (c->img.interp)
			strlcpy(c->interp, c->img.interp, sizeof(c->interp));
		maps_add_image(c, bias, c->p->live->exe);
		return;
	}
}

/* The names: the program, its heap, its interpreter (at the top of the mmap area), the return page. */
static void maps_find_names(struct maps_ctx *c)
{
	const struct process *p = c->p;
	uint64_t heap = maps_page_up(p->brk_start);

	maps_find_program(c);
	if (maps_page_up(p->brk) > heap)
		maps_add_area(c, heap, maps_page_up(p->brk), 0, 0, "[heap]", 0);
	if (c->interp[0] && maps_read_image(c, p->mmap_base) == 0 && c->img.type == ET_DYN)
		maps_add_image(c, p->mmap_base - c->img.lo, c->interp);
	if (p->sig.tramp)
		maps_add_area(c, SIG_TRAMP_VA, SIG_TRAMP_VA + PAGE, 0, 0, "[sigpage]", 0);
}

/* Room for one more line: 0, or -1 when memory is out (the text so far stays). */
static int maps_room(struct maps_ctx *c)
{
	char *bigger;

	if (c->cap - c->len >= MAPS_LINE_MAX)
		return 0;
	bigger = heap_realloc(&proc_heap, c->buf, 2 * c->cap + MAPS_LINE_MAX);
	if (!bigger) {
		c->out_of_memory = 1;
		return -1;
	}
	c->buf = bigger;
	c->cap = 2 * c->cap + MAPS_LINE_MAX;
	return 0;
}

/* One line, as Linux's show_map_vma prints it: a name starts at MAPS_NAME_AT, and a line without one ends in a space. */
static void maps_line(struct maps_ctx *c, uint64_t start, uint64_t end, const struct kage_range *r,
		      const struct maps_area *a)
{
	int file = a && a->file, n;
	char *line;

	if (maps_room(c) < 0)
		return;
	line = c->buf + c->len;
	n = fmt_snprintf(line, MAPS_LINE_MAX, "%08lx-%08lx %c%c%c%c %08lx 00:00 %lu ", (unsigned long)start,
			 (unsigned long)end, r->prot & KAGE_PROT_READ ? 'r' : '-', r->prot & KAGE_PROT_WRITE ? 'w' : '-',
			 r->prot & KAGE_PROT_EXEC ? 'x' : '-', r->kind & KAGE_RANGE_SHARED ? 's' : 'p',
			 (unsigned long)(file ? a->offset + (start - a->start) : 0), (unsigned long)(file ? a->ino : 0));
	if (a && a->name && a->name[0])
		n += fmt_snprintf(line + n, MAPS_LINE_MAX - (size_t)n, "%*s%s", n < MAPS_NAME_AT ? MAPS_NAME_AT - n : 0,
				  "", a->name);
	line[n] = '\n';
	c->len += (size_t)n + 1;
}

/* Whether a range ending at `end` is the stack region's: only it ends in that window. */
static int maps_is_stack(uint64_t end)
{
	return end > EXEC_STACK_TOP - EXEC_STACK_GAP && end <= EXEC_STACK_TOP;
}

/* A whole range: cut where named areas start and end inside it, each part a line. */
static void maps_emit(struct maps_ctx *c, const struct kage_range *r)
{
	static const struct maps_area stack = { .name = "[stack]" };

	for (uint64_t at = r->start, end; at < r->end; at = end) {
		const struct maps_area *a = NULL;

		while (c->next < c->nareas && c->area[c->next].end <= at)
			c->next++;
		end = r->end;
		if (c->next < c->nareas && c->area[c->next].start <= at)
			a = &c->area[c->next];
		if (a && a->end < end)
			end = a->end;
		else if (!a && c->next < c->nareas && c->area[c->next].start < end)
			end = c->area[c->next].start;
		if (!a && end == r->end && maps_is_stack(end))
			a = &stack;
		maps_line(c, at, end, r, a);
	}
}

/* Joins a range to the one before it if a call's budget cut them apart (the kernel's own rule), else emits that one. */
static void maps_take(struct maps_ctx *c, const struct kage_range *r)
{
	struct kage_range *cur = &c->cur;

	if (cur->end == r->start && cur->prot == r->prot &&
	    !((cur->kind ^ r->kind) & KAGE_RANGE_SHARED)) {
		cur->end = r->end;
		cur->kind |= r->kind;
		return;
	}
	if (cur->end)
		maps_emit(c, cur);
	*cur = *r;
}

/* Every range of the space, a batch at a time, then the last one held back for joining. */
static void maps_walk(struct maps_ctx *c)
{
	uint64_t from = 0;
	long n;

	do {
		n = native_space_ranges(c->p->space, from, c->batch, MAPS_BATCH);
		for (long i = 0; i < n; i++)
			maps_take(c, &c->batch[i]);
		if (n > 0)
			from = c->batch[n - 1].end;
	} while (n > 0 && !c->out_of_memory);
	if (c->cur.end)
		maps_emit(c, &c->cur);
}

void *procfs_maps(const struct process *p, void *buf, size_t head, size_t *len)
{
	struct maps_ctx *c;

	*len = head;
	if (p->state != PROCESS_LIVE || p->space < 0)
		return buf;	/* a zombie has no memory left, as on Linux */
	c = heap_zalloc(&proc_heap, sizeof(*c));
	if (!c) {
		heap_free(&proc_heap, buf);
		return NULL;
	}
	c->p = p;
	c->buf = buf;
	c->len = head;
	c->cap = heap_usable(&proc_heap, buf);
	maps_find_names(c);
	maps_walk(c);
	buf = c->buf;
	*len = c->len;
	if (c->out_of_memory) {
		heap_free(&proc_heap, buf);
		buf = NULL;
	}
	heap_free(&proc_heap, c);
	return buf;
}
