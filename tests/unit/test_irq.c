#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <nexus/errno.h>

#include "core/irq.h"

static unsigned last_irq, calls;

static void handler(unsigned irq)
{
	last_irq = irq;
	calls++;
}

static unsigned seen[8], nseen;

static void collect(unsigned irq, const char *name, uint64_t count)
{
	(void)name, (void)count;
	seen[nseen++] = irq;
}

static void test_dispatch_and_count(void **state)
{
	(void)state;
	assert_int_equal(irq_register(33, "uart", handler), 0);
	assert_int_equal(irq_register(27, "timer", handler), 0);
	irq_dispatch(27);
	irq_dispatch(27);
	irq_dispatch(33);
	assert_int_equal(last_irq, 33);
	assert_int_equal(calls, 3);
	assert_int_equal(irq_count(27), 2);
	assert_int_equal(irq_count(33), 1);
	assert_int_equal(irq_count(40), 0);
	irq_dispatch(40);			/* nobody's: counted as spurious */
	assert_int_equal(irq_spurious(), 1);
	assert_int_equal(calls, 3);
	irq_for_each(collect);
	assert_int_equal(nseen, 2);
	assert_int_equal(seen[0], 27);		/* in number order */
	assert_int_equal(seen[1], 33);
}

static void test_register_errors(void **state)
{
	(void)state;
	assert_int_equal(irq_register(27, "again", handler), -NX_EINVAL);
	assert_int_equal(irq_register(5000, "huge", handler), -NX_EINVAL);
	assert_int_equal(irq_register(50, "nofn", NULL), -NX_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dispatch_and_count),
		cmocka_unit_test(test_register_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
