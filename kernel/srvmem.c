#include "kernel/srvmem.h"
#include "kernel/frame.h"
#include "kernel/klock.h"
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

/* Pages and level-0 tables in each GiB of the window, kept as they change (never counted by a walk). */
static struct {
	uint64_t pages, tables;
} srvmem_use[SRVMEM_L1];

static unsigned srvmem_gib(uint64_t va)
{
	return (unsigned)((va - SRVMEM_BASE) >> 30);
}

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

/* The level-1 entry for va's 2 MiB (the window's level-1 tables always exist). */
static pte_t *srvmem_l1e(uint64_t va)
{
	pte_t *l1 = phys_to_virt(PTE_TO_PA(kmap_root()[SRVMEM_VPN2(va)]));

	return &l1[(va >> 21) & 0x1ff];
}

/* Frees the level-0 table of va's 2 MiB if it maps nothing any more. */
static void srvmem_prune(uint64_t va)
{
	pte_t *e = srvmem_l1e(va);
	const pte_t *l0;

	if (!(*e & PTE_V))
		return;
	l0 = phys_to_virt(PTE_TO_PA(*e));
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		if (l0[i] & PTE_V)
			return;
	frame_unref(PTE_TO_PA(*e));
	*e = 0;
	srvmem_use[srvmem_gib(va)].tables--;
}

/* Frees the pages of [va, end) and the tables left empty: work in proportion to the pages there. */
static void srvmem_free(uint64_t va, uint64_t end)
{
	uint64_t at, table = 0;

	for (pte_t *e = pt_next_leaf(kmap_root(), va, end, &at); e; e = pt_next_leaf(kmap_root(), at + PAGE_SIZE, end, &at)) {
		if (table && table != (at & ~((2ul << 20) - 1)))
			srvmem_prune(table);
		table = at & ~((2ul << 20) - 1);
		frame_unref(PTE_TO_PA(*e));
		*e = 0;
		srvmem_use[srvmem_gib(at)].pages--;
	}
	if (table)
		srvmem_prune(table);
	sfence_vma_all();
	klock_kernel_unmapped();	/* the window is in every hart's kernel half: each flushes as it takes the lock */
}

/* A zeroed frame at the window's page va, PTE_R/W bits perm: 0, -ENOMEM or -EFAULT. */
static int srvmem_page(uint64_t va, uint64_t perm)
{
	uint64_t pa;
	int err;

	if (frame_alloc(&pa) < 0)
		return -ENOMEM;
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	err = pt_map_page(kmap_root(), va, pa, perm | PTE_G, &srvmem_use[srvmem_gib(va)].tables);
	if (err < 0) {
		frame_unref(pa);
		return err == -ENOMEM ? err : -EFAULT;
	}
	srvmem_use[srvmem_gib(va)].pages++;
	return 0;
}

/* As space_map populates: the pages first, the range last, so a failure takes back only pages. */
static int srvmem_populate(uint64_t va, uint64_t size, uint64_t perm)
{
	struct frame_stats fs;
	int err = 0;

	frame_get_stats(&fs);
	if (size / PAGE_SIZE > fs.free)
		return -ENOMEM;	/* can never fit */
	for (uint64_t p = va; p < va + size && err == 0; p += PAGE_SIZE)
		err = srvmem_page(p, perm);
	if (err == 0)
		err = region_add(&srvmem_regions, va, va + size, perm);
	if (err < 0)
		srvmem_free(va, va + size);
	return err;
}

int srvmem_map(uint64_t va, uint64_t size, uint64_t perm)
{
	uint64_t populate = perm & SPACE_POPULATE, at;

	perm &= ~SPACE_POPULATE;
	if (!srvmem_range(va, size) || !perm || (perm & ~SRVMEM_PERM))
		return -EINVAL;
	if (!populate)
		return region_add(&srvmem_regions, va, va + size, perm);
	if (region_first_in(&srvmem_regions, va, va + size) || pt_next_leaf(kmap_root(), va, va + size, &at))
		return -EEXIST;
	return srvmem_populate(va, size, perm);
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

	if (!r || (r->perm & access) != access)
		return -EFAULT;
	return srvmem_page(va & ~(PAGE_SIZE - 1), r->perm);
}

uint64_t srvmem_pages(uint64_t va, uint64_t end)
{
	uint64_t pages = 0;

	for (unsigned i = srvmem_gib(va); i < SRVMEM_L1 && i < srvmem_gib(end); i++)
		pages += srvmem_use[i].pages + srvmem_use[i].tables;
	return pages;
}

void srvmem_stat(struct kage_space_stat *st)
{
	st->pages = st->tables = 0;
	for (unsigned i = 0; i < SRVMEM_L1; i++) {
		st->pages += srvmem_use[i].pages;
		st->tables += srvmem_use[i].tables;
	}
	st->regions = srvmem_regions.n;
}

void srvmem_release(void)
{
	srvmem_free(SRVMEM_BASE, SRVMEM_BASE + SRVMEM_SIZE);
	region_set_clear(&srvmem_regions);
}
