/*
 * Register-level UART access shared by the kernel's console and the
 * console server.
 *
 * Three families: the 16550 (ns16550a, registers one byte apart), the
 * Synopsys DesignWare APB UART (a 16550 whose registers are spaced by
 * 1 << reg_shift bytes and must be accessed with reg_io_width-byte loads
 * and stores) and the SiFive UART (sifive,uart0). All register traffic
 * goes through uart_reg_read/uart_reg_write, so host tests can point `base`
 * at ordinary memory and check which offsets and widths were used.
 */
#ifndef KAGE_LIB_UART_H
#define KAGE_LIB_UART_H

#include <stdbool.h>
#include <stdint.h>

enum uart_kind {
	UART_NONE = 0,
	UART_NS16550,	/* "ns16550a", "ns16550" */
	UART_DW_APB,	/* "snps,dw-apb-uart" */
	UART_SIFIVE,	/* "sifive,uart0" and SoC variants listing it */
};

struct uart {
	enum uart_kind kind;
	volatile uint8_t *base;	/* mapped address of register 0 */
	uint32_t reg_shift;	/* 16550 family: register n is at base + (n << reg_shift) */
	uint32_t reg_io_width;	/* 16550 family: 1 or 4 byte accesses */
	uint32_t clock_hz;	/* input clock, 0 when unknown */
	uint32_t baud;		/* 0: keep what firmware programmed */
};

/* Index of a 16550 register (before shifting). */
enum uart_16550_reg {
	UART_RBR = 0, UART_THR = 0, UART_DLL = 0,
	UART_IER = 1, UART_DLM = 1,
	UART_IIR = 2, UART_FCR = 2,
	UART_LCR = 3, UART_MCR = 4, UART_LSR = 5, UART_MSR = 6, UART_SCR = 7,
	UART_DW_USR = 31,	/* DesignWare status register: bit 0 = busy */
};

/* Byte offsets of SiFive UART registers. */
enum uart_sifive_reg {
	UART_SIFIVE_TXDATA = 0x00, UART_SIFIVE_RXDATA = 0x04,
	UART_SIFIVE_TXCTRL = 0x08, UART_SIFIVE_RXCTRL = 0x0c,
	UART_SIFIVE_IE = 0x10, UART_SIFIVE_IP = 0x14, UART_SIFIVE_DIV = 0x18,
};

/* Maps a device-tree compatible string to a family; UART_NONE if unknown. */
enum uart_kind uart_kind_from_compatible(const char *compatible);

/* Reads/writes 16550-family register `reg` honouring reg_shift and reg_io_width. */
uint32_t uart_reg_read(const struct uart *u, unsigned reg);
void uart_reg_write(const struct uart *u, unsigned reg, uint32_t val);

/*
 * Prepares the device: enables transmit and receive (SiFive), FIFOs
 * (16550), and programs the divisor when baud and clock_hz are both
 * known. Receive interrupts stay off until uart_rx_irq(u, true).
 */
void uart_init(struct uart *u);
void uart_putc(const struct uart *u, char c);
/* Returns the next received byte, or -1 when none is waiting. */
int uart_getc(const struct uart *u);
void uart_rx_irq(const struct uart *u, bool enable);

/* Divisor the SiFive UART needs: clock / baud - 1, rounded up (0 if baud is 0). */
uint32_t uart_sifive_divisor(uint32_t clock_hz, uint32_t baud);
/* 16550 divisor latch value: clock / (16 * baud), rounded to nearest. */
uint32_t uart_16550_divisor(uint32_t clock_hz, uint32_t baud);

#endif
