/*
 * Boot modules (boot/modules.S) and the root task. The kernel starts
 * exactly one user task, module 0, from its ELF file; the rest of the
 * system is that task's business.
 */
#ifndef KAGE_KERNEL_MODULE_H
#define KAGE_KERNEL_MODULE_H

#include <stdint.h>

struct module {
	const void *data;
	uint64_t size;
};

extern const struct module kage_modules[];
extern const uint32_t kage_nmodules;

/*
 * Loads module 0 into a new space and runs it until it ends; returns its
 * exit status, or a negative errno if it could not be started.
 */
int64_t module_run_root(void);

#endif
