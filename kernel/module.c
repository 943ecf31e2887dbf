/*
 * Starting the root task: the kernel's only ELF loader. The file is
 * embedded in the Image, but is checked like any other by lib/elf.c.
 * The root task gets handles to its own space and task, the other boot
 * modules (each with the role the build gave it, for whoever starts it),
 * the initramfs and the devices the kernel found, listed in a struct
 * kage_bootinfo on its stack; nothing else is started.
 */
#include "kernel/module.h"
#include "kernel/hart.h"
#include "kernel/boot.h"
#include "kernel/console.h"
#include "kernel/irq.h"
#include "kernel/kmap.h"
#include "kernel/memlayout.h"
#include "kernel/memobj.h"
#include "kernel/space.h"
#include "kernel/task.h"
#include "lib/elf.h"
#include "lib/errno.h"
#include "lib/kage_abi.h"
#include "lib/string.h"

#define ROOT_STACK_PAGES 8
#define ROOT_STACK_TOP (USER_TOP - PAGE_SIZE)	/* a guard page above */


static int module_load(struct space *s, const uint8_t *file, const struct elf_image *img)
{
	unsigned i;
	int err;

	for (i = 0; i < img->nload; i++) {
		const struct elf_segment *seg = &img->load[i];
		uint64_t lo = seg->vaddr & ~(PAGE_SIZE - 1);
		uint64_t hi = (seg->vaddr + seg->memsz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);

		err = space_map_anon(s, lo, hi - lo, elf_prot(seg->flags));
		if (err == 0)
			err = space_write(s, seg->vaddr, file + seg->offset, seg->filesz);
		if (err < 0)
			return err;
	}
	return space_map_anon(s, ROOT_STACK_TOP - ROOT_STACK_PAGES * PAGE_SIZE, ROOT_STACK_PAGES * PAGE_SIZE,
			      PTE_R | PTE_W);
}

/* Adds an item naming `obj` (a new handle with `rights`) to the boot information. */
static int module_give(struct task *t, struct kage_bootinfo *bi, struct kobj *obj, uint32_t rights,
		       uint32_t kind, const char *name)
{
	struct kage_bootitem *it;
	int h;

	if (bi->nitems == KAGE_BOOT_MAX)
		return -ENOMEM;
	h = handle_install(&t->handles, obj, rights, 0);
	if (h < 0)
		return h;
	it = &bi->item[bi->nitems++];
	it->kind = kind;
	it->handle = h;
	strlcpy(it->name, name, sizeof(it->name));
	return 0;
}

static int module_give_range(struct task *t, struct kage_bootinfo *bi, uint64_t base, uint64_t size,
			     uint32_t rights, uint32_t kind, const char *name)
{
	struct memobj *m;
	int err = memobj_create(base, size, &m);

	if (err < 0)
		return err;
	err = module_give(t, bi, &m->obj, rights | HANDLE_RIGHT_GRANT, kind, name);
	kobj_put(&m->obj);
	if (err == 0) {
		bi->item[bi->nitems - 1].base = base;
		bi->item[bi->nitems - 1].size = size;
	}
	return err;
}

/* The console UART, its interrupt, if the PLIC can deliver it. */
static int module_give_uart(struct task *t, struct kage_bootinfo *bi)
{
	const struct platform_uart *u = &boot.platform.uart;
	struct kage_bootitem *it;
	struct irq *irq;
	int err;

	if (u->kind == UART_NONE)
		return 0;
	err = module_give_range(t, bi, u->base, u->size ? u->size : PAGE_SIZE,
				HANDLE_RIGHT_READ | HANDLE_RIGHT_WRITE, KAGE_BOOT_UART, u->compatible);
	if (err < 0)
		return err;
	it = &bi->item[bi->nitems - 1];
	it->aux[0] = u->kind;
	it->aux[1] = u->reg_shift;
	it->aux[2] = u->reg_io_width;
	it->aux[3] = UINT32_MAX;
	irq = irq_get(u->irq);
	if (!irq)
		return 0;
	err = module_give(t, bi, &irq->obj, HANDLE_RIGHT_WRITE | HANDLE_RIGHT_GRANT, KAGE_BOOT_IRQ, "uart-irq");
	kobj_put(&irq->obj);
	if (err == 0) {
		bi->item[bi->nitems - 1].aux[0] = u->irq;
		it->aux[3] = bi->nitems - 1;
	}
	return err;
}

/* The real-time clock's registers, read-only: the process server reads the date there. */
static int module_give_rtc(struct task *t, struct kage_bootinfo *bi)
{
	const struct platform_range *r = &boot.platform.rtc;

	if (!r->size)
		return 0;
	return module_give_range(t, bi, r->base, PAGE_SIZE, HANDLE_RIGHT_READ, KAGE_BOOT_RTC, "goldfish-rtc");
}

/*
 * The device tree, read-only, the hart the kernel booted on and the ids
 * of every hart it runs on (a mask of ids below 64, in aux[1] and aux[2]):
 * /proc/cpuinfo and sched_getaffinity are read there.
 */
static int module_give_dtb(struct task *t, struct kage_bootinfo *bi)
{
	int err = module_give_range(t, bi, boot.dtb_pa, boot.fdt.size, HANDLE_RIGHT_READ, KAGE_BOOT_DTB,
				    "device-tree");
	struct kage_bootitem *it = &bi->item[bi->nitems - 1];
	uint64_t ids = 0;

	if (err < 0)
		return err;
	for (unsigned i = 0; i < hart_count; i++) {
		if (hart_at(i)->id < 64)
			ids |= 1ull << hart_at(i)->id;
	}
	it->aux[0] = (uint32_t)boot.hart;
	it->aux[1] = (uint32_t)ids;
	it->aux[2] = (uint32_t)(ids >> 32);
	return 0;
}

/* Module m, with its role, so that whoever starts it can say what its task is. */
static int module_give_module(struct task *t, struct kage_bootinfo *bi, const struct module *m)
{
	int err = module_give_range(t, bi, kmap_image_to_phys(m->data), m->size, HANDLE_RIGHT_READ,
				    KAGE_BOOT_MODULE, m->name);

	if (err == 0)
		bi->item[bi->nitems - 1].aux[0] = (uint32_t)m->role;
	return err;
}

int module_give_boot(struct task *t, struct kage_bootinfo *bi)
{
	int err = 0;

	bi->timebase_hz = (uint32_t)boot.platform.timebase_hz;
	/* The seed goes to the root task alone: the kernel forgets it here, its caller once the task has it. */
	bi->seed_len = boot.platform.rng_seed_len;
	memcpy(bi->seed, boot.platform.rng_seed, sizeof(bi->seed));
	memset(boot.platform.rng_seed, 0, sizeof(boot.platform.rng_seed));
	boot.platform.rng_seed_len = 0;
	for (uint32_t i = 1; i < kage_nmodules && err == 0; i++)
		err = module_give_module(t, bi, &kage_modules[i]);
	if (err == 0 && boot.initrd)
		err = module_give_range(t, bi, boot.platform.initrd_start, boot.initrd_size, HANDLE_RIGHT_READ,
					KAGE_BOOT_INITRD, "initramfs");
	if (err == 0)
		err = module_give_rtc(t, bi);
	if (err == 0)
		err = module_give_dtb(t, bi);
	return err ?: module_give_uart(t, bi);
}

/*
 * The root task's stack at entry: the command line and the boot
 * information at the top, sp below them; a0 and a1 point at them.
 */
static int module_start(struct task *t, struct kage_bootinfo *bi)
{
	const char *args = boot.platform.bootargs;
	uint64_t args_va = (ROOT_STACK_TOP - strlen(args) - 1) & ~15ull;
	uint64_t bi_va = (args_va - sizeof(*bi)) & ~15ull;
	int err = space_write(t->space, args_va, args, strlen(args) + 1);

	if (err == 0)
		err = space_write(t->space, bi_va, bi, sizeof(*bi));
	t->tf->a0 = args_va;
	t->tf->a1 = bi_va;
	t->tf->sp = bi_va;
	return err;
}

/* Module m's task, of the role the build gave it, in a new space holding its segments: handles 0 and 1. */
static int module_task(const struct module *m, const struct elf_image *img, struct task **out)
{
	struct space *s;
	struct task *t;
	int err = space_create(&s);

	if (err < 0)
		return err;
	err = module_load(s, m->data, img);
	if (err == 0)
		err = task_create(s, "root", (uint8_t)m->role, img->entry, ROOT_STACK_TOP, &t);
	kobj_put(&s->obj);	/* the task holds the space now, or nobody does */
	if (err < 0)
		return err;
	if (handle_install(&t->handles, &t->space->obj, HANDLE_RIGHTS_ALL, 0) != KAGE_HANDLE_SELF_SPACE ||
	    handle_install(&t->handles, &t->obj, HANDLE_RIGHTS_ALL, 0) != KAGE_HANDLE_SELF_TASK) {
		task_die(t, -EINVAL);
		return -EINVAL;
	}
	*out = t;
	return 0;
}

/* Gives t the boot handles and its stack at entry; a failure ends t. */
static int module_boot(struct task *t)
{
	static struct kage_bootinfo bi;	/* too big for a kernel stack */
	int err;

	memset(&bi, 0, sizeof(bi));
	err = module_give_boot(t, &bi);
	if (err == 0)
		err = module_start(t, &bi);
	memset(bi.seed, 0, sizeof(bi.seed));
	if (err < 0)
		task_die(t, err);
	return err;
}

int module_start_root(struct task **out)
{
	const struct module *m = &kage_modules[0];
	struct elf_image img;
	struct task *t;
	int err;

	err = elf_parse(m->data, m->size, USER_TOP, &img);
	if (err < 0 || img.type != ET_EXEC) {
		kprintf("kage: root task: %s\n", err < 0 ? img.why : "not a static ET_EXEC file");
		return err < 0 ? err : -ENOEXEC;
	}
	err = module_task(m, &img, &t);
	if (err == 0)
		err = module_boot(t);
	if (err < 0) {
		kprintf("kage: root task: cannot start: error %d\n", err);
		return err;
	}
	*out = t;
	return 0;
}
