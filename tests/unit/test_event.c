/*
 * Events with real fibers: signals remembered before the wait, deadlines,
 * signals from interrupt context that never switch, FIFO waiters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <nexus/errno.h>

#include "arch/hal.h"
#include "core/event.h"
#include "core/fiber.h"
#include "core/sched.h"
#include "mm/page_alloc.h"

#include "fake_hal.h"

static struct event ev;
static size_t free_pages;
static char trace[64];

static void mark(char c)
{
	size_t n = strlen(trace);

	trace[n] = c;
	trace[n + 1] = '\0';
}

static int setup(void **state)
{
	(void)state;
	fake_reset();
	sched_init();
	event_init(&ev);
	free_pages = page_count_free();
	trace[0] = '\0';
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

static void test_signal_before_wait(void **state)
{
	uint64_t switches = fiber_self()->switches;

	(void)state;
	event_signal(&ev);
	event_signal(&ev);		/* signals do not count up */
	assert_true(ev.pending);
	assert_int_equal(event_wait(&ev, EVENT_FOREVER), 0);
	assert_false(ev.pending);
	assert_int_equal(fiber_self()->switches, switches);	/* no block */
	assert_int_equal(event_wait(&ev, fake_now), -NX_ETIMEDOUT);
	assert_int_equal(fake_idles, 0);
}

static int rc;
static uint64_t returned_at;

static void waiter(void *arg)
{
	rc = event_wait(&ev, *(uint64_t *)arg);
	returned_at = fake_now;
	mark(rc == 0 ? 'w' : 't');
}

static void test_deadline_passes(void **state)
{
	uint64_t deadline = 5000;
	struct fiber *f;

	(void)state;
	f = spawn(waiter, &deadline, SCHED_MATTER);
	sched_yield();
	assert_int_equal(f->state, FIBER_BLOCKED);
	assert_int_equal(fake_armed, 5000);
	fiber_join(f, NULL);		/* idle plays the timer interrupt */
	assert_int_equal(rc, -NX_ETIMEDOUT);
	assert_int_equal(returned_at, 5000);
	assert_null(ev.head);
	assert_true(fake_armed == TIMERQ_NEVER);
	event_signal(&ev);		/* nobody waits: remembered */
	assert_true(ev.pending);
}

/* A waiter woken by its event leaves the timer queue at once. */
static void test_signal_cancels_deadline(void **state)
{
	uint64_t deadline = 10000;
	struct fiber *f;

	(void)state;
	f = spawn(waiter, &deadline, SCHED_PHOTON);
	sched_yield();
	assert_int_equal(fake_armed, 10000);
	fake_now = 3000;
	event_signal(&ev);
	assert_true(fake_armed == TIMERQ_NEVER);
	assert_int_equal(f->state, FIBER_READY);
	fiber_join(f, NULL);
	assert_int_equal(rc, 0);
	assert_int_equal(returned_at, 3000);
	assert_int_equal(fake_arms, 1);
	assert_int_equal(page_count_free(), free_pages);
}

static bool hook_masked;

static void uart_interrupt(void)
{
	hook_masked = fake_masked;
	event_signal(&ev);
}

static void test_signal_from_interrupt(void **state)
{
	uint64_t forever = EVENT_FOREVER;
	struct fiber *f;

	(void)state;
	f = spawn(waiter, &forever, SCHED_PHOTON);
	fake_idle_hook = uart_interrupt;
	fiber_join(f, NULL);
	assert_true(hook_masked);
	assert_int_equal(fake_idles, 1);
	assert_int_equal(rc, 0);
	assert_int_equal(fake_arms, 0);	/* nothing slept: nothing armed */
}

/* Signalling never switches: the Photon waiter runs at the next point. */
static void test_signal_does_not_switch(void **state)
{
	uint64_t forever = EVENT_FOREVER;
	uint64_t irq;
	struct fiber *f;

	(void)state;
	f = spawn(waiter, &forever, SCHED_PHOTON);
	sched_yield();
	assert_string_equal(trace, "");
	irq = hal_irq_save();		/* as an interrupt handler would run */
	event_signal(&ev);
	hal_irq_restore(irq);
	assert_string_equal(trace, "");
	mark('m');
	sched_yield();			/* Photon before Matter */
	mark('m');
	assert_string_equal(trace, "mwm");
	fiber_join(f, NULL);
}

static void named_waiter(void *arg)
{
	event_wait(&ev, EVENT_FOREVER);
	mark(*(const char *)arg);
}

static void test_waiters_fifo(void **state)
{
	struct fiber *a, *b;

	(void)state;
	a = spawn(named_waiter, "a", SCHED_MATTER);
	b = spawn(named_waiter, "b", SCHED_MATTER);
	sched_yield();
	event_signal(&ev);
	assert_int_equal(a->state, FIBER_READY);
	assert_int_equal(b->state, FIBER_BLOCKED);
	sched_yield();
	assert_string_equal(trace, "a");
	event_signal(&ev);
	fiber_join(a, NULL);
	fiber_join(b, NULL);
	assert_string_equal(trace, "ab");
	assert_false(ev.pending);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_signal_before_wait, setup),
		cmocka_unit_test_setup(test_deadline_passes, setup),
		cmocka_unit_test_setup(test_signal_cancels_deadline, setup),
		cmocka_unit_test_setup(test_signal_from_interrupt, setup),
		cmocka_unit_test_setup(test_signal_does_not_switch, setup),
		cmocka_unit_test_setup(test_waiters_fifo, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
