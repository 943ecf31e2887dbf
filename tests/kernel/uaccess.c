/*
 * The caller's own side of a copy (kernel/uaccess.h): space_read and
 * space_write reach the calling task's buffer through its running page
 * table. The kernel's addresses stay out of reach, and every case the
 * page walk used to handle comes out as before: a page never touched is
 * filled, a copy-on-write page is broken, a read-only or unmapped one is
 * -EFAULT.
 */
#include "kernel/memlayout.h"
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "tests/kernel/root.h"

#define OTHER_VA 0x32000000ul
#define MINE 0x33000000ul	/* two pages read-write, then one read-only */
#define PAGE 4096ul
#define SELF KAGE_HANDLE_SELF_SPACE

static const char pattern[16] = "own memory, 16b";

/* With sstatus.SUM set the kernel's own memory is reachable: the range check is what refuses it. */
static void check_kernel_out_of_reach(long other)
{
	char back[16];

	native_space_write(other, OTHER_VA, pattern, sizeof(pattern));
	check(native_space_write(other, OTHER_VA, (const void *)KERNEL_IMAGE_BASE, 16) == -EFAULT &&
		      native_space_write(other, OTHER_VA, (const void *)KERNEL_DIRECT_BASE, 16) == -EFAULT,
	      "copy_from_kernel_address_is_efault", "the kernel's bytes were reachable");
	check(native_space_read(other, OTHER_VA, back, sizeof(back)) == 0 && !memcmp(back, pattern, sizeof(back)),
	      "kernel_bytes_never_reach_the_other_space", "the destination changed");
	check(native_space_read(other, OTHER_VA, (void *)(KERNEL_IMAGE_BASE + 0x100000), 16) == -EFAULT,
	      "copy_into_kernel_address_is_efault", "accepted");
	check(native_space_read(other, OTHER_VA, (void *)(USER_TOP - 8), 16) == -EFAULT &&
		      native_space_read(other, OTHER_VA, (void *)~0ul - 7, 16) == -EFAULT,
	      "copy_past_user_top_is_efault", "accepted");
}

static void check_own_pages(long other)
{
	volatile char *mine = (volatile char *)MINE;
	char back[16], zeros[16] = { 0 };
	long copy;

	native_space_map(SELF, MINE, 2 * PAGE, KAGE_PROT_READ | KAGE_PROT_WRITE);
	native_space_map(SELF, MINE + 2 * PAGE, PAGE, KAGE_PROT_READ);
	check(native_space_read(other, OTHER_VA, (void *)MINE, 16) == 0 && !memcmp((const void *)MINE, pattern, 16),
	      "copy_into_untouched_own_page", "not filled");
	check(native_space_write(other, OTHER_VA, (const void *)(MINE + PAGE), 16) == 0 &&
		      native_space_read(other, OTHER_VA, back, sizeof(back)) == 0 && !memcmp(back, zeros, 16),
	      "copy_from_untouched_own_page_is_zeros", "not zeros");
	check(native_space_read(other, OTHER_VA, (void *)(MINE + 2 * PAGE), 16) == -EFAULT,
	      "copy_into_read_only_own_page_is_efault", "accepted");
	/*
	 * uaccess_copy's own loop takes 16 bytes, and 256 whose ends are
	 * aligned alike (here 3 bytes past a word, and so 5 bytes before the
	 * words); memcpy takes 256 misaligned against each other. A fault in
	 * each ends as -EFAULT.
	 */
	check(native_space_read(other, OTHER_VA, (void *)(MINE + 3 * PAGE - 8), 16) == -EFAULT &&
		      native_space_write(other, OTHER_VA, (const void *)(MINE + 3 * PAGE - 8), 16) == -EFAULT,
	      "copy_running_into_unmapped_own_page_is_efault", "accepted");
	check(native_space_read(other, OTHER_VA, (void *)(MINE + 3 * PAGE - 128), 256) == -EFAULT &&
		      native_space_write(other, OTHER_VA, (const void *)(MINE + 3 * PAGE - 128), 256) == -EFAULT &&
		      native_space_read(other, OTHER_VA, (void *)(MINE + 2 * PAGE), 256) == -EFAULT &&
		      native_space_read(other, OTHER_VA + 3, (void *)(MINE + 3 * PAGE - 125), 256) == -EFAULT &&
		      native_space_read(other, OTHER_VA + 3, (void *)(MINE + 3 * PAGE - 128), 256) == -EFAULT &&
		      native_space_write(other, OTHER_VA + 5, (const void *)(MINE + 3 * PAGE - 128), 256) == -EFAULT,
	      "long_copy_faulting_in_own_memory_is_efault", "accepted");
	mine[0] = 'x';
	native_space_write(other, OTHER_VA, pattern, sizeof(pattern));
	copy = native_space_clone(SELF);	/* MINE is copy-on-write now, in both */
	check(copy > 0 && native_space_read(other, OTHER_VA, (void *)MINE, 16) == 0 &&
		      !memcmp((const void *)MINE, pattern, 16) && native_space_read(copy, MINE, back, 1) == 0 &&
		      back[0] == 'x',
	      "copy_into_own_cow_page_breaks_it", "the clone saw the copy, or it failed");
	native_handle_close(copy);
	native_space_unmap(SELF, MINE, 3 * PAGE);
}

/*
 * Every path of uaccess_copy moves the right bytes: lengths around its
 * short limit and its eight-word turns, ends aligned alike at each offset
 * in a word and misaligned against each other, both ways.
 */
static void check_copy_paths(long other)
{
	static const unsigned lens[] = { 1, 7, 8, 63, 64, 65, 200, 512, 1000 };
	static uint8_t src[1100], back[1100];
	int bad = 0;

	for (unsigned i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 7 + 1);
	for (unsigned l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
		for (unsigned mine = 0; mine < 8; mine++) {
			for (unsigned theirs = 0; theirs < 8; theirs += 3) {
				memset(back, 0, sizeof(back));
				if (native_space_write(other, OTHER_VA + theirs, src + mine, lens[l]) < 0 ||
				    native_space_read(other, OTHER_VA + theirs, back + mine, lens[l]) < 0 ||
				    memcmp(back + mine, src + mine, lens[l]) || back[mine + lens[l]] != 0)
					bad++;
			}
		}
	}
	check(bad == 0, "copies_of_every_length_and_alignment", "bytes differ");
	native_space_write(other, OTHER_VA, pattern, sizeof(pattern));	/* what check_own_pages reads */
}

void uaccess_checks(void)
{
	long other = native_space_create();

	check(other > 0 && native_space_map(other, OTHER_VA, PAGE, KAGE_PROT_READ | KAGE_PROT_WRITE) == 0,
	      "uaccess_other_space", "no space");
	check_kernel_out_of_reach(other);
	check_copy_paths(other);
	check_own_pages(other);
	native_handle_close(other);
}
