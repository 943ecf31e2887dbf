/*
 * Starting the other servers: each is a native ELF file among the boot
 * modules. The process server loads it into a new space, gives the new
 * task handles to its own space and task (0 and 1, as the kernel gives
 * the root task) and the ones listed in its grants, and starts it with a
 * struct kage_bootinfo naming them, exactly as a root task starts.
 */
#include "lib/elf.h"
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/proc/proc.h"

#define START_MODULE_VA 0x2800000000ul	/* where the module is read from, in this server */
#define START_STACK_TOP 0x3000000000ul	/* the new server's stack */
#define START_STACK_SIZE (64ul << 10)

/* Copies the grants into the task and lists them in *sbi. */
static long start_grant(long task, const struct start_grant *g, int n, struct kage_bootinfo *sbi)
{
	for (int i = 0; i < n && i < KAGE_BOOT_MAX; i++) {
		struct kage_bootitem *it = &sbi->item[sbi->nitems++];
		long h = native_handle_copy(g[i].handle, task, g[i].rights, g[i].badge);

		if (h < 0)
			return h;
		if (g[i].like)
			*it = *g[i].like;
		it->kind = g[i].kind;
		it->handle = (int32_t)h;
		if (g[i].name)
			strlcpy(it->name, g[i].name, sizeof(it->name));
		if (it->kind == KAGE_BOOT_UART)
			it->aux[3] = (uint32_t)(sbi->nitems);	/* its interrupt is the next grant */
	}
	return 0;
}

/* The new task's registers at entry: a0 = "" (no command line), a1 = its bootinfo, sp below. */
static long start_stack(long space, long task, const struct kage_bootinfo *sbi)
{
	uint64_t args = START_STACK_TOP - 16, info = (args - sizeof(*sbi)) & ~15ul;
	struct kage_regs r;
	long err = native_space_map(space, START_STACK_TOP - START_STACK_SIZE, START_STACK_SIZE,
				    KAGE_PROT_READ | KAGE_PROT_WRITE);

	if (err == 0)
		err = native_space_write(space, info, sbi, sizeof(*sbi));
	if (err == 0)
		err = native_task_regs(task, KAGE_REGS_GET, &r);
	if (err < 0)
		return err;
	r.x[1] = info;		/* sp */
	r.x[9] = args;		/* a0: an empty string (the page is zero) */
	r.x[10] = info;		/* a1 */
	return native_task_regs(task, KAGE_REGS_SET, &r);
}

/* Builds the server's space from its ELF file and a suspended task in it. */
static long start_task(const struct kage_bootitem *mod, long *space_out)
{
	const uint8_t *file = native_map_item(mod, START_MODULE_VA, KAGE_PROT_READ);
	uint64_t len = native_item_span(mod);
	struct elf_image img;
	long space, task = -ENOEXEC, err = 0;

	if (!file)
		return -ENOMEM;
	if ((space = native_space_create()) < 0) {
		native_space_unmap(KAGE_HANDLE_SELF_SPACE, START_MODULE_VA, len);
		return space;
	}
	if (elf_parse(file, mod->size, START_STACK_TOP - START_STACK_SIZE, &img) == 0 && img.type == ET_EXEC &&
	    !img.interp && (err = exec_load_segments(space, file, &img, 0)) == 0)
		task = native_task_create(space, img.entry, START_STACK_TOP);
	else if (err < 0)
		task = err;
	native_space_unmap(KAGE_HANDLE_SELF_SPACE, START_MODULE_VA, len);
	if (task < 0)
		native_handle_close(space);
	*space_out = space;
	return task;
}

long start_server(const struct kage_bootinfo *bi, const char *name, const struct start_grant *g, int n)
{
	static struct kage_bootinfo sbi;
	const struct kage_bootitem *mod = native_boot_item(bi, KAGE_BOOT_MODULE, name);
	long space = -1, task, err;

	if (!mod)
		return -ENOENT;
	if ((task = start_task(mod, &space)) < 0)
		return task;
	memset(&sbi, 0, sizeof(sbi));
	sbi.timebase_hz = bi->timebase_hz;
	err = native_handle_copy(space, task, KAGE_RIGHTS_ALL, 0);
	if (err == KAGE_HANDLE_SELF_SPACE)
		err = native_handle_copy(task, task, KAGE_RIGHTS_ALL, 0);
	if (err == KAGE_HANDLE_SELF_TASK)
		err = start_grant(task, g, n, &sbi);
	else if (err >= 0)
		err = -EINVAL;
	if (err == 0)
		err = start_stack(space, task, &sbi);
	if (err == 0)
		err = native_task_resume(task);
	native_handle_close(space);
	if (err < 0) {
		native_task_kill(task, err);
		native_handle_close(task);
		return err;
	}
	return task;
}
