/*
 * Out-of-memory checks: with every frame taken (a memory object holds
 * most, pages of a scratch space the rest), each call that needs memory
 * either works or fails with -ENOMEM, and the frame count is exactly
 * what it was once the call is undone: the kernel never panics and
 * never leaks for lack of frames. The sweep gives each call 0, 1, 2, ...
 * free frames in turn, so every point where its allocations can fail is
 * taken. Also KAGE_MAP_POPULATE, and the fault message's w3 when a page
 * cannot get a frame. Runs in a task of its own (child_run) whose handle
 * table is grown first, so that installing a handle needs no memory.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "tests/kernel/root.h"

#define SELF KAGE_HANDLE_SELF_SPACE
#define PAGE 4096ul
#define RW (KAGE_PROT_READ | KAGE_PROT_WRITE)
#define SWEEP 40			/* free frames given to each call: 0 to SWEEP */
#define SCRATCH 0x50000000ul		/* one 2 MiB table's worth: pages go and come without table changes */
#define SCRATCH_PAGES 256
#define WORK 0x60000000ul		/* where the calls under test map */
#define SPLIT (WORK + 16 * PAGE)	/* a region to cut: 16 pages */
#define FAULTY 0x58000000ul		/* a region of this space a child faults in */
#define MOVE_A 0x61000000ul		/* four pages holding 1, 2, 3, 4 that space_remap moves... */
#define MOVE_B 0x80000000ul		/* ...here, where even the 1 GiB table is new, and back */
#define LAZY_A 0x62000000ul		/* o->object mapped lazily and writable, its first page touched, moved... */
#define LAZY_B 0x90000000ul		/* ...here, where the 1 GiB table is new, and back */
#define LAZY_AT 0xa0000000ul		/* o->object mapped lazily where a first touch needs new tables */
#define RANGES_BUF 0x59000000ul		/* where space_ranges writes, in a page of this space never touched */

struct oom {
	long hog, scratch;		/* what holds the frames */
	uint64_t touched;		/* scratch pages holding one */
	long work, source, model, object;	/* made before the squeeze, for the calls to use */
	int bad;			/* a call did something it must not */
};

static uint64_t frames_free(void)
{
	struct kage_stats st;

	native_stats(&st);
	return st.frames_free;
}

/* Frees or takes scratch pages until `want` frames are free (each is exactly one frame). */
static void oom_set_free(struct oom *o, uint64_t want)
{
	const unsigned char one = 1;

	while (frames_free() < want && o->touched > 1) {
		o->touched--;
		native_space_unmap(o->scratch, SCRATCH + o->touched * PAGE, (SCRATCH_PAGES - o->touched) * PAGE);
	}
	while (frames_free() > want && o->touched < SCRATCH_PAGES) {
		/* Merged with what is left of the region: no memory needed. */
		native_space_map(o->scratch, SCRATCH + o->touched * PAGE, (SCRATCH_PAGES - o->touched) * PAGE, RW);
		if (native_space_write(o->scratch, SCRATCH + o->touched * PAGE, &one, 1) < 0)
			break;
		o->touched++;
	}
}

/* Takes every frame: 0, or -1 if there were too few to keep SWEEP of them in scratch pages. */
static int oom_squeeze(struct oom *o)
{
	uint64_t free = frames_free(), pages = 0;
	const unsigned char one = 1;

	/* Its radix tables take a frame per 512 pages. */
	if (free > SWEEP + 80)
		pages = (free - SWEEP - 80) * 512 / 513;
	o->hog = pages ? native_mem_create(pages * PAGE) : -1;
	o->scratch = native_space_create();
	native_space_map(o->scratch, SCRATCH, SCRATCH_PAGES * PAGE, RW);
	native_space_write(o->scratch, SCRATCH, &one, 1);	/* its tables, once */
	o->touched = 1;
	oom_set_free(o, 0);
	return frames_free() == 0 && o->touched > SWEEP + 1 ? 0 : -1;
}

static void oom_release(struct oom *o)
{
	native_handle_close(o->scratch);
	if (o->hog >= 0)
		native_handle_close(o->hog);
}

/* Each call below needs memory; if it worked, it is checked and undone. The call's result. */
static long op_populate(struct oom *o)
{
	struct kage_space_stat before, after;
	long r;

	native_space_stat(o->work, &before);
	r = native_space_map(o->work, WORK + 64 * PAGE, 8 * PAGE, RW | KAGE_MAP_POPULATE);
	native_space_stat(o->work, &after);
	if (r < 0 && (after.pages != before.pages || after.regions != before.regions))
		o->bad = 1;	/* not all or nothing */
	if (r == 0 && after.pages != before.pages + 8)
		o->bad = 1;
	if (r == 0)
		native_space_unmap(o->work, WORK + 64 * PAGE, 8 * PAGE);
	return r;
}

static long op_space_clone(struct oom *o)
{
	long c = native_space_clone(o->source);

	if (c >= 0)
		native_handle_close(c);
	return c;
}

static long op_space_create(struct oom *o)
{
	long s = native_space_create();

	(void)o;
	if (s >= 0)
		native_handle_close(s);
	return s;
}

static long op_task_create(struct oom *o)
{
	long t = native_task_create(SELF, 0x10000, 0);

	(void)o;
	if (t >= 0) {
		native_task_kill(t, 0);
		native_handle_close(t);
	}
	return t;
}

static long op_task_clone(struct oom *o)
{
	long t = native_task_clone(o->model, SELF);

	if (t >= 0) {
		native_task_kill(t, 0);
		native_handle_close(t);
	}
	return t;
}

static long op_objects(struct oom *o)
{
	long h[4] = { native_ep_create(), native_notif_create(), native_mem_create(2 * PAGE),
		      native_mem_slice(o->object, PAGE, PAGE) };
	long r = 0;

	for (int i = 0; i < 4; i++) {
		if (h[i] >= 0)
			native_handle_close(h[i]);
		else if (r == 0)
			r = h[i];
	}
	return r;
}

/* A hole in a region needs a region of its own; filling it again merges, which needs none. */
static long op_region_split(struct oom *o)
{
	struct kage_space_stat before, after;
	long r;

	native_space_stat(o->work, &before);
	r = native_space_unmap(o->work, SPLIT + 5 * PAGE, PAGE);
	native_space_stat(o->work, &after);
	if (r < 0 && after.regions != before.regions)
		o->bad = 1;
	if (r == 0 && (after.regions != before.regions + 1 || native_space_map(o->work, SPLIT + 5 * PAGE, PAGE, RW)))
		o->bad = 1;
	return r;
}

static long op_protect_split(struct oom *o)
{
	struct kage_space_stat before, after;
	long r;

	native_space_stat(o->work, &before);
	r = native_space_protect(o->work, SPLIT + 4 * PAGE, 2 * PAGE, KAGE_PROT_READ);
	native_space_stat(o->work, &after);
	if (r < 0 && after.regions != before.regions)
		o->bad = 1;
	if (r == 0 && (after.regions != before.regions + 2 ||
		       native_space_protect(o->work, SPLIT + 4 * PAGE, 2 * PAGE, RW) != 0))
		o->bad = 1;
	return r;
}

static long op_many_regions(struct oom *o)
{
	long r = 0;

	for (uint64_t i = 0; i < 200 && r == 0; i++)
		r = native_space_map(o->work, WORK + (256 + 2 * i) * PAGE, PAGE, KAGE_PROT_READ);
	native_space_unmap(o->work, WORK + 256 * PAGE, 400 * PAGE);
	return r;
}

/* The byte at va of the work space, or -1. */
static int work_byte(struct oom *o, uint64_t va)
{
	unsigned char b;

	return native_space_read(o->work, va, &b, 1) == 0 ? b : -1;
}

/* Across a 2 MiB line: the second table's run can fail after the first was filled, and must leave nothing. */
#define MAP_FRAMES_AT (0x7f200000ul - 2 * PAGE)

static long op_map_frames(struct oom *o)
{
	long r = native_space_map_phys(o->work, MAP_FRAMES_AT, o->object, 0, 4 * PAGE, KAGE_PROT_READ);

	if (r == 0)
		native_space_unmap(o->work, MAP_FRAMES_AT, 4 * PAGE);
	else
		o->bad |= work_byte(o, MAP_FRAMES_AT) != -1;	/* the first run went with the failure */
	return r;
}

/* A move that fails leaves the pages where they were; one that works is undone with what it freed. */
static long op_remap_move(struct oom *o)
{
	long r = native_space_remap(o->work, MOVE_A, 4 * PAGE, MOVE_B, 8 * PAGE);

	if (r < 0) {
		o->bad |= work_byte(o, MOVE_A + 2 * PAGE) != 3 || work_byte(o, MOVE_B) != -1;
		return r;
	}
	o->bad |= work_byte(o, MOVE_B + 2 * PAGE) != 3 || work_byte(o, MOVE_A) != -1;
	native_space_unmap(o->work, MOVE_B + 4 * PAGE, 4 * PAGE);
	o->bad |= native_space_remap(o->work, MOVE_B, 4 * PAGE, MOVE_A, 4 * PAGE) != 0;
	o->bad |= work_byte(o, MOVE_A + 3 * PAGE) != 4;
	return r;
}

/* A first touch of a lazy page needs tables and a frame for its copy: it works or maps nothing. */
static long op_lazy_fault(struct oom *o)
{
	unsigned char b = 0;
	long r = native_space_map_phys(o->work, LAZY_AT, o->object, 0, 4 * PAGE, RW | KAGE_MAP_LAZY);

	if (r == 0)
		r = native_space_read(o->work, LAZY_AT + 2 * PAGE, &b, 1);
	if (r == 0)
		o->bad |= b != 0x12;
	native_space_unmap(o->work, LAZY_AT, 4 * PAGE);
	return r;
}

/* A lazy region moves with its object, touched page and untouched ones, or stays where it was. */
static long op_remap_move_lazy(struct oom *o)
{
	long r = native_space_remap(o->work, LAZY_A, 4 * PAGE, LAZY_B, 8 * PAGE);
	struct kage_range range = { 0 };

	if (r < 0) {
		o->bad |= work_byte(o, LAZY_A) != 0x10 || work_byte(o, LAZY_B) != -1;
		o->bad |= native_space_ranges(o->work, LAZY_A, &range, 1) != 1 || range.start != LAZY_A ||
			  range.end != LAZY_A + 4 * PAGE || !(range.kind & KAGE_RANGE_OBJECT);
		return r;
	}
	o->bad |= work_byte(o, LAZY_B) != 0x10 || work_byte(o, LAZY_A) != -1;
	native_space_unmap(o->work, LAZY_B + 4 * PAGE, 4 * PAGE);
	o->bad |= native_space_remap(o->work, LAZY_B, 4 * PAGE, LAZY_A, 4 * PAGE) != 0;
	o->bad |= work_byte(o, LAZY_A) != 0x10;
	return r;
}

/*
 * A read-out into a buffer page not yet touched: the copy needs a frame
 * for it, and without one the call fails with nothing mapped for it.
 */
static long op_space_ranges(struct oom *o)
{
	struct kage_range *out = (struct kage_range *)RANGES_BUF;
	long r = native_space_map(SELF, RANGES_BUF, PAGE, RW);

	if (r < 0)
		return r;
	r = native_space_ranges(o->work, 0, out, PAGE / sizeof(*out));
	if (r >= 0)
		o->bad |= r != 3 || out[0].start != SPLIT || out[1].start != MOVE_A || out[2].start != LAZY_A;
	native_space_unmap(SELF, RANGES_BUF, PAGE);
	return r;
}

/* Gives the call 0 to SWEEP free frames: -ENOMEM or success each time, nothing left behind. */
static void oom_sweep(struct oom *o, const char *name, long (*op)(struct oom *o), int must_fail)
{
	int clean = 1, other = 0, failed = 0, worked = 0;

	for (uint64_t want = 0; want <= SWEEP; want++) {
		long r;

		oom_set_free(o, want);
		r = op(o);
		failed += r == -ENOMEM;
		worked += r >= 0;
		other += r < 0 && r != -ENOMEM;
		clean &= frames_free() == want;
	}
	oom_set_free(o, 0);
	check(clean && !other && !o->bad && worked && (failed || !must_fail), name,
	      !clean ? "frames left behind" : other ? "an error other than -ENOMEM" : o->bad ? "changed on failure"
						: "never worked, or never failed");
	o->bad = 0;
}

static void fault_in_faulty(long arg)
{
	(void)arg;
	*(volatile long *)FAULTY = 0x600d;
	native_exit(0);
}

/* No frame for a page a task may use: the fault message says -ENOMEM, and a retry with memory works. */
static void check_fault_without_frame(struct oom *o)
{
	const uint64_t retry[6] = { 0 };
	struct kage_msg m;
	long ep, t, st = 0;

	oom_set_free(o, SWEEP);	/* room to make the task and its endpoint */
	ep = native_ep_create();
	t = child_create(SELF, fault_in_faulty, 0, 0);
	native_space_map(SELF, FAULTY, PAGE, RW);
	native_handle_copy(SELF, t, KAGE_RIGHT_READ, 0);	/* for its exit */
	native_task_bind(t, KAGE_BIND_EXCEPTION, ep);
	oom_set_free(o, 0);
	native_task_resume(t);
	native_ipc_recv(ep, &m);
	check(m.kind == KAGE_MSG_FAULT && m.w[1] == FAULTY && m.w[3] == (uint64_t)-ENOMEM,
	      "fault_message_says_enomem", "w3 is not -ENOMEM");
	oom_set_free(o, 8);
	native_ipc_reply(m.token, retry);
	check(child_wait(t, &st) == KAGE_TASK_DEAD && st == 0 && *(volatile long *)FAULTY == 0x600d,
	      "fault_retried_once_memory_is_free", "the retry failed");
	native_handle_close(t);
	native_handle_close(ep);
	native_space_unmap(SELF, FAULTY, PAGE);
	oom_set_free(o, 0);
}

/* Room for n more handles in this task's table, made now: installing them later needs no memory. */
static void grow_handle_table(int n)
{
	long h[64];

	for (int i = 0; i < n && i < 64; i++)
		h[i] = native_handle_copy(SELF, -1, KAGE_RIGHT_READ, 0);
	for (int i = 0; i < n && i < 64; i++)
		native_handle_close(h[i]);
}

/* Made before the squeeze: a space to map in, one to clone, a task to clone, an object to slice and map. */
static void oom_prepare(struct oom *o)
{
	const unsigned char one = 1;

	o->work = native_space_create();
	native_space_map(o->work, SPLIT, 16 * PAGE, RW);
	native_space_map(o->work, MOVE_A, 4 * PAGE, RW);
	for (unsigned char i = 0; i < 4; i++) {
		unsigned char b = i + 1;

		native_space_write(o->work, MOVE_A + i * PAGE, &b, 1);
	}
	o->source = native_space_create();
	native_space_map(o->source, 0x10000, 8 * PAGE, RW);
	native_space_map(o->source, 0x40000000, 8 * PAGE, KAGE_PROT_READ);
	for (int i = 0; i < 3; i++)
		native_space_write(o->source, 0x10000 + (uint64_t)i * PAGE, &one, 1);
	o->model = native_task_create(SELF, 0x10000, 0);
	o->object = native_mem_create(4 * PAGE);
	for (unsigned char i = 0; i < 4; i++) {
		unsigned char b = 0x10 + i;

		native_mem_write(o->object, i * PAGE, &b, 1);
	}
	native_space_map_phys(o->work, LAZY_A, o->object, 0, 4 * PAGE, RW | KAGE_MAP_LAZY);
	(void)work_byte(o, LAZY_A);	/* page 0 copied; 1 to 3 untouched */
	grow_handle_table(60);
}

static void oom_main(long arg)
{
	struct oom o = { .bad = 0 };

	(void)arg;
	oom_prepare(&o);
	if (oom_squeeze(&o) < 0) {
		check(0, "oom_squeeze", "could not take every frame");
		native_exit(1);
	}
	oom_sweep(&o, "oom_populate", op_populate, 1);
	oom_sweep(&o, "oom_space_clone", op_space_clone, 1);
	oom_sweep(&o, "oom_space_create", op_space_create, 1);
	oom_sweep(&o, "oom_task_create", op_task_create, 1);
	oom_sweep(&o, "oom_task_clone", op_task_clone, 1);
	oom_sweep(&o, "oom_objects", op_objects, 1);
	oom_sweep(&o, "oom_region_split", op_region_split, 0);
	oom_sweep(&o, "oom_protect_split", op_protect_split, 0);
	oom_sweep(&o, "oom_many_regions", op_many_regions, 1);
	oom_sweep(&o, "oom_map_frames", op_map_frames, 1);
	oom_sweep(&o, "oom_remap_move", op_remap_move, 1);
	oom_sweep(&o, "oom_lazy_fault", op_lazy_fault, 1);
	oom_sweep(&o, "oom_remap_move_lazy", op_remap_move_lazy, 1);
	oom_sweep(&o, "oom_space_ranges", op_space_ranges, 1);
	check_fault_without_frame(&o);
	oom_release(&o);
	native_handle_close(o.object);
	native_task_kill(o.model, 0);
	native_handle_close(o.model);
	native_handle_close(o.source);
	native_handle_close(o.work);
	native_exit(0);
}

/* KAGE_MAP_POPULATE with memory to spare: present pages, no fault on first touch; beyond free memory: nothing. */
static void check_populate(void)
{
	const uint64_t va = 0x54000000;
	struct kage_space_stat s0, s1;
	struct kage_stats a, b;
	volatile unsigned char *p = (volatile unsigned char *)va;
	int zero = 1;

	native_space_stat(SELF, &s0);
	check(native_space_map(SELF, va, 4 * PAGE, RW | KAGE_MAP_POPULATE) == 0, "populate_small_range", "refused");
	native_space_stat(SELF, &s1);
	native_stats(&a);
	for (int i = 0; i < 4; i++)
		zero &= p[(uint64_t)i * PAGE + 7] == 0;
	p[3 * PAGE] = 1;
	native_stats(&b);
	check(s1.pages == s0.pages + 4 && zero && b.count.page_faults == a.count.page_faults,
	      "populated_pages_are_present", "a page faulted in, or is missing");
	native_space_unmap(SELF, va, 4 * PAGE);
	native_stats(&a);
	check(native_space_map(SELF, va, (a.frames_free + 16) * PAGE, RW | KAGE_MAP_POPULATE) == -ENOMEM,
	      "populate_beyond_free_memory_is_enomem", "not -ENOMEM");
	native_stats(&b);
	native_space_stat(SELF, &s1);
	check(b.frames_free == a.frames_free && s1.pages == s0.pages && s1.regions == s0.regions,
	      "failed_populate_maps_nothing", "pages, regions or frames changed");
}

void oom_checks(void)
{
	struct kage_stats before, after;

	native_stats(&before);
	check_populate();
	child_run(oom_main, 0);
	native_stats(&after);
	check(after.frames_free == before.frames_free && after.tasks == before.tasks &&
		      after.spaces == before.spaces && after.memobjs == before.memobjs &&
		      after.regions == before.regions && after.kalloc_bytes == before.kalloc_bytes,
	      "oom_gives_everything_back", "frames or objects left behind");
}
