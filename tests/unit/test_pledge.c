/* kernel/sec/pledge.c: narrowing, the spectrum, checks and the text form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <nexus/errno.h>
#include "sec/pledge.h"

#define S(x)	NX_PLEDGE_MKSPECTRUM(NX_PLEDGE_##x)
#define STDIO	NX_PLEDGE_STDIO
#define RPATH	NX_PLEDGE_RPATH
#define WPATH	NX_PLEDGE_WPATH
#define EXEC	NX_PLEDGE_EXEC

static const struct {
	uint64_t cur, req;
	int err;
} narrow[] = {
	{ NX_PLEDGE_ALL, STDIO | RPATH, 0 },
	{ STDIO | RPATH, STDIO | RPATH, 0 },		/* same set */
	{ STDIO | RPATH, STDIO, 0 },
	{ STDIO | RPATH, 0, 0 },			/* nothing at all */
	{ STDIO, STDIO | RPATH, -NX_EPERM },		/* raising */
	{ STDIO, WPATH, -NX_EPERM },			/* sideways */
	{ 0, STDIO, -NX_EPERM },
	{ STDIO | S(PHOTON), STDIO | S(MATTER), 0 },	/* lower priority */
	{ STDIO | S(PHOTON), STDIO | S(GRAVITY), 0 },
	{ STDIO | S(MATTER), STDIO | S(MATTER), 0 },
	{ STDIO | S(MATTER), STDIO | S(PHOTON), -NX_EPERM },	/* raised */
	{ STDIO | S(GRAVITY), STDIO | S(MATTER), -NX_EPERM },
	{ STDIO | S(GRAVITY), S(GRAVITY), 0 },
	{ STDIO | S(MATTER), STDIO | RPATH | S(GRAVITY), -NX_EPERM },
	{ STDIO, STDIO | NX_PLEDGE_MKSPECTRUM(3), -NX_EINVAL },
	{ STDIO, STDIO | (1ull << 9), -NX_EINVAL },
	{ NX_PLEDGE_ALL, 1ull << 40, -NX_EINVAL },
};

static void test_narrow_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(narrow) / sizeof(narrow[0]); i++) {
		uint64_t cur = narrow[i].cur;

		assert_int_equal(pledge_narrow(&cur, narrow[i].req), narrow[i].err);
		assert_true(cur == (narrow[i].err ? narrow[i].cur : narrow[i].req));
	}
}

/* A sequence, as an app would issue it: once dropped, gone for good. */
static void test_narrow_sequence(void **state)
{
	uint64_t cur = NX_PLEDGE_ALL;

	(void)state;
	assert_int_equal(pledge_narrow(&cur, STDIO | RPATH | EXEC), 0);
	assert_int_equal(pledge_narrow(&cur, STDIO | RPATH), 0);
	assert_int_equal(pledge_narrow(&cur, STDIO | RPATH | EXEC), -NX_EPERM);
	assert_false(pledge_allows(cur, EXEC));
	assert_true(pledge_allows(cur, RPATH));
}

static void test_allows(void **state)
{
	(void)state;
	assert_true(pledge_allows(STDIO | RPATH, STDIO));
	assert_true(pledge_allows(STDIO | RPATH, STDIO | RPATH));
	assert_true(pledge_allows(STDIO, 0));
	assert_false(pledge_allows(STDIO, RPATH));
	assert_false(pledge_allows(STDIO | RPATH, RPATH | WPATH));
	/* The spectrum is not a promise, and unknown bits are never held. */
	assert_false(pledge_allows(NX_PLEDGE_ALL | S(GRAVITY), S(GRAVITY)));
	assert_false(pledge_allows(NX_PLEDGE_ALL, 1ull << 20));
}

static void test_parse(void **state)
{
	uint64_t bits = 99;

	(void)state;
	assert_int_equal(pledge_parse("stdio rpath exec", &bits), 0);
	assert_true(bits == (STDIO | RPATH | EXEC));
	assert_int_equal(pledge_parse("  stdio   rpath ", &bits), 0);
	assert_true(bits == (STDIO | RPATH));
	assert_int_equal(pledge_parse("", &bits), 0);
	assert_true(bits == 0);
	assert_int_equal(pledge_parse("stdio matter", &bits), 0);
	assert_true(bits == (STDIO | S(MATTER)));
	assert_int_equal(pledge_parse("stdio wpath cpath inet proc audit power gravity", &bits), 0);
	assert_true(bits == (STDIO | WPATH | NX_PLEDGE_CPATH | NX_PLEDGE_INET | NX_PLEDGE_PROC |
			     NX_PLEDGE_AUDIT | NX_PLEDGE_POWER | S(GRAVITY)));

	bits = 99;
	assert_int_equal(pledge_parse("stdio bogus", &bits), -NX_EINVAL);
	assert_int_equal(pledge_parse("stdi", &bits), -NX_EINVAL);
	assert_int_equal(pledge_parse("stdiox", &bits), -NX_EINVAL);
	assert_int_equal(pledge_parse("matter gravity", &bits), -NX_EINVAL);
	assert_int_equal(pledge_parse(NULL, &bits), -NX_EINVAL);
	assert_true(bits == 99);
}

static void test_format_roundtrip(void **state)
{
	char buf[PLEDGE_FMT_MAX];
	uint64_t back;

	(void)state;
	assert_string_equal(pledge_format(STDIO | RPATH | EXEC, buf, sizeof(buf)),
			    "stdio rpath exec");
	assert_string_equal(pledge_format(0, buf, sizeof(buf)), "");
	assert_string_equal(pledge_format(STDIO | S(MATTER), buf, sizeof(buf)), "stdio matter");
	for (uint64_t s = 0; s <= NX_PLEDGE_GRAVITY; s++) {
		for (uint64_t p = 0; p <= NX_PLEDGE_ALL; p++) {
			uint64_t w = p | NX_PLEDGE_MKSPECTRUM(s);

			assert_non_null(pledge_format(w, buf, sizeof(buf)));
			assert_int_equal(pledge_parse(buf, &back), 0);
			assert_true(back == w);
		}
	}
	assert_null(pledge_format(STDIO | RPATH, buf, 11));	/* needs 12 */
	assert_non_null(pledge_format(STDIO | RPATH, buf, 12));
	assert_null(pledge_format(NX_PLEDGE_MKSPECTRUM(3), buf, sizeof(buf)));
	assert_null(pledge_format(1ull << 30, buf, sizeof(buf)));
}

static void test_needed_for_open(void **state)
{
	(void)state;
	assert_true(pledge_needed_for_open(NX_UNVEIL_R) == NX_PLEDGE_RPATH);
	assert_true(pledge_needed_for_open(NX_UNVEIL_W) == NX_PLEDGE_WPATH);
	assert_true(pledge_needed_for_open(NX_UNVEIL_C) == NX_PLEDGE_CPATH);
	assert_true(pledge_needed_for_open(NX_UNVEIL_X) == NX_PLEDGE_EXEC);
	assert_true(pledge_needed_for_open(NX_UNVEIL_R | NX_UNVEIL_W | NX_UNVEIL_C) ==
		    (NX_PLEDGE_RPATH | NX_PLEDGE_WPATH | NX_PLEDGE_CPATH));
	assert_true(pledge_needed_for_open(0) == 0);
	assert_false(pledge_allows(NX_PLEDGE_ALL, pledge_needed_for_open(0x10)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_narrow_table),
		cmocka_unit_test(test_narrow_sequence),
		cmocka_unit_test(test_allows),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_format_roundtrip),
		cmocka_unit_test(test_needed_for_open),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
