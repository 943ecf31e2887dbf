/*
 * Native call handlers, grouped by the objects they act on
 * (sys_space.c, sys_mem.c, sys_task.c, sys_ipc.c); kernel/syscall.c dispatches.
 * Each takes the calling task and its trap frame and returns the value
 * for a0: >= 0, or a negative errno. A handler that blocks the caller
 * does not return; whoever wakes the caller writes its registers.
 */
#ifndef KAGE_KERNEL_SYS_H
#define KAGE_KERNEL_SYS_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/handle.h"
#include "kernel/task.h"
#include "kernel/trap.h"

/* The object behind handle h of t, of `type`, with `rights`: 0 or the handle_lookup error. */
int64_t sys_object(struct task *t, uint64_t h, enum kobj_type type, uint32_t rights, void *out);
/*
 * Copies from / to t's own memory at va (the native calls' pointers to
 * the caller's buffers): 0 or -EFAULT. A server in the kernel (MODE=mono)
 * passes kernel pointers.
 */
int sys_copy_in(struct task *t, uint64_t va, void *buf, size_t len);
int sys_copy_out(struct task *t, uint64_t va, const void *buf, size_t len);
/* Installs obj in t's table with every right and drops the creator's reference: the handle. */
int64_t sys_install_new(struct task *t, struct kobj *obj);

int64_t sys_space_create(struct task *t, struct trapframe *tf);
int64_t sys_space_clone(struct task *t, struct trapframe *tf);
int64_t sys_space_read(struct task *t, struct trapframe *tf);
int64_t sys_space_write(struct task *t, struct trapframe *tf);
int64_t sys_space_map(struct task *t, struct trapframe *tf);
int64_t sys_space_map_phys(struct task *t, struct trapframe *tf);
int64_t sys_space_unmap(struct task *t, struct trapframe *tf);
int64_t sys_space_protect(struct task *t, struct trapframe *tf);
int64_t sys_space_remap(struct task *t, struct trapframe *tf);
int64_t sys_space_stat(struct task *t, struct trapframe *tf);
int64_t sys_space_barrier(struct task *t, struct trapframe *tf);
int64_t sys_space_ranges(struct task *t, struct trapframe *tf);

int64_t sys_mem_create(struct task *t, struct trapframe *tf);
int64_t sys_mem_write(struct task *t, struct trapframe *tf);
int64_t sys_mem_read(struct task *t, struct trapframe *tf);
int64_t sys_mem_slice(struct task *t, struct trapframe *tf);

int64_t sys_task_create(struct task *t, struct trapframe *tf);
int64_t sys_task_clone(struct task *t, struct trapframe *tf);
int64_t sys_task_exec(struct task *t, struct trapframe *tf);
int64_t sys_task_kill(struct task *t, struct trapframe *tf);
int64_t sys_task_resume(struct task *t, struct trapframe *tf);
int64_t sys_task_regs(struct task *t, struct trapframe *tf);
int64_t sys_task_bind(struct task *t, struct trapframe *tf);
int64_t sys_task_status(struct task *t, struct trapframe *tf);
int64_t sys_task_times(struct task *t, struct trapframe *tf);
int64_t sys_task_sched(struct task *t, struct trapframe *tf);
int64_t sys_task_yield(struct task *t, struct trapframe *tf);
int64_t sys_task_alert(struct task *t, struct trapframe *tf);

int64_t sys_ep_create(struct task *t, struct trapframe *tf);
int64_t sys_ipc_call(struct task *t, struct trapframe *tf);
int64_t sys_ipc_recv(struct task *t, struct trapframe *tf);
int64_t sys_ipc_reply(struct task *t, struct trapframe *tf);
int64_t sys_ipc_reply_recv(struct task *t, struct trapframe *tf);
int64_t sys_ipc_reply_copy_recv(struct task *t, struct trapframe *tf);
int64_t sys_ipc_forward(struct task *t, struct trapframe *tf);
int64_t sys_ipc_hold(struct task *t, struct trapframe *tf);
int64_t sys_ep_route(struct task *t, struct trapframe *tf);
int64_t sys_notif_create(struct task *t, struct trapframe *tf);
int64_t sys_notif_wait(struct task *t, struct trapframe *tf);
int64_t sys_notif_signal(struct task *t, struct trapframe *tf);
int64_t sys_irq_bind(struct task *t, struct trapframe *tf);
int64_t sys_irq_ack(struct task *t, struct trapframe *tf);
int64_t sys_timer_notify(struct task *t, struct trapframe *tf);

#endif
