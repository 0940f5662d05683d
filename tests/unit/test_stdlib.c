/*
 * lib/stdlib.c beside the C library: compiled here under another name,
 * and compared with glibc's atoi wherever C defines the result.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#define atoi nx_atoi
#include "../../lib/stdlib.c"
#undef atoi

static void test_like_libc(void **state)
{
	static const char *const in[] = {
		"0", "7", "42", "-42", "+42", "  12", "\t\n\v\f\r 9", "12abc", "abc", "",
		"-", "+", " - 1", "--1", "+-1", "2147483647", "-2147483648", "007",
		"3.14", "1 2",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		if (nx_atoi(in[i]) != atoi(in[i]))
			fail_msg("'%s': %d, libc says %d", in[i], nx_atoi(in[i]), atoi(in[i]));
}

static void test_saturates(void **state)
{
	(void)state;
	assert_int_equal(nx_atoi("2147483648"), 2147483647);
	assert_int_equal(nx_atoi("99999999999999999999999"), 2147483647);
	assert_int_equal(nx_atoi("-2147483649"), -2147483647 - 1);
	assert_int_equal(nx_atoi("-99999999999999999999999"), -2147483647 - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_like_libc),
		cmocka_unit_test(test_saturates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
