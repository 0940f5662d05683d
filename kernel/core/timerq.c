/*
 * The timer queue is a singly-linked list sorted by deadline, equal
 * deadlines in the order they were added. Insertion is linear: sleepers
 * are few, and the list keeps expiry and "what is next" at the head.
 *
 * tq.armed mirrors the hardware, so a change that leaves the nearest
 * deadline where it was costs no reprogramming. Interrupts are masked
 * around every change because timerq_expire() runs in the timer interrupt.
 */
#include <stddef.h>

#include "arch/hal.h"
#include "core/timerq.h"

static struct {
	struct timerq_entry *head;
	uint64_t armed;		/* what the hardware holds, or TIMERQ_NEVER */
	bool spent;		/* it fired: reprogram even to the same value */
	bool expiring;		/* in timerq_expire(): program once, at the end */
	struct timerq_stats stats;
} tq = { .armed = TIMERQ_NEVER };

static void program(void)
{
	uint64_t want = tq.head ? tq.head->deadline : TIMERQ_NEVER;

	if (tq.expiring || (want == tq.armed && !tq.spent))
		return;
	tq.spent = false;
	tq.armed = want;
	if (want == TIMERQ_NEVER) {
		hal_timer_disarm();
		tq.stats.disarms++;
	} else {
		hal_timer_arm(want);
		tq.stats.arms++;
	}
}

static bool unlink(struct timerq_entry *t)
{
	struct timerq_entry **pp;

	if (!t->queued)
		return false;
	for (pp = &tq.head; *pp != t; pp = &(*pp)->next)
		;
	*pp = t->next;
	t->next = NULL;
	t->queued = false;
	return true;
}

void timerq_init(void)
{
	tq.head = NULL;
	tq.armed = TIMERQ_NEVER;
	tq.spent = false;
	tq.expiring = false;
	tq.stats = (struct timerq_stats){ 0 };
}

void timerq_add(struct timerq_entry *t, uint64_t deadline)
{
	uint64_t irq = hal_irq_save();
	struct timerq_entry **pp;

	unlink(t);
	if (deadline != TIMERQ_NEVER) {
		for (pp = &tq.head; *pp && (*pp)->deadline <= deadline;
		     pp = &(*pp)->next)
			;
		t->deadline = deadline;
		t->next = *pp;
		t->queued = true;
		*pp = t;
	}
	program();
	hal_irq_restore(irq);
}

bool timerq_cancel(struct timerq_entry *t)
{
	uint64_t irq = hal_irq_save();
	bool was = unlink(t);

	if (was)
		program();
	hal_irq_restore(irq);
	return was;
}

/*
 * The hardware deadline has been reached, so it is spent whatever
 * happens next: the ARM generic timer keeps its interrupt asserted until
 * the compare value moves or the timer is disabled. Entries that fire()
 * adds are programmed once, after the loop.
 */
void timerq_expire(uint64_t now)
{
	uint64_t irq = hal_irq_save();
	struct timerq_entry *t;

	tq.spent = true;
	tq.expiring = true;
	while ((t = tq.head) && t->deadline <= now) {
		tq.head = t->next;
		t->next = NULL;
		t->queued = false;
		tq.stats.expired++;
		t->fire(t, now);
	}
	tq.expiring = false;
	program();
	hal_irq_restore(irq);
}

uint64_t timerq_armed(void)
{
	return tq.armed;
}

void timerq_stats(struct timerq_stats *out)
{
	uint64_t irq = hal_irq_save();

	*out = tq.stats;
	hal_irq_restore(irq);
}

uint64_t timerq_deadline_ms(uint64_t ms)
{
	uint64_t now = hal_time_now(), freq = hal_time_freq();
	uint64_t rest = ms % 1000 * freq / 1000, ticks;

	if (ms / 1000 > (TIMERQ_NEVER - rest) / freq)
		return TIMERQ_NEVER;
	ticks = ms / 1000 * freq + rest;
	return ticks >= TIMERQ_NEVER - now ? TIMERQ_NEVER : now + ticks;
}
