/*
 * kmain: from the device tree to a running kernel.
 *
 * Order matters: traps first (so a mistake panics instead of looping in
 * firmware), then the device tree (everything else depends on it), the
 * console, the frame allocator, the final page tables, the timer and the
 * interrupt controller; last the other harts and the root task (a boot
 * module, or in MODE=mono the process server in the kernel), or without
 * one interrupts and the monitor, on the boot hart alone.
 */
#include "kernel/boot.h"
#include "kernel/console.h"
#include "kernel/frame.h"
#include "kernel/hart.h"
#include "kernel/klock.h"
#include "kernel/kmap.h"
#include "kernel/kserver.h"
#include "kernel/memlayout.h"
#include "kernel/module.h"
#include "kernel/plic.h"
#include "kernel/sched.h"
#include "kernel/monitor.h"
#include "kernel/panic.h"
#include "kernel/riscv.h"
#include "kernel/power.h"
#include "kernel/sbi.h"
#include "kernel/klog.h"
#include "kernel/taskid.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "lib/cpio.h"
#include "lib/errno.h"
#include "lib/string.h"

struct boot boot;
extern char boot_stack_top[];

void kmain(uint64_t hart, uint64_t dtb_pa, uint64_t load_pa);

static __attribute__((noreturn)) void kmain_fail(const char *what, const char *why)
{
	kprintf("kage: %s: %s\nkage: cannot continue, powering off\n", what, why);
	power_off(true);
}

/* The device tree is input: a bad one stops the boot with a reason, not a fault. */
static void kmain_read_dtb(void)
{
	const void *blob;
	uint32_t size;

	if ((boot.dtb_pa & 7) || boot.dtb_pa >= KERNEL_DIRECT_SIZE - FDT_HEADER_SIZE)
		kmain_fail("device tree", "a1 is not a usable address");
	blob = phys_to_virt(boot.dtb_pa);
	size = fdt_total_size(blob);
	if (size == 0)
		kmain_fail("device tree", "bad magic (a1 does not point at a DTB)");
	if (size > KERNEL_DIRECT_SIZE - boot.dtb_pa || fdt_init(&boot.fdt, blob, size) < 0)
		kmain_fail("device tree", "corrupt header or block offsets");
	power_init(&boot.fdt);
	if (platform_parse(&boot.platform, &boot.fdt, (uint32_t)boot.hart) < 0)
		kmain_fail("device tree", boot.platform.error ? boot.platform.error : "unreadable");
}

static struct uart kmain_uart;

static void kmain_console_early(void)
{
	const struct platform_uart *pu = &boot.platform.uart;

	if (pu->kind == UART_NONE) {
		kprintf("kage: no supported UART in the device tree; using the SBI console\n");
		return;
	}
	kmain_uart.kind = pu->kind;
	kmain_uart.base = phys_to_virt(pu->base);
	kmain_uart.reg_shift = pu->reg_shift;
	kmain_uart.reg_io_width = pu->reg_io_width ? pu->reg_io_width : 1;
	kmain_uart.clock_hz = pu->clock_hz;
	kmain_uart.baud = 0;	/* firmware set the line speed; keep it */
	uart_init(&kmain_uart);
	console_attach(&kmain_uart);
}

/* After this the early map (and its view of device registers) is gone. */
static void kmain_paging(void)
{
	const struct platform_uart *pu = &boot.platform.uart;
	void *uart_va = NULL;

	kmap_build(&boot.mem, boot.load_pa);
	power_map();
	if (pu->kind != UART_NONE) {
		uart_va = kmap_device(pu->base, pu->size ? pu->size : PAGE_SIZE);
		if (!uart_va)
			panic("cannot map the console UART");
	}
	kmap_activate();
	if (uart_va)
		console_rebase(uart_va);
}

static void kmain_initrd(void)
{
	const struct platform *p = &boot.platform;
	struct cpio_iter it;
	struct cpio_entry e;
	unsigned files = 0;
	int r;

	if (p->initrd_end <= p->initrd_start) {
		kprintf("kage: no initramfs\n");
		return;
	}
	if (p->initrd_end > KERNEL_DIRECT_SIZE || !frame_is_ram(p->initrd_start)) {
		kprintf("kage: initramfs at %p is outside RAM; ignored\n", (void *)p->initrd_start);
		return;
	}
	boot.initrd = phys_to_virt(p->initrd_start);
	boot.initrd_size = p->initrd_end - p->initrd_start;
	cpio_iter_init(&it, boot.initrd, boot.initrd_size);
	while ((r = cpio_next(&it, &e)) > 0)
		files++;
	if (r < 0)
		kprintf("kage: initramfs: malformed cpio archive after %u entries\n", files);
	kprintf("kage: initramfs %lu bytes at 0x%lx, %u entries\n", (unsigned long)boot.initrd_size,
		p->initrd_start, files);
}

static struct frame_stats kmain_before_root;

/*
 * The root task has ended and every other task with it: every frame they
 * used must be back (the leak check tests rely on this), and the root
 * task's status becomes the machine's.
 */
static void kmain_root_done(int64_t status)
{
	struct frame_stats after;

	frame_get_stats(&after);
	klog_flush();
	kprintf("kage: root task exited with status %ld\n", status);
	kprintf("kage: frames free=%lu after the root task (before: %lu)\n", after.free,
		kmain_before_root.free);
	power_off(status != 0 || after.free != kmain_before_root.free);
}

static __attribute__((noreturn)) void kmain_root(void)
{
	struct task *root;
	int err;

	frame_get_stats(&kmain_before_root);
	if (kserver_linked()) {
		/* MODE=mono: the process server, in the kernel, is the root; /init is what runs. */
		err = kserver_start_root(&root);
		if (err < 0)
			kmain_root_done(err);
	} else {
		err = module_start_root(&root);
		if (err < 0)
			kmain_root_done(err);
		sched_ready(root);
	}
	sched_start(root, kmain_root_done);
}

void boot_report(void)
{
	const struct platform *p = &boot.platform;
	struct frame_stats fs;

	kprintf("kage: %s mode=%s board=%s\n", KAGE_VERSION, KAGE_MODE_NAME,
		p->model[0] ? p->model : "unknown");
	kprintf("kage: hart %lu, %lu MiB RAM at 0x%lx, timebase %lu Hz, uart %s@0x%lx\n",
		boot.hart, platform_mem_total(p) >> 20, p->mem[0].base, p->timebase_hz,
		p->uart.kind == UART_NONE ? "sbi" : p->uart.compatible, p->uart.base);
	frame_get_stats(&fs);
	kprintf("kage: frames free=%lu used=%lu\n", fs.free, fs.used);
}

void kmain(uint64_t hart, uint64_t dtb_pa, uint64_t load_pa)
{
	hart_boot_init(hart, (uint64_t)boot_stack_top);
	klock_take();	/* dropped when the first task runs */
	boot.hart = hart;
	boot.dtb_pa = dtb_pa;
	boot.load_pa = load_pa;
	trap_init();
	sbi_init();
	kmain_read_dtb();
	kmain_console_early();
	bootmem_init(&boot.mem, &boot.platform, load_pa, dtb_pa, boot.fdt.size);
	kmain_paging();
	boot_report();
	kmain_initrd();
	timer_init(boot.platform.timebase_hz);
	plic_init(&boot.platform, (uint32_t)boot.hart);
	taskid_init();
	/* User programs may read cycle, time and instret (rdtime, benchmarks). */
	csr_write(scounteren, 0x7);
	if (kage_nmodules > 0 || kserver_linked()) {
		hart_start_others(&boot.platform);
		kmain_root();
	}
	irq_enable();
	monitor_run();
}
