/*
 * Energy metering: CPU and verb charges, refills per window with debt
 * carried, the scheduler keeping a dry fiber off the CPU until its
 * refill, and the strike ladder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <nexus/audit.h>
#include <nexus/energy.h>
#include <nexus/errno.h>

/* tests/unit/fake_audit.c */
extern unsigned fake_audit_appends;
extern uint32_t fake_audit_last_kind;

#include "core/energy.h"
#include "core/fiber.h"
#include "core/sched.h"

#include "fake_hal.h"

static struct fiber local;	/* bookkeeping only: never runs */

static int setup(void **state)
{
	(void)state;
	fake_reset();
	sched_init();
	local = (struct fiber){ .spectrum = SCHED_MATTER,
				.state = FIBER_BLOCKED };
	energy_reset(&local, 0);
	return 0;
}

static void test_units(void **state)
{
	(void)state;
	assert_int_equal(energy_units(62500, 62500000), 1000);
	assert_int_equal(energy_units(3, 1000000), 3);
	assert_int_equal(energy_budget(SCHED_PHOTON), 2000);
	assert_int_equal(energy_budget(SCHED_MATTER), 10000);
	assert_int_equal(energy_budget(SCHED_GRAVITY), 50000);
	/* 10000 runs of 1 tick at 62.5 MHz are 160 us, not 0 or 10000. */
	fake_freq = 62500000;
	energy_reset(&local, 0);
	for (int i = 0; i < 10000; i++)
		energy_charge_cpu(&local, 1, 1000);
	assert_int_equal(energy_balance(&local, 1000), 10000 - 160);
}

static void test_cpu_and_verbs(void **state)
{
	(void)state;
	energy_charge_cpu(&local, 300, 300);
	assert_int_equal(energy_balance(&local, 300), 9700);
	energy_charge(&local, NX_ENERGY_SPAWN, 300);
	energy_charge(&local, NX_ENERGY_SEND, 300);
	energy_charge(&local, NX_ENERGY_RECV, 300);
	assert_int_equal(energy_balance(&local, 300), 9700 - 500 - 5 - 2);
	assert_int_equal(local.cpu_ticks, 300);
	assert_false(energy_dry(&local, 300));
}

static void test_refill_carries_debt(void **state)
{
	(void)state;
	energy_charge(&local, 25000, 100);
	assert_int_equal(energy_balance(&local, 100), -15000);
	assert_true(energy_dry(&local, 9999));
	assert_int_equal(energy_refill_at(&local, 100), 10000);
	assert_int_equal(energy_balance(&local, 10000), -5000);
	assert_true(energy_dry(&local, 10000));
	assert_int_equal(energy_balance(&local, 20000), 5000);
	assert_int_equal(energy_balance(&local, 30000), 10000);
	assert_int_equal(energy_balance(&local, 1000000000), 10000);
	assert_int_equal(local.strikes, 1);
	assert_non_null(strstr(fake_log, "strike 1: warned"));
}

/* A run across a window boundary pays for each part in its own window. */
static void test_run_across_windows(void **state)
{
	uint64_t t = 0;

	(void)state;
	local.spectrum = SCHED_PHOTON;
	energy_reset(&local, 0);
	energy_charge_cpu(&local, 1500, 2500);
	assert_int_equal(energy_balance(&local, 2500), 2000 - 500);
	/* Busy all the time, in runs that straddle boundaries: never dry. */
	for (int i = 0; i < 1000; i++) {
		t += 300;
		energy_charge_cpu(&local, 300, 2500 + t);
		assert_false(energy_dry(&local, 2500 + t));
	}
	assert_int_equal(local.strikes, 0);
}

static bool ran;

static void mark_ran(void *arg)
{
	(void)arg;
	ran = true;
}

static struct fiber *spawn(fiber_entry_fn *fn, enum sched_spectrum s)
{
	struct fiber_params p = { .name = "hog", .entry = fn, .spectrum = s };
	struct fiber *f = NULL;

	assert_int_equal(fiber_create(&p, &f), 0);
	return f;
}

static void test_strike_ladder(void **state)
{
	struct fiber *f;
	int code = 0;
	unsigned audits;

	(void)state;
	ran = false;
	f = spawn(mark_ran, SCHED_MATTER);
	audits = fake_audit_appends;
	energy_charge(f, 10000, fake_now);
	assert_int_equal(f->strikes, 1);
	assert_int_equal(fake_audit_appends, audits + 1);	/* every strike is audited */
	assert_int_equal(fake_audit_last_kind, NX_AUDIT_STRIKE);
	assert_int_equal(f->spectrum, SCHED_MATTER);
	assert_non_null(strstr(fake_log, "strike 1: warned"));
	fake_now += 10000;
	energy_charge(f, 5000, fake_now);	/* not dry: no strike */
	assert_int_equal(f->strikes, 1);
	energy_charge(f, 5000, fake_now);
	assert_int_equal(f->strikes, 2);
	assert_int_equal(f->spectrum, SCHED_GRAVITY);
	assert_non_null(strstr(fake_log, "strike 2: demoted"));
	assert_false(f->killed);
	fake_now += 50000;
	energy_charge(f, 50000, fake_now);
	assert_int_equal(f->strikes, 3);
	assert_true(f->killed);
	assert_non_null(strstr(fake_log, "strike 3: killed"));
	fiber_join(f, &code);
	assert_int_equal(code, FIBER_EXIT_KILLED);
	assert_false(ran);
}

/* A dry spell seconds after the last strike is a first offence again. */
static void test_strikes_are_forgiven_after_a_clean_stretch(void **state)
{
	struct fiber *f;
	uint64_t forgive = 16 * sched_window_ticks(SCHED_MATTER);

	(void)state;
	f = spawn(mark_ran, SCHED_MATTER);
	energy_charge(f, 10000, fake_now);
	assert_int_equal(f->strikes, 1);
	fake_now += forgive;
	energy_charge(f, 10000, fake_now);
	assert_int_equal(f->strikes, 1);	/* forgiven, then struck anew */
	assert_int_equal(f->spectrum, SCHED_MATTER);
	/* Dry again in the next window: a repeat offender after all. */
	fake_now += sched_window_ticks(SCHED_MATTER);
	energy_charge(f, 10000, fake_now);
	assert_int_equal(f->strikes, 2);
	assert_int_equal(f->spectrum, SCHED_GRAVITY);
	fiber_kill(f);
	fiber_join(f, NULL);
}

static int spends;
static uint64_t dry_at, resumed_at;
static enum fiber_state seen_state;
static struct fiber *spender;

static void spend_all(void *arg)
{
	(void)arg;
	spends = 0;
	while (energy_spend(NX_ENERGY_SPAWN) == 0)
		spends++;
	spends++;
	dry_at = fake_now;
	sched_yield();
	resumed_at = fake_now;
}

static void observe(void *arg)
{
	(void)arg;
	seen_state = spender->state;
	resumed_at = 0;
}

/* The dry fiber sits out; Gravity runs; the refill brings it back. */
static void test_dry_fiber_waits_for_refill(void **state)
{
	struct fiber *g;

	(void)state;
	fake_now = 1000;
	spender = spawn(spend_all, SCHED_MATTER);
	g = spawn(observe, SCHED_GRAVITY);
	fiber_join(spender, NULL);
	fiber_join(g, NULL);
	assert_int_equal(spends, 10000 / NX_ENERGY_SPAWN);
	assert_int_equal(dry_at, 1000);
	assert_int_equal(seen_state, FIBER_SUSPENDED);
	assert_int_equal(resumed_at, 10000);	/* the next Matter window */
	assert_true(fake_armed == TIMERQ_NEVER);
}

static void test_unmetered_never_dry(void **state)
{
	struct fiber *self = fiber_self();

	(void)state;
	for (int i = 0; i < 1000; i++)
		assert_int_equal(energy_spend(NX_ENERGY_SPAWN), 0);
	assert_int_equal(energy_balance(self, fake_now), 10000);
	assert_int_equal(self->strikes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_units, setup),
		cmocka_unit_test_setup(test_cpu_and_verbs, setup),
		cmocka_unit_test_setup(test_refill_carries_debt, setup),
		cmocka_unit_test_setup(test_run_across_windows, setup),
		cmocka_unit_test_setup(test_strike_ladder, setup),
		cmocka_unit_test_setup(test_strikes_are_forgiven_after_a_clean_stretch, setup),
		cmocka_unit_test_setup(test_dry_fiber_waits_for_refill, setup),
		cmocka_unit_test_setup(test_unmetered_never_dry, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
