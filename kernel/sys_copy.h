/*
 * The copies of kernel/sys_space.c that a server in the kernel makes
 * directly (MODE=mono's caller_read and caller_write), inline so that
 * each is one function call there (kernel/kserver_native.c), as a
 * monolithic kernel's copy_to_user is.
 */
#ifndef KAGE_KERNEL_SYS_COPY_H
#define KAGE_KERNEL_SYS_COPY_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/counters.h"
#include "kernel/ipc.h"
#include "kernel/kserver.h"
#include "kernel/space.h"
#include "kernel/task.h"
#include "lib/errno.h"
#include "lib/kage_abi.h"

/* The space of the task whose call t holds token for (NULL: a server in the kernel, kernel memory). */
static inline __attribute__((always_inline)) int64_t sys_caller_space(struct task *t, uint64_t token,
								      struct space **s)
{
	struct task *caller = ipc_caller(t, token);

	if (!caller)
		return -ESRCH;
	*s = kserver_task(caller) ? NULL : caller->space;
	return 0;
}

/*
 * Copies between `local`, t's memory (NULL: kernel memory, a server in
 * the kernel's), and s, where the running space's side goes through its
 * page table: t's own (micro), or the caller's a server in the kernel
 * copies to or from (mono), as a monolithic kernel's copy_to_user.
 */
static inline __attribute__((always_inline)) int64_t sys_copy_with(struct task *t, struct space *local,
								   struct space *s, uint64_t va, uint64_t buf,
								   uint64_t len, bool write, bool as_user)
{
	bool user = write ? as_user : true;	/* as_user is for the side written */

	COUNT(copies);
	counters.copy_bytes += len;
	if (local && s && s != local)
		return space_transfer_here(s, va, local, buf, len, write, user, &t->uaccess_sp);
	if (!local && s && space_is_active(s))
		return space_kernel_here(buf, s, va, len, !write, user, &t->uaccess_sp);
	if (write)
		return space_transfer(s, va, local, buf, len, as_user);
	return space_transfer(local, buf, s, va, len, true);
}

/*
 * caller_read (write false) and caller_write of a server in the kernel,
 * t (MODE=mono's direct call: its side is kernel memory), with the
 * caller of token's call.
 */
static inline __attribute__((always_inline)) int64_t sys_caller_copy(struct task *t, uint64_t token, uint64_t va,
								     uint64_t buf, uint64_t len, bool write)
{
	struct space *s;
	int64_t err;

	if (len > KAGE_COPY_MAX)
		return -EINVAL;
	err = sys_caller_space(t, token, &s);
	if (err < 0)
		return err;
	return sys_copy_with(t, NULL, s, va, buf, len, write, true);
}

#endif
