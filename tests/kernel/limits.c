/*
 * Capacity checks: tasks, handles, regions and timers are bounded by
 * memory, not by fixed tables (each check goes past where a table used
 * to end: 256 tasks, 170 handles, 64 regions, 64 timers); a range
 * operation costs what is mapped in the range, not what it spans; and a
 * flood of faults cannot flood the console. Each capacity check runs in
 * a task of its own (child_run), whose handle table goes with it.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "tests/kernel/root.h"

#define SELF KAGE_HANDLE_SELF_SPACE
#define PAGE 4096ul
#define USER_END (1ul << 38)
#define RW (KAGE_PROT_READ | KAGE_PROT_WRITE)
#define MS (1000ul * 1000)

static struct kage_stats stats_now(void)
{
	struct kage_stats st;

	native_stats(&st);
	return st;
}

static uint64_t instret(void)
{
	uint64_t v;

	__asm__ volatile("rdinstret %0" : "=r"(v));
	return v;
}

static void many_tasks(long n)
{
	static long t[300];
	struct kage_stats before = stats_now();
	int ok = 1;

	for (long i = 0; i < n; i++) {
		t[i] = native_task_create(SELF, 0x10000, 0);
		ok &= t[i] > 0;
	}
	check(ok && stats_now().tasks == before.tasks + (uint64_t)n, "tasks_beyond_256", "a task was refused");
	for (long i = 0; i < n; i++) {
		native_task_kill(t[i], 0);
		native_handle_close(t[i]);
	}
	check(stats_now().tasks == before.tasks, "many_tasks_all_gone", "tasks left behind");
	native_exit(0);
}

/* A fresh table hands out 1, 2, 3... (0 is this space) up to 65,536 handles, then -EMFILE. */
static void many_handles(long arg)
{
	struct kage_space_stat st;
	long h = 0, last = 0;
	int in_order = 1;

	(void)arg;
	while (h >= 0) {
		h = native_handle_copy(SELF, -1, KAGE_RIGHT_READ, 0);
		if (h >= 0) {
			in_order &= h == last + 1;
			last = h;
		}
	}
	check(h == -EMFILE && last == 65535 && in_order, "handles_up_to_65536", "wrong count or error");
	check(native_space_stat(last, &st) == (long)sizeof(st) && native_space_stat(200, &st) == (long)sizeof(st),
	      "high_handles_work", "a handle past the first page names nothing");
	check(native_handle_close(40000) == 0 && native_handle_copy(SELF, -1, KAGE_RIGHT_READ, 0) == 40000,
	      "closed_handle_is_reused", "another number came back");
	for (long i = 1; i <= last; i++)
		native_handle_close(i);
	check(stats_now().handles >= 1 && native_space_stat(last, &st) == -EBADF, "handles_all_closed",
	      "a handle is left");
	native_exit(0);
}

/*
 * A space holds up to 65,530 regions (Linux's max_map_count), each found
 * among the others; one more is -ENOMEM, while a map that merges with
 * its neighbours needs none and still succeeds at the bound.
 */
static void many_regions(long n)
{
	struct kage_space_stat st;
	long s = native_space_create();
	const unsigned char v = 0x77;
	unsigned char b = 0;
	int ok = 1;

	for (long i = 0; i < n; i++)
		ok &= native_space_map(s, (2 * (uint64_t)i + 16) * PAGE, PAGE, KAGE_PROT_READ) == 0;
	native_space_stat(s, &st);
	check(ok && st.regions == (uint64_t)n, "regions_up_to_65530", "a region was refused");
	check(native_space_map(s, (2 * (uint64_t)n + 16) * PAGE, PAGE, KAGE_PROT_READ) == -ENOMEM &&
		      native_space_protect(s, 16 * PAGE, PAGE, KAGE_PROT_READ | KAGE_PROT_WRITE) == 0 &&
		      native_space_map(s, (2 * (uint64_t)n + 16) * PAGE, PAGE, KAGE_PROT_READ) == -ENOMEM,
	      "region_past_65530_is_enomem", "accepted");
	check(native_space_write(s, (2 * 50000 + 16) * PAGE + 9, &v, 1) == 0 &&
		      native_space_read(s, (2 * 50000 + 16) * PAGE + 9, &b, 1) == 0 && b == v,
	      "region_found_among_many", "wrong bytes");
	/* A hole filled with the same permissions joins both neighbours into one region. */
	native_space_map(s, 19 * PAGE, PAGE, KAGE_PROT_READ);
	native_space_stat(s, &st);
	check(st.regions == (uint64_t)n - 1, "touching_regions_merge", "not merged");
	check(native_space_unmap(s, 0, USER_END) == 0 && native_space_stat(s, &st) == (long)sizeof(st) &&
		      st.regions == 0 && st.pages == 0,
	      "unmap_everything_of_many_regions", "something left");
	native_handle_close(s);
	native_exit(0);
}

/* A notification has one timer, which arming replaces; any number of notifications may have one. */
static void many_timers(long n)
{
	static long note[100];
	long one = native_notif_create();
	int ok = 1;

	check(native_timer_notify(one, 30 * MS, 0x1) == 0 && native_timer_notify(one, 10 * MS, 0x2) == 0 &&
		      native_notif_wait(one) == 0x2,
	      "timer_rearm_replaces", "wrong bits");
	/* Had the first stayed armed it would fire at 30 ms, before this one. */
	check(native_timer_notify(one, 60 * MS, 0x4) == 0 && native_notif_wait(one) == 0x4,
	      "replaced_timer_never_fires", "the replaced timer fired");
	native_timer_notify(one, 10 * MS, 0x8);
	native_timer_notify(one, 0, 0);
	check(native_timer_notify(one, 40 * MS, 0x10) == 0 && native_notif_wait(one) == 0x10, "timer_disarm",
	      "the disarmed timer fired");
	for (long i = 0; i < n; i++) {
		note[i] = native_notif_create();
		ok &= note[i] > 0 && native_timer_notify(note[i], 10 * MS + (uint64_t)i * 100000, 1 + (i & 1)) == 0;
	}
	check(ok, "timers_beyond_64", "a timer was refused");
	for (long i = 0; i < n; i++)
		ok &= native_notif_wait(note[i]) == 1 + (i & 1);
	check(ok, "every_timer_fires", "wrong bits");
	for (long i = 0; i < n; i++)
		native_handle_close(note[i]);
	native_handle_close(one);
	native_exit(0);
}

/*
 * A space with three pages far apart: unmapping, protecting and checking
 * all of user space (256 GiB, 2^26 pages) costs what the tables hold.
 * Page by page this would be billions of instructions a call: the
 * hundred calls here would not end.
 */
static void bounded_ranges(uint64_t timebase_hz)
{
	const uint64_t pages[3] = { 0x10000, 0x40000000, 0x3fff000000 };
	struct kage_space_stat st;
	long s = native_space_create(), phys = native_mem_create(PAGE);
	uint64_t t0 = native_time(), i0, cost;
	int ok = 1;

	for (int i = 0; i < 3; i++)
		native_space_map(s, pages[i], PAGE, RW | KAGE_MAP_POPULATE);
	for (int round = 0; round < 100; round++) {
		ok &= native_space_protect(s, 0, USER_END, KAGE_PROT_READ) == 0;
		ok &= native_space_protect(s, 0, USER_END, RW) == 0;
		ok &= native_space_map(s, 0, USER_END, RW) == -EEXIST;
		ok &= native_space_map_phys(s, 0, phys, 0, PAGE, KAGE_PROT_READ) == 0;
		ok &= native_space_unmap(s, PAGE, USER_END - PAGE) == 0;
		ok &= native_space_unmap(s, 0, PAGE) == 0;
		for (int i = 0; i < 3; i++)
			ok &= native_space_map(s, pages[i], PAGE, RW | KAGE_MAP_POPULATE) == 0;
	}
	i0 = instret();
	ok &= native_space_unmap(s, 0, USER_END) == 0;
	cost = instret() - i0;
	native_space_stat(s, &st);
	check(ok && st.pages == 0 && st.regions == 0 && st.tables == 1, "range_calls_over_all_user_space",
	      "refused, or something left");
	/* Seconds of the time CSR: generous for any emulator, hopeless for a page-by-page walk. */
	check(native_time() - t0 < 10 * timebase_hz, "range_calls_cost_what_is_mapped",
	      "took too long");
	say("kage-test: unmap of 256 GiB holding 3 pages: rdinstret %lu\n", (unsigned long)cost);
	native_handle_close(phys);
	native_handle_close(s);
}

void limit_checks(uint64_t timebase_hz)
{
	struct kage_stats before = stats_now(), after;

	child_run(many_tasks, 300);
	child_run(many_handles, 0);
	child_run(many_regions, 65530);
	child_run(many_timers, 100);
	bounded_ranges(timebase_hz);
	after = stats_now();
	check(after.frames_free == before.frames_free && after.tasks == before.tasks &&
		      after.notifications == before.notifications && after.handles == before.handles &&
		      after.regions == before.regions && after.kalloc_bytes == before.kalloc_bytes,
	      "limits_give_everything_back", "frames or objects left behind");
}

static void fault_at_once(long arg)
{
	(void)arg;
	*(volatile long *)0 = 1;
}

static long flood_one(void)
{
	long t = native_task_create_named(SELF, (uint64_t)fault_at_once, child_stack_top(0), "flood", 0), st = 0;

	native_task_resume(t);
	child_wait(t, &st);
	native_handle_close(t);
	return st;
}

/*
 * Thirty tasks killed by faults in a row: the console shows the first
 * few (tests/system/test_user_mode.py counts them), then, once the
 * bucket has room again, how many it left out.
 */
/* The system log keeps what the console printed, the boot report first, within its size. */
static void log_checks(void)
{
	uint64_t b[2] = { 1, 0 };
	char text[16];
	long n = native_log_read(0, text, sizeof(text), b);
	volatile uintptr_t unmapped = 8;

	check(n == (long)sizeof(text) && b[1] > b[0] && b[1] - b[0] <= KAGE_LOG_SIZE &&
		      (b[0] > 0 || !memcmp(text, "kage: ", 6)),
	      "log_read_starts_with_the_boot_report", "wrong bytes or bounds");
	check(native_log_read(0, text, KAGE_COPY_MAX + 1, NULL) == -EINVAL &&
		      native_log_read(0, (void *)unmapped, sizeof(text), NULL) == -EFAULT &&
		      native_log_read(b[1] + 100, text, sizeof(text), NULL) == 0,
	      "log_read_refuses_bad_lengths_and_buffers", "accepted");
}

void flood_checks(void)
{
	long n = native_notif_create();
	int dead = 1;

	for (int i = 0; i < 30; i++)
		dead &= flood_one() == -16;
	check(dead, "fault_flood_kills_every_task", "a task survived its fault");
	native_timer_notify(n, 2200 * MS, 1);	/* two lines' worth of ticks */
	native_notif_wait(n);
	native_handle_close(n);
	check(flood_one() == -16, "kill_after_the_flood", "survived");
	log_checks();
}
