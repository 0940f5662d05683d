/* http:// URLs (url.h). */
#include <string.h>

#include <nexus/errno.h>

#include "url.h"

static bool url_char_ok(char c)
{
	return (unsigned char)c > ' ' && c != 0x7f;
}

static int url_port(const char *s, size_t n, uint16_t *port)
{
	uint32_t v = 0;

	if (n == 0 || n > 5)
		return -NX_EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -NX_EINVAL;
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return -NX_EINVAL;
	*port = (uint16_t)v;
	return 0;
}

int url_parse(const char *s, struct url *u)
{
	static const char scheme[] = "http://";
	const char *host, *end, *colon, *path;
	size_t host_len;

	if (strncmp(s, scheme, sizeof(scheme) - 1))
		return -NX_EINVAL;
	for (const char *p = s; *p; p++)
		if (!url_char_ok(*p))
			return -NX_EINVAL;
	host = s + sizeof(scheme) - 1;
	path = strchr(host, '/');
	end = path ? path : host + strlen(host);
	if (memchr(host, '@', (size_t)(end - host)))
		return -NX_EINVAL;
	colon = memchr(host, ':', (size_t)(end - host));
	host_len = (size_t)((colon ? colon : end) - host);
	if (host_len == 0 || host_len >= sizeof(u->host))
		return -NX_EINVAL;
	u->port = 80;
	if (colon && url_port(colon + 1, (size_t)(end - colon - 1), &u->port))
		return -NX_EINVAL;
	if (path && strlen(path) >= sizeof(u->path))
		return -NX_EINVAL;
	memcpy(u->host, host, host_len);
	u->host[host_len] = '\0';
	if (!path)
		path = "/";
	memcpy(u->path, path, strlen(path) + 1);
	return 0;
}
