/*
 * The receive buffer is single-producer (interrupt) single-consumer
 * (fiber). The consumer masks interrupts around its check, so the pair
 * needs no atomics on a single core.
 */
#include "arch/hal.h"
#include "core/console.h"

#define RX_SIZE 256	/* power of two */

static struct {
	char buf[RX_SIZE];
	uint32_t head;		/* written by the producer */
	uint32_t tail;		/* written by the consumer */
	uint64_t dropped;
} rx;

void console_rx_push(char c)
{
	if (rx.head - rx.tail == RX_SIZE) {
		rx.dropped++;
		return;
	}
	rx.buf[rx.head % RX_SIZE] = c;
	rx.head++;
}

char console_getc(void)
{
	uint64_t irq = hal_irq_save();
	char c;

	while (rx.head == rx.tail)
		hal_idle();
	c = rx.buf[rx.tail % RX_SIZE];
	rx.tail++;
	hal_irq_restore(irq);
	return c;
}

uint64_t console_rx_dropped(void)
{
	return rx.dropped;
}
