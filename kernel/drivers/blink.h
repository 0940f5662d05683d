/*
 * Blink: the supervisor of drivers, driver apps (virtio-blk's vblkd) and
 * driver fibers (virtio-net's) alike. A driver that faults is not a
 * kernel panic: the fault kills that app or fiber alone (for a fiber,
 * trap.c asks blink_fault()), and Blink resets its device, starts the
 * driver again and replays every request that was submitted but not
 * completed. A driver that stops answering is treated the same way once
 * its oldest request is older than BLINK_WATCHDOG_MS. Clients never see
 * an error for this: their requests complete, and the driver's
 * generation counts the restarts. Every restart is an audit record.
 */
#ifndef DRIVERS_BLINK_H
#define DRIVERS_BLINK_H

#include <stdbool.h>
#include <stdint.h>

#define BLINK_WATCHDOG_MS	200

struct fiber;

/*
 * A supervised driver: @restart brings it back (device reset, new fiber,
 * replay) and returns the requests replayed or a negative error;
 * @oldest is since when its pending requests have seen no progress (0:
 * nothing pending).
 */
struct blink_driver {
	const char *name;
	unsigned unit;
	int (*restart)(unsigned unit);
	uint64_t (*oldest)(unsigned unit);
	/* Blink's own state. */
	bool dead;
	unsigned restarts;
};

/* Start watching @d; a driver fiber must carry FIBER_SUPERVISED. */
void blink_watch(struct blink_driver *d);
/* The driver's fiber is gone (it faulted or was killed): restart it soon. */
void blink_driver_died(struct blink_driver *d);
/* A request was submitted: make sure the watchdog is armed. */
void blink_request_started(void);
/* From the EL1 fault handler: true if @f is a supervised driver fiber. */
bool blink_fault(struct fiber *f, const char *what, uint64_t addr, uint64_t pc);

#endif
