/* The pacer (pace.h). */
#include "nexus.h"

#include "membrane.h"
#include "pace.h"

/* Each spectrum's window, which is also its refill period; the budget is
 * the window's length in microseconds (docs/scheduler.md, "Energy"). */
static const uint32_t window_ms[] = { 2, 10, 50, 50 };

/* Rest below this share of a full balance. One unit of work between two
 * checks (a round of frames, or one request of an app's own) must fit in
 * what is left. */
#define PACE_LOW_PERCENT	35

static int64_t budget;		/* a full balance */
static int64_t balance;		/* as charged at the last switch */
static uint64_t run_start;	/* clock() then */
static uint64_t verbs;		/* units spent on verbs since */
static uint32_t spectrum;
static uint64_t rests;

void pace_woke(void)
{
	struct nx_proc_info me;

	run_start = nx_clock();
	verbs = 0;
	if (nx_info(NX_INFO_SELF, 0, &me, sizeof(me)) >= 0) {
		balance = me.energy;
		spectrum = me.spectrum < 4 ? me.spectrum : 3;
	}
}

void pace_init(void)
{
	pace_woke();
	budget = balance;
}

void pace_spent(uint32_t units)
{
	verbs += units;
}

bool membrane_pace(void)
{
	uint64_t freq = nx_systable()->clock_freq, now = nx_clock(), w;
	int64_t used;

	if (budget <= 0)
		return false;
	used = (int64_t)((now - run_start) * 1000000 / freq + verbs);
	if (balance - used > budget * PACE_LOW_PERCENT / 100)
		return false;
	w = (uint64_t)window_ms[spectrum] * freq / 1000;
	nx_wait(NX_WAIT_NONE, (now / w + 1) * w, NULL);
	rests++;
	pace_woke();
	return true;
}

uint64_t pace_rests(void)
{
	return rests;
}
