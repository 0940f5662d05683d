/* Dotted quads and /etc/hosts lookups (user/membrane/hosts.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hosts.h"

static void test_ipv4_valid(void **state)
{
	uint32_t ip;

	(void)state;
	assert_true(hosts_parse_ipv4("10.0.2.2", &ip));
	assert_int_equal(ip, 0x0a000202);
	assert_true(hosts_parse_ipv4("0.0.0.0", &ip));
	assert_int_equal(ip, 0);
	assert_true(hosts_parse_ipv4("255.255.255.255", &ip));
	assert_int_equal(ip, 0xffffffff);
	assert_true(hosts_parse_ipv4_n("127.0.0.1 localhost", 9, &ip));
	assert_int_equal(ip, 0x7f000001);
}

static void test_ipv4_invalid(void **state)
{
	static const char *const bad[] = {
		"", "1", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.-4", "+1.2.3.4",
		" 1.2.3.4", "1.2.3.4 ", "01.2.3.4", "1..2.3", "1.2.3.", ".1.2.3",
		"1.2.3.4x", "1000.2.3.4", "0x1.2.3.4", "gateway",
	};
	uint32_t ip = 7;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (hosts_parse_ipv4(bad[i], &ip))
			fail_msg("accepted '%s'", bad[i]);
	}
	assert_int_equal(ip, 7);	/* untouched on failure */
}

static const char hosts[] =
	"# the initial image's hosts\n"
	"127.0.0.1\tlocalhost\n"
	"\n"
	"   10.0.2.2 gateway host   # the machine QEMU runs on\r\n"
	"10.0.2.3 dns\n"
	"bogus line here\n"
	"10.0.2.99 host other\n"
	"10.0.2.15 last";

static void test_lookup(void **state)
{
	uint32_t ip = 0;

	(void)state;
	assert_true(hosts_lookup(hosts, strlen(hosts), "localhost", &ip));
	assert_int_equal(ip, 0x7f000001);
	assert_true(hosts_lookup(hosts, strlen(hosts), "gateway", &ip));
	assert_int_equal(ip, 0x0a000202);
	/* The first line that names it wins; case does not matter. */
	assert_true(hosts_lookup(hosts, strlen(hosts), "HOST", &ip));
	assert_int_equal(ip, 0x0a000202);
	assert_true(hosts_lookup(hosts, strlen(hosts), "other", &ip));
	assert_int_equal(ip, 0x0a000263);
	/* The last line needs no newline. */
	assert_true(hosts_lookup(hosts, strlen(hosts), "last", &ip));
	assert_int_equal(ip, 0x0a00020f);
}

static void test_lookup_misses(void **state)
{
	uint32_t ip = 7;

	(void)state;
	assert_false(hosts_lookup(hosts, strlen(hosts), "machine", &ip));	/* in a comment */
	assert_false(hosts_lookup(hosts, strlen(hosts), "line", &ip));	/* no address */
	assert_false(hosts_lookup(hosts, strlen(hosts), "gate", &ip));	/* a prefix */
	assert_false(hosts_lookup(hosts, strlen(hosts), "gatewayx", &ip));
	assert_false(hosts_lookup(hosts, strlen(hosts), "", &ip));
	assert_false(hosts_lookup(hosts, 0, "localhost", &ip));
	/* Only the bytes given are read: "last" is cut off here. */
	assert_false(hosts_lookup(hosts, strlen(hosts) - 1, "last", &ip));
	assert_int_equal(ip, 7);
}

static void test_format(void **state)
{
	char buf[16];

	(void)state;
	assert_string_equal(hosts_format_ipv4(0x0a00020f, buf, sizeof(buf)), "10.0.2.15");
	assert_string_equal(hosts_format_ipv4(0xffffffff, buf, sizeof(buf)),
			    "255.255.255.255");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_valid),
		cmocka_unit_test(test_ipv4_invalid),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_lookup_misses),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
