/*
 * http:// URLs as wget takes them: http://HOST[:PORT][/PATH]. Pure code,
 * host-tested (tests/unit/test_http.c).
 */
#ifndef MEMBRANE_URL_H
#define MEMBRANE_URL_H

#include <stdint.h>

#include "hosts.h"

#define URL_PATH_MAX	512

struct url {
	char host[HOSTS_NAME_MAX];
	uint16_t port;			/* 80 unless given */
	char path[URL_PATH_MAX];	/* "/" unless given; sent as is */
};

/*
 * 0, or -NX_EINVAL: another scheme, an empty or over-long host, a port
 * that is not 1-65535, user info ("user@host"), or a space or control
 * character anywhere.
 */
int url_parse(const char *s, struct url *u);

#endif
