/*
 * Blink's supervisor: one kernel fiber that sleeps until a driver dies,
 * or, while requests are pending, until the oldest of them would pass
 * the watchdog bound. An idle machine arms no timer for it.
 */
#include <nexus/audit.h>

#include "arch/hal.h"
#include "core/fiber.h"
#include "core/kprintf.h"
#include "core/timerq.h"
#include "drivers/blink.h"
#include "fmt.h"
#include "sec/provchain.h"

#define DRIVERS_MAX	4

static struct {
	struct blink_driver *drv[DRIVERS_MAX];
	unsigned n;
	struct event wake;
	struct fiber *fiber;
	bool sleeping_forever;
} blink;

static uint64_t watchdog_ticks(void)
{
	return (uint64_t)BLINK_WATCHDOG_MS * hal_time_freq() / 1000;
}

static void restart(struct blink_driver *d, const char *why)
{
	char text[48];
	int64_t seq;
	int replayed;

	d->dead = false;
	d->restarts++;
	replayed = d->restart(d->unit);
	fmt_snprintf(text, sizeof(text), "%s %u %s, %d replayed", d->name, d->unit, why,
		     replayed);
	seq = provchain_append(NX_AUDIT_DRIVER_RESTART, d->unit, d->restarts, text,
			       hal_time_now());
	kprintf("blink: %s %u %s: restarted (restart %u), %d requests replayed, "
		"audit record %ld\n", d->name, d->unit, why, d->restarts, replayed, (long)seq);
}

/* The next watchdog deadline, or EVENT_FOREVER with nothing pending. */
static uint64_t next_check(void)
{
	uint64_t next = EVENT_FOREVER;

	for (unsigned i = 0; i < blink.n; i++) {
		uint64_t oldest = blink.drv[i]->oldest(blink.drv[i]->unit);

		if (oldest && oldest + watchdog_ticks() < next)
			next = oldest + watchdog_ticks();
	}
	return next;
}

static void blink_main(void *arg)
{
	(void)arg;
	for (;;) {
		uint64_t next = next_check(), now;

		blink.sleeping_forever = next == EVENT_FOREVER;
		event_wait(&blink.wake, next);
		blink.sleeping_forever = false;
		now = hal_time_now();
		for (unsigned i = 0; i < blink.n; i++) {
			struct blink_driver *d = blink.drv[i];
			uint64_t oldest = d->oldest(d->unit);

			if (d->dead) {
				restart(d, "faulted");
			} else if (oldest && now - oldest >= watchdog_ticks()) {
				restart(d, "hung");
			}
		}
	}
}

void blink_watch(struct blink_driver *d)
{
	static const struct fiber_params p = {
		.name = "blink", .entry = blink_main, .spectrum = SCHED_PHOTON,
		.flags = FIBER_DETACHED | FIBER_UNMETERED,
	};

	if (blink.n == DRIVERS_MAX)
		return;
	blink.drv[blink.n++] = d;
	if (!blink.fiber && fiber_create(&p, &blink.fiber))
		kprintf("blink: no memory for the supervisor: drivers unsupervised\n");
}

void blink_driver_died(struct blink_driver *d)
{
	d->dead = true;
	event_signal(&blink.wake);
}

void blink_request_started(void)
{
	if (blink.sleeping_forever)
		event_signal(&blink.wake);	/* arm the watchdog */
}

bool blink_fault(struct fiber *f, const char *what, uint64_t addr, uint64_t pc)
{
	if (!(f->flags & FIBER_SUPERVISED))
		return false;
	kprintf("blink: driver fiber %u (%s): %s at 0x%lx, pc 0x%lx: stopped\n", f->id,
		f->name, what, (unsigned long)addr, (unsigned long)pc);
	f->killed = true;
	fiber_exit(FIBER_EXIT_KILLED);
}
