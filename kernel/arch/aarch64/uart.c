/*
 * PL011 UART (Arm PrimeCell UART TRM, DDI 0183). QEMU has already enabled
 * it; the kernel only polls for transmit and takes receive interrupts.
 */
#include "arch/hal.h"
#include "core/console.h"
#include "sysreg.h"
#include "uart.h"

#define UART_DR		0x00
#define UART_FR		0x18
#define UART_IMSC	0x38
#define UART_ICR	0x44
#define FR_RXFE		(1u << 4)
#define FR_TXFF		(1u << 5)
#define INT_RX		(1u << 4)
#define INT_RT		(1u << 6)	/* receive timeout: a byte sat in the FIFO */

/* QEMU virt's PL011, used until the device tree names the console. */
#define EARLY_UART_BASE	0x09000000ul

static uint64_t uart_base = EARLY_UART_BASE;

void hal_console_putc(char c)
{
	while (mmio_read32(uart_base + UART_FR) & FR_TXFF)
		;
	mmio_write32(uart_base + UART_DR, (uint8_t)c);
}

/*
 * The raw receive status is left alone: bytes typed before this point
 * have already raised it, and clearing it would strand them until the
 * next key.
 */
void uart_init(uint64_t base)
{
	uart_base = base;
	mmio_write32(uart_base + UART_IMSC, INT_RX | INT_RT);
}

/*
 * Clear, then drain: a byte that arrives after the drain raises the
 * status again, so none is left behind without an interrupt.
 */
void uart_irq(unsigned irq)
{
	(void)irq;
	mmio_write32(uart_base + UART_ICR, INT_RX | INT_RT);
	while (!(mmio_read32(uart_base + UART_FR) & FR_RXFE))
		console_rx_push((char)mmio_read32(uart_base + UART_DR));
}
