/*
 * HTTP/1.0 as httpd serves it and wget fetches it: request and response
 * heads, paths and the few headers either needs. Pure code, host-tested
 * (tests/unit/test_http.c).
 */
#ifndef MEMBRANE_HTTP_H
#define MEMBRANE_HTTP_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_HEAD_MAX	2048	/* a longer request head is refused */
#define HTTP_PATH_MAX	256

struct http_request {
	char method[8];			/* "GET", ... */
	char path[HTTP_PATH_MAX];	/* decoded and clean: see http_clean_path */
	unsigned version;		/* 10 or 11 */
};

struct http_response {
	int status;
	int64_t length;			/* Content-Length, -1 if not given */
	size_t head_len;		/* bytes of the head, blank line included */
};

/* Bytes of the head (through the blank line, CRLF or bare LF), 0 if the
 * blank line has not arrived yet. */
size_t http_head_end(const char *buf, size_t len);

/*
 * A complete request head: "METHOD /target HTTP/1.x" and header lines.
 * 0; -NX_EINVAL if malformed; -NX_E2BIG if the path is too long;
 * -NX_EPERM if the path climbs ("..", in any spelling), with req->path
 * filled in as for 0, its ".." segments kept.
 */
int http_parse_request(const char *head, size_t len, struct http_request *req);

/*
 * The path part of a request target (up to '?' or '#'), percent-decoded
 * and made clean: absolute, no empty or "." segments. A path that named
 * a directory keeps its trailing '/'. 0, -NX_EINVAL (bad escape, a NUL or
 * control character, not absolute), -NX_E2BIG, or -NX_EPERM: the path has
 * a ".." segment, kept as "/.." in @out so the caller can show the kernel
 * what was asked.
 */
int http_clean_path(const char *target, size_t len, char *out, size_t size);

/* A response head; returns its length, or 0 if @size is too small. */
size_t http_response_head(char *buf, size_t size, int status, const char *type,
			  uint64_t length);
const char *http_reason(int status);
/* By file name extension; "application/octet-stream" for the rest. */
const char *http_content_type(const char *path);

/* A response head: 0, -NX_EAGAIN until the blank line is in, -NX_EINVAL. */
int http_parse_response(const char *buf, size_t len, struct http_response *r);

#endif
