/*
 * The kernel test root task: runs as module 0 of the test Image and checks
 * the kernel from user mode, one result line per check ("kage-test: ok
 * <name>" or "kage-test: FAIL <name>: <why>"). Its exit status is the
 * number of failures. With "kage.test=fault" on the command line it ends
 * by faulting instead, to show the kernel surviving a user fault.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "tests/kernel/root.h"

long native_main(const char *args, const struct kage_bootinfo *bi);

static int failures;
static unsigned char zeroed[8192];		/* bss: must start as zeros */
static volatile int initialised = 0x5eed;	/* data: must come from the file */
static const char text_page[] = "read-only";

void check(int ok, const char *name, const char *why)
{
	if (ok) {
		say("kage-test: ok %s\n", name);
	} else {
		say("kage-test: FAIL %s: %s\n", name, why);
		failures++;
	}
}

static void check_memory_image(void)
{
	unsigned i;
	int clean = 1;

	for (i = 0; i < sizeof(zeroed); i++)
		clean &= zeroed[i] == 0;
	check(clean, "bss_starts_zeroed", "a non-zero byte in bss");
	check(initialised == 0x5eed, "data_comes_from_the_file", "wrong initial value");
	zeroed[4096] = 1;
	check(zeroed[4096] == 1, "bss_is_writable", "write did not stick");
}

static void check_stats(void)
{
	struct kage_stats st;

	memset(&st, 0xff, sizeof(st));
	check(native_stats(&st) == (long)sizeof(st), "sys_stats_answers", "not the size asked for");
	check(st.count.ecall_native > 0 && st.count.received[KAGE_SERVER_OTHER] == 0, "sys_stats_counts_events",
	      "implausible counters");
	check(native_call(KAGE_SYS_STATS, (uint64_t)&st, 0) == KAGE_STATS_V1_SIZE, "sys_stats_first_version",
	      "size 0 is not the six words of the first version");
	check(st.tasks == 1 && st.spaces == 1 && st.endpoints == 0 && st.notifications == 0,
	      "one_task_one_space", "unexpected object counts");
	check(st.memobjs >= 1 && st.handles >= 4 && st.regions == 0 && st.kalloc_bytes > 0 && st.kalloc_slabs > 0,
	      "sys_stats_counts_kernel_objects", "implausible object or kalloc counts");
	check(st.frames_used > 0 && st.frames_free > 0, "frame_counts_plausible", "zero frames");
}

/*
 * The root's handle table grows as the checks hold more handles at once,
 * and keeps its size (as any task's does): grown now, before the
 * baseline, so the frame counts compare what the checks left behind.
 */
static void grow_handle_table(void)
{
	long h[48];

	for (int i = 0; i < 48; i++)
		h[i] = native_handle_copy(KAGE_HANDLE_SELF_SPACE, -1, KAGE_RIGHT_READ, 0);
	for (int i = 0; i < 48; i++)
		native_handle_close(h[i]);
}

static void check_bad_pointers(void)
{
	check(native_stats(0) == -EFAULT, "null_pointer_is_efault", "not -EFAULT");
	check(native_stats((void *)0xffffffc080000000ul) == -EFAULT, "kernel_pointer_is_efault",
	      "kernel address accepted");
	check(native_stats((void *)text_page) == -EFAULT, "read_only_page_is_efault",
	      "kernel wrote into a read-only page");
	check(native_stats((void *)(0x10000 - 8)) == -EFAULT, "unmapped_page_is_efault", "not -EFAULT");
}

static void check_unknown_calls(void)
{
	check(native_call(KAGE_SYS(63), 0, 0) == -ENOSYS, "unknown_native_call_is_enosys", "not -ENOSYS");
	check(native_call(KAGE_SYS(1000), 0, 0) == -ENOSYS, "native_number_out_of_range", "not -ENOSYS");
}

static void fault_on_purpose(void)
{
	say("kage-test: writing to read-only memory on purpose\n");
	*(volatile char *)text_page = 'x';
	say("kage-test: FAIL the write did not fault\n");
}

static int contains(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (; *s; s++)
		if (strncmp(s, word, n) == 0)
			return 1;
	return 0;
}

/* After every child task, space, endpoint and notification is gone: nothing may remain. */
static void check_baseline(const struct kage_stats *before)
{
	struct kage_stats now;

	native_stats(&now);
	check(now.tasks == 1 && now.spaces == 1 && now.endpoints == 0 && now.notifications == 0,
	      "objects_back_at_baseline", "objects left behind");
	check(now.memobjs == before->memobjs && now.irqs == before->irqs && now.handles == before->handles &&
		      now.regions == before->regions && now.kalloc_bytes == before->kalloc_bytes &&
		      now.kalloc_slabs == before->kalloc_slabs,
	      "kernel_memory_back_at_baseline", "memory objects, handles, regions or kalloc memory left behind");
	if (now.frames_free != before->frames_free)
		say("kage-test: frames free %lu, at the start %lu\n", (unsigned long)now.frames_free,
		    (unsigned long)before->frames_free);
	check(now.frames_free == before->frames_free, "frames_back_at_baseline", "frames leaked");
}

long native_main(const char *args, const struct kage_bootinfo *bi)
{
	struct kage_stats start;

	say("kage-test: root task in user mode, args \"%s\"\n", args);
	check(args != 0, "command_line_passed", "no argument");
	check_memory_image();
	check_stats();
	grow_handle_table();
	native_stats(&start);
	check_bad_pointers();
	check_unknown_calls();
	cow_checks();
	demand_checks();
	uaccess_checks();
	bootinfo_checks(bi);
	task_checks();
	ipc_checks();
	ipc_regs_checks();
	reply_copy_checks();
	notif_checks();
	memory_checks(bi);
	lazy_checks(bi);
	ranges_checks();
	handoff_checks();
	heap_checks();
	limit_checks(bi->timebase_hz);
	oom_checks();
	flood_checks();
	if (args && !contains(args, "kage.bench"))
		uart_irq_check(bi);
	check_baseline(&start);
	if (args && contains(args, "kage.bench")) {
		bench_run();
		return 0;
	}
	if (args && contains(args, "kage.test=fault"))
		fault_on_purpose();
	say("kage-test: %d failed\n", failures);
	return failures;
}
