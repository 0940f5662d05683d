/*
 * The timer queue against the fake HAL: order, the one armed deadline,
 * cancellation, and a disarmed timer whenever nothing is queued.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/timerq.h"

#include "fake_hal.h"

static int fired[16], nfired;

static void record(struct timerq_entry *t, uint64_t now)
{
	(void)now;
	fired[nfired++] = (int)t->deadline;
}

static struct timerq_entry entry[8];

static int setup(void **state)
{
	(void)state;
	fake_reset();
	timerq_init();
	nfired = 0;
	for (int i = 0; i < 8; i++)
		entry[i] = (struct timerq_entry){ .fire = record };
	return 0;
}

static void test_nothing_armed_when_nothing_sleeps(void **state)
{
	struct timerq_stats st;

	(void)state;
	timerq_expire(1000);		/* a spurious interrupt */
	assert_int_equal(fake_arms, 0);
	assert_true(fake_armed == TIMERQ_NEVER);
	timerq_add(&entry[0], 50);
	assert_int_equal(fake_armed, 50);
	assert_true(timerq_cancel(&entry[0]));
	assert_true(fake_armed == TIMERQ_NEVER);
	assert_true(timerq_armed() == TIMERQ_NEVER);
	timerq_stats(&st);
	assert_int_equal(st.arms, 1);
	assert_int_equal(st.expired, 0);
}

static void test_nearest_deadline_armed_only(void **state)
{
	(void)state;
	timerq_add(&entry[0], 500);
	timerq_add(&entry[1], 700);	/* later: hardware untouched */
	assert_int_equal(fake_armed, 500);
	assert_int_equal(fake_arms, 1);
	timerq_add(&entry[2], 200);	/* nearer: reprogrammed */
	assert_int_equal(fake_armed, 200);
	assert_int_equal(fake_arms, 2);
	timerq_add(&entry[3], 200);	/* equal: untouched */
	assert_int_equal(fake_arms, 2);
}

static void test_expiry_order(void **state)
{
	static const uint64_t deadlines[] = { 30, 10, 20, 10, 40 };

	(void)state;
	for (int i = 0; i < 5; i++)
		timerq_add(&entry[i], deadlines[i]);
	assert_int_equal(fake_armed, 10);
	timerq_expire(15);
	assert_int_equal(nfired, 2);
	assert_int_equal(fired[0], 10);
	assert_int_equal(fired[1], 10);
	assert_int_equal(fake_armed, 20);
	timerq_expire(35);
	assert_int_equal(nfired, 4);
	assert_int_equal(fired[2], 20);
	assert_int_equal(fired[3], 30);
	assert_int_equal(fake_armed, 40);
	timerq_expire(40);
	assert_int_equal(fired[4], 40);
	assert_true(fake_armed == TIMERQ_NEVER);
	assert_int_equal(fake_disarms, 1);
}

static void record_index(struct timerq_entry *t, uint64_t now)
{
	(void)now;
	fired[nfired++] = (int)(t - entry);
}

static void test_equal_deadlines_fifo(void **state)
{
	(void)state;
	entry[3].fire = entry[1].fire = entry[2].fire = record_index;
	timerq_add(&entry[3], 10);
	timerq_add(&entry[1], 10);
	timerq_add(&entry[2], 10);
	timerq_expire(10);
	assert_int_equal(nfired, 3);
	assert_int_equal(fired[0], 3);
	assert_int_equal(fired[1], 1);
	assert_int_equal(fired[2], 2);
	assert_false(entry[1].queued);
}

static void test_cancel(void **state)
{
	(void)state;
	timerq_add(&entry[0], 100);
	timerq_add(&entry[1], 200);
	timerq_add(&entry[2], 300);
	assert_int_equal(fake_arms, 1);
	assert_true(timerq_cancel(&entry[1]));	/* not the head: untouched */
	assert_int_equal(fake_arms, 1);
	assert_true(timerq_cancel(&entry[0]));	/* the head: re-armed */
	assert_int_equal(fake_armed, 300);
	assert_int_equal(fake_arms, 2);
	assert_false(timerq_cancel(&entry[0]));
	timerq_expire(1000);
	assert_int_equal(nfired, 1);
	assert_int_equal(fired[0], 300);
	assert_true(fake_armed == TIMERQ_NEVER);
}

static void test_readd_moves_entry(void **state)
{
	(void)state;
	timerq_add(&entry[0], 100);
	timerq_add(&entry[1], 200);
	timerq_add(&entry[0], 300);
	assert_int_equal(fake_armed, 200);
	timerq_add(&entry[1], TIMERQ_NEVER);	/* cancels */
	assert_int_equal(fake_armed, 300);
	timerq_expire(300);
	assert_int_equal(nfired, 1);
}

static struct timerq_entry chained = { .fire = record };

static void rearm(struct timerq_entry *t, uint64_t now)
{
	record(t, now);
	timerq_add(&chained, now + 100);
}

/* Entries added while expiring are programmed once, at the end. */
static void test_add_from_fire(void **state)
{
	(void)state;
	entry[0].fire = rearm;
	timerq_add(&entry[0], 10);
	timerq_add(&entry[1], 500);
	assert_int_equal(fake_arms, 1);
	timerq_expire(10);
	assert_int_equal(fake_armed, 110);
	assert_int_equal(fake_arms, 2);
	timerq_cancel(&chained);
	assert_int_equal(fake_armed, 500);
}

/* The interrupt stays asserted until the hardware is reprogrammed. */
static void test_expire_always_reprograms(void **state)
{
	(void)state;
	timerq_add(&entry[0], 10);
	timerq_expire(10);
	assert_int_equal(fake_disarms, 1);
	timerq_add(&entry[0], 10);
	timerq_add(&entry[1], 50);
	timerq_expire(5);		/* early, nothing due */
	assert_int_equal(nfired, 1);
	assert_int_equal(fake_armed, 10);
	assert_int_equal(fake_arms, 3);
}

static void test_deadline_ms(void **state)
{
	(void)state;
	fake_now = 1000;
	assert_int_equal(timerq_deadline_ms(5), 1000 + 5000);
	assert_true(timerq_deadline_ms(UINT64_MAX) == TIMERQ_NEVER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_nothing_armed_when_nothing_sleeps, setup),
		cmocka_unit_test_setup(test_nearest_deadline_armed_only, setup),
		cmocka_unit_test_setup(test_expiry_order, setup),
		cmocka_unit_test_setup(test_equal_deadlines_fifo, setup),
		cmocka_unit_test_setup(test_cancel, setup),
		cmocka_unit_test_setup(test_readd_moves_entry, setup),
		cmocka_unit_test_setup(test_add_from_fire, setup),
		cmocka_unit_test_setup(test_expire_always_reprograms, setup),
		cmocka_unit_test_setup(test_deadline_ms, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
