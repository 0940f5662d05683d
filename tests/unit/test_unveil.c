/* kernel/sec/unveil.c: prefix rules, ENOENT against EACCES, lock, limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <nexus/errno.h>
#include "sec/unveil.h"

#define R	NX_UNVEIL_R
#define W	NX_UNVEIL_W
#define X	NX_UNVEIL_X
#define C	NX_UNVEIL_C

static struct unveil u;

static int setup(void **state)
{
	(void)state;
	unveil_init(&u);
	return 0;
}

static void test_nothing_unveiled(void **state)
{
	(void)state;
	assert_int_equal(unveil_check(&u, "/anything/at/all", R | W | X | C), 0);
	assert_true(unveil_visible(&u, "/secret"));
	/* Locking alone does not veil anything (OpenBSD does the same). */
	assert_int_equal(unveil_lock(&u), 0);
	assert_int_equal(unveil_check(&u, "/secret", R), 0);
}

static const struct {
	const char *path;
	unsigned need;
	int err;
} checks[] = {
	{ "/etc", R, 0 },
	{ "/etc/passwd", R, 0 },
	{ "/etc//passwd/", R, 0 },
	{ "/etc/passwd", W, -NX_EACCES },
	{ "/etcx", R, -NX_ENOENT },		/* whole components only */
	{ "/et", R, -NX_ENOENT },
	{ "/", R, -NX_ENOENT },
	{ "/bin", R, -NX_ENOENT },
	{ "/etc/../bin", R, -NX_ENOENT },	/* normalised before matching */
	{ "/etc/ssl/cert", R, 0 },		/* /etc/ssl: the longer entry decides */
	{ "/etc/ssl/cert", W, 0 },
	{ "/etc/ssl/cert", C, -NX_EACCES },
	{ "/etc/ssl", R | W, 0 },
	{ "/etc/sslx", W, -NX_EACCES },		/* /etc decides, not /etc/ssl */
	{ "/etc/private/key", R, -NX_ENOENT },	/* "" hides inside a visible tree */
	{ "/tmp/a/b", R | W | C, 0 },
	{ "/tmp", X, -NX_EACCES },
	{ "/bin/sh", X, 0 },
	{ "/bin/sh", R, -NX_EACCES },
	{ "/bin/shx", X, -NX_ENOENT },
	{ "/etc", 0, 0 },			/* lookup only */
	{ "/etcx", 0, -NX_ENOENT },
	{ "/etc", 0x10, -NX_EINVAL },
	{ "etc", R, -NX_EINVAL },
};

static void test_check_table(void **state)
{
	(void)state;
	assert_int_equal(unveil_add_str(&u, "/etc", "r"), 0);
	assert_int_equal(unveil_add_str(&u, "/etc/ssl/", "rw"), 0);
	assert_int_equal(unveil_add_str(&u, "/etc/private", ""), 0);
	assert_int_equal(unveil_add_str(&u, "/tmp", "rwc"), 0);
	assert_int_equal(unveil_add_str(&u, "//bin/./sh", "x"), 0);
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		int got = unveil_check(&u, checks[i].path, checks[i].need);

		if (got != checks[i].err)
			fail_msg("%s need %u: %d, want %d", checks[i].path, checks[i].need, got,
				 checks[i].err);
	}
}

static void test_root_entry(void **state)
{
	(void)state;
	assert_int_equal(unveil_add(&u, "/", R), 0);
	assert_int_equal(unveil_add(&u, "/home", R | W), 0);
	assert_int_equal(unveil_check(&u, "/etcx", R), 0);
	assert_int_equal(unveil_check(&u, "/etcx", W), -NX_EACCES);
	assert_int_equal(unveil_check(&u, "/home/u", W), 0);
}

static void test_replace_perms(void **state)
{
	(void)state;
	assert_int_equal(unveil_add(&u, "/data", R | W), 0);
	assert_int_equal(unveil_add(&u, "/data/", R), 0);	/* same path */
	assert_int_equal(u.count, 1);
	assert_int_equal(unveil_check(&u, "/data/f", W), -NX_EACCES);
	assert_int_equal(unveil_add(&u, "/data", R | W | C), 0);	/* may widen again */
	assert_int_equal(unveil_check(&u, "/data/f", C), 0);
}

static void test_lock(void **state)
{
	(void)state;
	assert_int_equal(unveil_add(&u, "/etc", R), 0);
	assert_int_equal(unveil_lock(&u), 0);
	assert_int_equal(unveil_add(&u, "/bin", R), -NX_EPERM);
	assert_int_equal(unveil_add(&u, "/etc", R | W), -NX_EPERM);
	assert_int_equal(unveil_add_str(&u, "/etc", "rw"), -NX_EPERM);
	assert_int_equal(unveil_add_str(&u, "/etc", "bogus"), -NX_EPERM);
	assert_int_equal(unveil_lock(&u), -NX_EPERM);
	assert_int_equal(unveil_check(&u, "/etc/x", W), -NX_EACCES);
	assert_int_equal(unveil_check(&u, "/bin", R), -NX_ENOENT);
}

static void test_too_many(void **state)
{
	char p[16];

	(void)state;
	for (int i = 0; i < UNVEIL_MAX; i++) {
		p[0] = '/';
		p[1] = (char)('a' + i);
		p[2] = '\0';
		assert_int_equal(unveil_add(&u, p, R), 0);
	}
	assert_int_equal(unveil_add(&u, "/z", R), -NX_E2BIG);
	assert_int_equal(unveil_add(&u, "/a", R | W), 0);	/* replacing still works */
	assert_int_equal(unveil_check(&u, "/z", R), -NX_ENOENT);
}

static void test_bad_arguments(void **state)
{
	char longp[PATH_LEN_MAX + 8];

	(void)state;
	longp[0] = '/';
	memset(longp + 1, 'q', sizeof(longp) - 2);
	longp[sizeof(longp) - 1] = '\0';
	assert_int_equal(unveil_add(&u, longp, R), -NX_E2BIG);
	assert_int_equal(unveil_add(&u, "relative", R), -NX_EINVAL);
	assert_int_equal(unveil_add(&u, "/x", 0x10), -NX_EINVAL);
	assert_int_equal(unveil_add_str(&u, "/x", "rq"), -NX_EINVAL);
	assert_int_equal(u.count, 0);	/* nothing was added by a failure */
	assert_int_equal(unveil_add(&u, "/etc", R), 0);
	assert_int_equal(unveil_check(&u, longp, R), -NX_E2BIG);
}

static void test_perms_parse(void **state)
{
	unsigned p = 77;

	(void)state;
	assert_int_equal(unveil_perms_parse("rwxc", &p), 0);
	assert_int_equal(p, R | W | X | C);
	assert_int_equal(unveil_perms_parse("cr", &p), 0);
	assert_int_equal(p, R | C);
	assert_int_equal(unveil_perms_parse("", &p), 0);
	assert_int_equal(p, 0);
	p = 77;
	assert_int_equal(unveil_perms_parse("rwz", &p), -NX_EINVAL);
	assert_int_equal(unveil_perms_parse("R", &p), -NX_EINVAL);
	assert_int_equal(unveil_perms_parse(NULL, &p), -NX_EINVAL);
	assert_int_equal(p, 77);
}

static void test_visible(void **state)
{
	(void)state;
	assert_int_equal(unveil_add(&u, "/usr/share/doc", R), 0);
	assert_int_equal(unveil_add(&u, "/usr/share/hidden", 0), 0);
	assert_true(unveil_visible(&u, "/"));			/* walked through */
	assert_true(unveil_visible(&u, "/usr"));
	assert_true(unveil_visible(&u, "/usr/share"));
	assert_true(unveil_visible(&u, "/usr/share/doc"));
	assert_true(unveil_visible(&u, "/usr/share/doc/x"));
	assert_false(unveil_visible(&u, "/usr/lib"));
	assert_false(unveil_visible(&u, "/usr/sh"));
	assert_false(unveil_visible(&u, "/usr/share/docs"));
	assert_false(unveil_visible(&u, "/usr/share/hidden"));
	assert_false(unveil_visible(&u, "/etc"));
	/* Walking through does not open the directory itself. */
	assert_int_equal(unveil_check(&u, "/usr/share", 0), -NX_ENOENT);
	assert_int_equal(unveil_check(&u, "/usr/share/other", R), -NX_ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_nothing_unveiled, setup),
		cmocka_unit_test_setup(test_check_table, setup),
		cmocka_unit_test_setup(test_root_entry, setup),
		cmocka_unit_test_setup(test_replace_perms, setup),
		cmocka_unit_test_setup(test_lock, setup),
		cmocka_unit_test_setup(test_too_many, setup),
		cmocka_unit_test_setup(test_bad_arguments, setup),
		cmocka_unit_test_setup(test_perms_parse, setup),
		cmocka_unit_test_setup(test_visible, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
