#include <stdbool.h>
#include "kernel/monitor.h"
#include "kernel/boot.h"
#include "kernel/console.h"
#include "kernel/frame.h"
#include "kernel/memlayout.h"
#include "kernel/riscv.h"
#include "kernel/power.h"
#include "kernel/sbi.h"
#include "kernel/timer.h"
#include "lib/cpio.h"
#include "lib/string.h"

#define MONITOR_LINE 80

struct monitor_cmd {
	const char *name;
	const char *help;
	void (*run)(void);
};

static void monitor_help(void);

static void monitor_info(void)
{
	uint32_t spec;
	uint64_t impl, ver;

	boot_report();
	sbi_version(&spec, &impl, &ver);
	kprintf("sbi: spec %u.%u, implementation %lu version 0x%lx\n",
		(spec >> 24) & 0x7f, spec & 0xffffff, impl, ver);
	kprintf("bootargs: \"%s\"\n", boot.platform.bootargs);
	kprintf("loaded at 0x%lx, device tree at 0x%lx (%u bytes)\n",
		boot.load_pa, boot.dtb_pa, boot.fdt.size);
}

static void monitor_mem(void)
{
	const struct platform *p = &boot.platform;
	struct frame_stats fs;
	unsigned i;

	for (i = 0; i < p->nmem; i++)
		kprintf("ram      0x%09lx-0x%09lx\n", p->mem[i].base, p->mem[i].base + p->mem[i].size);
	for (i = 0; i < boot.mem.nreserved; i++)
		kprintf("reserved 0x%09lx-0x%09lx %s\n", boot.mem.reserved[i].base,
			boot.mem.reserved[i].base + boot.mem.reserved[i].size, boot.mem.reserved_why[i]);
	frame_get_stats(&fs);
	kprintf("frames total=%lu free=%lu used=%lu\n", fs.total, fs.free, fs.used);
}

static void monitor_ticks(void)
{
	kprintf("ticks=%lu uptime_ms=%lu\n", timer_ticks(), timer_now_ns() / 1000000);
}

static void monitor_ls(void)
{
	struct cpio_iter it;
	struct cpio_entry e;
	int r;

	if (!boot.initrd) {
		kprintf("no initramfs\n");
		return;
	}
	cpio_iter_init(&it, boot.initrd, boot.initrd_size);
	while ((r = cpio_next(&it, &e)) > 0)
		kprintf("%06o %8lu /%s\n", e.mode, (unsigned long)e.size, e.name);
	if (r < 0)
		kprintf("malformed archive\n");
}

static uint64_t monitor_hash(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t h = 0xcbf29ce484222325ull;

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ull;
	return h;
}

static uint64_t monitor_pattern(uint64_t pa, uint64_t word)
{
	return (pa + word * 8) ^ 0xa5a5c3c35a5a3c3cull;
}

/*
 * Takes every free frame, writes a pattern unique to each word, checks
 * it, and gives the frames back. If the allocator handed out a frame that
 * something else uses (kernel, device tree, initrd), the checksums or the
 * kernel itself show it.
 */
static void monitor_memtest(void)
{
	uint64_t dtb_sum = monitor_hash(boot.fdt.blob, boot.fdt.size);
	uint64_t rd_sum = boot.initrd ? monitor_hash(boot.initrd, boot.initrd_size) : 0;
	struct frame_stats before, after;
	uint64_t pa, head = 0, n = 0, bad = 0, w;

	frame_get_stats(&before);
	while (frame_alloc(&pa) == 0) {
		uint64_t *page = phys_to_virt(pa);

		for (w = 1; w < FRAME_SIZE / 8; w++)
			page[w] = monitor_pattern(pa, w);
		page[0] = head;
		head = pa;
		n++;
	}
	while (head) {
		uint64_t *page = phys_to_virt(head);
		uint64_t next = page[0];

		for (w = 1; w < FRAME_SIZE / 8; w++)
			bad += page[w] != monitor_pattern(head, w);
		frame_unref(head);
		head = next;
	}
	frame_get_stats(&after);
	kprintf("memtest: %lu frames written, %lu bad words, device tree %s, initrd %s, frames %s\n",
		n, bad, monitor_hash(boot.fdt.blob, boot.fdt.size) == dtb_sum ? "intact" : "CORRUPTED",
		!boot.initrd || monitor_hash(boot.initrd, boot.initrd_size) == rd_sum ? "intact" : "CORRUPTED",
		n == before.free && after.free == before.free ? "back at baseline" : "LEAKED");
}

/* A deliberate kernel bug, to see what a panic prints. */
static void monitor_crash(void)
{
	uint64_t addr = 0x8;

	/* Hide the constant so the compiler emits the load as written. */
	__asm__ volatile("" : "+r"(addr));
	kprintf("crash: loading from %p\n", (void *)addr);
	(void)*(volatile uint64_t *)addr;
}

static void monitor_poweroff(void)
{
	kprintf("kage: powering off\n");
	power_off(false);
}

static const struct monitor_cmd monitor_cmds[] = {
	{ "help", "list commands", monitor_help },
	{ "info", "boot report, firmware, bootargs", monitor_info },
	{ "mem", "RAM, reserved ranges, frame counts", monitor_mem },
	{ "ticks", "timer ticks and uptime", monitor_ticks },
	{ "ls", "list the initramfs", monitor_ls },
	{ "memtest", "write and check every free frame", monitor_memtest },
	{ "crash", "fault in the kernel (shows a panic)", monitor_crash },
	{ "poweroff", "power off", monitor_poweroff },
};

#define MONITOR_NCMDS (sizeof(monitor_cmds) / sizeof(monitor_cmds[0]))

static void monitor_help(void)
{
	unsigned i;

	for (i = 0; i < MONITOR_NCMDS; i++)
		kprintf("  %-9s %s\n", monitor_cmds[i].name, monitor_cmds[i].help);
}

static void monitor_exec(const char *line)
{
	unsigned i;

	if (!*line)
		return;
	for (i = 0; i < MONITOR_NCMDS; i++) {
		if (strcmp(line, monitor_cmds[i].name) == 0) {
			monitor_cmds[i].run();
			return;
		}
	}
	kprintf("unknown command '%s' (try help)\n", line);
}

/* Waits for a byte; the timer tick wakes wfi to poll the UART again. */
static char monitor_getc(void)
{
	int c;

	while ((c = console_getc()) < 0)
		wfi();
	return (char)c;
}

static void monitor_readline(char *buf)
{
	unsigned n = 0;

	for (;;) {
		char c = monitor_getc();

		if (c == '\r' || c == '\n') {
			console_putc('\n');
			break;
		}
		if ((c == 0x7f || c == '\b') && n > 0) {
			n--;
			console_puts("\b \b");
		} else if (c >= ' ' && c < 0x7f && n < MONITOR_LINE - 1) {
			buf[n++] = c;
			console_putc(c);
		}
	}
	while (n > 0 && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
}

void monitor_run(void)
{
	char line[MONITOR_LINE];

	kprintf("kage: monitor ready (type help)\n");
	for (;;) {
		const char *cmd = line;

		console_puts("kage> ");
		monitor_readline(line);
		while (*cmd == ' ')
			cmd++;
		monitor_exec(cmd);
	}
}
