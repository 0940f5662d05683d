/*
 * The receive buffer is single-producer (interrupt) single-consumer
 * (fiber). The consumer masks interrupts around its check, so the pair
 * needs no atomics on a single core; the event wakes the reader, and a
 * signal that lands between its check and its wait stays pending.
 */
#include "arch/hal.h"
#include "core/console.h"
#include "core/event.h"

#define RX_SIZE 256	/* power of two */

static struct {
	char buf[RX_SIZE];
	uint32_t head;		/* written by the producer */
	uint32_t tail;		/* written by the consumer */
	uint64_t dropped;
	struct event ready;
} rx;

void console_rx_push(char c)
{
	if (rx.head - rx.tail == RX_SIZE) {
		rx.dropped++;
		return;
	}
	rx.buf[rx.head % RX_SIZE] = c;
	rx.head++;
	event_signal(&rx.ready);
}

char console_getc(void)
{
	for (;;) {
		uint64_t irq = hal_irq_save();

		if (rx.head != rx.tail) {
			char c = rx.buf[rx.tail % RX_SIZE];

			rx.tail++;
			hal_irq_restore(irq);
			return c;
		}
		hal_irq_restore(irq);
		event_wait(&rx.ready, EVENT_FOREVER);
	}
}

void console_unget(char c)
{
	uint64_t irq = hal_irq_save();

	if (rx.head - rx.tail < RX_SIZE) {
		rx.tail--;
		rx.buf[rx.tail % RX_SIZE] = c;
		event_signal(&rx.ready);
	}
	hal_irq_restore(irq);
}

uint64_t console_rx_dropped(void)
{
	return rx.dropped;
}
