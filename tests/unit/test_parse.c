#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <parse.h>

static void test_valid(void **state)
{
	uint64_t v;

	(void)state;
	assert_true(parse_u64("0", &v));
	assert_int_equal(v, 0);
	assert_true(parse_u64("100", &v));
	assert_int_equal(v, 100);
	assert_true(parse_u64("0x1F", &v));
	assert_int_equal(v, 31);
	assert_true(parse_u64("18446744073709551615", &v));
	assert_int_equal(v, UINT64_MAX);
}

static void test_invalid(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_false(parse_u64("", &v));
	assert_false(parse_u64("0x", &v));
	assert_false(parse_u64("-1", &v));
	assert_false(parse_u64("12a", &v));
	assert_false(parse_u64("0xg", &v));
	assert_false(parse_u64(" 1", &v));
	assert_false(parse_u64("18446744073709551616", &v));
	assert_int_equal(v, 7);		/* untouched on failure */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
