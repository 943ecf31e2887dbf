/*
 * Notification checks: signal and wait, a timer, and the UART receive
 * interrupt delivered through the PLIC (the test harness types a key when
 * asked), plus the boot handles the root task was given.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "lib/uart.h"
#include "tests/kernel/root.h"

#define SELF KAGE_HANDLE_SELF_SPACE
#define UART_VA 0x20000000ul
#define MODULE_VA 0x21000000ul
#define TIMEOUT_BIT 0x100

void notif_checks(void)
{
	long n = native_notif_create();

	check(n > 0, "notif_create", "no handle");
	check(native_notif_signal(n, 0x5) == 0 && native_notif_signal(n, 0x2) == 0 && native_notif_wait(n) == 0x7,
	      "notif_bits_accumulate", "wrong bits");
	check(native_timer_notify(n, 20 * 1000 * 1000, 0x40) == 0 && native_notif_wait(n) == 0x40,
	      "timer_notification", "wrong bits");
	check(native_notif_signal(n, 0) == -EINVAL && native_notif_signal(n, 1ul << 63) == -EINVAL,
	      "notif_bad_bits_is_einval", "accepted");
	check(native_notif_wait(SELF) == -EINVAL && native_notif_wait(77) == -EBADF, "notif_bad_handle",
	      "accepted");
	native_handle_close(n);
}

static const struct kage_bootitem *find(const struct kage_bootinfo *bi, uint32_t kind)
{
	for (uint32_t i = 0; i < bi->nitems && i < KAGE_BOOT_MAX; i++)
		if (bi->item[i].kind == kind)
			return &bi->item[i];
	return 0;
}

void bootinfo_checks(const struct kage_bootinfo *bi)
{
	const struct kage_bootitem *u = find(bi, KAGE_BOOT_UART), *r = find(bi, KAGE_BOOT_INITRD);
	long v;

	check(bi->timebase_hz > 0 && u && u->handle >= 2, "bootinfo_lists_uart", "no UART item");
	check(r != 0, "bootinfo_lists_initramfs", "no initramfs item");
	if (r) {
		long pages = (long)((r->base & 4095) + r->size + 4095) / 4096;
		char magic[7] = { 0 };
		long err = native_space_map_phys(SELF, MODULE_VA, r->handle, 0, pages * 4096, KAGE_PROT_READ);

		check(err == 0, "initramfs_maps_read_only", "refused");
		if (err == 0)
			for (int i = 0; i < 6; i++)
				magic[i] = *(volatile char *)(MODULE_VA + (r->base & 4095) + i);
		check(err == 0 && magic[0] == '0' && magic[1] == '7' && magic[5] == '1', "initramfs_is_cpio",
		      "no cpio magic");
		check(native_space_map_phys(SELF, MODULE_VA + pages * 4096, r->handle, 0, 4096,
					    KAGE_PROT_READ | KAGE_PROT_WRITE) == -EINVAL,
		      "read_only_memory_not_writable", "writable mapping allowed");
		check(native_space_map_phys(SELF, MODULE_VA + pages * 4096, r->handle, pages * 4096, 4096,
					    KAGE_PROT_READ) == -EINVAL,
		      "memory_object_bounds", "mapped past the end");
		check(native_space_protect(SELF, MODULE_VA, 4096, KAGE_PROT_READ | KAGE_PROT_WRITE) == 0 &&
			      native_space_write(SELF, MODULE_VA, &v, 8) == -EFAULT,
		      "protect_cannot_widen_memory_object", "became writable");
		native_space_unmap(SELF, MODULE_VA, pages * 4096);
	}
}

/* The console UART, driven from user mode through its mapped registers by lib/uart.c. */
void uart_irq_check(const struct kage_bootinfo *bi)
{
	const struct kage_bootitem *it = find(bi, KAGE_BOOT_UART), *irq;
	long n = native_notif_create(), bits = 0;
	struct uart u = { 0 };
	int c = -1;

	if (!it || it->aux[3] >= bi->nitems) {
		check(0, "uart_interrupt", "no UART interrupt in the boot handles");
		return;
	}
	irq = &bi->item[it->aux[3]];
	u.kind = (enum uart_kind)it->aux[0], u.reg_shift = it->aux[1], u.reg_io_width = it->aux[2];
	check(native_space_map_phys(SELF, UART_VA, it->handle, 0, 4096, KAGE_PROT_READ | KAGE_PROT_WRITE) == 0,
	      "uart_registers_mapped", "refused");
	u.base = (volatile uint8_t *)(UART_VA + (it->base & 4095));
	while (uart_getc(&u) >= 0)
		;	/* stale input */
	check(native_irq_bind(irq->handle, n, 1) == 0, "irq_bind", "refused");
	uart_rx_irq(&u, true);
	native_timer_notify(n, 20ull * 1000 * 1000 * 1000, TIMEOUT_BIT);
	say("kage-test: press a key for the UART interrupt check\n");
	while (!(bits & 1) && !(bits & TIMEOUT_BIT))
		bits |= native_notif_wait(n);
	if (bits & 1)
		c = uart_getc(&u);
	uart_rx_irq(&u, false);
	native_timer_notify(n, 0, 0);	/* cancel the timeout */
	check((bits & 1) && c >= 0, "uart_receive_interrupt_as_notification", "no interrupt before the timeout");
	check(native_irq_ack(irq->handle) == ((bits & 1) ? 0 : -EINVAL), "irq_ack", "wrong result");
	native_irq_bind(irq->handle, -1, 0);
	native_space_unmap(SELF, UART_VA, 4096);
	native_handle_close(n);
}
