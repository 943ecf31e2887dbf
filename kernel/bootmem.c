#include "kernel/bootmem.h"
#include "kernel/console.h"
#include "kernel/frame.h"
#include "kernel/memlayout.h"
#include "kernel/panic.h"
#include "lib/string.h"

#define BOOTMEM_MAX_FREE 64
#define BOOTMEM_FIRMWARE_SIZE 0x200000ull	/* the Image header's text_offset */

extern char _kernel_start[], _kernel_end[];

static void bootmem_reserve(struct bootmem *bm, uint64_t base, uint64_t size, const char *why)
{
	if (size == 0)
		return;
	kassert(bm->nreserved < BOOTMEM_MAX_RESERVED);
	bm->reserved[bm->nreserved].base = base;
	bm->reserved[bm->nreserved].size = size;
	bm->reserved_why[bm->nreserved++] = why;
}

/*
 * Firmware (OpenSBI, or a vendor's) lives at the start of the RAM range the
 * kernel is loaded into and protects itself with PMP; not every firmware
 * lists itself in /reserved-memory. The Image header's text_offset tells
 * boot loaders to put the kernel 2 MiB into RAM, which leaves those 2 MiB
 * to firmware: they are never handed out. RAM between them and a kernel
 * loaded higher is ordinary free RAM.
 */
static void bootmem_collect(struct bootmem *bm, const struct platform *p, uint64_t load_pa,
			    uint64_t dtb_pa, uint64_t dtb_size)
{
	uint64_t image_size = (uint64_t)(_kernel_end - _kernel_start);
	unsigned i;

	for (i = 0; i < p->nmem; i++)
		if (load_pa >= p->mem[i].base && load_pa - p->mem[i].base < p->mem[i].size)
			bootmem_reserve(bm, p->mem[i].base, BOOTMEM_FIRMWARE_SIZE, "firmware");
	bootmem_reserve(bm, load_pa, image_size, "kernel");
	bootmem_reserve(bm, dtb_pa, dtb_size, "device tree");
	if (p->initrd_end > p->initrd_start)
		bootmem_reserve(bm, p->initrd_start, p->initrd_end - p->initrd_start, "initrd");
	for (i = 0; i < p->nreserved; i++)
		bootmem_reserve(bm, p->reserved[i].base, p->reserved[i].size, "reserved-memory");
}

/* RAM the direct map can reach, page-aligned inward. */
static unsigned bootmem_ram(const struct platform *p, struct memrange *ram)
{
	unsigned i, n = 0;

	for (i = 0; i < p->nmem; i++) {
		uint64_t base = (p->mem[i].base + FRAME_SIZE - 1) & ~(FRAME_SIZE - 1);
		uint64_t end = (p->mem[i].base + p->mem[i].size) & ~(FRAME_SIZE - 1);

		if (end > KERNEL_DIRECT_SIZE) {
			kprintf("kage: ignoring RAM above %p\n", (void *)KERNEL_DIRECT_SIZE);
			end = KERNEL_DIRECT_SIZE;
		}
		if (end > base) {
			ram[n].base = base;
			ram[n].size = end - base;
			n++;
		}
	}
	return n;
}

void bootmem_init(struct bootmem *bm, const struct platform *p, uint64_t load_pa,
		  uint64_t dtb_pa, uint64_t dtb_size)
{
	struct memrange free[BOOTMEM_MAX_FREE];
	unsigned i;
	int nfree;

	memset(bm, 0, sizeof(*bm));
	bootmem_collect(bm, p, load_pa, dtb_pa, dtb_size);
	bm->nram = bootmem_ram(p, bm->ram);
	nfree = memmap_free(bm->ram, bm->nram, bm->reserved, bm->nreserved, free, BOOTMEM_MAX_FREE);
	if (nfree < 0)
		panic("bootmem: memory map too fragmented (more than %d free pieces)", BOOTMEM_MAX_FREE);
	/* Descriptors come out of free RAM; they stay counted as used. */
	for (i = 0; i < bm->nram; i++) {
		uint64_t bytes = frame_desc_bytes(bm->ram[i].size);
		uint64_t pa = memmap_take(free, (unsigned)nfree, bytes);

		if (pa == 0)
			panic("bootmem: no room for %lu bytes of frame descriptors", bytes);
		memset(phys_to_virt(pa), 0, bytes);
		if (frame_add_zone(bm->ram[i].base, bm->ram[i].size, phys_to_virt(pa)) < 0)
			panic("bootmem: cannot add RAM %p+%lx", (void *)bm->ram[i].base, bm->ram[i].size);
	}
	for (i = 0; i < (unsigned)nfree; i++) {
		uint64_t pa;

		for (pa = free[i].base; pa < free[i].base + free[i].size; pa += FRAME_SIZE)
			frame_unref(pa);
	}
}
