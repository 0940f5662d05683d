/*
 * Interrupt dispatch and accounting, shared by every arch: the arch's
 * interrupt controller code acknowledges an interrupt and calls
 * irq_dispatch(); the handler registered for that number runs, and the
 * per-interrupt counter moves. Handlers run with interrupts masked and
 * must only record work and return.
 */
#ifndef IRQ_H
#define IRQ_H

#include <stdint.h>

typedef void irq_handler_fn(unsigned irq);

/* Returns 0, or -NX_EINVAL for a bad number or a second handler. */
int irq_register(unsigned irq, const char *name, irq_handler_fn *fn);
void irq_dispatch(unsigned irq);
uint64_t irq_count(unsigned irq);
uint64_t irq_spurious(void);

/* Calls @fn for each registered interrupt, in number order. */
void irq_for_each(void (*fn)(unsigned irq, const char *name, uint64_t count));

#endif
