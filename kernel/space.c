/*
 * Address spaces: making, cloning and destroying them, faults, and
 * copies. User memory is reached through the direct map after a
 * page-table walk, never through user addresses, so a bad user pointer is
 * an -EFAULT from the walk and never a kernel fault. The calls on ranges
 * (map, unmap, protect) are kernel/space_map.c's.
 */
#include <stdbool.h>
#include "kernel/space.h"
#include "kernel/klock.h"
#include "kernel/counters.h"
#include "kernel/frame.h"
#include "kernel/kalloc.h"
#include "kernel/kmap.h"
#include "kernel/memlayout.h"
#include "kernel/memobj.h"
#include "kernel/pagetable.h"
#include "kernel/uaccess.h"
#include "lib/errno.h"
#include "lib/string.h"

#define USER_ENTRIES (PT_ENTRIES / 2)

static uint64_t space_live;

/* Leaves holding a frame reference: all but memory-object pages. */
static void space_leaf_unref(pte_t e)
{
	if (!(e & PTE_PHYS))
		frame_unref(PTE_TO_PA(e));
}

uint64_t space_count(void)
{
	return space_live;
}

/*
 * The leaves of a level-0 table, which are the bulk of a space's
 * destruction (a 64 MiB clone has 16,384): every valid entry there is a
 * 4 KiB leaf, so one test per entry says whether it holds a frame.
 */
static void space_free_leaves(const pte_t *table)
{
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		pte_t e = table[i];

		if ((e & (PTE_V | PTE_PHYS)) == PTE_V)
			frame_unref(PTE_TO_PA(e));
	}
}

static void space_free_table(pte_t *table, int level)
{
	unsigned i, n = level == 2 ? USER_ENTRIES : PT_ENTRIES;

	for (i = 0; i < n; i++) {
		pte_t e = table[i];

		if (!(e & PTE_V))
			continue;
		if (PTE_LEAF(e)) {
			space_leaf_unref(e);
			continue;
		}
		/* A level-0 table another space shares keeps its leaves: only this reference goes. */
		if (level == 1 && !frame_shared(PTE_TO_PA(e)))
			space_free_leaves(phys_to_virt(PTE_TO_PA(e)));
		else if (level == 2)
			space_free_table(phys_to_virt(PTE_TO_PA(e)), level - 1);
		frame_unref(PTE_TO_PA(e));
	}
}

static void space_destroy(struct kobj *obj)
{
	struct space *s = (struct space *)obj;

	klock_assert_held("space_destroy");
	/* No hart may walk tables that are about to be freed. */
	if (hart_self()->space == s)
		space_deactivate(hart_self());
	if (s->live)
		space_evict(s);
	space_free_table(s->root, 2);
	frame_unref(s->root_pa);
	region_set_clear(&s->regions);
	kfree(s, sizeof(*s));
	space_live--;
}

int space_create(struct space **out)
{
	uint64_t root_pa;
	struct space *s = kzalloc(sizeof(*s));

	if (!s)
		return -ENOMEM;
	if (pt_alloc_table(&root_pa) < 0) {
		kfree(s, sizeof(*s));
		return -ENOMEM;
	}
	kobj_init(&s->obj, KOBJ_SPACE, space_destroy);
	s->root_pa = root_pa;
	s->satp = SATP_MODE_SV39 | (root_pa >> PAGE_SHIFT);
	s->root = phys_to_virt(root_pa);
	s->tables = 1;
	s->regions.max = REGION_SPACE_MAX;
	memcpy(s->root + USER_ENTRIES, kmap_root() + USER_ENTRIES, USER_ENTRIES * sizeof(pte_t));
	space_live++;
	*out = s;
	return 0;
}

/* Maps pa at the user page va with PTE bits perm; the page's frame reference is the caller's to give. */
int space_set_page(struct space *s, uint64_t va, uint64_t pa, uint64_t perm)
{
	int err = pt_map_page(s->root, va, pa, perm, &s->tables);

	if (err == 0 && !(perm & PTE_PHYS))
		s->pages++;
	return err;
}

/* A zeroed frame at the user page va with permissions perm: 0, -ENOMEM, or -EFAULT (mapped already). */
int space_zero_page(struct space *s, uint64_t va, uint64_t perm)
{
	uint64_t pa;
	int err;

	if (pt_alloc_table(&pa) < 0)	/* a zeroed frame */
		return -ENOMEM;
	err = space_set_page(s, va, pa, perm | PTE_U);
	if (err < 0) {
		frame_unref(pa);
		return err == -ENOMEM ? err : -EFAULT;
	}
	return 0;
}

int space_map_anon(struct space *s, uint64_t va, uint64_t size, uint64_t perm)
{
	uint64_t end = va + size;
	int err;

	if ((va | size) & (PAGE_SIZE - 1) || end > USER_TOP || end < va || (perm & ~(PTE_R | PTE_W | PTE_X)))
		return -EINVAL;
	for (; va < end; va += PAGE_SIZE) {
		err = space_zero_page(s, va, perm);
		if (err < 0)
			return err == -EFAULT ? -EEXIST : err;
	}
	return 0;
}

/* Gives the page mapped by *e a frame of its own if other mappings share it; permissions stay. */
static inline __attribute__((always_inline)) int space_unshare(const struct space *s, pte_t *e, uint64_t va)
{
	uint64_t old = PTE_TO_PA(*e), pa;

	if (frame_shared(old)) {
		if (frame_alloc(&pa) < 0)
			return -ENOMEM;
		memcpy(phys_to_virt(pa), phys_to_virt(old), PAGE_SIZE);
		*e = PTE_FROM_PA(pa) | (*e & ((1ul << PTE_PPN_SHIFT) - 1));
		frame_unref(old);
		space_flush(s, va);
	}
	return 0;
}

/* A write to a copy-on-write page: its own frame (or just its write permission back). */
static int space_break_cow(const struct space *s, pte_t *e, uint64_t va)
{
	int err = space_unshare(s, e, va);

	if (err < 0)
		return err;
	*e = (*e | PTE_W) & ~PTE_COW;
	space_flush(s, va);
	return 0;
}

/* First touch of a page inside a region: a zeroed frame with the region's permissions, or its object's page. */
static inline __attribute__((always_inline)) int space_populate(struct space *s, uint64_t va)
{
	const struct region *r = region_find(&s->regions, va);

	if (!r)
		return -EFAULT;
	if (r->obj)
		return space_object_fault(s, r, va & ~(PAGE_SIZE - 1));
	return space_zero_page(s, va & ~(PAGE_SIZE - 1), r->perm);
}

/*
 * The kernel address of user byte `va` if its page has all of `need`.
 * Writing (`to_user`) first gives the page its own frame, so spaces that
 * share it keep their copy; a copy-on-write page becomes writable again.
 * With `whole` (a write that fills the page) an untouched page is left to
 * the caller: NULL with *err = 1, found by the same walk.
 */
static __attribute__((noinline)) uint8_t *space_byte_slow(struct space *s, uint64_t va, uint64_t need, bool to_user,
							    bool whole, int *err)
{
	pte_t *e;
	int r = 0;

	*err = -EFAULT;
	if (va >= USER_TOP)
		return NULL;
	/* Writing changes the leaf (its own frame, write permission back): its table first. */
	e = to_user ? pt_lookup_own(s->root, va, &r) : pt_lookup(s->root, va, NULL);
	if (r < 0) {
		*err = r;
		return NULL;
	}
	if (!e && whole) {
		*err = 1;
		return NULL;
	}
	if (!e) {
		r = space_populate(s, va);
		if (r == 0)
			e = pt_lookup(s->root, va, NULL);
		else if (r == -ENOMEM)
			*err = -ENOMEM;	/* mapped, but no frame to give it */
	}
	if (!e || !(*e & PTE_U))
		return NULL;
	if (*e & PTE_PHYS) {
		/* Memory-object pages are shared by design; device registers are not reached this way. */
		if (!frame_is_ram(PTE_TO_PA(*e)) || (*e & need) != need || (to_user && !(*e & PTE_MAYWRITE)))
			return NULL;
		return (uint8_t *)phys_to_virt(PTE_TO_PA(*e)) + (va & (PAGE_SIZE - 1));
	}
	/*
	 * The kernel writes only into frames no other mapping sees, unless the
	 * space may store into the page itself: a writable leaf that shares its
	 * frame is a writable mapping of a memory object, shared on purpose.
	 */
	if (to_user && !(*e & PTE_W)) {
		r = (*e & PTE_COW) ? space_break_cow(s, e, va) : space_unshare(s, e, va);
		if (r < 0) {
			*err = r == -ENOMEM ? r : -EFAULT;
			return NULL;
		}
	}
	if ((*e & (need | PTE_U)) != (need | PTE_U))
		return NULL;
	return (uint8_t *)phys_to_virt(PTE_TO_PA(*e)) + (va & (PAGE_SIZE - 1));
}

/*
 * space_byte_slow's common case, inline in every copy loop: a page mapped
 * with all of `need` and the user bit, of no memory object, and for a
 * write already writable (its table is then this space's own: a shared
 * table's leaves are all read-only or copy-on-write). Nothing to
 * populate, own, break or unshare, so the walk is the whole cost.
 */
static inline uint8_t *space_byte(struct space *s, uint64_t va, uint64_t need, bool to_user, bool whole, int *err)
{
	uint64_t want = need | PTE_U;
	pte_t *e;

	if (to_user)
		want |= PTE_W;
	e = va < USER_TOP ? pt_lookup_page(s->root, va) : NULL;
	if (!e || (*e & PTE_PHYS) || (*e & want) != want)
		return space_byte_slow(s, va, need, to_user, whole, err);
	return (uint8_t *)phys_to_virt(PTE_TO_PA(*e)) + (va & (PAGE_SIZE - 1));
}

static int space_copy(struct space *s, uint64_t va, void *buf, size_t len, uint64_t need, bool to_user)
{
	uint8_t *b = buf;
	int err;

	while (len) {
		size_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
		uint8_t *p = space_byte(s, va, need, to_user, false, &err);

		if (!p)
			return err;
		if (chunk > len)
			chunk = len;
		if (to_user)
			memcpy(p, b, chunk);
		else
			memcpy(b, p, chunk);
		va += chunk;
		b += chunk;
		len -= chunk;
	}
	return 0;
}

static size_t space_page_left(uint64_t va)
{
	return PAGE_SIZE - (va & (PAGE_SIZE - 1));
}

/*
 * A page not yet touched that a copy will fill entirely: a frame that need
 * not be zeroed first (loading an executable writes most of its pages
 * this way). NULL when the page is mapped already or the region refuses.
 */
static uint8_t *space_fresh_page(struct space *s, uint64_t va, bool as_user)
{
	const struct region *r;
	uint64_t pa;

	if (!s || pt_lookup(s->root, va, NULL))
		return NULL;
	r = region_find(&s->regions, va);
	if (!r || r->obj || (as_user && !(r->perm & PTE_W)))
		return NULL;	/* an object's page is the object's bytes until a store copies it */
	if (frame_alloc(&pa) < 0)
		return NULL;
	if (space_set_page(s, va, pa, r->perm | PTE_U) < 0) {
		frame_unref(pa);
		return NULL;
	}
	return phys_to_virt(pa);
}

/* Fills the fresh page d from src at sva; on a bad source the rest is zeroed, never left stale. */
static int space_fill(uint8_t *d, struct space *src, uint64_t sva)
{
	int err;

	if (!src) {
		memcpy(d, (const void *)sva, PAGE_SIZE);	/* kernel memory */
		return 0;
	}
	for (size_t done = 0, chunk; done < PAGE_SIZE; done += chunk) {
		uint8_t *p = space_byte(src, sva + done, PTE_R, false, false, &err);

		chunk = PAGE_SIZE - done < space_page_left(sva + done) ? PAGE_SIZE - done : space_page_left(sva + done);
		if (!p) {
			memset(d + done, 0, PAGE_SIZE - done);
			return err;
		}
		memcpy(d + done, p, chunk);
	}
	return 0;
}

/* The kernel address of va in s (NULL: va is the kernel's own), as space_byte. */
static uint8_t *space_at(struct space *s, uint64_t va, uint64_t need, bool to_user, int *err)
{
	return s ? space_byte(s, va, need, to_user, false, err) : (uint8_t *)va;
}

/*
 * Why each side's page is looked up once, not once a chunk: when the two
 * addresses sit at different offsets in their pages every page is copied
 * in two chunks, and a lookup (a walk, and for the destination the
 * ownership of its table) costs more than copying a chunk of a few
 * hundred bytes. Within one space the source is looked up again after
 * the destination, whose page may have just been given its own frame.
 */
int space_transfer(struct space *dst, uint64_t dva, struct space *src, uint64_t sva, size_t len,
		   bool as_user)
{
	uint8_t *d = NULL, *p = NULL;
	int err;

	while (len) {
		uint8_t *fresh = NULL;

		if (!(dva & (PAGE_SIZE - 1)) && len >= PAGE_SIZE)
			fresh = space_fresh_page(dst, dva, as_user);
		if (fresh) {
			err = space_fill(fresh, src, sva);
			if (err < 0)
				return err;
			dva += PAGE_SIZE, sva += PAGE_SIZE, len -= PAGE_SIZE;
			d = p = NULL;
			continue;
		}
		size_t chunk = space_page_left(dva) < space_page_left(sva) ? space_page_left(dva)
									     : space_page_left(sva);
		/* The destination first: unsharing it can never change the source's page. */
		if (!d || !(dva & (PAGE_SIZE - 1)))
			d = space_at(dst, dva, as_user ? PTE_W : 0, true, &err);
		if (d && (!p || !(sva & (PAGE_SIZE - 1)) || src == dst))
			p = space_at(src, sva, PTE_R, false, &err);
		if (!d || !p)
			return err;
		if (chunk > len)
			chunk = len;
		memmove(d, p, chunk);
		d += chunk, p += chunk;
		dva += chunk, sva += chunk, len -= chunk;
	}
	return 0;
}

/*
 * The other side's bytes at va for one chunk of space_transfer_here, or
 * NULL with *err: 1 when the copy fills an untouched page whole
 * (space_transfer takes a frame it need not zero first), else other's
 * error.
 */
static uint8_t *space_other(struct space *other, uint64_t va, size_t chunk, bool into_other, bool as_user, int *err)
{
	uint64_t need = PTE_R;

	if (into_other)
		need = as_user ? PTE_W : 0;
	return space_byte(other, va, need, into_other, into_other && chunk == PAGE_SIZE, err);
}

int space_transfer_here(struct space *other, uint64_t va, struct space *self, uint64_t here, size_t len,
			bool into_other, bool as_user, uint64_t *resume)
{
	if (!uaccess_range_ok(here, len))
		return -EFAULT;
	while (len) {
		size_t chunk = space_page_left(va) < len ? space_page_left(va) : len;
		int err = 1;
		uint8_t *k = space_other(other, va, chunk, into_other, as_user, &err);

		if (k && into_other)
			err = uaccess_copy(resume, k, (const void *)here, chunk) < 0;
		else if (k)
			err = uaccess_copy(resume, (void *)here, k, chunk) < 0;
		/* The slow way: a page self has not touched, or may not write as it is, or a fresh one. */
		if (err > 0 && into_other)
			err = space_transfer(other, va, self, here, chunk, as_user);
		else if (err > 0)
			err = space_transfer(self, here, other, va, chunk, as_user);
		if (err < 0)
			return err;
		va += chunk, here += chunk, len -= chunk;
	}
	return 0;
}

int space_write(struct space *s, uint64_t va, const void *src, size_t len)
{
	return space_copy(s, va, (void *)src, len, 0, true);
}

int space_read(struct space *s, uint64_t va, void *dst, size_t len)
{
	return space_copy(s, va, dst, len, PTE_R, false);
}

int space_copy_out(struct space *s, uint64_t va, const void *src, size_t len)
{
	return space_copy(s, va, (void *)src, len, PTE_W, true);
}

/*
 * A level-0 table a fork shares: every writable page in it becomes
 * copy-on-write, in place, for both spaces (memory-object pages stay as
 * they are). Its frames keep the one reference the table holds.
 */
static void space_share_leaves(pte_t *table)
{
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		pte_t e = table[i];

		if ((e & (PTE_V | PTE_W | PTE_PHYS)) == (PTE_V | PTE_W))
			table[i] = (e & ~PTE_W) | PTE_COW;
	}
}

/*
 * Copies one level of `from` into `to` (both tables). Level-0 tables are
 * not copied but shared (pagetable.h): a fork costs a pass over the
 * leaves to take write permission away, not a copy and a frame reference
 * per page, and the first change a space makes in a 2 MiB range copies
 * that one table (pt_own).
 */
static int space_clone_table(pte_t *from, pte_t *to, int level)
{
	unsigned i, n = level == 2 ? USER_ENTRIES : PT_ENTRIES;

	for (i = 0; i < n; i++) {
		pte_t e = from[i];
		uint64_t pa;
		int err;

		if (!(e & PTE_V))
			continue;
		if (PTE_LEAF(e) && (e & PTE_PHYS)) {
			to[i] = e;	/* memory objects are shared, never copied */
			continue;
		}
		if (PTE_LEAF(e)) {
			if (e & PTE_W) {
				e = (e & ~PTE_W) | PTE_COW;
				from[i] = e;	/* a page already COW (forked before) needs no store */
			}
			to[i] = e;
			frame_ref(PTE_TO_PA(e));
			continue;
		}
		if (level == 1) {
			if (!(e & PTE_LEAVES_RO)) {
				space_share_leaves(phys_to_virt(PTE_TO_PA(e)));
				e |= PTE_LEAVES_RO;
				from[i] = e;
			}
			frame_ref(PTE_TO_PA(e));
			to[i] = e;
			continue;
		}
		err = pt_alloc_table(&pa);
		if (err < 0)
			return err;
		to[i] = PTE_FROM_PA(pa) | PTE_V;
		err = space_clone_table(phys_to_virt(PTE_TO_PA(e)), phys_to_virt(pa), level - 1);
		if (err < 0)
			return err;
	}
	return 0;
}

int space_clone(struct space *src, struct space **out)
{
	struct space *dst;
	int err = space_create(&dst);

	if (err < 0)
		return err;
	err = region_set_clone(&dst->regions, &src->regions);
	if (err == 0) {
		err = space_clone_table(src->root, dst->root, 2);
		/* src lost write permission on its pages: stale TLB entries must go, on its other threads' harts too. */
		space_flush_all(src);
	}
	if (err < 0) {
		/* What was cloned so far is released with dst; src stays COW, which is harmless. */
		kobj_put(&dst->obj);
		return err;
	}
	/* Every table and leaf was copied one for one. */
	dst->pages = src->pages;
	dst->tables = src->tables;
	*out = dst;
	return 0;
}

int space_fault(struct space *s, uint64_t va, uint64_t access)
{
	const struct region *r;
	pte_t *e, *l1;
	int err = 0;

	if (va >= USER_TOP)
		return -EFAULT;
	e = pt_lookup_leaf(s->root, va, &l1);
	if (e && (*e & (PTE_U | PTE_PHYS | PTE_COW)) == (PTE_U | PTE_COW) && access == PTE_W) {
		if (l1)
			e = pt_own_leaf(s->root, l1, va, &err);	/* the write changes the leaf: its table first */
		if (!e)
			return err;
		err = space_break_cow(s, e, va);
		if (err == 0 && (*e & PTE_X))
			space_icache_sync(s);	/* code copied into a new frame */
		return err;
	}
	if (e && (*e & (PTE_V | PTE_U | access)) == (PTE_V | PTE_U | access)) {
		/*
		 * Another hart resolved this address between this hart's
		 * access and its taking the kernel lock (a thread of the same
		 * program broke the same COW page or filled the same zero
		 * page): the stale translation goes, and the access is retried.
		 */
		space_flush_local(va);
		return 0;
	}
	if (e)
		return -EFAULT;	/* mapped, and not a write that copy-on-write resolves */
	r = region_find(&s->regions, va);
	if (!r || !(r->perm & access))
		return -EFAULT;
	err = space_populate(s, va);
	if (err == 0 && (r->perm & PTE_X))
		space_icache_sync(s);	/* code filled in (a file's text), or a frame that held other code */
	return err;
}
