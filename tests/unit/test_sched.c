/*
 * The harmonic scheduler. The policy (sched_pick() over a struct
 * sched_rq) is driven directly with a fake clock: spectrum order,
 * round-robin, and the window rule under floods. Then the same rules
 * with real fibers, and the spectrum-raising rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <nexus/errno.h>

#include "core/fiber.h"
#include "core/sched.h"

#include "fake_hal.h"

#define FREQ	1000000		/* one tick per microsecond */
#define SLICE	100		/* each simulated run, in ticks */

static struct sched_rq rq;
static struct fiber fs[8];
static uint64_t now;

static int setup_policy(void **state)
{
	(void)state;
	sched_rq_init(&rq, FREQ);
	now = 0;
	return 0;
}

static void add(int i, enum sched_spectrum s)
{
	fs[i] = (struct fiber){ .id = (uint32_t)i, .spectrum = s };
	sched_rq_push(&rq, &fs[i], now);
}

struct sim {
	unsigned turns[8];
	uint64_t busy[SCHED_NSPECTRA];		/* CPU time per spectrum */
	uint64_t longest_wait[SCHED_NSPECTRA];	/* ready but not running */
};

/*
 * @steps scheduling points; every fiber runs SLICE ticks and stays ready,
 * which is a flood in every spectrum that has fibers.
 */
static void simulate(unsigned steps, struct sim *sim)
{
	uint64_t served[SCHED_NSPECTRA] = { now, now, now, now };

	*sim = (struct sim){ 0 };
	for (unsigned i = 0; i < steps; i++) {
		struct fiber *f = sched_pick(&rq, now);
		enum sched_spectrum s;

		assert_non_null(f);
		s = f->spectrum;
		sched_rq_remove(&rq, f);
		if (now - served[s] > sim->longest_wait[s])
			sim->longest_wait[s] = now - served[s];
		now += SLICE;
		sim->busy[s] += SLICE;
		sim->turns[f->id]++;
		served[s] = now;
		sched_rq_served(&rq, s, now);
		sched_rq_push(&rq, f, now);
	}
}

static void test_spectrum_order(void **state)
{
	(void)state;
	add(0, SCHED_GRAVITY);
	add(1, SCHED_MATTER);
	add(2, SCHED_PHOTON);
	add(3, SCHED_MATTER);
	for (int want = 2; want >= 0; want--) {
		struct fiber *f = sched_pick(&rq, now);

		assert_ptr_equal(f, &fs[want]);
		assert_ptr_equal(sched_pick(&rq, now), f);	/* pure */
		sched_rq_remove(&rq, f);
		if (want == 1) {
			assert_ptr_equal(sched_pick(&rq, now), &fs[3]);
			sched_rq_remove(&rq, &fs[3]);
		}
	}
	assert_null(sched_pick(&rq, now));	/* Void: the idle fiber */
	assert_true(sched_rq_empty(&rq));
}

static void test_round_robin(void **state)
{
	struct sim sim;
	struct fiber *prev = NULL;

	(void)state;
	for (int i = 0; i < 3; i++)
		add(i, SCHED_MATTER);
	for (int i = 0; i < 9; i++) {
		struct fiber *f = sched_pick(&rq, now);

		assert_ptr_equal(f, &fs[i % 3]);
		assert_ptr_not_equal(f, prev);
		sched_rq_remove(&rq, f);
		sched_rq_push(&rq, f, now);
		prev = f;
	}
	simulate(300, &sim);
	for (int i = 0; i < 3; i++)
		assert_int_equal(sim.turns[i], 100);
}

/* Matter waits at most Photon's 2 ms window (plus the run under way). */
static void test_photon_flood_leaves_matter_its_turn(void **state)
{
	struct sim sim;

	(void)state;
	add(0, SCHED_PHOTON);
	add(1, SCHED_PHOTON);
	add(2, SCHED_MATTER);
	simulate(2000, &sim);
	assert_true(sim.turns[2] > 0);
	assert_true(sim.longest_wait[SCHED_MATTER] >= 2000);	/* order first */
	assert_true(sim.longest_wait[SCHED_MATTER] <= 2000 + SLICE);
	assert_true(sim.busy[SCHED_PHOTON] * 100 >= 90 * now);
	assert_true(sim.turns[0] - sim.turns[1] + 1 <= 2);	/* differ by <= 1 */
}

static void test_matter_flood_leaves_gravity_its_turn(void **state)
{
	struct sim sim;

	(void)state;
	add(0, SCHED_MATTER);
	add(1, SCHED_MATTER);
	add(2, SCHED_GRAVITY);
	simulate(5000, &sim);
	assert_true(sim.longest_wait[SCHED_GRAVITY] >= 10000);
	assert_true(sim.longest_wait[SCHED_GRAVITY] <= 10000 + SLICE);
}

/* Both floods: each lower spectrum keeps its bound. */
static void test_double_flood(void **state)
{
	struct sim sim;

	(void)state;
	add(0, SCHED_PHOTON);
	add(1, SCHED_PHOTON);
	add(2, SCHED_MATTER);
	add(3, SCHED_MATTER);
	add(4, SCHED_GRAVITY);
	simulate(10000, &sim);
	assert_true(sim.longest_wait[SCHED_MATTER] <= 2000 + SLICE);
	assert_true(sim.longest_wait[SCHED_GRAVITY] <= 10000 + 2 * SLICE);
	/* One Gravity turn per wait and run, at the least. */
	assert_true(sim.turns[4] >= now / (10000 + 3 * SLICE) - 1);
	assert_true(sim.busy[SCHED_PHOTON] > sim.busy[SCHED_MATTER]);
	assert_true(sim.busy[SCHED_MATTER] > sim.busy[SCHED_GRAVITY]);
}

/* A spectrum that was empty waits from when it became ready. */
static void test_wait_counts_from_readiness(void **state)
{
	struct sim sim;
	struct fiber *f;

	(void)state;
	add(0, SCHED_PHOTON);
	simulate(500, &sim);			/* 50 ms of Photon alone */
	add(1, SCHED_MATTER);
	for (f = sched_pick(&rq, now); f == &fs[0] && now < 100000;
	     f = sched_pick(&rq, now)) {
		sched_rq_remove(&rq, f);
		now += SLICE;
		sched_rq_served(&rq, SCHED_PHOTON, now);
		sched_rq_push(&rq, f, now);
	}
	assert_ptr_equal(f, &fs[1]);
	assert_true(now >= 50000 + 2000 && now <= 50000 + 2000 + SLICE);
}

/* --- the same rules with real fibers and switches --- */

static int setup_fibers(void **state)
{
	(void)state;
	fake_reset();
	sched_init();
	return 0;
}

static struct fiber *spawn(fiber_entry_fn *fn, void *arg, enum sched_spectrum s)
{
	struct fiber_params p = {
		.name = "t", .entry = fn, .arg = arg, .spectrum = s,
	};
	struct fiber *f = NULL;

	assert_int_equal(fiber_create(&p, &f), 0);
	return f;
}

#define STORM_END 20000

static uint64_t matter_first_at;
static unsigned matter_turns;
static char order[8];
static int norder;

/* Every fiber here "runs" SLICE ticks per turn by moving the clock. */
static void storm(void *arg)
{
	bool matter = arg != NULL;

	while (fake_now < STORM_END) {
		if (matter && matter_turns++ == 0)
			matter_first_at = fake_now;
		fake_now += SLICE;
		sched_yield();
	}
}

/* Two Photon fibers flood; two Matter fibers get one turn per window. */
static void test_real_photon_storm(void **state)
{
	struct fiber *f[4];

	(void)state;
	matter_turns = 0;
	f[0] = spawn(storm, NULL, SCHED_PHOTON);
	f[1] = spawn(storm, NULL, SCHED_PHOTON);
	f[2] = spawn(storm, "m", SCHED_MATTER);
	f[3] = spawn(storm, "m", SCHED_MATTER);
	for (int i = 0; i < 4; i++)
		fiber_join(f[i], NULL);
	assert_true(matter_first_at >= 2000 && matter_first_at <= 2000 + SLICE);
	assert_true(matter_turns >= STORM_END / (2000 + 2 * SLICE) - 1);
	assert_true(matter_turns <= STORM_END / 2000 + 1);
	assert_true(fake_armed == TIMERQ_NEVER);
}

static void log_spectrum(void *arg)
{
	(void)arg;
	order[norder++] = sched_spectrum_name(fiber_self()->spectrum)[0];
}

static void test_real_spectrum_order(void **state)
{
	struct fiber *f[3];

	(void)state;
	norder = 0;
	f[0] = spawn(log_spectrum, NULL, SCHED_GRAVITY);
	f[1] = spawn(log_spectrum, NULL, SCHED_MATTER);
	f[2] = spawn(log_spectrum, NULL, SCHED_PHOTON);
	for (int i = 0; i < 3; i++)
		fiber_join(f[i], NULL);
	order[norder] = '\0';
	assert_string_equal(order, "pmg");
}

static void test_no_self_promotion(void **state)
{
	struct fiber *self = fiber_self();

	(void)state;
	assert_int_equal(self->spectrum, SCHED_MATTER);
	assert_int_equal(sched_lower_spectrum(SCHED_PHOTON), -NX_EPERM);
	assert_int_equal(self->spectrum, SCHED_MATTER);
	assert_int_equal(sched_lower_spectrum(SCHED_VOID), -NX_EINVAL);
	assert_int_equal(sched_lower_spectrum(SCHED_GRAVITY), 0);
	assert_int_equal(self->spectrum, SCHED_GRAVITY);
	assert_int_equal(sched_lower_spectrum(SCHED_MATTER), -NX_EPERM);
	assert_int_equal(sched_set_spectrum(self, SCHED_MATTER), 0);
	assert_int_equal(self->spectrum, SCHED_MATTER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_spectrum_order, setup_policy),
		cmocka_unit_test_setup(test_round_robin, setup_policy),
		cmocka_unit_test_setup(test_photon_flood_leaves_matter_its_turn, setup_policy),
		cmocka_unit_test_setup(test_matter_flood_leaves_gravity_its_turn, setup_policy),
		cmocka_unit_test_setup(test_double_flood, setup_policy),
		cmocka_unit_test_setup(test_wait_counts_from_readiness, setup_policy),
		cmocka_unit_test_setup(test_real_photon_storm, setup_fibers),
		cmocka_unit_test_setup(test_real_spectrum_order, setup_fibers),
		cmocka_unit_test_setup(test_no_self_promotion, setup_fibers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
