/*
 * Demand-zero checks of the kernel test root task: regions declared with
 * space_map get frames only when touched, read as zeros, and give every
 * frame back on space_unmap.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "tests/kernel/root.h"

#define AREA 0x20000000ul
#define PAGES 16
#define PAGE 4096ul

static uint64_t frames_used(void)
{
	struct kage_stats st;

	native_stats(&st);
	return st.frames_used;
}

static void demand_touch(void)
{
	volatile unsigned char *p = (volatile unsigned char *)AREA;
	uint64_t before = frames_used(), after_one, after_all;
	int zero = 1;
	unsigned i;

	for (i = 0; i < PAGE; i++)
		zero &= p[i] == 0;
	check(zero, "demand_zero_page_reads_zero", "non-zero byte");
	after_one = frames_used();
	/* One frame, plus at most the two page tables the first touch needed. */
	check(after_one - before >= 1 && after_one - before <= 3, "first_touch_takes_one_frame", "wrong frame count");
	for (i = 0; i < PAGES; i++)
		p[i * PAGE + 5] = (unsigned char)(i + 1);
	after_all = frames_used();
	check(after_all - after_one == PAGES - 1, "each_page_filled_on_first_write", "wrong frame count");
	check(p[3 * PAGE + 5] == 4, "demand_page_keeps_data", "lost a write");
}

/*
 * A copy into a page never touched that fails half-way (the source runs
 * into an unmapped page) must leave zeros, not a stale frame's contents.
 */
static void check_failed_fill_is_zeroed(void)
{
	const uint64_t src = 0x31000000ul, dst = 0x30000000ul;
	long other = native_space_create();
	unsigned char back[PAGE];
	int ok = 1;

	native_space_map(KAGE_HANDLE_SELF_SPACE, src, PAGE, KAGE_PROT_READ | KAGE_PROT_WRITE);
	for (unsigned i = 0; i < PAGE; i++)
		((volatile unsigned char *)src)[i] = 0xab;
	native_space_map(other, dst, 2 * PAGE, KAGE_PROT_READ | KAGE_PROT_WRITE);
	check(native_space_write(other, dst, (void *)(src + PAGE / 2), PAGE) == -EFAULT,
	      "copy_from_half_mapped_buffer_is_efault", "accepted");
	native_space_read(other, dst, back, PAGE);
	for (unsigned i = 0; i < PAGE; i++)
		ok &= back[i] == (i < PAGE / 2 ? 0xab : 0);
	check(ok, "failed_fill_leaves_zeros", "stale or wrong bytes in the page");
	native_handle_close(other);
	native_space_unmap(KAGE_HANDLE_SELF_SPACE, src, PAGE);
}

static uint64_t icache_syncs(void)
{
	struct kage_stats st;

	native_stats(&st);
	return st.icache_syncs;
}

/*
 * Code stored into a page runs once the page is made executable: the
 * kernel fences the instruction cache then (kage_stats.icache_syncs), and
 * when it fills an executable page, and not for a data page.
 */
static void check_icache_sync(void)
{
	static const uint32_t ret42[] = { 0x02a00513, 0x00008067 };	/* li a0, 42; ret */
	const uint64_t code = 0x32000000ul;
	long (*fn)(void) = (long (*)(void))code;
	uint32_t warm[2];
	uint64_t s0, s1, s2, s3;

	/* This code's own first touches of text pages would count too: they come first. */
	memcpy(warm, ret42, sizeof(warm));
	s0 = icache_syncs();
	native_space_map(KAGE_HANDLE_SELF_SPACE, code, 2 * PAGE, KAGE_PROT_READ | KAGE_PROT_WRITE);
	memcpy((void *)code, ret42, sizeof(ret42));
	s1 = icache_syncs();
	native_space_protect(KAGE_HANDLE_SELF_SPACE, code, PAGE, KAGE_PROT_READ | KAGE_PROT_EXEC);
	s2 = icache_syncs();
	check(s1 == s0 && s2 == s1 + 1 && fn() == 42, "protect_exec_fences_icache",
	      "no fence, a fence for a data page, or the code did not run");
	native_space_protect(KAGE_HANDLE_SELF_SPACE, code + PAGE, PAGE, KAGE_PROT_READ | KAGE_PROT_EXEC);
	s2 = icache_syncs();
	(void)*(volatile uint32_t *)(code + PAGE);	/* its first touch fills an executable page */
	s3 = icache_syncs();
	check(s3 == s2 + 1, "exec_page_fill_fences_icache", "no fence");
	check(native_icache_sync(-1) == 0 && native_icache_sync(KAGE_HANDLE_SELF_SPACE) == 0 &&
		      icache_syncs() == s3 + 2 &&
		      native_call(KAGE_SYS_SPACE_BARRIER, (uint64_t)-1, KAGE_BARRIER_ICACHE << 1) == -EINVAL,
	      "icache_sync_call", "wrong result or count");
	native_space_unmap(KAGE_HANDLE_SELF_SPACE, code, 2 * PAGE);
}

void demand_checks(void)
{
	uint64_t before = frames_used();

	check(native_space_map(KAGE_HANDLE_SELF_SPACE, AREA, PAGES * PAGE, KAGE_PROT_READ | KAGE_PROT_WRITE) == 0,
	      "space_map_region", "refused");
	check(frames_used() == before, "space_map_takes_no_frame", "frames taken before any touch");
	demand_touch();
	check(native_space_map(KAGE_HANDLE_SELF_SPACE, AREA + PAGE, PAGE, KAGE_PROT_READ) == -EEXIST,
	      "space_map_overlap_is_eexist", "not -EEXIST");
	check(native_space_map(KAGE_HANDLE_SELF_SPACE, AREA + 123, PAGE, KAGE_PROT_READ) == -EINVAL,
	      "space_map_unaligned_is_einval", "not -EINVAL");
	check(native_space_map(KAGE_HANDLE_SELF_SPACE, 0xffffffc000000000ul, PAGE, KAGE_PROT_READ) == -EINVAL,
	      "space_map_kernel_range_is_einval", "not -EINVAL");
	check(native_space_map(KAGE_HANDLE_SELF_SPACE, 0x30000000ul, PAGE, 0) == -EINVAL,
	      "space_map_without_access_is_einval", "not -EINVAL");
	check(native_space_unmap(KAGE_HANDLE_SELF_SPACE, AREA, PAGES * PAGE) == 0, "space_unmap_region", "refused");
	/* The page tables stay for later use; every data frame is back. */
	check(frames_used() - before <= 2, "space_unmap_returns_frames", "frames leaked");
	check_failed_fill_is_zeroed();
	check_icache_sync();
}
