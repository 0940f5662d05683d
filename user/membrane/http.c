/* HTTP/1.0 heads, paths and headers (http.h). */
#include <stdbool.h>
#include <string.h>

#include <nexus/errno.h>

#include "fmt.h"
#include "http.h"
#include "parse.h"

size_t http_head_end(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (i + 1 < len && buf[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* The line at @s (@len bytes left) without its CRLF; *next past it. */
static size_t line_len(const char *s, size_t len, size_t *next)
{
	const char *nl = memchr(s, '\n', len);
	size_t n = nl ? (size_t)(nl - s) : len;

	*next = nl ? n + 1 : len;
	return n && s[n - 1] == '\r' ? n - 1 : n;
}

/* Only printable ASCII and tab in a head: no NUL, no bare CR, no UTF-8. */
static bool text_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((s[i] < ' ' && s[i] != '\t') || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

static int append(char *out, size_t size, size_t *n, const char *s, size_t len)
{
	if (*n + len >= size)
		return -NX_E2BIG;
	memcpy(out + *n, s, len);
	*n += len;
	out[*n] = '\0';
	return 0;
}

/* One decoded segment: drop "" and ".", note "..", keep the rest. */
static int add_segment(char *out, size_t size, size_t *n, const char *seg,
		       size_t len, bool *climbs)
{
	int err;

	if (len == 0 || (len == 1 && seg[0] == '.'))
		return 0;
	if (len == 2 && seg[0] == '.' && seg[1] == '.')
		*climbs = true;
	if ((err = append(out, size, n, "/", 1)))
		return err;
	return append(out, size, n, seg, len);
}

int http_clean_path(const char *target, size_t len, char *out, size_t size)
{
	char seg[HTTP_PATH_MAX];
	size_t n = 0, s = 0;
	bool dir = false, climbs = false;
	int err;

	if (size < 2 || len == 0 || target[0] != '/')
		return -NX_EINVAL;
	out[0] = '\0';
	for (size_t i = 0; i < len && target[i] != '?' && target[i] != '#'; i++) {
		char c = target[i];

		if (c == '%') {
			int hi = i + 2 < len ? parse_hex_digit(target[i + 1]) : -1;
			int lo = hi >= 0 ? parse_hex_digit(target[i + 2]) : -1;

			if (lo < 0)
				return -NX_EINVAL;
			c = (char)(hi << 4 | lo);
			i += 2;
			/* A decoded '/' still separates segments: "%2e%2e%2f" is "../". */
		}
		if ((unsigned char)c < ' ' || c == 0x7f)
			return -NX_EINVAL;
		if (c != '/') {
			if (s + 1 >= sizeof(seg))
				return -NX_E2BIG;
			seg[s++] = c;
			dir = false;
			continue;
		}
		if ((err = add_segment(out, size, &n, seg, s, &climbs)))
			return err;
		s = 0;
		dir = true;
	}
	if ((err = add_segment(out, size, &n, seg, s, &climbs)))
		return err;
	if ((dir || (s == 1 && seg[0] == '.') || n == 0) &&
	    (err = append(out, size, &n, "/", 1)))
		return err;
	return climbs ? -NX_EPERM : 0;
}

int http_parse_request(const char *head, size_t len, struct http_request *req)
{
	size_t next, n = line_len(head, len, &next), mlen, tlen;
	const char *sp1, *sp2, *ver;

	if (!text_ok(head, n))
		return -NX_EINVAL;
	sp1 = memchr(head, ' ', n);
	if (!sp1 || (mlen = (size_t)(sp1 - head)) == 0 || mlen >= sizeof(req->method))
		return -NX_EINVAL;
	for (size_t i = 0; i < mlen; i++)
		if (head[i] < 'A' || head[i] > 'Z')
			return -NX_EINVAL;
	sp2 = memchr(sp1 + 1, ' ', n - mlen - 1);
	if (!sp2 || (tlen = (size_t)(sp2 - sp1 - 1)) == 0)
		return -NX_EINVAL;
	ver = sp2 + 1;
	if ((size_t)(head + n - ver) != 8 || strncmp(ver, "HTTP/1.", 7) ||
	    (ver[7] != '0' && ver[7] != '1'))
		return -NX_EINVAL;
	memcpy(req->method, head, mlen);
	req->method[mlen] = '\0';
	req->version = ver[7] == '1' ? 11 : 10;
	/* Every header line must be "Name: value"; the blank line ends them. */
	for (size_t at = next; at < len;) {
		const char *l = head + at;

		n = line_len(l, len - at, &next);
		at += next;
		if (n == 0)
			break;
		if (!text_ok(l, n) || !memchr(l, ':', n) || l[0] == ':' || l[0] == ' ')
			return -NX_EINVAL;
	}
	return http_clean_path(sp1 + 1, tlen, req->path, sizeof(req->path));
}

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Request Entity Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	}
	return "Unknown";
}

size_t http_response_head(char *buf, size_t size, int status, const char *type,
			  uint64_t length)
{
	size_t n = fmt_snprintf(buf, size,
				"HTTP/1.0 %d %s\r\nServer: nexus-httpd\r\n"
				"Content-Type: %s\r\nContent-Length: %lu\r\n"
				"Connection: close\r\n\r\n",
				status, http_reason(status), type,
				(unsigned long)length);

	return n < size ? n : 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	if (n < m)
		return false;
	for (size_t i = 0; i < m; i++)
		if (lower(s[n - m + i]) != suffix[i])
			return false;
	return true;
}

const char *http_content_type(const char *path)
{
	static const struct { const char *ext, *type; } types[] = {
		{ ".html", "text/html" }, { ".htm", "text/html" },
		{ ".txt", "text/plain" }, { ".css", "text/css" },
		{ ".js", "text/javascript" }, { ".json", "application/json" },
		{ ".png", "image/png" }, { ".jpg", "image/jpeg" },
		{ ".svg", "image/svg+xml" },
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (ends_with(path, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

/* "Content-Length: 123": 1 and *out = 123; 0 for another header; -1 if
 * the value is not a plain decimal number. */
static int content_length(const char *l, size_t n, int64_t *out)
{
	static const char name[] = "content-length:";
	size_t i = sizeof(name) - 1, digits = 0;
	uint64_t v = 0;

	if (n < i)
		return 0;
	for (size_t k = 0; k < i; k++)
		if (lower(l[k]) != name[k])
			return 0;
	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	for (; i < n && l[i] >= '0' && l[i] <= '9'; i++, digits++) {
		if (v > ((uint64_t)INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(l[i] - '0');
	}
	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	if (i != n || digits == 0)
		return -1;
	*out = (int64_t)v;
	return 1;
}

int http_parse_response(const char *buf, size_t len, struct http_response *r)
{
	size_t end = http_head_end(buf, len), next, n, at;

	if (!end)
		return len >= HTTP_HEAD_MAX ? -NX_EINVAL : -NX_EAGAIN;
	n = line_len(buf, end, &next);
	if (n < 12 || strncmp(buf, "HTTP/1.", 7) || buf[8] != ' ' ||
	    buf[9] < '1' || buf[9] > '5' || buf[10] < '0' || buf[10] > '9' ||
	    buf[11] < '0' || buf[11] > '9' || (n > 12 && buf[12] != ' '))
		return -NX_EINVAL;
	r->status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
	r->length = -1;
	r->head_len = end;
	for (at = next; at < end; at += next) {
		n = line_len(buf + at, end - at, &next);
		if (n == 0)
			continue;
		switch (content_length(buf + at, n, &r->length)) {
		case 1:
			break;
		case 0:
			if (memchr(buf + at, ':', n))
				break;
			/* FALLTHROUGH */
		default:
			return -NX_EINVAL;
		}
	}
	return 0;
}
