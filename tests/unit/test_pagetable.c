/* Sv39 table building and walking, on fake physical memory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "kernel/frame.h"
#include "kernel/memlayout.h"
#include "kernel/pagetable.h"
#include "lib/errno.h"
#include "tests/unit/support/physmem.h"

#define RW (PTE_R | PTE_W)

static pte_t *root;
static uint64_t root_pa;

static int setup(void **state)
{
	(void)state;
	physmem_init(64);
	assert_int_equal(pt_alloc_table(&root_pa), 0);
	root = phys_to_virt(root_pa);
	return 0;
}

static void test_new_table_is_zeroed(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < PT_ENTRIES; i++)
		assert_int_equal(root[i], 0);
}

static void test_small_pages_use_three_levels(void **state)
{
	uint64_t before = physmem_free_frames(), size;
	pte_t *e;

	(void)state;
	assert_int_equal(pt_map(root, 0x10000, 0x90000000, 3 * PAGE_SIZE, PTE_R | PTE_X | PTE_U, false), 0);
	assert_int_equal(before - physmem_free_frames(), 2);	/* one level-1 and one level-0 table */
	e = pt_lookup(root, 0x11234, &size);
	assert_non_null(e);
	assert_int_equal(size, PAGE_SIZE);
	assert_int_equal(PTE_TO_PA(*e), 0x90001000);
	assert_true(*e & PTE_V && *e & PTE_X && *e & PTE_U && *e & PTE_A && *e & PTE_D);
	assert_false(*e & PTE_W);
	assert_null(pt_lookup(root, 0x13000, NULL));
	assert_null(pt_lookup(root, 0xf000, NULL));
}

static void test_large_pages_when_aligned(void **state)
{
	uint64_t before = physmem_free_frames(), size;
	pte_t *e;

	(void)state;
	/* 1 GiB + 2 MiB + 4 KiB, all aligned: a gigapage, a megapage and a page. */
	assert_int_equal(pt_map(root, KERNEL_DIRECT_BASE, 0x80000000, GIGA_SIZE + MEGA_SIZE + PAGE_SIZE, RW, true), 0);
	assert_int_equal(before - physmem_free_frames(), 2);
	e = pt_lookup(root, KERNEL_DIRECT_BASE + 0x12345678, &size);
	assert_int_equal(size, GIGA_SIZE);
	assert_int_equal(PTE_TO_PA(*e), 0x80000000);
	e = pt_lookup(root, KERNEL_DIRECT_BASE + GIGA_SIZE + 0x1000, &size);
	assert_int_equal(size, MEGA_SIZE);
	assert_int_equal(PTE_TO_PA(*e), 0xc0000000);
	e = pt_lookup(root, KERNEL_DIRECT_BASE + GIGA_SIZE + MEGA_SIZE, &size);
	assert_int_equal(size, PAGE_SIZE);
	assert_int_equal(PTE_TO_PA(*e), 0xc0200000);
}

static void test_unaligned_physical_address_forces_small_pages(void **state)
{
	uint64_t size;

	(void)state;
	assert_int_equal(pt_map(root, 0x200000, 0x90001000, MEGA_SIZE, RW, true), 0);
	assert_non_null(pt_lookup(root, 0x2ff000, &size));
	assert_int_equal(size, PAGE_SIZE);
}

static void test_double_mapping_is_eexist(void **state)
{
	(void)state;
	assert_int_equal(pt_map(root, 0x400000, 0x90000000, PAGE_SIZE, RW, false), 0);
	assert_int_equal(pt_map(root, 0x400000, 0x91000000, PAGE_SIZE, RW, false), -EEXIST);
	/* A small page under an existing large one is refused too. */
	assert_int_equal(pt_map(root, 0x40000000, 0x80000000, GIGA_SIZE, RW, true), 0);
	assert_int_equal(pt_map(root, 0x40001000, 0x90000000, PAGE_SIZE, RW, false), -EEXIST);
}

static void test_bad_arguments_are_einval(void **state)
{
	(void)state;
	assert_int_equal(pt_map(root, 0x1001, 0x90000000, PAGE_SIZE, RW, false), -EINVAL);
	assert_int_equal(pt_map(root, 0x1000, 0x90000800, PAGE_SIZE, RW, false), -EINVAL);
	assert_int_equal(pt_map(root, 0x1000, 0x90000000, 100, RW, false), -EINVAL);
	assert_int_equal(pt_map(root, 0x1000, 0x90000000, PAGE_SIZE, PTE_W, false), -EINVAL);	/* W without R */
}

static void test_out_of_frames_is_enomem(void **state)
{
	uint64_t va = 0;
	int err = 0;

	(void)state;
	/* Each page 1 GiB apart needs its own two tables: memory runs out. */
	while (err == 0) {
		err = pt_map(root, va, 0x90000000, PAGE_SIZE, RW, false);
		va += GIGA_SIZE;
	}
	assert_int_equal(err, -ENOMEM);
	assert_int_equal(physmem_free_frames(), 0);
}

static void test_ensure_l1_creates_once(void **state)
{
	uint64_t before = physmem_free_frames();
	pte_t first;

	(void)state;
	assert_int_equal(pt_ensure_l1(root, 384), 0);
	first = root[384];
	assert_int_equal(pt_ensure_l1(root, 384), 0);
	assert_int_equal(root[384], first);
	assert_int_equal(before - physmem_free_frames(), 1);
	assert_false(PTE_LEAF(first));
}

static void test_prune_frees_only_empty_tables(void **state)
{
	uint64_t before = physmem_free_frames();
	pte_t *e;

	(void)state;
	/* Two pages in one 2 MiB table, one page in another: three tables. */
	assert_int_equal(pt_map(root, 0x200000, 0x90000000, 2 * PAGE_SIZE, RW | PTE_U, false), 0);
	assert_int_equal(pt_map(root, 0x400000, 0x90002000, PAGE_SIZE, RW | PTE_U, false), 0);
	assert_int_equal(before - physmem_free_frames(), 3);
	assert_int_equal(pt_prune(root, 0x200000, 0x600000), 0);	/* all still in use */
	*pt_lookup(root, 0x400000, NULL) = 0;
	assert_int_equal(pt_prune(root, 0x200000, 0x600000), 1);
	assert_int_equal(before - physmem_free_frames(), 2);
	assert_non_null(pt_lookup(root, 0x201000, NULL));
	e = pt_lookup(root, 0x200000, NULL);
	*e = 0;
	*pt_lookup(root, 0x201000, NULL) = 0;
	assert_int_equal(pt_prune(root, 0x200000, 0x202000), 2);
	assert_int_equal(physmem_free_frames(), before);	/* the level-1 table went too */
	assert_int_equal(root[0], 0);
}

/* Pages far apart in 256 GiB: the walk finds each, in order, and nothing else. */
static void test_next_leaf_skips_empty_tables(void **state)
{
	const uint64_t pages[] = { 0x1000, 0x1ff000, 0x200000, 0x40000000, 0x3fffffe000 };
	uint64_t made = 0, at = 0, va = 0;
	unsigned found = 0;
	pte_t *e;

	(void)state;
	for (unsigned i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		assert_int_equal(pt_map_page(root, pages[i], 0x90000000 + i * PAGE_SIZE, RW | PTE_U, &made), 0);
	assert_int_equal(made, 2 + 1 + 2 + 2);	/* L1+L0, L0, L1+L0, L1+L0 */
	for (e = pt_next_leaf(root, va, 1ul << 38, &at); e; e = pt_next_leaf(root, at + PAGE_SIZE, 1ul << 38, &at)) {
		assert_true(found < sizeof(pages) / sizeof(pages[0]));
		assert_int_equal(at, pages[found]);
		assert_int_equal(PTE_TO_PA(*e), 0x90000000 + found * PAGE_SIZE);
		found++;
	}
	assert_int_equal(found, 5);
	assert_null(pt_next_leaf(root, 0x2000, 0x1ff000, &at));
	assert_null(pt_next_leaf(root, 0x201000, 0x40000000, &at));
	assert_non_null(pt_next_leaf(root, 0x201000, 0x40001000, &at));
	assert_int_equal(at, 0x40000000);
	assert_null(pt_next_leaf(root, 0x3fffffe000 + PAGE_SIZE, 1ul << 38, &at));
	/* A large leaf is found from inside it. */
	assert_int_equal(pt_map(root, 0x80000000, 0x80000000, GIGA_SIZE, RW, true), 0);
	assert_non_null(pt_next_leaf(root, 0x80001000, 0x80002000, &at));
	assert_int_equal(at, 0x80000000);
}

/* The level-1 entry above va's level-0 table. */
static pte_t *l1_entry(uint64_t va)
{
	pte_t *l1 = phys_to_virt(PTE_TO_PA(root[(va >> 30) & (PT_ENTRIES - 1)]));

	return &l1[(va >> 21) & (PT_ENTRIES - 1)];
}

/* A page of its own frame at va, as a space maps one (the leaf holds the frame's reference). */
static uint64_t map_frame(uint64_t va)
{
	uint64_t pa, made = 0;

	assert_int_equal(frame_alloc(&pa), 0);
	assert_int_equal(pt_map_page(root, va, pa, PTE_R | PTE_U, &made), 0);
	return pa;
}

/* What a fork does to a level-0 table: a second level-1 entry points at it (here, a reference for one). */
static uint64_t share(uint64_t va)
{
	uint64_t table = PTE_TO_PA(*l1_entry(va));

	frame_ref(table);
	*l1_entry(va) |= PTE_LEAVES_RO;
	return table;
}

/*
 * A shared table is copied for the entry that owns it now; its frames gain
 * a reference for the copy, and the walks of this space's tables (its
 * root), not of the other's, are flushed once.
 */
static void test_own_copies_only_a_shared_table(void **state)
{
	uint64_t a = map_frame(0x1000), b = map_frame(0x5000), table, copy;
	pte_t before = *pt_lookup(root, 0x5000, NULL);

	(void)state;
	assert_int_equal(pt_own(root, l1_entry(0x1000)), 0);	/* its own: nothing to do */
	assert_int_equal(physmem_flushes, 0);
	table = share(0x1000);
	assert_int_equal(pt_own(root, l1_entry(0x1000)), 1);
	assert_int_equal(physmem_flushes, 1);
	assert_ptr_equal(physmem_flushed_root, root);
	copy = PTE_TO_PA(*l1_entry(0x1000));
	assert_true(copy != table);
	assert_false(*l1_entry(0x1000) & PTE_LEAVES_RO);
	assert_int_equal(frame_refcount(table), 1);	/* the other space's, alone now */
	assert_int_equal(frame_refcount(a), 2);
	assert_int_equal(frame_refcount(b), 2);
	assert_int_equal(*pt_lookup(root, 0x5000, NULL), before);
	assert_int_equal(((pte_t *)phys_to_virt(table))[5], before);	/* the shared one is untouched */
	assert_int_equal(pt_own(root, l1_entry(0x1000)), 0);
	assert_int_equal(physmem_flushes, 1);
}

/* A range owns the shared tables that have a leaf in it, and no other; it clears every LEAVES_RO mark there. */
static void test_own_range_copies_shared_tables_with_leaves_in_it(void **state)
{
	uint64_t t1, t2, t3;

	(void)state;
	map_frame(0x1000);
	map_frame(0x200000 + 0x1ff000);
	map_frame(0x400000);
	t1 = share(0x1000);
	t2 = share(0x200000);
	t3 = share(0x400000);
	/* [0x2000, 0x400000): no leaf of the first table, the second's last page, none of the third. */
	assert_int_equal(pt_own_range(root, 0x2000, 0x400000), 0);
	assert_int_equal(physmem_flushes, 1);
	assert_int_equal(pt_own_range(root, 0x2000, 0x400000), 0);	/* nothing left to copy: no flush */
	assert_int_equal(physmem_flushes, 1);
	assert_int_equal(PTE_TO_PA(*l1_entry(0x1000)), t1);
	assert_true(PTE_TO_PA(*l1_entry(0x200000)) != t2);
	assert_int_equal(PTE_TO_PA(*l1_entry(0x400000)), t3);
	assert_false(*l1_entry(0x1000) & PTE_LEAVES_RO);
	assert_true(*l1_entry(0x400000) & PTE_LEAVES_RO);	/* outside the range */
}

/* Mapping a page into a shared table, or looking a leaf up to change it, owns the table first. */
static void test_map_page_and_lookup_own_copy_a_shared_table(void **state)
{
	uint64_t made = 0, t;
	int err;

	(void)state;
	map_frame(0x1000);
	t = share(0x1000);
	assert_int_equal(pt_map_page(root, 0x2000, 0x90000000, PTE_R | PTE_U | PTE_PHYS, &made), 0);
	assert_true(PTE_TO_PA(*l1_entry(0x1000)) != t);
	assert_int_equal(((pte_t *)phys_to_virt(t))[2], 0);	/* the other space never sees the new page */
	t = share(0x1000);
	assert_non_null(pt_lookup_own(root, 0x1000, &err));
	assert_int_equal(err, 0);
	assert_true(PTE_TO_PA(*l1_entry(0x1000)) != t);
}

/* No frame for the copy: -ENOMEM, and the entry still points at the shared table. */
static void test_own_without_a_frame_is_enomem(void **state)
{
	uint64_t t, pa;
	int err;

	(void)state;
	map_frame(0x1000);
	t = share(0x1000);
	while (frame_alloc(&pa) == 0)
		;
	assert_int_equal(pt_own(root, l1_entry(0x1000)), -ENOMEM);
	assert_null(pt_lookup_own(root, 0x1000, &err));
	assert_int_equal(err, -ENOMEM);
	assert_int_equal(physmem_flushes, 0);
	assert_int_equal(pt_own_range(root, 0, 0x200000), -ENOMEM);
	assert_int_equal(PTE_TO_PA(*l1_entry(0x1000)), t);
	assert_int_equal(frame_refcount(t), 2);
}

/* A run stops at its table's end or at end; the walk after a leaf takes the next entry or skips the gap. */
static void test_leaf_runs_and_the_walk_after_a_leaf(void **state)
{
	uint64_t tables = 0, at = 0x3fe000;
	pte_t *first, *e;

	(void)state;
	assert_int_equal(pt_leaf_run(root, 0x3fe000, 0x600000, &first, &tables), 2);	/* to 0x400000 */
	assert_int_equal(tables, 2);	/* the level-1 and level-0 tables */
	first[0] = PTE_FROM_PA(0x90000000) | RW | PTE_U | PTE_V;
	first[1] = PTE_FROM_PA(0x90001000) | RW | PTE_U | PTE_V;
	assert_int_equal(pt_leaf_run(root, 0x400000, 0x403000, &first, &tables), 3);	/* to end */
	assert_int_equal(tables, 3);
	first[2] = PTE_FROM_PA(0x90002000) | RW | PTE_U | PTE_V;	/* 0x402000; 0x400000-0x401fff empty */
	assert_int_equal(pt_leaf_run(root, 0x400001, 0x403000, &first, &tables), -EINVAL);
	e = pt_lookup(root, 0x3fe000, NULL);
	e = pt_next_leaf_after(root, e, 0x600000, &at);	/* the next entry */
	assert_ptr_equal(e, pt_lookup(root, 0x3ff000, NULL));
	assert_int_equal(at, 0x3ff000);
	e = pt_next_leaf_after(root, e, 0x600000, &at);	/* another table, past a gap */
	assert_ptr_equal(e, pt_lookup(root, 0x402000, NULL));
	assert_int_equal(at, 0x402000);
	assert_null(pt_next_leaf_after(root, e, 0x403000, &at));	/* end */
	at = 0x3fe000;
	assert_null(pt_next_leaf_after(root, pt_lookup(root, 0x3fe000, NULL), 0x3ff000, &at));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_new_table_is_zeroed, setup, physmem_teardown),
		cmocka_unit_test_setup_teardown(test_small_pages_use_three_levels, setup, physmem_teardown),
		cmocka_unit_test_setup_teardown(test_large_pages_when_aligned, setup, physmem_teardown),
		cmocka_unit_test_setup_teardown(test_unaligned_physical_address_forces_small_pages, setup, physmem_teardown),
		cmocka_unit_test_setup_teardown(test_double_mapping_is_eexist, setup, physmem_teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments_are_einval, setup, physmem_teardown),
		cmocka_unit_test_setup_teardown(test_out_of_frames_is_enomem, setup, physmem_teardown),
		cmocka_unit_test_setup_teardown(test_ensure_l1_creates_once, setup, physmem_teardown),
		cmocka_unit_test_setup_teardown(test_prune_frees_only_empty_tables, setup, physmem_teardown),
		cmocka_unit_test_setup_teardown(test_next_leaf_skips_empty_tables, setup, physmem_teardown),
		cmocka_unit_test_setup_teardown(test_own_copies_only_a_shared_table, setup, physmem_teardown),
		cmocka_unit_test_setup_teardown(test_own_range_copies_shared_tables_with_leaves_in_it, setup,
						physmem_teardown),
		cmocka_unit_test_setup_teardown(test_map_page_and_lookup_own_copy_a_shared_table, setup,
						physmem_teardown),
		cmocka_unit_test_setup_teardown(test_own_without_a_frame_is_enomem, setup, physmem_teardown),
		cmocka_unit_test_setup_teardown(test_leaf_runs_and_the_walk_after_a_leaf, setup, physmem_teardown),
	};

	return cmocka_run_group_tests_name("pagetable", tests, NULL, NULL);
}
