/* The console line editor, fed keystrokes, with its echo captured. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lined.h"

static char echoed[4096];
static size_t echoed_len;
static struct lined ed;

static void capture(const char *s, size_t n)
{
	assert_true(echoed_len + n < sizeof(echoed));
	memcpy(echoed + echoed_len, s, n);
	echoed_len += n;
	echoed[echoed_len] = '\0';
}

static int setup(void **state)
{
	(void)state;
	echoed_len = 0;
	echoed[0] = '\0';
	lined_init(&ed, capture);
	lined_reset(&ed);
	return 0;
}

/* Feeds @keys; returns the result of the last one. */
static enum lined_result type(const char *keys)
{
	enum lined_result r = LINED_MORE;

	while (*keys)
		r = lined_feed(&ed, *keys++);
	return r;
}

static void test_plain_line(void **state)
{
	(void)state;
	assert_int_equal(type("info"), LINED_MORE);
	assert_int_equal(type("\r"), LINED_DONE);
	assert_string_equal(ed.line, "info");
	assert_string_equal(echoed, "info\r\n");
}

static void test_backspace_and_del(void **state)
{
	(void)state;
	assert_int_equal(type("slx\x7f" "eep\b\bep 1\r"), LINED_DONE);
	assert_string_equal(ed.line, "sleep 1");
	assert_int_equal(type("\x7f\x7f"), LINED_MORE);	/* nothing to erase */
}

static void test_ctrl_c_cancels(void **state)
{
	(void)state;
	assert_int_equal(type("poweroff\x03"), LINED_CANCEL);
	assert_int_equal(ed.len, 0);
	assert_non_null(strstr(echoed, "^C"));
	lined_reset(&ed);
	assert_int_equal(type("help\n"), LINED_DONE);
	assert_string_equal(ed.line, "help");
}

static void test_ctrl_u_erases(void **state)
{
	(void)state;
	type("garbage\x15ok\r");
	assert_string_equal(ed.line, "ok");
}

static void test_control_chars_ignored(void **state)
{
	(void)state;
	type("a\x01\x02" "b\r");
	assert_string_equal(ed.line, "ab");
}

static void test_full_line_refused_not_truncated(void **state)
{
	char want[LINED_MAX];

	(void)state;
	for (int i = 0; i < LINED_MAX + 10; i++)
		lined_feed(&ed, 'x');
	memset(want, 'x', LINED_MAX - 1);
	want[LINED_MAX - 1] = '\0';
	assert_string_equal(ed.line, want);
	assert_non_null(strchr(echoed, '\a'));
}

static void test_history(void **state)
{
	(void)state;
	type("one\r");
	lined_reset(&ed);
	type("two\r");
	lined_reset(&ed);
	type("\x1b[A");
	assert_string_equal(ed.line, "two");
	type("\x1b[A");
	assert_string_equal(ed.line, "one");
	type("\x1b[A");			/* stays at the oldest */
	assert_string_equal(ed.line, "one");
	type("\x1b[B\x1b[B");
	assert_string_equal(ed.line, "");
	type("\x1b[A!\r");
	assert_string_equal(ed.line, "two!");
}

static void test_history_keeps_last_entries(void **state)
{
	char buf[16];

	(void)state;
	for (int i = 0; i < LINED_HISTORY + 5; i++) {
		lined_reset(&ed);
		snprintf(buf, sizeof(buf), "c%d\r", i);
		type(buf);
	}
	lined_reset(&ed);
	for (int i = 0; i < LINED_HISTORY + 5; i++)
		type("\x1b[A");
	snprintf(buf, sizeof(buf), "c%d", 5);
	assert_string_equal(ed.line, buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_plain_line, setup),
		cmocka_unit_test_setup(test_backspace_and_del, setup),
		cmocka_unit_test_setup(test_ctrl_c_cancels, setup),
		cmocka_unit_test_setup(test_ctrl_u_erases, setup),
		cmocka_unit_test_setup(test_control_chars_ignored, setup),
		cmocka_unit_test_setup(test_full_line_refused_not_truncated, setup),
		cmocka_unit_test_setup(test_history, setup),
		cmocka_unit_test_setup(test_history_keeps_last_entries, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
