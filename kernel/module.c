/*
 * Starting the root task: the kernel's only ELF loader. The file is
 * embedded in the Image, but is checked like any other by lib/elf.c.
 */
#include "kernel/module.h"
#include "kernel/boot.h"
#include "kernel/console.h"
#include "kernel/memlayout.h"
#include "kernel/space.h"
#include "kernel/task.h"
#include "lib/elf.h"
#include "lib/errno.h"
#include "lib/kage_abi.h"
#include "lib/string.h"

#define ROOT_STACK_PAGES 4
#define ROOT_STACK_TOP (USER_TOP - PAGE_SIZE)	/* a guard page above */

static uint64_t module_perm(uint32_t flags)
{
	return (flags & PF_R ? PTE_R : 0) | (flags & PF_W ? PTE_W : 0) | (flags & PF_X ? PTE_X : 0);
}

static int module_load(struct space *s, const uint8_t *file, const struct elf_image *img)
{
	unsigned i;
	int err;

	for (i = 0; i < img->nload; i++) {
		const struct elf_segment *seg = &img->load[i];
		uint64_t lo = seg->vaddr & ~(PAGE_SIZE - 1);
		uint64_t hi = (seg->vaddr + seg->memsz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);

		err = space_map_anon(s, lo, hi - lo, module_perm(seg->flags));
		if (err == 0)
			err = space_write(s, seg->vaddr, file + seg->offset, seg->filesz);
		if (err < 0)
			return err;
	}
	return space_map_anon(s, ROOT_STACK_TOP - ROOT_STACK_PAGES * PAGE_SIZE, ROOT_STACK_PAGES * PAGE_SIZE,
			      PTE_R | PTE_W);
}

int64_t module_run_root(void)
{
	const struct module *m = &kage_modules[0];
	struct elf_image img;
	struct space *s;
	struct task *t = NULL;
	int64_t status;
	uint64_t args;
	int err;

	err = elf_parse(m->data, m->size, USER_TOP, &img);
	if (err < 0 || img.type != ET_EXEC) {
		kprintf("kage: root task: %s\n", err < 0 ? img.why : "not a static ET_EXEC file");
		return err < 0 ? err : -ENOEXEC;
	}
	if ((err = space_create(&s)) < 0)
		return err;
	err = module_load(s, m->data, &img);
	/* The root task's one argument: the kernel command line, on its stack. */
	args = (ROOT_STACK_TOP - strlen(boot.platform.bootargs) - 1) & ~15ull;
	if (err == 0)
		err = space_write(s, args, boot.platform.bootargs, strlen(boot.platform.bootargs) + 1);
	if (err == 0)
		err = task_create(s, "root", img.entry, args, &t);
	if (err == 0) {
		t->tf->a0 = args;
		err = handle_install(&t->handles, &s->obj, HANDLE_RIGHTS_ALL, 0);
		if (err >= 0 && err != KAGE_HANDLE_SELF_SPACE)
			err = -EINVAL;
	}
	kobj_put(&s->obj);	/* the task holds the space now, or nobody does */
	if (err < 0) {
		if (t)
			kobj_put(&t->obj);
		kprintf("kage: root task: cannot load: error %d\n", err);
		return err;
	}
	task_run(t);
	status = t->status;
	kobj_put(&t->obj);
	return status;
}
