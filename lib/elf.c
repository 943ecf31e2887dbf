/*
 * ELF64 validation. The file is untrusted (any program can execve any
 * file), so every field is read byte-wise (the file may sit at any
 * alignment in memory), every offset and size is checked against the
 * file with arithmetic that cannot wrap, and checking finishes before
 * the caller acts on anything. A caller may hold only the file's first
 * bytes (its head): the headers must then lie there.
 */
#include "lib/elf.h"
#include "lib/errno.h"
#include "lib/kage_abi.h"
#include "lib/string.h"

#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define PATH_MAX 4096

static uint64_t elf_le(const uint8_t *p, int bytes)
{
	uint64_t v = 0;

	while (bytes--)
		v = v << 8 | p[bytes];
	return v;
}

static int elf_refuse(struct elf_image *img, int err, const char *why)
{
	img->why = why;
	return err;
}

/* Bytes [off, off + len) of the file must be in the head: else how many would have been needed. */
static int elf_in_head(uint64_t off, uint64_t len, size_t avail, struct elf_image *img)
{
	if (off + len <= avail)
		return 0;
	img->head_needed = off + len;
	return elf_refuse(img, -ENOEXEC, "headers beyond the part of the file read");
}

static int elf_header(const uint8_t *f, size_t avail, uint64_t size, struct elf_image *img)
{
	if (size < EHDR_SIZE)
		return elf_refuse(img, -ENOEXEC, "not an ELF file");
	if (elf_in_head(0, EHDR_SIZE, avail, img) < 0)
		return -ENOEXEC;
	if (memcmp(f, "\177ELF", 4) != 0)
		return elf_refuse(img, -ENOEXEC, "not an ELF file");
	if (f[4] != ELFCLASS64)
		return elf_refuse(img, -ENOEXEC, "not a 64-bit ELF file");
	if (f[5] != ELFDATA2LSB || f[6] != EV_CURRENT)
		return elf_refuse(img, -ENOEXEC, "not a little-endian ELF version 1 file");
	img->type = (uint16_t)elf_le(f + 16, 2);
	if (img->type != ET_EXEC && img->type != ET_DYN)
		return elf_refuse(img, -ENOEXEC, "not an executable (ET_EXEC or ET_DYN)");
	if (elf_le(f + 18, 2) != EM_RISCV)
		return elf_refuse(img, -ENOEXEC, "not a RISC-V executable");
	img->entry = elf_le(f + 24, 8);
	img->phoff = elf_le(f + 32, 8);
	img->phentsize = (uint16_t)elf_le(f + 54, 2);
	img->phnum = (uint16_t)elf_le(f + 56, 2);
	if (img->phentsize != PHDR_SIZE)
		return elf_refuse(img, -ENOEXEC, "unexpected program header size");
	if (img->phnum == 0 || img->phnum > ELF_MAX_PHNUM)
		return elf_refuse(img, -ENOEXEC, "absurd number of program headers");
	if (img->phoff > size || (uint64_t)img->phnum * PHDR_SIZE > size - img->phoff)
		return elf_refuse(img, -ENOEXEC, "program headers outside the file");
	return elf_in_head(img->phoff, (uint64_t)img->phnum * PHDR_SIZE, avail, img);
}

static int elf_load_segment(const uint8_t *ph, size_t size, uint64_t user_top, struct elf_image *img)
{
	struct elf_segment *s;
	uint64_t align = elf_le(ph + 48, 8);

	if (img->nload == ELF_MAX_LOAD)
		return elf_refuse(img, -ENOEXEC, "too many loadable segments");
	s = &img->load[img->nload];
	s->flags = (uint32_t)elf_le(ph + 4, 4);
	s->offset = elf_le(ph + 8, 8);
	s->vaddr = elf_le(ph + 16, 8);
	s->filesz = elf_le(ph + 32, 8);
	s->memsz = elf_le(ph + 40, 8);
	if (s->filesz > s->memsz)
		return elf_refuse(img, -ENOEXEC, "segment with p_filesz > p_memsz");
	if (s->offset > size || s->filesz > size - s->offset)
		return elf_refuse(img, -ENOEXEC, "segment data outside the file");
	if (align > 1 && (align & (align - 1)))
		return elf_refuse(img, -ENOEXEC, "segment alignment not a power of two");
	if (align > ELF_MAX_ALIGN)
		return elf_refuse(img, -ENOEXEC, "segment alignment beyond 1 GiB");
	if (align > img->align)
		img->align = align;
	if ((s->vaddr - s->offset) % ELF_PAGE)
		return elf_refuse(img, -ENOEXEC, "segment address and offset not page-congruent");
	if (s->memsz > user_top || s->vaddr > user_top - s->memsz)
		return elf_refuse(img, -ENOMEM, "segment outside user space");
	if (img->nload && s->vaddr < img->load[img->nload - 1].vaddr + img->load[img->nload - 1].memsz)
		return elf_refuse(img, -ENOEXEC, "overlapping or unordered segments");
	img->nload++;
	return 0;
}

static int elf_interp(const uint8_t *f, size_t avail, uint64_t size, const uint8_t *ph, struct elf_image *img)
{
	uint64_t off = elf_le(ph + 8, 8), len = elf_le(ph + 32, 8);

	if (img->interp)
		return elf_refuse(img, -ENOEXEC, "more than one PT_INTERP");
	if (off > size || len > size - off || len < 2 || len > PATH_MAX)
		return elf_refuse(img, -ENOEXEC, "PT_INTERP outside the file or of absurd length");
	if (elf_in_head(off, len, avail, img) < 0)
		return -ENOEXEC;
	if (f[off + len - 1] != '\0' || memchr(f + off, '\0', len - 1))
		return elf_refuse(img, -ENOEXEC, "PT_INTERP is not one NUL-terminated path");
	img->interp = (const char *)f + off;
	return 0;
}

/* The program headers' address, from PT_PHDR or the segment that maps them. */
static void elf_find_phdr(struct elf_image *img, uint64_t pt_phdr)
{
	uint64_t len = (uint64_t)img->phnum * PHDR_SIZE;
	unsigned i;

	if (pt_phdr) {
		img->phdr_vaddr = pt_phdr;
		return;
	}
	for (i = 0; i < img->nload; i++) {
		const struct elf_segment *s = &img->load[i];

		if (img->phoff >= s->offset && img->phoff - s->offset + len <= s->filesz)
			img->phdr_vaddr = s->vaddr + (img->phoff - s->offset);
	}
}

static int elf_check_span(struct elf_image *img, uint64_t user_top)
{
	const struct elf_segment *last = &img->load[img->nload - 1];
	unsigned i;

	img->lo = img->load[0].vaddr & ~(ELF_PAGE - 1);
	img->hi = (last->vaddr + last->memsz + ELF_PAGE - 1) & ~(ELF_PAGE - 1);
	if (img->align < ELF_PAGE)
		img->align = ELF_PAGE;
	if (img->hi > user_top || img->hi < img->lo)
		return elf_refuse(img, -ENOMEM, "segments reach past user space");
	for (i = 0; i < img->nload; i++) {
		const struct elf_segment *s = &img->load[i];

		if ((s->flags & PF_X) && img->entry >= s->vaddr && img->entry - s->vaddr < s->memsz)
			return 0;
	}
	return elf_refuse(img, -ENOEXEC, "entry point outside every executable segment");
}

unsigned elf_prot(uint32_t p_flags)
{
	unsigned prot = 0;

	if (p_flags & PF_R)
		prot |= KAGE_PROT_READ;
	if (p_flags & PF_W)
		prot |= KAGE_PROT_WRITE;
	if (p_flags & PF_X)
		prot |= KAGE_PROT_EXEC;
	return prot;
}

int elf_parse(const void *file, size_t size, uint64_t user_top, struct elf_image *img)
{
	return elf_parse_head(file, size, size, user_top, img);
}

int elf_parse_head(const void *head, size_t avail, uint64_t size, uint64_t user_top, struct elf_image *img)
{
	const uint8_t *f = head;
	uint64_t pt_phdr = 0;
	unsigned i;
	int err;

	memset(img, 0, sizeof(*img));
	err = elf_header(f, avail, size, img);
	if (err < 0)
		return err;
	for (i = 0; i < img->phnum; i++) {
		const uint8_t *ph = f + img->phoff + (uint64_t)i * PHDR_SIZE;
		uint32_t type = (uint32_t)elf_le(ph, 4);

		if (type == PT_LOAD && elf_le(ph + 40, 8) != 0)
			err = elf_load_segment(ph, size, user_top, img);
		else if (type == PT_INTERP)
			err = elf_interp(f, avail, size, ph, img);
		else if (type == PT_PHDR)
			pt_phdr = elf_le(ph + 16, 8);
		else if (type == PT_GNU_STACK)
			img->exec_stack = (elf_le(ph + 4, 4) & PF_X) != 0;
		if (err < 0)
			return err;
	}
	if (img->nload == 0)
		return elf_refuse(img, -ENOEXEC, "no loadable segment");
	elf_find_phdr(img, pt_phdr);
	return elf_check_span(img, user_top);
}
