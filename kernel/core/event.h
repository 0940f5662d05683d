/*
 * Events: one-bit wait/signal objects. A signal that finds nobody waiting
 * is remembered and consumed by the next wait, so "check, then wait" can
 * never lose a wakeup. Signals do not count up: several before a wait
 * release one wait. Waiters queue in FIFO order and each signal releases
 * the first. A zero-filled struct event is a valid, unsignalled event.
 */
#ifndef EVENT_H
#define EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/timerq.h"

#define EVENT_FOREVER TIMERQ_NEVER

struct fiber;

struct event {
	bool pending;		/* signalled with nobody waiting */
	struct fiber *head;	/* waiters, through fiber.next */
	struct fiber *tail;
	uint64_t signals;	/* total, for introspection */
};

void event_init(struct event *e);
/*
 * Any context, interrupt handlers included. Makes the first waiter
 * runnable in its own spectrum, or marks the event pending; never
 * switches, so the waiter runs at the next scheduling point.
 */
void event_signal(struct event *e);
/*
 * Fiber context. Returns 0 once signalled, or -NX_ETIMEDOUT when the
 * absolute @deadline (ticks; EVENT_FOREVER for none) comes first. A
 * deadline already past polls: it consumes a pending signal or fails.
 */
int event_wait(struct event *e, uint64_t deadline);

/* For sched_wake(): take @f off the event it waits on. */
void event_unlink(struct fiber *f);

#endif
