/*
 * Boot modules (boot/modules.S) and the root task. The kernel starts
 * exactly one user task, module 0, from its ELF file; the rest of the
 * system is that task's business.
 */
#ifndef KAGE_KERNEL_MODULE_H
#define KAGE_KERNEL_MODULE_H

#include <stdint.h>
#include "kernel/task.h"

struct module {
	const void *data;	/* page-aligned, so it can be mapped */
	uint64_t size;
	const char *name;	/* the root's is "root" */
	uint64_t role;		/* KAGE_SERVER_*: what its task is, as the build says */
};

extern const struct module kage_modules[];
extern const uint32_t kage_nmodules;

/*
 * Loads module 0 into a new space as the root task, suspended, of the
 * role its table entry gives, holding the boot handles: 0 and *out, or a
 * negative errno (with a console message).
 */
struct kage_bootinfo;
int module_start_root(struct task **out);
/*
 * Gives t handles to the other modules, the initramfs and the UART (and
 * its interrupt), listed in *bi: what a root task gets besides its own
 * space and task. 0 or a negative errno.
 */
int module_give_boot(struct task *t, struct kage_bootinfo *bi);

#endif
