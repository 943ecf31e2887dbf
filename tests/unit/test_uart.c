/*
 * UART register access on fake register files in memory: which offsets,
 * which access widths, which bits. The DesignWare variant (VisionFive 2)
 * is only reachable this way until kage runs on the board.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "lib/uart.h"
#include "lib/string.h"

static uint32_t regs[64];	/* word-aligned backing for any layout */

static struct uart make(enum uart_kind kind, uint32_t shift, uint32_t width)
{
	struct uart u = { .kind = kind, .base = (volatile uint8_t *)regs,
			  .reg_shift = shift, .reg_io_width = width };

	memset(regs, 0, sizeof(regs));
	return u;
}

static uint8_t byte_at(unsigned off)
{
	return ((uint8_t *)regs)[off];
}

static void test_dw_apb_registers_are_spaced_and_32_bit(void **state)
{
	struct uart u = make(UART_DW_APB, 2, 4);

	(void)state;
	uart_reg_write(&u, UART_LCR, 0x12345603);
	assert_int_equal(regs[3], 0x12345603);		/* LCR at byte 12, full word */
	regs[5] = 0x60;
	assert_int_equal(uart_reg_read(&u, UART_LSR), 0x60);	/* LSR at byte 20 */
	uart_putc(&u, 'K');
	assert_int_equal(regs[0], 'K');			/* THR at byte 0 as a word */
}

static void test_ns16550_registers_are_bytes(void **state)
{
	struct uart u = make(UART_NS16550, 0, 1);

	(void)state;
	((uint8_t *)regs)[5] = 0x20;			/* LSR.THRE */
	uart_putc(&u, 'x');
	assert_int_equal(byte_at(0), 'x');
	assert_int_equal(byte_at(1), 0);
	assert_int_equal(uart_getc(&u), -1);		/* LSR.DR clear */
	((uint8_t *)regs)[5] = 0x21;
	((uint8_t *)regs)[0] = 'q';
	assert_int_equal(uart_getc(&u), 'q');
}

static void test_16550_init_programs_divisor_and_8n1(void **state)
{
	struct uart u = make(UART_DW_APB, 2, 4);

	(void)state;
	u.clock_hz = 24000000;
	u.baud = 115200;
	uart_init(&u);
	/* The divisor latch shares offsets 0 and 1 with THR/IER; 8N1 is left in LCR. */
	assert_int_equal(regs[0], 13);
	assert_int_equal(regs[1], 0);
	assert_int_equal(regs[3], 0x03);
	assert_int_equal(regs[2], 0x07);		/* FIFOs on and cleared */
	assert_true(regs[4] & 0x08);			/* OUT2 */
}

static void test_16550_init_keeps_firmware_speed_when_baud_unknown(void **state)
{
	struct uart u = make(UART_NS16550, 0, 1);

	(void)state;
	((uint8_t *)regs)[3] = 0x03;
	((uint8_t *)regs)[0] = 0x55;
	uart_init(&u);
	assert_int_equal(byte_at(3), 0x03);		/* DLAB never set */
	assert_int_equal(byte_at(0), 0x55);
}

static void test_sifive_uart(void **state)
{
	struct uart u = make(UART_SIFIVE, 0, 1);

	(void)state;
	u.clock_hz = 500000000;
	u.baud = 115200;
	uart_init(&u);
	assert_int_equal(regs[UART_SIFIVE_TXCTRL / 4], 1);
	assert_int_equal(regs[UART_SIFIVE_RXCTRL / 4], 1);
	assert_int_equal(regs[UART_SIFIVE_DIV / 4], 4340);
	uart_putc(&u, 'S');
	assert_int_equal(regs[UART_SIFIVE_TXDATA / 4], 'S');
	regs[UART_SIFIVE_RXDATA / 4] = 0x80000000u;	/* empty */
	assert_int_equal(uart_getc(&u), -1);
	regs[UART_SIFIVE_RXDATA / 4] = 'r';
	assert_int_equal(uart_getc(&u), 'r');
	uart_rx_irq(&u, true);
	assert_int_equal(regs[UART_SIFIVE_IE / 4], 2);
}

static void test_divisors(void **state)
{
	(void)state;
	assert_int_equal(uart_16550_divisor(24000000, 115200), 13);
	assert_int_equal(uart_16550_divisor(3686400, 115200), 2);
	assert_int_equal(uart_16550_divisor(1843200, 9600), 12);
	assert_int_equal(uart_sifive_divisor(500000000, 115200), 4340);
	assert_int_equal(uart_sifive_divisor(100, 100), 0);
	assert_int_equal(uart_sifive_divisor(1000, 0), 0);
}

static void test_kind_from_compatible(void **state)
{
	(void)state;
	assert_int_equal(uart_kind_from_compatible("ns16550a"), UART_NS16550);
	assert_int_equal(uart_kind_from_compatible("ns16550"), UART_NS16550);
	assert_int_equal(uart_kind_from_compatible("snps,dw-apb-uart"), UART_DW_APB);
	assert_int_equal(uart_kind_from_compatible("sifive,uart0"), UART_SIFIVE);
	assert_int_equal(uart_kind_from_compatible("sifive,fu740-c000-uart"), UART_NONE);
	assert_int_equal(uart_kind_from_compatible(""), UART_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dw_apb_registers_are_spaced_and_32_bit),
		cmocka_unit_test(test_ns16550_registers_are_bytes),
		cmocka_unit_test(test_16550_init_programs_divisor_and_8n1),
		cmocka_unit_test(test_16550_init_keeps_firmware_speed_when_baud_unknown),
		cmocka_unit_test(test_sifive_uart),
		cmocka_unit_test(test_divisors),
		cmocka_unit_test(test_kind_from_compatible),
	};

	return cmocka_run_group_tests_name("uart", tests, NULL, NULL);
}
