/*
 * Tasks: threads of execution in a space.
 *
 * A task owns one kernel stack (a frame) whose top holds its saved user
 * registers (tf) while it is in the kernel. It holds a reference on its
 * space. Reference count (kobj): the scheduler's hold while it can run,
 * and handles naming it.
 * For now one task runs at a time, started from the boot context by
 * task_run, which returns when the task ends; the round-robin scheduler
 * comes with task_clone and IPC.
 */
#ifndef KAGE_KERNEL_TASK_H
#define KAGE_KERNEL_TASK_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/context.h"
#include "kernel/handle.h"
#include "kernel/kobj.h"
#include "kernel/space.h"
#include "kernel/trap.h"

#define TASK_HANDLES 32

struct task {
	struct kobj obj;
	char name[16];
	struct space *space;
	uint64_t kstack_pa;
	struct trapframe *tf;	/* user registers, at the top of the kernel stack */
	struct context ctx;	/* where the task resumes inside the kernel */
	bool exited;
	int64_t status;		/* exit status, or -(cause + 1) when killed by a fault */
	struct handle_table handles;
	struct handle handle_slots[TASK_HANDLES];
};

/* A task that will start in user mode at pc with stack pointer sp; takes a space reference. */
int task_create(struct space *s, const char *name, uint64_t pc, uint64_t sp, struct task **out);
/* Runs the task until it exits or is killed; returns in the caller's context. */
void task_run(struct task *t);
/* The task running now (NULL in the boot context). */
struct task *task_current(void);
/* Ends the current task; does not return. */
__attribute__((noreturn)) void task_exit(int64_t status);
uint64_t task_count(void);

#endif
