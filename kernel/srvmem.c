#include "kernel/srvmem.h"
#include "kernel/frame.h"
#include "kernel/kmap.h"
#include "kernel/memlayout.h"
#include "kernel/pagetable.h"
#include "kernel/panic.h"
#include "kernel/region.h"
#include "kernel/space.h"
#include "lib/errno.h"
#include "lib/kage_abi.h"
#include "lib/string.h"

#define SRVMEM_L1 (SRVMEM_SIZE >> 30)		/* root entries: one per GiB */
#define SRVMEM_VPN2(va) (((va) >> 30) & 0x1ff)
#define SRVMEM_PERM (PTE_R | PTE_W)

_Static_assert(SRVMEM_BASE >= KERNEL_DEVICE_BASE + KERNEL_DEVICE_SIZE &&
		       SRVMEM_BASE + SRVMEM_SIZE <= KERNEL_IMAGE_BASE && !(SRVMEM_BASE & ((1ul << 30) - 1)),
	       "the window lies between the device windows and the kernel image, on whole GiB");
_Static_assert(SRVMEM_SIZE == KAGE_SERVERS * KAGE_SERVER_WINDOW, "each server's part of the window (lib/kage_abi.h)");

static struct region_set srvmem_regions;

void srvmem_prepare(pte_t *root)
{
	for (uint64_t i = 0; i < SRVMEM_L1; i++)
		if (pt_ensure_l1(root, SRVMEM_VPN2(SRVMEM_BASE) + (unsigned)i) < 0)
			panic("srvmem: no memory for the server window's tables");
}

static int srvmem_range(uint64_t va, uint64_t size)
{
	return !((va | size) & (PAGE_SIZE - 1)) && size && va >= SRVMEM_BASE && va < SRVMEM_BASE + SRVMEM_SIZE &&
	       size <= SRVMEM_BASE + SRVMEM_SIZE - va;
}

int srvmem_map(uint64_t va, uint64_t size, uint64_t perm)
{
	uint64_t populate = perm & SPACE_POPULATE;
	int err;

	perm &= ~SPACE_POPULATE;
	if (!srvmem_range(va, size) || !perm || (perm & ~SRVMEM_PERM))
		return -EINVAL;
	err = region_add(&srvmem_regions, va, va + size, perm);
	if (err < 0 || !populate)
		return err;
	for (uint64_t p = va; p < va + size; p += PAGE_SIZE) {
		err = srvmem_fault(p, perm);
		if (err < 0) {
			srvmem_unmap(va, size);	/* all or nothing */
			return err;
		}
	}
	return 0;
}

/* The level-0 table covering va (its 2 MiB), or NULL when none was made. */
static pte_t *srvmem_l0(uint64_t va)
{
	pte_t *l1 = phys_to_virt(PTE_TO_PA(kmap_root()[SRVMEM_VPN2(va)]));
	pte_t e = l1[(va >> 21) & 0x1ff];

	return (e & PTE_V) ? phys_to_virt(PTE_TO_PA(e)) : NULL;
}

/* Frees the pages of [va, end) (inside one 2 MiB table); the table too when `all` of it goes. */
static void srvmem_free_pages(uint64_t va, uint64_t end, int whole)
{
	pte_t *l0 = srvmem_l0(va);

	if (!l0)
		return;
	for (uint64_t a = va; a < end; a += PAGE_SIZE) {
		pte_t *e = &l0[(a >> 12) & 0x1ff];

		if (*e & PTE_V)
			frame_unref(PTE_TO_PA(*e));
		*e = 0;
	}
	if (whole) {
		pte_t *l1 = phys_to_virt(PTE_TO_PA(kmap_root()[SRVMEM_VPN2(va)]));

		l1[(va >> 21) & 0x1ff] = 0;
		frame_unref(virt_to_phys(l0));
	}
}

static void srvmem_free(uint64_t va, uint64_t end)
{
	while (va < end) {
		uint64_t next = (va | ((2ul << 20) - 1)) + 1;

		if (next > end)
			next = end;
		srvmem_free_pages(va, next, !(va & ((2ul << 20) - 1)) && next - va == (2ul << 20));
		va = next;
	}
	sfence_vma_all();
}

int srvmem_unmap(uint64_t va, uint64_t size)
{
	int err;

	if (!srvmem_range(va, size))
		return -EINVAL;
	err = region_remove(&srvmem_regions, va, va + size);
	if (err < 0)
		return err;
	srvmem_free(va, va + size);
	return 0;
}

int srvmem_fault(uint64_t va, uint64_t access)
{
	const struct region *r = region_find(&srvmem_regions, va);
	uint64_t page = va & ~(PAGE_SIZE - 1), pa;

	int err;

	if (!r || (r->perm & access) != access)
		return -EFAULT;
	if (frame_alloc(&pa) < 0)
		return -ENOMEM;
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	err = pt_map(kmap_root(), page, pa, PAGE_SIZE, r->perm | PTE_G, false);
	if (err < 0) {
		frame_unref(pa);
		return err == -ENOMEM ? err : -EFAULT;
	}
	return 0;
}

uint64_t srvmem_pages(uint64_t va, uint64_t end)
{
	uint64_t pages = 0;

	for (va &= ~((2ul << 20) - 1); va < end; va += 2ul << 20) {
		const pte_t *l0 = srvmem_l0(va);

		if (!l0)
			continue;
		pages++;
		for (unsigned i = 0; i < PT_ENTRIES; i++)
			pages += (l0[i] & PTE_V) != 0;
	}
	return pages;
}

void srvmem_release(void)
{
	srvmem_free(SRVMEM_BASE, SRVMEM_BASE + SRVMEM_SIZE);
	srvmem_regions.n = 0;
}
