/*
 * space_ranges checks: a space's regions and the pages of a memory object
 * mapped outside them come back as the ranges Linux's maps would show,
 * a walk longer than the step budget goes on where a call stopped, this
 * task's own stack is there, and the refusals are the usual ones.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "tests/kernel/root.h"

#define SELF KAGE_HANDLE_SELF_SPACE
#define PAGE 4096ul
#define RW (KAGE_PROT_READ | KAGE_PROT_WRITE)
#define AREA 0x70000000ul	/* where the checks map in their own spaces */
#define MANY (KAGE_RANGES_STEPS + 10)
/*
 * Where the ranges go: a region of this space for the checks' time, not
 * a static array, so the test Image's space (which its benchmark clones)
 * keeps its size.
 */
#define OUT_VA 0x71000000ul
#define OUT_SIZE ((MANY * sizeof(struct kage_range) + PAGE - 1) & ~(PAGE - 1))

static struct kage_range *const out = (struct kage_range *)OUT_VA;

static int range_is(const struct kage_range *r, uint64_t start, uint64_t end, uint32_t prot, uint32_t kind)
{
	return r->start == start && r->end == end && r->prot == prot && r->kind == kind;
}

/* Regions as they are, a protected one included, and an object's pages joined to the region beside them. */
static void check_regions_and_pages(void)
{
	long s = native_space_create(), m = native_mem_create(2 * PAGE);
	long n;

	native_space_map(s, AREA, 4 * PAGE, RW);
	native_space_map(s, AREA + 4 * PAGE, 2 * PAGE, KAGE_PROT_READ);
	native_space_protect(s, AREA + 5 * PAGE, PAGE, 0);
	native_space_map_phys(s, AREA + 8 * PAGE, m, 0, 2 * PAGE, KAGE_PROT_READ);
	native_space_map(s, AREA + 10 * PAGE, PAGE, KAGE_PROT_READ);	/* a file mapping's tail */
	n = native_space_ranges(s, 0, out, MANY);
	check(n == 4 && range_is(&out[0], AREA, AREA + 4 * PAGE, RW, KAGE_RANGE_ZERO_FILL) &&
		      range_is(&out[1], AREA + 4 * PAGE, AREA + 5 * PAGE, KAGE_PROT_READ, KAGE_RANGE_ZERO_FILL) &&
		      range_is(&out[2], AREA + 5 * PAGE, AREA + 6 * PAGE, 0, KAGE_RANGE_ZERO_FILL) &&
		      range_is(&out[3], AREA + 8 * PAGE, AREA + 11 * PAGE, KAGE_PROT_READ,
			       KAGE_RANGE_ZERO_FILL | KAGE_RANGE_DIRECT),
	      "space_ranges_as_maps_shows_them", "wrong ranges");
	n = native_space_ranges(s, AREA + 9 * PAGE + 5, out, MANY);
	check(n == 1 && out[0].start == AREA + 9 * PAGE && out[0].end == AREA + 11 * PAGE,
	      "space_ranges_from_inside_a_range", "not cut where asked");
	check(native_space_ranges(s, AREA + 11 * PAGE, out, MANY) == 0, "space_ranges_none_past_the_last",
	      "a range past the last");
	native_handle_close(m);
	native_handle_close(s);
}

/* More pieces than one call looks at: the rest comes from where it stopped. */
static void check_budget(void)
{
	long s = native_space_create(), first, second, third;
	int ok = 1;

	for (uint64_t i = 0; i < MANY; i++)
		native_space_map(s, AREA + 2 * i * PAGE, PAGE, i % 2 ? KAGE_PROT_READ : RW);
	first = native_space_ranges(s, 0, out, MANY);
	second = first > 0 ? native_space_ranges(s, out[first - 1].end, out + first, MANY - (uint64_t)first) : -1;
	third = native_space_ranges(s, AREA + 2 * MANY * PAGE, out, MANY);
	for (uint64_t i = 0; first + second == MANY && i < MANY; i++)
		ok &= out[i].start == AREA + 2 * i * PAGE && out[i].prot == (i % 2 ? KAGE_PROT_READ : RW);
	check(first == KAGE_RANGES_STEPS && second == 10 && third == 0 && ok, "space_ranges_bounded_and_resumed",
	      "not cut at the budget, or not resumed");
	native_handle_close(s);
}

/* This task's own space: the range holding a local variable is its writable stack. */
static void check_own_stack(void)
{
	volatile int local = 0;
	uint64_t at = (uint64_t)&local;
	long n = native_space_ranges(SELF, at, out, 1);

	check(n == 1 && out[0].start <= at && at < out[0].end && out[0].prot == RW, "space_ranges_own_stack",
	      "the stack is not there");
}

static void check_refusals(void)
{
	long s = native_space_create(), narrow;

	native_space_map(s, AREA, PAGE, RW);
	narrow = native_handle_copy(s, -1, KAGE_RIGHT_WRITE, 0);
	check(native_space_ranges(12345, 0, out, 1) == -EBADF, "space_ranges_bad_handle", "not -EBADF");
	check(native_space_ranges(KAGE_HANDLE_SELF_TASK, 0, out, 1) == -EINVAL, "space_ranges_not_a_space",
	      "not -EINVAL");
	check(native_space_ranges(narrow, 0, out, 1) == -EPERM, "space_ranges_needs_read", "not -EPERM");
	check(native_space_ranges(s, 0, (struct kage_range *)0xffffffc000000000ul, 1) == -EFAULT &&
		      native_space_ranges(s, 0, (struct kage_range *)0x10, 1) == -EFAULT,
	      "space_ranges_bad_buffer", "not -EFAULT");
	check(native_space_ranges(s, 0, out, 0) == -EINVAL, "space_ranges_no_room", "not -EINVAL");
	native_handle_close(narrow);
	native_handle_close(s);
}

void ranges_checks(void)
{
	struct kage_stats before, after;

	native_stats(&before);
	native_space_map(SELF, OUT_VA, OUT_SIZE, RW);
	check_regions_and_pages();
	check_budget();
	check_own_stack();
	check_refusals();
	native_space_unmap(SELF, OUT_VA, OUT_SIZE);
	native_stats(&after);
	check(after.frames_free == before.frames_free && after.regions == before.regions,
	      "space_ranges_leaves_nothing", "frames or regions left behind");
}
