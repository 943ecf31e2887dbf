/*
 * The task id table (kernel/taskid.h): pages of slots made and freed at
 * the top, a free list threaded through the free slots, and each id's
 * call sequence kept from one task to the next.
 */
#include "kernel/taskid.h"
#include "kernel/frame.h"
#include "kernel/memlayout.h"
#include "lib/errno.h"
#include "lib/string.h"

_Static_assert(sizeof(struct taskid_slot) << TASKID_PAGE_SHIFT == FRAME_SIZE, "a page of slots is a frame");

struct taskid_slot *taskid_pages[TASKID_PAGES];
uint32_t taskid_top;
/* What the directory names where no page was made: slots no task is in, never written. */
static struct taskid_slot taskid_none[TASKID_PAGE_SLOTS];
static uint32_t taskid_free;			/* the first free id, 0 when none */
static uint8_t taskid_used[TASKID_PAGES];	/* ids in use in each page */
/*
 * Where the ids of a page made anew start: past every sequence the ids
 * of a freed page had reached, so tokens stay unique across pages too.
 */
static uint64_t taskid_floor = TASKID_SEQ_ONE;

void taskid_init(void)
{
	for (uint32_t i = 0; i < TASKID_PAGES; i++)
		taskid_pages[i] = taskid_none;
}

static struct taskid_slot *taskid_slot(uint32_t id)
{
	return &taskid_pages[id >> TASKID_PAGE_SHIFT][id & (TASKID_PAGE_SLOTS - 1)];
}

static void taskid_push(uint32_t id)
{
	struct taskid_slot *s = taskid_slot(id);

	s->prev = 0;
	s->next = taskid_free;
	if (taskid_free)
		taskid_slot(taskid_free)->prev = id;
	taskid_free = id;
}

static void taskid_unlink(uint32_t id)
{
	struct taskid_slot *s = taskid_slot(id);

	if (s->prev)
		taskid_slot(s->prev)->next = s->next;
	else
		taskid_free = s->next;
	if (s->next)
		taskid_slot(s->next)->prev = s->prev;
}

/* A page of free ids above the others: 0, -EAGAIN (every id exists) or -ENOMEM. */
static int taskid_grow(void)
{
	uint32_t base = taskid_top;
	struct taskid_slot *page;
	uint64_t pa;

	if (base == TASKID_MAX)
		return -EAGAIN;
	if (frame_alloc(&pa) < 0)
		return -ENOMEM;
	page = phys_to_virt(pa);
	memset(page, 0, FRAME_SIZE);
	taskid_pages[base >> TASKID_PAGE_SHIFT] = page;
	taskid_top += TASKID_PAGE_SLOTS;
	/* Pushed from the top down, so that the lowest comes out first; 0 is never an id. */
	for (uint32_t i = TASKID_PAGE_SLOTS; i-- > 0;) {
		if (base + i == 0)
			continue;
		page[i].seq = taskid_floor;
		taskid_push(base + i);
	}
	return 0;
}

/* Gives back the pages at the top in which no id is in use. */
static void taskid_shrink(void)
{
	while (taskid_top && !taskid_used[(taskid_top >> TASKID_PAGE_SHIFT) - 1]) {
		uint32_t base = taskid_top - TASKID_PAGE_SLOTS;
		struct taskid_slot *page = taskid_pages[base >> TASKID_PAGE_SHIFT];

		for (uint32_t i = 0; i < TASKID_PAGE_SLOTS; i++) {
			if (base + i == 0)
				continue;
			if (page[i].seq > taskid_floor)
				taskid_floor = page[i].seq;
			taskid_unlink(base + i);
		}
		taskid_pages[base >> TASKID_PAGE_SHIFT] = taskid_none;
		taskid_top = base;
		frame_unref(virt_to_phys(page));
	}
}

int taskid_take(struct task *t, uint32_t *id, uint64_t *seq)
{
	struct taskid_slot *s;

	if (!taskid_free) {
		int err = taskid_grow();

		if (err < 0)
			return err;
	}
	*id = taskid_free;
	s = taskid_slot(*id);
	taskid_unlink(*id);
	s->task = t;
	*seq = s->seq;
	taskid_used[*id >> TASKID_PAGE_SHIFT]++;
	return 0;
}

void taskid_give(uint32_t id, uint64_t seq)
{
	struct taskid_slot *s = taskid_slot(id);

	s->task = NULL;
	s->seq = seq;
	taskid_push(id);
	taskid_used[id >> TASKID_PAGE_SHIFT]--;
	taskid_shrink();
}
