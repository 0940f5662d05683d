#include <stddef.h>

#include <nexus/errno.h>

#include "arch/hal.h"
#include "core/irq.h"

#define IRQ_SLOTS 8	/* distinct interrupts with a handler */

static struct irq_slot {
	unsigned irq;
	const char *name;
	irq_handler_fn *fn;
	uint64_t count;
} slots[IRQ_SLOTS];
static unsigned nslots;
static uint64_t spurious;

static struct irq_slot *find(unsigned irq)
{
	for (unsigned i = 0; i < nslots; i++)
		if (slots[i].irq == irq)
			return &slots[i];
	return NULL;
}

int irq_register(unsigned irq, const char *name, irq_handler_fn *fn)
{
	unsigned i;

	if (irq >= HAL_IRQ_MAX || !fn || find(irq) || nslots == IRQ_SLOTS)
		return -NX_EINVAL;
	/* Keep the table in number order for irq_for_each(). */
	for (i = nslots; i > 0 && slots[i - 1].irq > irq; i--)
		slots[i] = slots[i - 1];
	slots[i] = (struct irq_slot){ irq, name, fn, 0 };
	nslots++;
	return 0;
}

void irq_dispatch(unsigned irq)
{
	struct irq_slot *s = find(irq);

	if (!s) {
		spurious++;
		return;
	}
	s->count++;
	s->fn(irq);
}

uint64_t irq_count(unsigned irq)
{
	struct irq_slot *s = find(irq);

	return s ? s->count : 0;
}

uint64_t irq_spurious(void)
{
	return spurious;
}

void irq_for_each(void (*fn)(unsigned irq, const char *name, uint64_t count))
{
	for (unsigned i = 0; i < nslots; i++)
		fn(slots[i].irq, slots[i].name, slots[i].count);
}
