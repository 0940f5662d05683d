/*
 * Fibers with real context switches on the host (kernel/arch/hosted),
 * under ASan, which the hosted fiber_arch.c keeps informed of every
 * change of stack.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <nexus/errno.h>

#include "core/event.h"
#include "core/fiber.h"
#include "core/sched.h"
#include "mm/page_alloc.h"

#include "fake_hal.h"

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
	free_pages = page_count_free();
	trace[0] = '\0';
	return 0;
}

static struct fiber *spawn(const char *name, fiber_entry_fn *fn, void *arg,
			   enum sched_spectrum s, unsigned flags)
{
	struct fiber_params p = {
		.name = name, .entry = fn, .arg = arg, .spectrum = s,
		.flags = flags,
	};
	struct fiber *f = NULL;

	assert_int_equal(fiber_create(&p, &f), 0);
	return f;
}

static bool started_masked;

static void returns(void *arg)
{
	started_masked = fake_masked;
	mark(*(const char *)arg);
}

static void inner(void)
{
	fiber_exit(42);
}

static void outer(void)
{
	inner();
	mark('?');		/* not reached */
}

static void exits(void *arg)
{
	(void)arg;
	outer();
}

static void test_create_exit_join(void **state)
{
	struct fiber *a, *b;
	int code = -1;

	(void)state;
	started_masked = true;
	a = spawn("a", returns, "a", SCHED_MATTER, 0);
	b = spawn("b", exits, NULL, SCHED_MATTER, 0);
	assert_int_equal(fake_guards, 3);	/* idle, a, b */
	assert_string_equal(trace, "");		/* creating does not run */
	assert_int_equal(fiber_join(a, &code), 0);
	assert_int_equal(code, 0);
	assert_string_equal(trace, "a");
	assert_false(started_masked);
	assert_int_equal(fiber_join(b, &code), 0);
	assert_int_equal(code, 42);
	assert_int_equal(page_count_free(), free_pages);
	assert_int_equal(fake_guards, 1);
}

static void pingpong(void *arg)
{
	for (int i = 0; i < 3; i++) {
		mark(*(const char *)arg);
		sched_yield();
	}
}

static void test_yield_round_robin(void **state)
{
	struct fiber *a, *b;

	(void)state;
	a = spawn("a", pingpong, "a", SCHED_MATTER, 0);
	b = spawn("b", pingpong, "b", SCHED_MATTER, 0);
	fiber_join(a, NULL);
	fiber_join(b, NULL);
	assert_string_equal(trace, "ababab");
	assert_int_equal(page_count_free(), free_pages);
}

static int done;

static void counts(void *arg)
{
	(void)arg;
	sched_yield();
	done++;
}

/* Detached fibers are freed by the next fiber to run after their exit. */
static void test_detached_reaped(void **state)
{
	(void)state;
	done = 0;
	for (int i = 0; i < 5; i++)
		spawn("d", counts, NULL, SCHED_MATTER, FIBER_DETACHED);
	while (done < 5)
		sched_yield();
	assert_int_equal(page_count_free(), free_pages);
	assert_int_equal(fake_guards, 1);
}

static struct event never;

static void waits_forever(void *arg)
{
	(void)arg;
	mark('w');
	event_wait(&never, EVENT_FOREVER);
	mark('!');		/* a killed fiber does not return from waits */
}

static void test_kill_blocked(void **state)
{
	struct fiber *f;
	int code = 0;

	(void)state;
	event_init(&never);
	f = spawn("w", waits_forever, NULL, SCHED_MATTER, 0);
	sched_yield();
	assert_int_equal(f->state, FIBER_BLOCKED);
	assert_int_equal(fiber_kill(f), 0);
	assert_int_equal(fiber_join(f, &code), 0);
	assert_int_equal(code, FIBER_EXIT_KILLED);
	assert_string_equal(trace, "w");
	assert_null(never.head);
	assert_int_equal(page_count_free(), free_pages);
}

static void test_kill_before_first_run(void **state)
{
	struct fiber *f;
	int code = 0;

	(void)state;
	f = spawn("w", waits_forever, NULL, SCHED_MATTER, 0);
	fiber_kill(f);
	fiber_join(f, &code);
	assert_int_equal(code, FIBER_EXIT_KILLED);
	assert_string_equal(trace, "");
}

static void test_bad_arguments(void **state)
{
	struct fiber_params p = { .name = "x", .entry = returns };
	struct fiber *f, *d;

	(void)state;
	assert_int_equal(fiber_join(fiber_self(), NULL), -NX_EINVAL);
	p.spectrum = SCHED_VOID;
	assert_int_equal(fiber_create(&p, &f), -NX_EINVAL);
	p.spectrum = SCHED_MATTER;
	p.entry = NULL;
	assert_int_equal(fiber_create(&p, &f), -NX_EINVAL);
	p.entry = returns;
	p.arg = "d";
	p.flags = FIBER_DETACHED;
	assert_int_equal(fiber_create(&p, &d), 0);
	assert_int_equal(fiber_join(d, NULL), -NX_EINVAL);
	p.stack_pages = 1u << 20;	/* more than the pool */
	p.flags = 0;
	assert_int_equal(fiber_create(&p, &f), -NX_ENOMEM);
	sched_yield();
	assert_int_equal(page_count_free(), free_pages);
}

static uint64_t woke_at;

static void sleeper(void *arg)
{
	(void)arg;
	fiber_sleep_ms(5);
	woke_at = fake_now;
}

static void test_sleep(void **state)
{
	struct fiber *f;

	(void)state;
	fake_now = 1000;
	f = spawn("s", sleeper, NULL, SCHED_MATTER, 0);
	sched_yield();
	assert_int_equal(fake_armed, 6000);
	fiber_join(f, NULL);
	assert_int_equal(woke_at, 6000);
	assert_true(fake_armed == TIMERQ_NEVER);
}

static void test_snapshot(void **state)
{
	struct fiber_info info[8];
	struct fiber *a;

	(void)state;
	a = spawn("worker", pingpong, "x", SCHED_GRAVITY, 0);
	assert_int_equal(fiber_snapshot(info, 8), 3);
	assert_string_equal(info[0].name, "boot");
	assert_int_equal(info[0].state, FIBER_RUNNING);
	assert_string_equal(info[1].name, "idle");
	assert_int_equal(info[1].spectrum, SCHED_VOID);
	assert_string_equal(info[2].name, "worker");
	assert_int_equal(info[2].id, a->id);
	assert_int_equal(info[2].spectrum, SCHED_GRAVITY);
	assert_int_equal(info[2].state, FIBER_READY);
	assert_int_equal(info[2].energy, 50000);
	assert_int_equal(fiber_snapshot(info, 1), 3);
	fiber_join(a, NULL);
	assert_int_equal(fiber_snapshot(info, 8), 2);
	assert_int_equal(info[0].switches, 1);	/* back from the join */
	assert_string_equal(fiber_state_name(info[1].state), "ready");
}

/* Writing below the stack hits the guard page. */
static void test_guard_page(void **state)
{
	struct fiber *f;
	int status;
	pid_t pid;

	(void)state;
	f = spawn("g", returns, "g", SCHED_MATTER, 0);
	pid = fork();
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);	/* die of it, uncaught */
		*(volatile char *)((char *)f->stack + PAGE_SIZE - 1) = 1;
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
	*(volatile char *)((char *)f->stack + PAGE_SIZE) = 1;	/* stack: fine */
	fiber_join(f, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_create_exit_join, setup),
		cmocka_unit_test_setup(test_yield_round_robin, setup),
		cmocka_unit_test_setup(test_detached_reaped, setup),
		cmocka_unit_test_setup(test_kill_blocked, setup),
		cmocka_unit_test_setup(test_kill_before_first_run, setup),
		cmocka_unit_test_setup(test_bad_arguments, setup),
		cmocka_unit_test_setup(test_sleep, setup),
		cmocka_unit_test_setup(test_snapshot, setup),
		cmocka_unit_test_setup(test_guard_page, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
