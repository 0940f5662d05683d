/* The kernel formatter against the C library's, case by case. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <fmt.h>

/* Formats with both and requires identical text and length. */
#define SAME(...) do {							\
	char ours[256], libc[256];					\
	size_t n = fmt_snprintf(ours, sizeof(ours), __VA_ARGS__);	\
	int m = snprintf(libc, sizeof(libc), __VA_ARGS__);		\
	assert_string_equal(ours, libc);				\
	assert_int_equal(n, (size_t)m);					\
} while (0)

static void test_integers(void **state)
{
	(void)state;
	SAME("%d %i %u", 0, -1, 42u);
	SAME("%d", INT_MIN);
	SAME("%ld %lu", LONG_MIN, ULONG_MAX);
	SAME("%lld %llu", LLONG_MIN, ULLONG_MAX);
	SAME("%zu %zx", (size_t)12345, (size_t)0xabcdef);
	SAME("%hd %hhu %hx", (short)-5, (unsigned char)250, (unsigned short)0xbeef);
	SAME("%o %x %X", 8u, 0xdeadbeefu, 0xdeadbeefu);
}

static void test_width_precision_flags(void **state)
{
	(void)state;
	SAME("[%5d] [%-5d] [%05d]", 42, 42, 42);
	SAME("[%05d] [%5d] [%.3d] [%8.3d]", -42, -42, -7, -7);
	SAME("[%016lx] [%-16lx]", 0x1234ul, 0x1234ul);
	SAME("[%*d] [%-*d] [%*d]", 6, 1, 6, 2, -6, 3);
	SAME("[%.0d] [%.0u] [%3.0d]", 0, 0u, 0);
	SAME("[%.*s] [%-8s] [%8s] [%.2s]", 3, "abcdef", "ab", "ab", "xyz");
	SAME("[%c%c] [%3c] [%-3c]", 'o', 'k', 'x', 'y');
	SAME("100%% %s", "done");
}

static void test_pointer(void **state)
{
	char buf[64];

	(void)state;
	fmt_snprintf(buf, sizeof(buf), "%p", (void *)0x40200000);
	assert_string_equal(buf, "0x40200000");
	fmt_snprintf(buf, sizeof(buf), "%p", (void *)0);
	assert_string_equal(buf, "0x0");
}

static void test_null_string(void **state)
{
	char buf[32];
	const char *volatile none = NULL;

	(void)state;
	fmt_snprintf(buf, sizeof(buf), "%s", none);
	assert_string_equal(buf, "(null)");
}

/* snprintf semantics: never overflow, always terminate, report the full length. */
static void test_truncation(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(fmt_snprintf(buf, 5, "%s", "abcdefgh"), 8);
	assert_string_equal(buf, "abcd");
	assert_int_equal(buf[5], 'Z');
	assert_int_equal(fmt_snprintf(buf, 0, "%d", 12345), 5);
	assert_int_equal(buf[0], 'a');
	assert_int_equal(fmt_snprintf(buf, 1, "%d", 7), 1);
	assert_string_equal(buf, "");
}

/* Deliberately malformed formats, which the compiler rightly warns about. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
static void test_unknown_conversion(void **state)
{
	char buf[32];

	(void)state;
	fmt_snprintf(buf, sizeof(buf), "a%qb");
	assert_string_equal(buf, "a%qb");
	fmt_snprintf(buf, sizeof(buf), "end%");
	assert_string_equal(buf, "end");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_width_precision_flags),
		cmocka_unit_test(test_pointer),
		cmocka_unit_test(test_null_string),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_unknown_conversion),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
