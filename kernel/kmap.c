#include <stddef.h>
#include "kernel/kmap.h"
#include "kernel/console.h"
#include "kernel/memlayout.h"
#include "kernel/pagetable.h"
#include "kernel/panic.h"
#include "kernel/srvmem.h"

extern char _kernel_start[], _text_end[], _rodata_end[], _kernel_end[];

static pte_t *kmap_root_table;
static uint64_t kmap_root_pa;
static uint64_t kmap_device_next = KERNEL_DEVICE_BASE;
static uint64_t kmap_load_pa;

#define VPN2(va) (((va) >> 30) & 0x1ff)

static void kmap_or_panic(uint64_t va, uint64_t pa, uint64_t size, uint64_t perm, bool large)
{
	int err = pt_map(kmap_root_table, va, pa, size, perm, large);

	if (err < 0)
		panic("kmap: cannot map %p (%lu bytes): error %d", (void *)va, size, err);
}

static uint64_t kmap_image_pa(const char *va)
{
	return (uint64_t)va - KERNEL_IMAGE_BASE + kmap_load_pa;
}

uint64_t kmap_image_to_phys(const void *va)
{
	return kmap_image_pa(va);
}

/* W^X for the kernel itself: a stray write cannot patch code. */
static void kmap_image(void)
{
	uint64_t text = (uint64_t)_kernel_start, rodata = (uint64_t)_text_end;
	uint64_t data = (uint64_t)_rodata_end, end = (uint64_t)_kernel_end;

	kmap_or_panic(text, kmap_image_pa(_kernel_start), rodata - text, PTE_R | PTE_X | PTE_G, false);
	kmap_or_panic(rodata, kmap_image_pa(_text_end), data - rodata, PTE_R | PTE_G, false);
	kmap_or_panic(data, kmap_image_pa(_rodata_end), end - data, PTE_R | PTE_W | PTE_G, false);
}

/* The direct map covers exactly the RAM the frame allocator manages. */
static void kmap_ram(const struct bootmem *bm)
{
	unsigned i;

	for (i = 0; i < bm->nram; i++)
		kmap_or_panic((uint64_t)phys_to_virt(bm->ram[i].base), bm->ram[i].base, bm->ram[i].size,
			      PTE_R | PTE_W | PTE_G, true);
}

void kmap_build(const struct bootmem *bm, uint64_t load_pa)
{
	kmap_load_pa = load_pa;
	if (pt_alloc_table(&kmap_root_pa) < 0)
		panic("kmap: no memory for the kernel page table");
	kmap_root_table = phys_to_virt(kmap_root_pa);
	kmap_image();
	kmap_ram(bm);
	/*
	 * The image and direct-map entries are complete; the device window
	 * (one root entry, 1 GiB) gets its table now so that later device
	 * mappings change only shared lower levels. See kmap.h.
	 */
	if (pt_ensure_l1(kmap_root_table, VPN2(KERNEL_DEVICE_BASE)) < 0)
		panic("kmap: no memory for the device window");
#ifdef KAGE_MODE_MONO
	srvmem_prepare(kmap_root_table);	/* likewise the servers' memory window */
#endif
}

void *kmap_device(uint64_t pa, uint64_t size)
{
	uint64_t off = pa & (PAGE_SIZE - 1);
	uint64_t base = pa - off;
	uint64_t len = (size + off + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	uint64_t va = kmap_device_next;

	if (len == 0 || len > KERNEL_DEVICE_BASE + KERNEL_DEVICE_SIZE - va)
		return NULL;
	/* Past the range even if a table could not be made: the next map must not land on half of it. */
	kmap_device_next += len;
	if (pt_map(kmap_root_table, va, base, len, PTE_R | PTE_W | PTE_G, false) < 0)
		return NULL;
	sfence_vma_all();
	return (void *)(va + off);
}

uint64_t kmap_satp(void)
{
	return SATP_MODE_SV39 | (kmap_root_pa >> PAGE_SHIFT);
}

void kmap_activate(void)
{
	sfence_vma_all();
	csr_write(satp, SATP_MODE_SV39 | (kmap_root_pa >> PAGE_SHIFT));
	sfence_vma_all();
}

pte_t *kmap_root(void)
{
	return kmap_root_table;
}
