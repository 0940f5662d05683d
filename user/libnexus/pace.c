/*
 * nx_pace(): a long job that talks to the kernel flat out pays its
 * requests' prices on top of its CPU time, which alone is what a window
 * refills, so it would run dry again and again and be struck down. It
 * calls this between steps instead, and sleeps to the next refill while
 * its balance is low.
 */
#include "nexus.h"

#define PACE_FLOOR	8000	/* energy units (us of CPU) kept in hand */
#define PACE_SLEEP_MS	10	/* a Matter window: at least one refill */

void nx_pace(void)
{
	uint64_t freq = nx_systable()->clock_freq;
	struct nx_proc_info me;

	while (nx_info(NX_INFO_SELF, 0, &me, sizeof(me)) >= 0 && me.energy < PACE_FLOOR)
		nx_wait(NX_WAIT_NONE, nx_clock() + freq * PACE_SLEEP_MS / 1000, NULL);
}
