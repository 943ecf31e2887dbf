/*
 * Regions backed by a memory object (KAGE_MAP_LAZY, a file's mmap): no
 * page until the first touch, then the object's page with its untouched
 * neighbours in an aligned 64 KiB window; private copies where the
 * region is writable or the object ends, zeros past its end; offsets
 * kept through unmap, protect and clone; and the object held by the
 * region, not by the handle, until the region's last part goes.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "tests/kernel/root.h"

#define SELF KAGE_HANDLE_SELF_SPACE
#define PAGE 4096ul
#define LAZY_VA 0x48000000ul	/* 64 KiB-aligned, as the fault-around window */
#define OBJ_PAGES 40
#define OBJ_SIZE (OBJ_PAGES * PAGE + 100)	/* the last page partly the object's */
#define AROUND 16			/* pages a read fault maps (kernel/space_map.c) */
#define R KAGE_PROT_READ
#define RW (KAGE_PROT_READ | KAGE_PROT_WRITE)

static unsigned char expect(uint64_t off)
{
	return (unsigned char)(off * 13 + off / PAGE + 1);
}

static volatile unsigned char *at(uint64_t off)
{
	return (volatile unsigned char *)(LAZY_VA + off);
}

static uint64_t pages_now(void)
{
	struct kage_space_stat st;

	native_space_stat(SELF, &st);
	return st.pages;
}

static struct kage_stats stats_now(void)
{
	struct kage_stats st;

	native_stats(&st);
	return st;
}

/* An object of OBJ_SIZE bytes of the pattern, and a read-only handle to it. */
static long lazy_object(long *ro)
{
	static unsigned char buf[PAGE];
	long h = native_mem_create(OBJ_SIZE);

	for (uint64_t off = 0; h > 0 && off < OBJ_SIZE; off += PAGE) {
		uint64_t n = OBJ_SIZE - off < PAGE ? OBJ_SIZE - off : PAGE;

		for (uint64_t i = 0; i < n; i++)
			buf[i] = expect(off + i);
		native_mem_write(h, off, buf, n);
	}
	*ro = native_handle_copy(h, -1, KAGE_RIGHT_READ, 0);
	return h;
}

/* Whether [from, to) of the mapping reads as the object's bytes. */
static int reads_object(uint64_t from, uint64_t to)
{
	for (uint64_t off = from; off < to; off += 61)
		if (*at(off) != expect(off))
			return 0;
	return 1;
}

static void check_first_touch(long ro)
{
	uint64_t before = pages_now(), after;
	uint64_t span = (OBJ_PAGES + 1) * PAGE;

	check(native_space_map_phys(SELF, LAZY_VA, ro, 0, span, R | KAGE_MAP_LAZY) == 0 && pages_now() == before,
	      "lazy_map_maps_nothing", "refused, or pages mapped at once");
	check(*at(17 * PAGE + 5) == expect(17 * PAGE + 5), "lazy_page_reads_object", "wrong byte");
	after = pages_now();
	check(after - before == AROUND, "lazy_read_fault_maps_its_window", "not one aligned window of pages");
	check(reads_object(16 * PAGE, 32 * PAGE) && pages_now() == after, "lazy_window_pages_are_the_object",
	      "wrong bytes, or more faults");
	check(reads_object(OBJ_PAGES * PAGE, OBJ_SIZE) && *at(OBJ_SIZE) == 0 && *at(span - 1) == 0,
	      "lazy_last_page_zeroed_past_object_end", "the object's tail is not followed by zeros");
	check(native_space_map_phys(SELF, LAZY_VA + span, ro, 0, PAGE, R | KAGE_MAP_LAZY) == 0 &&
		      native_space_map_phys(SELF, LAZY_VA, ro, 0, PAGE, R | KAGE_MAP_LAZY) == -EEXIST,
	      "lazy_map_over_lazy_is_eexist", "overlap allowed");
	native_space_unmap(SELF, LAZY_VA + span, PAGE);
}

/* Cut in three by an unmap and a protect, each part still reads its own pages; a store copies. */
static void check_parts_keep_offsets(long h, long ro)
{
	unsigned char v = (unsigned char)(expect(22 * PAGE + 7) + 1), in_object = 0;
	long clone;

	check(native_space_unmap(SELF, LAZY_VA + 2 * PAGE, PAGE) == 0 &&
		      native_space_protect(SELF, LAZY_VA + 20 * PAGE, 4 * PAGE, RW) == 0,
	      "lazy_region_unmap_and_protect", "refused");
	/* Pages 32 to 39 stay untouched here: lazy_checks reads them once the handles are gone. */
	check(reads_object(3 * PAGE, 8 * PAGE) && reads_object(0, PAGE),
	      "lazy_parts_keep_their_offsets", "a part reads another page of the object");
	*at(22 * PAGE + 7) = v;
	native_mem_read(h, 22 * PAGE + 7, SELF, (uint64_t)&in_object, 1, 0);
	check(*at(22 * PAGE + 7) == v && in_object == expect(22 * PAGE + 7) && reads_object(20 * PAGE, 22 * PAGE),
	      "lazy_store_copies_the_page", "the store reached the object or lost the page");
	clone = native_space_clone(SELF);
	in_object = 0;
	check(clone > 0 && native_space_read(clone, LAZY_VA + 37 * PAGE + 3, &in_object, 1) == 0 &&
		      in_object == expect(37 * PAGE + 3),
	      "lazy_region_cloned_with_its_object", "the clone reads other bytes");
	native_handle_close(clone);
	(void)ro;
}

/* Whether n bytes at va read as the object's from off. */
static int reads_object_at(uint64_t va, uint64_t off, uint64_t n)
{
	for (uint64_t i = 0; i < n; i += 61)
		if (((volatile unsigned char *)va)[i] != expect(off + i))
			return 0;
	return 1;
}

/* mremap's move: touched and untouched pages alike keep their bytes, and the growth is zero-fill. */
static void check_move(long ro)
{
	const uint64_t there = LAZY_VA + (64ul << 20), again = there + (16ul << 20);

	native_space_map_phys(SELF, LAZY_VA, ro, 0, OBJ_PAGES * PAGE, R | KAGE_MAP_LAZY);
	(void)*at(PAGE);	/* pages 0 to 15 mapped, the rest untouched */
	check(native_space_remap(SELF, LAZY_VA + 16 * PAGE, 8 * PAGE, there, 10 * PAGE) == 0 &&
		      reads_object_at(there, 16 * PAGE, 8 * PAGE) && *(volatile unsigned char *)(there + 9 * PAGE) == 0,
	      "lazy_untouched_pages_move_with_their_object", "wrong bytes after the move");
	check(native_space_remap(SELF, LAZY_VA, 4 * PAGE, again, 4 * PAGE) == 0 &&
		      reads_object_at(again, 0, 4 * PAGE) && reads_object(4 * PAGE, 16 * PAGE) &&
		      reads_object(24 * PAGE, 26 * PAGE),
	      "lazy_touched_pages_move", "wrong bytes after the move");
	native_space_unmap(SELF, there, 10 * PAGE);
	native_space_unmap(SELF, again, 4 * PAGE);
	native_space_unmap(SELF, LAZY_VA, OBJ_PAGES * PAGE);
}

/* A writable lazy mapping of a read-only handle: private pages, the object never changes. */
static void check_writable(long h, long ro)
{
	unsigned char in_object = 0;

	check(native_space_map_phys(SELF, LAZY_VA, ro, 0, 4 * PAGE, RW | KAGE_MAP_LAZY) == 0,
	      "lazy_writable_with_read_handle", "refused");
	check(*at(PAGE + 9) == expect(PAGE + 9), "lazy_writable_reads_object", "wrong byte");
	*at(2 * PAGE + 9) = 0x5a;
	native_mem_read(h, 2 * PAGE + 9, SELF, (uint64_t)&in_object, 1, 0);
	check(*at(2 * PAGE + 9) == 0x5a && in_object == expect(2 * PAGE + 9), "lazy_writable_store_is_private",
	      "the store reached the object");
	native_space_unmap(SELF, LAZY_VA, 4 * PAGE);
}

/* The initramfs (a physical range) mapped lazily: its pages, and zeros past a slice's end, not the next file. */
static void check_physical(const struct kage_bootinfo *bi)
{
	const struct kage_bootitem *rd = native_boot_item(bi, KAGE_BOOT_INITRD, 0);
	const struct kage_bootitem *uart = native_boot_item(bi, KAGE_BOOT_UART, 0);
	long s = rd ? native_mem_slice(rd->handle, 0, PAGE + 10) : -1;
	static unsigned char next[PAGE];
	int zeros = 1, other = 0;
	char magic[7] = { 0 };

	check(s > 0 && native_space_map_phys(SELF, LAZY_VA, s, 0, 2 * PAGE, R | KAGE_MAP_LAZY) == 0 &&
		      native_mem_read(rd->handle, PAGE, SELF, (uint64_t)next, PAGE, 0) == 0,
	      "lazy_map_physical", "refused");
	for (int i = 0; s > 0 && i < 6; i++)
		magic[i] = (char)*at(i);
	/* Past the slice the initramfs goes on (other bytes); the mapping must not show them. */
	for (uint64_t i = 10; s > 0 && i < PAGE; i++) {
		zeros &= *at(PAGE + i) == 0;
		other |= next[i] != 0;
	}
	check(s > 0 && memcmp(magic, "070701", 6) == 0 && *at(PAGE + 9) == next[9] && zeros && other,
	      "lazy_physical_zeroed_past_slice", "wrong bytes");
	/* Its first page, shared from the archive, made writable: a store goes to a copy. */
	check(s > 0 && native_space_protect(SELF, LAZY_VA, 2 * PAGE, RW) == 0, "lazy_physical_protect_writable",
	      "refused");
	if (s > 0)
		*at(2) = 'x';
	magic[0] = 0;
	check(s > 0 && *at(2) == 'x' && *at(3) == '7' && native_mem_read(s, 2, SELF, (uint64_t)magic, 1, 0) == 0 &&
		      magic[0] == '0',
	      "lazy_physical_made_writable_copies", "the store failed or reached the archive");
	native_space_unmap(SELF, LAZY_VA, 2 * PAGE);
	native_handle_close(s);
	check(uart && native_space_map_phys(SELF, LAZY_VA, uart->handle, 0, PAGE, R | KAGE_MAP_LAZY) == -EINVAL,
	      "lazy_map_device_is_einval", "device registers mapped lazily");
}

void lazy_checks(const struct kage_bootinfo *bi)
{
	struct kage_stats before = stats_now();
	struct kage_range r;
	long ro, h = lazy_object(&ro);

	check(h > 0 && ro > 0, "lazy_object_made", "no object");
	check_first_touch(ro);
	check(native_space_ranges(SELF, LAZY_VA, &r, 1) == 1 && r.start == LAZY_VA && (r.kind & KAGE_RANGE_OBJECT),
	      "lazy_region_is_an_object_range", "another kind");
	check_parts_keep_offsets(h, ro);
	native_handle_close(ro);
	native_handle_close(h);
	check(stats_now().memobjs == before.memobjs + 1 && reads_object(32 * PAGE, 40 * PAGE),
	      "lazy_region_holds_its_object", "the object went with its handles");
	native_space_unmap(SELF, LAZY_VA, (OBJ_PAGES + 1) * PAGE);
	h = lazy_object(&ro);
	check_move(ro);
	check_writable(h, ro);
	native_handle_close(ro);
	native_handle_close(h);
	check_physical(bi);
	check(stats_now().memobjs == before.memobjs && stats_now().frames_free == before.frames_free &&
		      stats_now().regions == before.regions,
	      "lazy_regions_give_everything_back", "an object, frame or region leaked");
}
