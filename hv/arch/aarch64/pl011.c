/*
 * RumKV's own console output: the PL011 of QEMU virt, polled. The cell
 * owns the same UART and may interleave its output with ours; every
 * RumKV line starts with "rumkv: " so the two stay apart. No input.
 */
#include <stdint.h>

#include "core/log.h"

#define PL011_BASE	0x09000000ul
#define PL011_DR	0x00
#define PL011_FR	0x18
#define FR_TXFF		(1u << 5)	/* transmit FIFO full */

void log_arch_putc(char c)
{
	volatile uint32_t *fr = (volatile uint32_t *)(PL011_BASE + PL011_FR);
	volatile uint32_t *dr = (volatile uint32_t *)(PL011_BASE + PL011_DR);

	if (c == '\n')
		log_arch_putc('\r');
	while (*fr & FR_TXFF)
		;
	*dr = (uint32_t)(unsigned char)c;
}
