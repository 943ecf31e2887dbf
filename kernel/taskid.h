/*
 * Task ids: the numbers reply tokens carry (kernel/ipc.h), and the table
 * that turns them back into live tasks in O(1).
 *
 * The table is a two-level radix: a static directory of pointers to
 * pages of 128 slots (32 bytes each: a frame), made as ids are needed;
 * every id below taskid_top has its page, and every other directory
 * entry names one shared page of empty slots, so that finding the task
 * of an id below 2^20 is two loads with no test (ipc_caller's path). Free ids are on a doubly linked
 * list, taken last-freed first, so ids are reused at once and the table
 * stays as small as the number of live tasks allows; the top page goes
 * back to the frame allocator when none of its ids is in use (so the
 * frame counts return to their baseline when the tasks are gone).
 *
 * Generations: each slot keeps its id's call sequence across reuse. A
 * task that takes an id starts where the previous holder's tokens ended,
 * so a token a server kept for a dead task never names the next one.
 *
 * Ownership: the table owns its pages; a slot names its live task
 * without a reference (task_die clears it).
 * Limits: ids 1 to 2^20 - 1 (0 is never used, so a token is never 0):
 * about a million live tasks, which would take 8 GiB of task frames.
 */
#ifndef KAGE_KERNEL_TASKID_H
#define KAGE_KERNEL_TASKID_H

#include <stdint.h>

struct task;

#define TASKID_BITS 20
#define TASKID_MAX (1u << TASKID_BITS)
#define TASKID_PAGE_SHIFT 7		/* 128 slots of 32 bytes: a frame */
#define TASKID_PAGE_SLOTS (1u << TASKID_PAGE_SHIFT)
#define TASKID_PAGES (TASKID_MAX >> TASKID_PAGE_SHIFT)

/*
 * A task's call sequence sits in the top 43 bits of task.call_seq
 * (TASKID_SEQ_ONE is one call), so it wraps round by itself and a
 * token, (call_seq >> 1) | id, is always positive.
 */
#define TASKID_SEQ_ONE (1ul << (TASKID_BITS + 1))

struct taskid_slot {
	struct task *task;	/* the live task with this id, or NULL */
	uint64_t seq;		/* a free id: the call_seq its next task starts at */
	uint32_t prev, next;	/* a free id: its neighbours on the free list (0: none) */
	uint64_t unused;	/* 32 bytes, so a slot's place is a shift */
};

extern struct taskid_slot *taskid_pages[TASKID_PAGES];
extern uint32_t taskid_top;

/* The live task with this id, or NULL. */
static inline struct task *task_by_id(uint64_t id)
{
	if (id >= TASKID_MAX)
		return 0;
	return taskid_pages[id >> TASKID_PAGE_SHIFT][id & (TASKID_PAGE_SLOTS - 1)].task;
}

/* Points the whole directory at the page of empty slots (boot, before the first task). */
void taskid_init(void);

/* A free id for t, and the call_seq t starts with: 0, -ENOMEM (no frame for a page) or -EAGAIN (every id used). */
int taskid_take(struct task *t, uint32_t *id, uint64_t *seq);
/* Frees id; the next task to take it starts its calls at seq. */
void taskid_give(uint32_t id, uint64_t seq);
/* Every live id is below this (walks over every live task). */
static inline uint32_t taskid_limit(void)
{
	return taskid_top;
}

#endif
