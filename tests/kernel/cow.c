/*
 * Copy-on-write checks of the kernel test root task: it clones its own
 * space and watches both copies through space_read/space_write.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "tests/kernel/root.h"

static volatile long cow_value = 1;		/* writable data, shared after the clone */
static volatile long cow_untouched = 7;		/* never written after the clone */
static const long cow_constant = 11;		/* read-only data */

static long peek(long space, const volatile long *p)
{
	long v = -1;

	if (native_space_read(space, (uint64_t)p, &v, sizeof(v)) < 0)
		return -12345;
	return v;
}

static void cow_isolation(long copy)
{
	long two = 2, forty = 40;

	check(peek(copy, &cow_value) == 1, "clone_sees_parent_data", "wrong value in the copy");
	/* The other side writes: our page must not change. */
	check(native_space_write(copy, (uint64_t)&cow_value, &two, sizeof(two)) == 0, "space_write_into_clone",
	      "space_write failed");
	check(cow_value == 1, "clone_write_invisible_here", "our copy changed");
	check(peek(copy, &cow_value) == 2, "clone_write_visible_there", "the copy did not change");
	/* We write (a store fault the kernel resolves): the copy must not change. */
	cow_value = 3;
	check(cow_value == 3, "own_write_after_clone", "our store was lost");
	check(peek(copy, &cow_value) == 2, "own_write_invisible_there", "the copy changed");
	check(peek(copy, &cow_untouched) == 7, "untouched_data_intact_in_clone", "wrong value");
	/* Even read-only pages are copied before the kernel writes into them. */
	check(native_space_write(copy, (uint64_t)&cow_constant, &forty, sizeof(forty)) == 0,
	      "space_write_into_read_only_page", "refused");
	check(cow_constant == 11, "read_only_page_stays_ours", "our constant changed");
	check(native_space_write_user(copy, (uint64_t)&cow_constant, &forty, sizeof(forty)) == -EFAULT &&
		      native_space_write_user(copy, (uint64_t)&cow_value, &forty, sizeof(forty)) == 0,
	      "space_write_as_user_respects_read_only", "wrong result");
}

void cow_checks(void)
{
	struct kage_stats before, cloned, after;
	long copy, v;

	native_stats(&before);
	copy = native_space_clone(KAGE_HANDLE_SELF_SPACE);
	check(copy > 0, "space_clone_returns_handle", "no handle");
	native_stats(&cloned);
	check(cloned.spaces == before.spaces + 1, "space_clone_counts", "space count");
	/* Only page tables are new: the pages themselves are shared. */
	check(before.frames_free - cloned.frames_free < 16, "space_clone_copies_no_pages", "too many frames");
	cow_isolation(copy);
	check(native_space_read(copy, 0xffffffc080000000ul, &v, sizeof(v)) == -EFAULT,
	      "space_read_kernel_address_is_efault", "not -EFAULT");
	check(native_space_read(copy, (uint64_t)&cow_untouched, (void *)8, sizeof(v)) == -EFAULT,
	      "space_read_into_bad_buffer_is_efault", "not -EFAULT");
	check(native_space_clone(31) == -EBADF, "space_clone_bad_handle_is_ebadf", "not -EBADF");
	check(native_space_write(copy, 0x10000, &v, KAGE_COPY_MAX + 1) == -EINVAL, "space_write_too_long_is_einval",
	      "not -EINVAL");
	check(native_handle_close(copy) == 0, "handle_close", "failed");
	check(native_handle_close(copy) == -EBADF, "handle_close_twice_is_ebadf", "not -EBADF");
	native_stats(&after);
	/* Everything the copy held is back; only our own broken-COW page remains. */
	check(after.spaces == before.spaces && before.frames_free - after.frames_free <= 2,
	      "clone_frames_return_on_close", "frames leaked");
}
