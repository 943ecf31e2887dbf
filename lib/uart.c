/*
 * UART register access. The 16550 and the DesignWare APB UART share one
 * register set; the DesignWare part differs in spacing (reg-shift), access
 * width (reg-io-width) and in refusing writes to LCR while busy, which is
 * why uart_init waits for USR.busy with a bound. The SiFive UART is its own
 * design with 32-bit registers and a FIFO-full flag in the data register.
 */
#include "lib/uart.h"
#include "lib/string.h"

#define LSR_DR 0x01		/* data ready */
#define LSR_THRE 0x20		/* transmit holding register empty */
#define LCR_DLAB 0x80
#define LCR_8N1 0x03
#define FCR_ENABLE_CLEAR 0x07
#define MCR_OUT2 0x08
#define IER_RX 0x01
#define DW_USR_BUSY 0x01
#define DW_BUSY_SPINS 100000

#define SIFIVE_FULL (1u << 31)
#define SIFIVE_EMPTY (1u << 31)
#define SIFIVE_TXEN 1u
#define SIFIVE_RXEN 1u
#define SIFIVE_IE_RXWM 2u
#define SIFIVE_RXCNT_MASK (7u << 16)

enum uart_kind uart_kind_from_compatible(const char *compatible)
{
	if (strcmp(compatible, "ns16550a") == 0 || strcmp(compatible, "ns16550") == 0)
		return UART_NS16550;
	if (strcmp(compatible, "snps,dw-apb-uart") == 0)
		return UART_DW_APB;
	if (strcmp(compatible, "sifive,uart0") == 0)
		return UART_SIFIVE;
	return UART_NONE;
}

uint32_t uart_reg_read(const struct uart *u, unsigned reg)
{
	volatile uint8_t *addr = u->base + ((uintptr_t)reg << u->reg_shift);

	if (u->reg_io_width == 4)
		return *(volatile uint32_t *)(volatile void *)addr;
	return *addr;
}

void uart_reg_write(const struct uart *u, unsigned reg, uint32_t val)
{
	volatile uint8_t *addr = u->base + ((uintptr_t)reg << u->reg_shift);

	if (u->reg_io_width == 4)
		*(volatile uint32_t *)(volatile void *)addr = val;
	else
		*addr = (uint8_t)val;
}

static volatile uint32_t *uart_sifive_reg(const struct uart *u, unsigned offset)
{
	return (volatile uint32_t *)(volatile void *)(u->base + offset);
}

uint32_t uart_sifive_divisor(uint32_t clock_hz, uint32_t baud)
{
	if (baud == 0)
		return 0;
	/* The UART divides by div + 1; round so the rate never exceeds baud. */
	return (uint32_t)(((uint64_t)clock_hz + baud - 1) / baud) - 1;
}

uint32_t uart_16550_divisor(uint32_t clock_hz, uint32_t baud)
{
	uint64_t d = 16ull * baud;

	return d ? (uint32_t)(((uint64_t)clock_hz + d / 2) / d) : 0;
}

static void uart_16550_wait_idle(const struct uart *u)
{
	int spins = DW_BUSY_SPINS;

	if (u->kind != UART_DW_APB)
		return;
	while ((uart_reg_read(u, UART_DW_USR) & DW_USR_BUSY) && --spins)
		;
}

static void uart_16550_init(const struct uart *u)
{
	uart_reg_write(u, UART_IER, 0);
	uart_reg_write(u, UART_FCR, FCR_ENABLE_CLEAR);
	if (u->baud && u->clock_hz) {
		uint32_t div = uart_16550_divisor(u->clock_hz, u->baud);

		uart_16550_wait_idle(u);
		uart_reg_write(u, UART_LCR, LCR_DLAB | LCR_8N1);
		uart_reg_write(u, UART_DLL, div & 0xff);
		uart_reg_write(u, UART_DLM, (div >> 8) & 0xff);
		uart_reg_write(u, UART_LCR, LCR_8N1);
	}
	/* Some 16550 wirings route the interrupt line through OUT2. */
	uart_reg_write(u, UART_MCR, uart_reg_read(u, UART_MCR) | MCR_OUT2);
}

void uart_init(struct uart *u)
{
	if (u->reg_io_width != 4)
		u->reg_io_width = 1;
	if (u->kind == UART_SIFIVE) {
		*uart_sifive_reg(u, UART_SIFIVE_TXCTRL) = SIFIVE_TXEN;
		*uart_sifive_reg(u, UART_SIFIVE_RXCTRL) = SIFIVE_RXEN;
		*uart_sifive_reg(u, UART_SIFIVE_IE) = 0;
		if (u->baud && u->clock_hz)
			*uart_sifive_reg(u, UART_SIFIVE_DIV) = uart_sifive_divisor(u->clock_hz, u->baud);
		return;
	}
	if (u->kind == UART_NS16550 || u->kind == UART_DW_APB)
		uart_16550_init(u);
}

void uart_putc(const struct uart *u, char c)
{
	if (u->kind == UART_SIFIVE) {
		while (*uart_sifive_reg(u, UART_SIFIVE_TXDATA) & SIFIVE_FULL)
			;
		*uart_sifive_reg(u, UART_SIFIVE_TXDATA) = (uint8_t)c;
		return;
	}
	while (!(uart_reg_read(u, UART_LSR) & LSR_THRE))
		;
	uart_reg_write(u, UART_THR, (uint8_t)c);
}

int uart_getc(const struct uart *u)
{
	uint32_t v;

	if (u->kind == UART_SIFIVE) {
		v = *uart_sifive_reg(u, UART_SIFIVE_RXDATA);
		return (v & SIFIVE_EMPTY) ? -1 : (int)(v & 0xff);
	}
	if (!(uart_reg_read(u, UART_LSR) & LSR_DR))
		return -1;
	return (int)(uart_reg_read(u, UART_RBR) & 0xff);
}

void uart_rx_irq(const struct uart *u, bool enable)
{
	if (u->kind == UART_SIFIVE) {
		volatile uint32_t *rxctrl = uart_sifive_reg(u, UART_SIFIVE_RXCTRL);

		*rxctrl &= ~SIFIVE_RXCNT_MASK;	/* watermark 0: any byte interrupts */
		*uart_sifive_reg(u, UART_SIFIVE_IE) = enable ? SIFIVE_IE_RXWM : 0;
		return;
	}
	uart_reg_write(u, UART_IER, enable ? IER_RX : 0);
}
