/* HTTP heads, request paths and URLs (user/membrane/http.c, url.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <nexus/errno.h>

#include "http.h"
#include "url.h"

static int parse(const char *head, struct http_request *req)
{
	return http_parse_request(head, strlen(head), req);
}

static void test_head_end(void **state)
{
	static const char crlf[] = "GET / HTTP/1.0\r\nHost: x\r\n\r\nbody";
	static const char lf[] = "GET / HTTP/1.0\nHost: x\n\nbody";

	(void)state;
	assert_int_equal(http_head_end(crlf, strlen(crlf)), strlen(crlf) - 4);
	assert_int_equal(http_head_end(lf, strlen(lf)), strlen(lf) - 4);
	assert_int_equal(http_head_end(crlf, 20), 0);
	assert_int_equal(http_head_end("GET / HTTP/1.0\r\n\r", 17), 0);
	assert_int_equal(http_head_end("", 0), 0);
}

static void test_request_valid(void **state)
{
	struct http_request req;

	(void)state;
	assert_int_equal(parse("GET / HTTP/1.0\r\n\r\n", &req), 0);
	assert_string_equal(req.method, "GET");
	assert_string_equal(req.path, "/");
	assert_int_equal(req.version, 10);
	assert_int_equal(parse("GET /index.html HTTP/1.1\r\nHost: 10.0.2.15\r\n"
			       "User-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n", &req), 0);
	assert_string_equal(req.path, "/index.html");
	assert_int_equal(req.version, 11);
	assert_int_equal(parse("HEAD /a/b.txt?x=1&y=../../z#frag HTTP/1.0\n\n", &req), 0);
	assert_string_equal(req.method, "HEAD");
	assert_string_equal(req.path, "/a/b.txt");
	assert_int_equal(parse("GET /%7euser/a%20b HTTP/1.0\r\n\r\n", &req), 0);
	assert_string_equal(req.path, "/~user/a b");
	assert_int_equal(parse("POST /status HTTP/1.0\r\n\r\n", &req), 0);
	assert_string_equal(req.method, "POST");	/* httpd answers 405 */
}

static void test_request_malformed(void **state)
{
	static const char *const bad[] = {
		"", "\r\n\r\n", "GET\r\n\r\n", "GET /\r\n\r\n", "GET / HTTP/2.0\r\n\r\n",
		"GET / HTTP/1.0 \r\n\r\n", "GET  / HTTP/1.0\r\n\r\n", "get / HTTP/1.0\r\n\r\n",
		"GET index.html HTTP/1.0\r\n\r\n", "GET http://x/ HTTP/1.0\r\n\r\n",
		"GET / HTTP/1.0\r\nno colon\r\n\r\n", "GET / HTTP/1.0\r\n folded: x\r\n\r\n",
		"GET /a\x01 HTTP/1.0\r\n\r\n", "GET /%zz HTTP/1.0\r\n\r\n",
		"GET /%4 HTTP/1.0\r\n\r\n", "GET /a%00b HTTP/1.0\r\n\r\n",
		"GET /a%0d%0aX: y HTTP/1.0\r\n\r\n", "LONGMETHOD / HTTP/1.0\r\n\r\n",
		"GET / HTTP/1.0\r\nHost: \xc3\xa9\r\n\r\n",
	};
	struct http_request req;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int err = parse(bad[i], &req);

		if (err != -NX_EINVAL)
			fail_msg("'%s': %d, not -NX_EINVAL", bad[i], err);
	}
}

/* Every spelling of a climb out of the root is refused, not cleaned up. */
static void test_request_climbs(void **state)
{
	static const char *const climbs[] = {
		"/..", "/../etc/hosts", "/a/../../etc/hosts", "/a/..", "/%2e%2e/etc/hosts",
		"/%2E%2E/etc/hosts", "/.%2e/etc/hosts", "/%2e./etc", "/..%2fetc%2fhosts",
		"/%2e%2e%2f%2e%2e%2fetc%2fhosts", "/a/%2e%2e", "//..//etc",
	};
	struct http_request req;
	char head[128];

	(void)state;
	for (size_t i = 0; i < sizeof(climbs) / sizeof(climbs[0]); i++) {
		int err;

		snprintf(head, sizeof(head), "GET %s HTTP/1.0\r\n\r\n", climbs[i]);
		err = parse(head, &req);
		if (err != -NX_EPERM)
			fail_msg("'%s': %d, not -NX_EPERM", climbs[i], err);
	}
	/* The climb is kept, decoded, for httpd to show the kernel. */
	assert_int_equal(parse("GET /a/%2e%2e/..%2fetc/hosts HTTP/1.0\r\n\r\n", &req),
			 -NX_EPERM);
	assert_string_equal(req.path, "/a/../../etc/hosts");
}

static void clean_ok(const char *in, const char *want)
{
	char out[64];
	int err = http_clean_path(in, strlen(in), out, sizeof(out));

	if (err || strcmp(out, want))
		fail_msg("'%s' -> %d '%s', want '%s'", in, err, err ? "" : out, want);
}

static void test_clean_path(void **state)
{
	char out[8];

	(void)state;
	clean_ok("/", "/");
	clean_ok("//", "/");
	clean_ok("/.", "/");
	clean_ok("/./", "/");
	clean_ok("/a//b/./c", "/a/b/c");
	clean_ok("/a/b/", "/a/b/");
	clean_ok("/a/.", "/a/");
	clean_ok("/...", "/...");
	clean_ok("/..a/b..", "/..a/b..");
	clean_ok("/a%2fb", "/a/b");
	clean_ok("/x?y#z", "/x");
	assert_int_equal(http_clean_path("a", 1, out, sizeof(out)), -NX_EINVAL);
	assert_int_equal(http_clean_path("", 0, out, sizeof(out)), -NX_EINVAL);
	assert_int_equal(http_clean_path("/abcdefgh", 9, out, sizeof(out)), -NX_E2BIG);
	assert_int_equal(http_clean_path("/abcdef", 7, out, sizeof(out)), 0);
	assert_string_equal(out, "/abcdef");
}

static void test_response_head(void **state)
{
	char buf[256], small[16];
	struct http_response r;
	size_t n;

	(void)state;
	n = http_response_head(buf, sizeof(buf), 404, "text/plain", 10);
	assert_int_equal(n, strlen(buf));
	assert_non_null(strstr(buf, "HTTP/1.0 404 Not Found\r\n"));
	assert_non_null(strstr(buf, "Content-Length: 10\r\n"));
	assert_int_equal(http_parse_response(buf, n, &r), 0);
	assert_int_equal(r.status, 404);
	assert_int_equal(r.length, 10);
	assert_int_equal(r.head_len, n);
	assert_int_equal(http_response_head(small, sizeof(small), 200, "text/html", 1), 0);
	assert_string_equal(http_reason(200), "OK");
	assert_string_equal(http_content_type("/index.HTML"), "text/html");
	assert_string_equal(http_content_type("/x.bin"), "application/octet-stream");
	assert_string_equal(http_content_type("/html"), "application/octet-stream");
}

static void test_parse_response(void **state)
{
	static const char ok[] = "HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6\r\n"
				 "content-length:  262144 \r\nX: y\r\n\r\nDATA";
	static const char nolen[] = "HTTP/1.1 301 Moved\nLocation: /x\n\n";
	struct http_response r;

	(void)state;
	assert_int_equal(http_parse_response(ok, strlen(ok), &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.length, 262144);
	assert_int_equal(r.head_len, strlen(ok) - 4);
	assert_int_equal(http_parse_response(nolen, strlen(nolen), &r), 0);
	assert_int_equal(r.status, 301);
	assert_int_equal(r.length, -1);
	assert_int_equal(http_parse_response(ok, 30, &r), -NX_EAGAIN);
	assert_int_equal(http_parse_response("HTTP/1.0 20 OK\r\n\r\n", 18, &r), -NX_EINVAL);
	assert_int_equal(http_parse_response("HTTP/1.0 200OK\r\n\r\n", 18, &r), -NX_EINVAL);
	assert_int_equal(http_parse_response("HTTP/1.0 200\r\n\r\n", 16, &r), 0);
	assert_int_equal(http_parse_response("ICY 200 OK\r\n\r\n", 14, &r), -NX_EINVAL);
	assert_int_equal(http_parse_response("HTTP/1.0 200 OK\r\nbad\r\n\r\n", 24, &r),
			 -NX_EINVAL);
	assert_int_equal(http_parse_response(
		"HTTP/1.0 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", 57, &r),
		-NX_EINVAL);
}

static void test_url(void **state)
{
	struct url u;

	(void)state;
	assert_int_equal(url_parse("http://10.0.2.2:8000/data.bin", &u), 0);
	assert_string_equal(u.host, "10.0.2.2");
	assert_int_equal(u.port, 8000);
	assert_string_equal(u.path, "/data.bin");
	assert_int_equal(url_parse("http://gateway", &u), 0);
	assert_string_equal(u.host, "gateway");
	assert_int_equal(u.port, 80);
	assert_string_equal(u.path, "/");
	assert_int_equal(url_parse("http://h:65535/a?b=c", &u), 0);
	assert_int_equal(u.port, 65535);
	assert_string_equal(u.path, "/a?b=c");
}

static void test_url_invalid(void **state)
{
	static const char *const bad[] = {
		"", "http:/", "http://", "http:///x", "https://h/", "ftp://h/", "h/x",
		"http://h:/", "http://h:0/", "http://h:65536/", "http://h:8x/",
		"http://h:123456/", "http://u@h/", "http://h/a b", "http://h/\x01",
		"http://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/",
	};
	struct url u;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (url_parse(bad[i], &u) != -NX_EINVAL)
			fail_msg("accepted '%s'", bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_head_end),
		cmocka_unit_test(test_request_valid),
		cmocka_unit_test(test_request_malformed),
		cmocka_unit_test(test_request_climbs),
		cmocka_unit_test(test_clean_path),
		cmocka_unit_test(test_response_head),
		cmocka_unit_test(test_parse_response),
		cmocka_unit_test(test_url),
		cmocka_unit_test(test_url_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
