/*
 * Events. The pending bit is what makes them lost-wakeup-free: a signal
 * between a fiber's "nothing to do" check and its wait leaves the bit
 * set, and the wait returns at once. State changes happen with
 * interrupts masked, because event_signal() runs in interrupt handlers.
 */
#include <nexus/errno.h>

#include "arch/hal.h"
#include "core/event.h"
#include "core/fiber.h"
#include "core/panic.h"

void event_init(struct event *e)
{
	*e = (struct event){ 0 };
}

void event_signal(struct event *e)
{
	uint64_t irq = hal_irq_save();
	struct fiber *f = e->head;

	e->signals++;
	if (f) {
		/* Off the list first, so sched_wake() finds nothing to unlink. */
		e->head = f->next;
		if (!e->head)
			e->tail = NULL;
		f->next = NULL;
		f->waiting_on = NULL;
		if (!sched_wake(f, SCHED_WAKE_SIGNAL))
			panic("event_signal: waiter %u was not blocked", f->id);
	} else {
		e->pending = true;
	}
	hal_irq_restore(irq);
}

int event_wait(struct event *e, uint64_t deadline)
{
	uint64_t irq = hal_irq_save();
	struct fiber *self = fiber_self();
	int rc = 0;

	if (e->pending) {
		e->pending = false;
	} else if (deadline <= hal_time_now()) {
		rc = -NX_ETIMEDOUT;
	} else {
		self->next = NULL;
		if (e->tail)
			e->tail->next = self;
		else
			e->head = self;
		e->tail = self;
		self->waiting_on = e;
		self->state = FIBER_BLOCKED;
		if (deadline != EVENT_FOREVER)
			timerq_add(&self->timer, deadline);
		sched_switch(irq);
		rc = self->wake == SCHED_WAKE_TIMEOUT ? -NX_ETIMEDOUT : 0;
	}
	hal_irq_restore(irq);
	return rc;
}

void event_unlink(struct fiber *f)
{
	struct event *e = f->waiting_on;
	struct fiber **pp, *prev = NULL;

	if (!e)
		return;
	for (pp = &e->head; *pp != f; prev = *pp, pp = &(*pp)->next)
		if (!*pp)
			panic("event_unlink: fiber %u is not on its event", f->id);
	*pp = f->next;
	if (e->tail == f)
		e->tail = prev;
	f->next = NULL;
	f->waiting_on = NULL;
}
