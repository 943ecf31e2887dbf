/*
 * MODE=micro's way to start a server (start.c): its native ELF file is a
 * boot module, loaded into a new space, and its task starts in user mode
 * with a0 = "" and a1 = its bootinfo, on a stack of its own. The task is
 * what the module's boot item says the file is (aux[0], KAGE_SERVER_*).
 */
#include "lib/elf.h"
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/proc/proc.h"

#define START_STACK_TOP 0x3000000000ul	/* the new server's stack */
#define START_STACK_SIZE (64ul << 10)
#define START_HEAD 4096			/* where a module's ELF headers must lie */

/* Builds the server's space from its ELF file (the module's memory object) and a suspended task in it. */
static long start_load(const struct kage_bootitem *mod, long *space_out)
{
	static uint8_t head[START_HEAD];
	const struct files_pages file = { .mem = mod->handle, .size = mod->size, .page_off = mod->base & 4095 };
	char name[16];	/* the kernel reads 16 bytes: its messages name the server */
	struct elf_image img;
	long space, task = -ENOEXEC, avail = files_read(&file, 0, head, sizeof(head));

	if (avail < 0)
		return avail;
	strlcpy(name, mod->name, sizeof(name));
	space = native_space_create();
	if (space < 0)
		return space;
	if (elf_parse_head(head, (size_t)avail, mod->size, START_STACK_TOP - START_STACK_SIZE, &img) == 0 &&
	    img.type == ET_EXEC && !img.interp)
		task = exec_load_segments(space, &file, &img, 0, KAGE_MAP_POPULATE);
	if (task == 0)
		task = native_task_create_named(space, img.entry, START_STACK_TOP, name, mod->aux[0]);
	if (task < 0)
		native_handle_close(space);
	*space_out = space;
	return task;
}

long start_task(const struct kage_bootinfo *bi, const char *name, long *space)
{
	const struct kage_bootitem *mod = native_boot_item(bi, KAGE_BOOT_MODULE, name);
	long task, err;

	if (!mod)
		return -ENOENT;
	task = start_load(mod, space);
	if (task < 0) {
		*space = -1;
		return task;
	}
	err = native_handle_copy(*space, task, KAGE_RIGHTS_ALL, 0);
	if (err == KAGE_HANDLE_SELF_SPACE)
		err = native_handle_copy(task, task, KAGE_RIGHTS_ALL, 0);
	if (err == KAGE_HANDLE_SELF_TASK)
		return task;
	native_task_kill(task, err);
	native_handle_close(task);
	native_handle_close(*space);
	*space = -1;
	return err < 0 ? err : -EINVAL;
}

/* The new task's registers at entry: a0 = "" (no command line), a1 = its bootinfo, sp below. */
long start_run(long task, long space, const struct kage_bootinfo *sbi)
{
	uint64_t args = START_STACK_TOP - 16, info = (args - sizeof(*sbi)) & ~15ul;
	struct kage_regs r;
	long err = native_space_map(space, START_STACK_TOP - START_STACK_SIZE, START_STACK_SIZE,
				    KAGE_PROT_READ | KAGE_PROT_WRITE | KAGE_MAP_POPULATE);

	if (err == 0)
		err = native_space_write(space, info, sbi, sizeof(*sbi));
	if (err == 0)
		err = native_task_regs(task, KAGE_REGS_GET, &r);
	if (err < 0)
		return err;
	r.x[KAGE_REG_SP] = info;
	r.x[KAGE_REG_A0] = args;	/* an empty string (the page is zero) */
	r.x[KAGE_REG_A1] = info;
	err = native_task_regs(task, KAGE_REGS_SET, &r);
	return err < 0 ? err : native_task_resume(task);
}
