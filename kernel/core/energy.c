/*
 * Energy metering, the books of the kinetic economy. A balance is kept
 * in energy units: one unit is one microsecond of CPU (NX_ENERGY_UNIT_NS).
 * Running costs its CPU time, from switch-in to switch-out; a verb costs
 * its price from <nexus/energy.h>.
 *
 * Refill. A spectrum's window is also its refill period, and periods are
 * numbered by absolute time (now / window), so every fiber of a spectrum
 * refills at the same instants and a refill needs no timer: the balance
 * is brought up to date whenever it is looked at. Each period begun adds
 * one budget, and a balance never exceeds one budget. The budget is the
 * window's length in units: running flat out costs exactly what a window
 * brings in, so CPU time alone never drains a fiber, and what does is
 * verbs on top of it (twenty SPAWNs are a whole Matter window). Debt
 * carries over; a fiber that overspent sits out until it is repaid.
 *
 * A fiber at zero or below is dry: the scheduler keeps it off the CPU
 * until its next refill (sched.c), and it earns a strike.
 */
#include <nexus/audit.h>
#include <nexus/errno.h>

#include "arch/hal.h"
#include "core/energy.h"
#include "core/fiber.h"
#include "core/kprintf.h"
#include "sec/provchain.h"

#define ENERGY_FLOOR	(INT64_MIN / 4)	/* debt stops here: no overflow */

static const int64_t budget[SCHED_NSPECTRA] = { 2000, 10000, 50000, 0 };

int64_t energy_budget(enum sched_spectrum s)
{
	return (unsigned)s < SCHED_NSPECTRA ? budget[s] : 0;
}

uint64_t energy_units(uint64_t ticks, uint64_t freq)
{
	const uint64_t per_s = 1000000000u / NX_ENERGY_UNIT_NS;

	return ticks / freq * per_s + ticks % freq * per_s / freq;
}

static uint64_t period(enum sched_spectrum s, uint64_t now)
{
	uint64_t w = sched_window_ticks(s);

	return w ? now / w : 0;
}

/* An app's package may set a smaller budget than its spectrum's. */
static int64_t fiber_budget(const struct fiber *f)
{
	int64_t b = budget[f->spectrum];

	return f->budget > 0 && f->budget < b ? f->budget : b;
}

static bool metered(const struct fiber *f)
{
	return !(f->flags & FIBER_UNMETERED) && budget[f->spectrum] > 0;
}

int64_t energy_balance(const struct fiber *f, uint64_t now)
{
	int64_t b = fiber_budget(f), e = f->energy;
	uint64_t p = period(f->spectrum, now), n;

	if (!metered(f))
		return b;
	if (p <= f->energy_period || e >= b)
		return e;
	n = p - f->energy_period;
	if (n >= (uint64_t)((b - e + b - 1) / b))	/* periods to fill up */
		return b;
	return e + (int64_t)n * b;
}

/* Periods only move forward, or a refill could be counted twice. */
static void refresh(struct fiber *f, uint64_t now)
{
	uint64_t p = period(f->spectrum, now);

	f->energy = energy_balance(f, now);
	if (p > f->energy_period)
		f->energy_period = p;
}

void energy_reset(struct fiber *f, uint64_t now)
{
	f->energy = fiber_budget(f);
	f->energy_period = period(f->spectrum, now);
}

void energy_rebase(struct fiber *f, enum sched_spectrum to, uint64_t now)
{
	refresh(f, now);
	if (f->energy > budget[to])
		f->energy = budget[to];
	if (f->budget > 0 && f->energy > f->budget)
		f->energy = f->budget;
	f->energy_period = period(to, now);
}

bool energy_dry(const struct fiber *f, uint64_t now)
{
	return metered(f) && energy_balance(f, now) <= 0;
}

uint64_t energy_refill_at(const struct fiber *f, uint64_t now)
{
	uint64_t w = sched_window_ticks(f->spectrum);

	return w ? (now / w + 1) * w : TIMERQ_NEVER;
}

/*
 * The repeat-offender ladder, the one place that decides what running
 * dry costs: first a warning, then demotion by one spectrum, then death.
 *
 * A strike is forgiven for every STRIKE_FORGIVE_WINDOWS of its spectrum's
 * windows without a new one. Work that runs flat out and talks to the
 * kernel (a file copy, a busy server) pays a little more than a window
 * brings in and so runs dry now and then, seconds apart; runaway work (a
 * spin loop, a spawn storm) runs dry window after window. Only the second
 * is a repeat offender.
 */
#define STRIKE_FORGIVE_WINDOWS	16

static void forgive(struct fiber *f, uint64_t now)
{
	uint64_t w = sched_window_ticks(f->spectrum) * STRIKE_FORGIVE_WINDOWS;
	uint64_t n = w && now > f->struck_at ? (now - f->struck_at) / w : 0;

	f->strikes = n >= f->strikes ? 0 : f->strikes - (unsigned)n;
}

static void strike(struct fiber *f, uint64_t now)
{
	unsigned n;
	const char *verdict = "warned";

	forgive(f, now);
	n = ++f->strikes;
	f->struck_at = now;

	if (n >= 3) {
		verdict = "killed";
		fiber_kill(f);
	} else if (n == 2 && f->spectrum + 1 < SCHED_VOID) {
		verdict = "demoted";
		sched_set_spectrum(f, (enum sched_spectrum)(f->spectrum + 1));
	}
	kprintf("energy: fiber %u (%s) ran dry, strike %u: %s\n",
		f->id, f->name, n, verdict);
	provchain_append(NX_AUDIT_STRIKE, f->id, n, verdict, now);
}

static void debit(struct fiber *f, uint64_t units, uint64_t at)
{
	refresh(f, at);
	if (units > (uint64_t)(f->energy - ENERGY_FLOOR))
		f->energy = ENERGY_FLOOR;
	else
		f->energy -= (int64_t)units;
}

/* Converting the running total, not each run, keeps rounding from drifting. */
static void debit_ticks(struct fiber *f, uint64_t ticks, uint64_t at)
{
	uint64_t freq = hal_time_freq();
	uint64_t before = energy_units(f->cpu_ticks, freq);

	f->cpu_ticks += ticks;
	if (metered(f))
		debit(f, energy_units(f->cpu_ticks, freq) - before, at);
}

void energy_charge(struct fiber *f, uint64_t units, uint64_t now)
{
	int64_t before;

	if (!metered(f) || units == 0)
		return;
	before = energy_balance(f, now);
	debit(f, units, now);
	if (before > 0 && f->energy <= 0)
		strike(f, now);
}

/*
 * A run that crossed into a new window pays for its part before the
 * window began out of the old window's balance, so a fiber that keeps
 * the CPU busy pays at most one window's length per window. Whether it
 * ran dry is judged on the whole run.
 */
void energy_charge_cpu(struct fiber *f, uint64_t ticks, uint64_t now)
{
	uint64_t w = sched_window_ticks(f->spectrum), start, begun;
	int64_t before;

	if (ticks > now)
		ticks = now;
	start = now - ticks;
	begun = w ? now / w * w : 0;
	before = energy_balance(f, start);
	if (w && start < begun) {
		debit_ticks(f, begun - start, begun - 1);
		start = begun;
	}
	debit_ticks(f, now - start, now);
	if (metered(f) && before > 0 && energy_balance(f, now) <= 0)
		strike(f, now);
}

int energy_spend(enum nx_energy_price price)
{
	struct fiber *self = fiber_self();
	uint64_t now = hal_time_now();

	energy_charge(self, (uint64_t)price, now);
	return energy_dry(self, now) ? -NX_EAGAIN : 0;
}
