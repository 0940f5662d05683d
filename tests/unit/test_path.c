/* lib/path.c: normalisation cases and the component-wise prefix test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <nexus/errno.h>
#include <path.h>

static const struct {
	const char *in, *out;
} normal[] = {
	{ "/", "/" },
	{ "//", "/" },
	{ "/etc", "/etc" },
	{ "/etc/", "/etc" },
	{ "//etc///passwd", "/etc/passwd" },
	{ "/./etc/./passwd/.", "/etc/passwd" },
	{ "/etc/../bin", "/bin" },
	{ "/..", "/" },
	{ "/../../etc", "/etc" },
	{ "/a/b/../../..", "/" },
	{ "/a/b/c/../d", "/a/b/d" },
	{ "/...", "/..." },
	{ "/.hidden/..x", "/.hidden/..x" },
	{ "/a/./../b/./", "/b" },
};

static void test_normalize_table(void **state)
{
	char out[PATH_LEN_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(normal) / sizeof(normal[0]); i++) {
		assert_int_equal(path_normalize(normal[i].in, out, sizeof(out)), 0);
		assert_string_equal(out, normal[i].out);
	}
}

static void test_not_absolute(void **state)
{
	char out[PATH_LEN_MAX] = "junk";

	(void)state;
	assert_int_equal(path_normalize("etc", out, sizeof(out)), -NX_EINVAL);
	assert_string_equal(out, "");
	assert_int_equal(path_normalize("", out, sizeof(out)), -NX_EINVAL);
	assert_int_equal(path_normalize("./x", out, sizeof(out)), -NX_EINVAL);
	assert_int_equal(path_normalize(NULL, out, sizeof(out)), -NX_EINVAL);
}

/* The limit is exact: PATH_LEN_MAX - 1 characters fit, one more does not. */
static void test_length_limit(void **state)
{
	char in[2 * PATH_LEN_MAX], out[PATH_LEN_MAX];

	(void)state;
	in[0] = '/';
	memset(in + 1, 'a', PATH_LEN_MAX - 2);
	in[PATH_LEN_MAX - 1] = '\0';
	assert_int_equal(path_normalize(in, out, sizeof(out)), 0);
	assert_int_equal(strlen(out), PATH_LEN_MAX - 1);

	in[PATH_LEN_MAX - 1] = 'a';
	in[PATH_LEN_MAX] = '\0';
	assert_int_equal(path_normalize(in, out, sizeof(out)), -NX_E2BIG);
	assert_string_equal(out, "");

	/* Long input that collapses to something short is fine. */
	memset(in, '/', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	assert_int_equal(path_normalize(in, out, sizeof(out)), 0);
	assert_string_equal(out, "/");

	assert_int_equal(path_normalize("/abc", out, 4), -NX_E2BIG);
	assert_int_equal(path_normalize("/abc", out, 5), 0);
	assert_int_equal(path_normalize("/", out, 1), -NX_E2BIG);
}

static void test_within(void **state)
{
	(void)state;
	assert_true(path_within("/etc", "/etc"));
	assert_true(path_within("/etc", "/etc/x"));
	assert_true(path_within("/etc", "/etc/x/y"));
	assert_false(path_within("/etc", "/etcx"));
	assert_false(path_within("/etc", "/et"));
	assert_false(path_within("/etc/x", "/etc"));
	assert_true(path_within("/", "/"));
	assert_true(path_within("/", "/anything"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize_table),
		cmocka_unit_test(test_not_absolute),
		cmocka_unit_test(test_length_limit),
		cmocka_unit_test(test_within),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
