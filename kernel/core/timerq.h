/*
 * The timer queue: every sleep, wait deadline and energy refill in the
 * kernel, sorted by absolute deadline. The hardware timer only ever holds
 * the nearest one; with nothing queued it is disarmed, so a machine with
 * nothing asleep takes no timer interrupts at all.
 */
#ifndef TIMERQ_H
#define TIMERQ_H

#include <stdbool.h>
#include <stdint.h>

#define TIMERQ_NEVER UINT64_MAX		/* a deadline that never comes */

struct timerq_entry;
/* Runs from timerq_expire(): interrupt context, masked, must not switch. */
typedef void timerq_fire_fn(struct timerq_entry *t, uint64_t now);

struct timerq_entry {
	uint64_t deadline;		/* absolute, in clock ticks */
	struct timerq_entry *next;	/* valid while queued */
	timerq_fire_fn *fire;		/* set by the owner before queueing */
	bool queued;
};

struct timerq_stats {
	uint64_t arms;			/* hal_timer_arm() calls */
	uint64_t disarms;		/* hal_timer_disarm() calls */
	uint64_t expired;		/* entries whose deadline came */
};

/* Empty queue; assumes the hardware timer is disarmed. */
void timerq_init(void);
/* Queue @t (again, if it was queued) for @deadline; TIMERQ_NEVER cancels. */
void timerq_add(struct timerq_entry *t, uint64_t deadline);
/* True if @t was queued. */
bool timerq_cancel(struct timerq_entry *t);
/*
 * The timer interrupt handler's whole job: fire every entry due at @now,
 * then program the hardware for the next one, or disarm it.
 */
void timerq_expire(uint64_t now);

/* The deadline the hardware holds, or TIMERQ_NEVER when disarmed. */
uint64_t timerq_armed(void);
void timerq_stats(struct timerq_stats *out);
/* hal_time_now() plus @ms milliseconds, saturating at TIMERQ_NEVER. */
uint64_t timerq_deadline_ms(uint64_t ms);

#endif
