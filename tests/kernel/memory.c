/*
 * Memory-object checks: objects of frames (mem_create), copies into and
 * out of them (mem_write, mem_read), slices, mappings of their frames
 * and what copy-on-write does to them, and the physical ranges the root
 * task was given (the initramfs, the UART's registers).
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "tests/kernel/root.h"

#define SELF KAGE_HANDLE_SELF_SPACE
#define PAGE 4096ul
#define MEM_VA 0x40000000ul	/* mappings of the objects */
#define OTHER_VA 0x41000000ul	/* a region in another space */
#define OBJ_SIZE (3 * PAGE - 2000)	/* not whole pages: three of them */
#define RW (KAGE_PROT_READ | KAGE_PROT_WRITE)

static unsigned char pattern[3 * PAGE], back[3 * PAGE];

/* mem_read into this task's own memory. */
static long read_at(long h, uint64_t off, void *buf, uint64_t len)
{
	return native_mem_read(h, off, SELF, (uint64_t)buf, len, 0);
}

static struct kage_stats stats_now(void)
{
	struct kage_stats st;

	native_stats(&st);
	return st;
}

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void check_create(void)
{
	struct kage_stats before = stats_now(), after;
	long h = native_mem_create(OBJ_SIZE);

	after = stats_now();
	check(h > 0, "mem_create", "no handle");
	/* Its three pages, perhaps a slab for the object itself. */
	check(before.frames_free - after.frames_free >= 3 && before.frames_free - after.frames_free <= 4,
	      "mem_create_takes_its_frames", "wrong frame count");
	memset(back, 0xee, sizeof(back));
	check(read_at(h, 0, back, OBJ_SIZE) == 0 && all_zero(back, OBJ_SIZE),
	      "mem_create_zeroed", "a non-zero byte");
	check(native_mem_create(0) == -EINVAL, "mem_create_size_zero_is_einval", "not -EINVAL");
	native_handle_close(h);
	check(stats_now().frames_free == before.frames_free, "mem_close_frees_frames", "frames leaked");
}

/* No fixed limit: 100 MiB (two levels of tables) is memory like any other. */
static void check_create_big(void)
{
	const uint64_t size = 100ul << 20;
	struct kage_stats before = stats_now();
	long h = native_mem_create(size);
	const unsigned char v = 0xb1;
	unsigned char b = 0;

	check(h > 0 && native_mem_write(h, size - 1, &v, 1) == 0 && read_at(h, size - 1, &b, 1) == 0 &&
		      b == v && read_at(h, size / 2, &b, 1) == 0 && b == 0,
	      "mem_create_100MiB", "refused or wrong bytes");
	check(before.frames_free - stats_now().frames_free >= size / PAGE, "mem_create_100MiB_takes_its_frames",
	      "fewer frames than pages");
	native_handle_close(h);
	check(stats_now().frames_free == before.frames_free, "mem_create_100MiB_gives_frames_back", "frames leaked");
}

/* More than is free is tried and given back; more than all of RAM is refused at once. */
static void check_create_too_big(void)
{
	struct kage_stats before = stats_now();

	check(native_mem_create((before.frames_free + 64) * PAGE) == -ENOMEM &&
		      native_mem_create(before.frames_free * PAGE + before.frames_used * PAGE + 1) == -ENOMEM &&
		      native_mem_create(~0ul) == -ENOMEM,
	      "mem_create_too_big_is_enomem", "not -ENOMEM");
	check(stats_now().frames_free == before.frames_free, "mem_create_enomem_leaks_nothing", "frames leaked");
}

static void check_write_read(long h)
{
	long ro = native_handle_copy(h, -1, KAGE_RIGHT_READ | KAGE_RIGHT_GRANT, 0);
	long wo = native_handle_copy(h, -1, KAGE_RIGHT_WRITE, 0);
	long space_ro = native_handle_copy(SELF, -1, KAGE_RIGHT_READ, 0);

	check(native_mem_write(h, 100, pattern, OBJ_SIZE - 100) == 0, "mem_write", "refused");
	memset(back, 0, sizeof(back));
	check(read_at(h, 100, back + 5, OBJ_SIZE - 100) == 0 &&
		      memcmp(back + 5, pattern, OBJ_SIZE - 100) == 0,
	      "mem_read_reads_back_write", "wrong bytes");
	check(native_mem_write(h, OBJ_SIZE - 10, pattern, 11) == -EINVAL &&
		      native_mem_write(h, OBJ_SIZE + 1, pattern, 0) == -EINVAL &&
		      read_at(h, OBJ_SIZE - 10, back, 11) == -EINVAL,
	      "mem_copy_past_end_is_einval", "accepted");
	check(native_mem_write(h, 0, pattern, KAGE_COPY_MAX + 1) == -EINVAL &&
		      native_mem_read(h, 0, SELF, (uint64_t)back, 1, 0x80) == -EINVAL,
	      "mem_copy_bad_length_or_flags_is_einval", "accepted");
	check(native_mem_write(h, 0, (void *)8, 16) == -EFAULT &&
		      native_mem_read(h, 0, SELF, 0x10000 - 8, 16, 0) == -EFAULT,
	      "mem_copy_bad_buffer_is_efault", "not -EFAULT");
	check(native_mem_write(77, 0, pattern, 1) == -EBADF && read_at(77, 0, back, 1) == -EBADF &&
		      native_mem_slice(77, 0, 1) == -EBADF,
	      "mem_bad_handle_is_ebadf", "not -EBADF");
	check(native_mem_write(SELF, 0, pattern, 1) == -EINVAL &&
		      native_mem_read(h, 0, h, (uint64_t)back, 1, 0) == -EINVAL &&
		      native_mem_slice(SELF, 0, 1) == -EINVAL,
	      "mem_wrong_object_is_einval", "not -EINVAL");
	check(native_mem_write(ro, 0, pattern, 1) == -EPERM && read_at(wo, 0, back, 1) == -EPERM &&
		      native_mem_read(h, 0, space_ro, (uint64_t)back, 1, 0) == -EPERM &&
		      native_mem_slice(wo, 0, 1) == -EPERM,
	      "mem_missing_right_is_eperm", "not -EPERM");
	native_handle_close(ro), native_handle_close(wo), native_handle_close(space_ro);
}

/* mem_read into another space fills its zero-fill pages, and AS_USER keeps to what it may write. */
static void check_read_into_space(long h)
{
	long other = native_space_create();
	uint64_t word = 0;

	native_space_map(other, OTHER_VA, 2 * PAGE, KAGE_PROT_READ | KAGE_PROT_WRITE);
	native_space_map(other, OTHER_VA + 2 * PAGE, PAGE, KAGE_PROT_READ);
	check(native_mem_read(h, 100, other, OTHER_VA + 8, 2 * PAGE, 0) == 0 &&
		      native_space_read(other, OTHER_VA + 8, back, 2 * PAGE) == 0 &&
		      memcmp(back, pattern, 2 * PAGE) == 0,
	      "mem_read_into_other_space", "wrong bytes");
	check(native_mem_read(h, 100, other, OTHER_VA + 2 * PAGE, 8, KAGE_COPY_AS_USER) == -EFAULT &&
		      native_mem_read(h, 100, other, OTHER_VA + 2 * PAGE, 8, 0) == 0 &&
		      native_space_read(other, OTHER_VA + 2 * PAGE, &word, 8) == 0 && memcmp(&word, pattern, 8) == 0,
	      "mem_read_as_user_respects_read_only", "wrong result");
	native_handle_close(other);
}

/* A writable mapping shares the object's frames both ways: stores and the kernel's copies reach it. */
static void check_writable_mapping(long h)
{
	volatile unsigned char *p = (volatile unsigned char *)MEM_VA;
	struct kage_stats before = stats_now();
	unsigned char b = 0;
	int same = 1;

	check(native_space_map_phys(SELF, MEM_VA, h, 0, 3 * PAGE, RW) == 0, "mem_map_frames", "refused");
	for (unsigned i = 0; i < OBJ_SIZE - 100; i++)
		same &= p[100 + i] == pattern[i];
	check(same, "mapping_shows_object_bytes", "wrong bytes");
	/* Only page tables: the pages are the object's. */
	check(before.frames_free - stats_now().frames_free <= 2, "mem_map_takes_no_pages", "pages copied");
	p[5] = 0x5a;
	check(read_at(h, 5, &b, 1) == 0 && b == 0x5a, "store_through_mapping_reaches_object",
	      "object unchanged");
	b = 0xa5;
	check(native_space_write(SELF, MEM_VA + PAGE + 7, &b, 1) == 0 && read_at(h, PAGE + 7, &b, 1) == 0 &&
		      b == 0xa5 && p[PAGE + 7] == 0xa5,
	      "kernel_copy_into_writable_mapping_reaches_object", "the page was copied");
	b = 0x33;
	check(native_mem_write(h, 2 * PAGE, &b, 1) == 0 && p[2 * PAGE] == 0x33, "mem_write_shows_in_mapping",
	      "mapping unchanged");
	check(native_space_map_phys(SELF, MEM_VA + 3 * PAGE, h, 3 * PAGE, PAGE, KAGE_PROT_READ) == -EINVAL &&
		      native_space_map_phys(SELF, MEM_VA + 3 * PAGE, h, 100, PAGE, KAGE_PROT_READ) == -EINVAL &&
		      native_space_map_phys(SELF, MEM_VA, h, 0, PAGE, KAGE_PROT_READ) == -EEXIST,
	      "mem_map_bounds", "accepted");
}

/* A byte of the object, read back with mem_read. */
static unsigned char object_byte(long h, uint64_t off)
{
	unsigned char b = 0;

	read_at(h, off, &b, 1);
	return b;
}

/* After space_clone the writable mapping is copy-on-write in both spaces: the object keeps its bytes. */
static void check_mapping_after_clone(long h)
{
	volatile unsigned char *p = (volatile unsigned char *)MEM_VA;
	unsigned char at10 = object_byte(h, 10), at11 = object_byte(h, 11), there = 0;
	unsigned char mine = (unsigned char)(at10 + 1), v = (unsigned char)(at11 + 1);
	long copy = native_space_clone(SELF);

	p[10] = mine;	/* a store fault: the root gets its own copy */
	check(native_space_read(copy, MEM_VA + 10, &there, 1) == 0 && there == at10 && p[10] == mine &&
		      object_byte(h, 10) == at10,
	      "writable_mapping_is_private_after_clone", "a private store reached the object or the other space");
	check(native_space_write(copy, MEM_VA + 11, &v, 1) == 0 && object_byte(h, 11) == at11,
	      "clone_write_leaves_object", "the clone's write reached the object");
	native_handle_close(copy);
	native_space_unmap(SELF, MEM_VA, 3 * PAGE);
}

/* Read-only mappings, made writable or written by the kernel, copy the page: the object never changes. */
static void check_read_only_mapping(long h)
{
	volatile unsigned char *p = (volatile unsigned char *)MEM_VA;
	long ro = native_handle_copy(h, -1, KAGE_RIGHT_READ, 0);
	unsigned char at20 = object_byte(h, 20), at21 = object_byte(h, 21);
	unsigned char mine = (unsigned char)(at20 + 1), v = (unsigned char)(at21 + 1);

	check(native_space_map_phys(SELF, MEM_VA, ro, 0, PAGE, RW) == -EINVAL, "mem_map_writable_needs_write_right",
	      "writable mapping allowed");
	check(native_space_map_phys(SELF, MEM_VA, ro, 0, PAGE, KAGE_PROT_READ) == 0 &&
		      native_space_protect(SELF, MEM_VA, PAGE, RW) == 0,
	      "mem_map_read_only_then_protect", "refused");
	p[20] = mine;
	check(p[20] == mine && object_byte(h, 20) == at20, "cow_store_leaves_object_unchanged",
	      "the store reached the object");
	native_space_unmap(SELF, MEM_VA, PAGE);
	native_space_map_phys(SELF, MEM_VA, ro, 0, PAGE, KAGE_PROT_READ);
	check(native_space_write(SELF, MEM_VA + 21, &v, 1) == 0 && p[21] == v && object_byte(h, 21) == at21,
	      "space_write_into_read_only_mapping_copies", "the object changed");
	native_space_unmap(SELF, MEM_VA, PAGE);
	native_handle_close(ro);
}

/* A mapping holds its frames: closing the only handle leaves the bytes; the unmap frees them. */
static void check_mapping_outlives_handle(void)
{
	struct kage_stats before = stats_now();
	long h = native_mem_create(2 * PAGE);
	const unsigned char v = 0xc3;

	native_mem_write(h, PAGE + 9, &v, 1);
	native_space_map_phys(SELF, MEM_VA, h, 0, 2 * PAGE, KAGE_PROT_READ);
	check(native_handle_close(h) == 0 && ((volatile unsigned char *)MEM_VA)[PAGE + 9] == 0xc3,
	      "mapping_outlives_closed_handle", "bytes lost");
	native_space_unmap(SELF, MEM_VA, 2 * PAGE);
	check(stats_now().frames_free == before.frames_free, "unmap_frees_last_reference", "frames leaked");
}

static void check_slices(long h)
{
	long s = native_mem_slice(h, PAGE, OBJ_SIZE - PAGE);
	long ro = native_handle_copy(h, -1, KAGE_RIGHT_READ | KAGE_RIGHT_GRANT, 0), rs, wide;
	static unsigned char expect[2 * PAGE];
	unsigned char b = 0x1f;

	check(s > 0 && read_at(s, 0, back, OBJ_SIZE - PAGE) == 0 &&
		      read_at(h, PAGE, expect, OBJ_SIZE - PAGE) == 0 &&
		      memcmp(back, expect, OBJ_SIZE - PAGE) == 0,
	      "mem_slice_shares_bytes", "other bytes");
	check(native_mem_write(s, 3, &b, 1) == 0 && object_byte(h, PAGE + 3) == 0x1f, "mem_slice_write_reaches_object",
	      "object unchanged");
	check(native_mem_slice(h, 100, PAGE) == -EINVAL && native_mem_slice(h, PAGE, OBJ_SIZE) == -EINVAL &&
		      native_mem_slice(h, 0, 0) == -EINVAL &&
		      read_at(s, OBJ_SIZE - PAGE, &b, 1) == -EINVAL,
	      "mem_slice_bounds", "accepted");
	rs = native_mem_slice(ro, 0, PAGE);
	wide = native_handle_copy(rs, -1, KAGE_RIGHTS_ALL, 0);
	check(rs > 0 && wide > 0 && native_mem_write(rs, 0, &b, 1) == -EPERM &&
		      native_mem_write(wide, 0, &b, 1) == -EPERM,
	      "mem_slice_keeps_rights", "a slice gained the write right");
	native_handle_close(rs), native_handle_close(wide), native_handle_close(ro);
	/* The slice alone keeps the frames: map it after the object's handle is gone. */
	native_handle_close(h);
	check(native_space_map_phys(SELF, MEM_VA, s, PAGE, PAGE, KAGE_PROT_READ) == 0 &&
		      ((volatile unsigned char *)MEM_VA)[OBJ_SIZE - 2 * PAGE - 1] == expect[OBJ_SIZE - PAGE - 1] &&
		      object_byte(s, 3) == 0x1f,
	      "mem_slice_outlives_object_handle", "frames gone");
	native_space_unmap(SELF, MEM_VA, PAGE);
	native_handle_close(s);
}

/* The initramfs is RAM: mem_read and slices at any byte; device registers are refused. */
static void check_physical(const struct kage_bootinfo *bi)
{
	const struct kage_bootitem *rd = native_boot_item(bi, KAGE_BOOT_INITRD, 0);
	const struct kage_bootitem *uart = native_boot_item(bi, KAGE_BOOT_UART, 0);
	char magic[8] = { 0 };
	long s;

	if (!rd || !uart) {
		check(0, "mem_read_physical", "no initramfs or UART item");
		return;
	}
	check(read_at(rd->handle, 0, magic, 6) == 0 && memcmp(magic, "070701", 6) == 0,
	      "mem_read_initramfs", "no cpio magic");
	s = native_mem_slice(rd->handle, 1, 5);
	memset(magic, 0, sizeof(magic));
	check(s > 0 && read_at(s, 0, magic, 5) == 0 && memcmp(magic, "70701", 6) == 0 &&
		      read_at(s, 0, magic, 6) == -EINVAL,
	      "mem_slice_physical_at_any_byte", "wrong bytes");
	check(native_mem_write(rd->handle, 0, magic, 1) == -EPERM &&
		      native_mem_write(uart->handle, 0, magic, 1) == -EINVAL,
	      "mem_write_physical_is_refused", "accepted");
	check(read_at(uart->handle, 0, magic, 1) == -EINVAL, "mem_read_device_is_einval",
	      "read device registers");
	native_handle_close(s);
}

void memory_checks(const struct kage_bootinfo *bi)
{
	struct kage_stats before = stats_now();
	long h;

	for (unsigned i = 0; i < sizeof(pattern); i++)
		pattern[i] = (unsigned char)(i * 7 + 3);
	check_create();
	check_create_big();
	check_create_too_big();
	h = native_mem_create(OBJ_SIZE);
	check_write_read(h);
	check_read_into_space(h);
	check_writable_mapping(h);
	check_mapping_after_clone(h);
	check_read_only_mapping(h);
	check_mapping_outlives_handle();
	check_slices(h);	/* closes h */
	check_physical(bi);
	check(stats_now().frames_free == before.frames_free, "memory_objects_give_frames_back", "frames leaked");
}
