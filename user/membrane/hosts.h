/*
 * Names to IPv4 addresses without DNS: dotted quads, and the lines of
 * /etc/hosts ("10.0.2.2 gateway host # comment"). Pure code, host-tested
 * (tests/unit/test_hosts.c). Addresses are in host byte order:
 * 10.0.2.2 is 0x0a000202.
 */
#ifndef MEMBRANE_HOSTS_H
#define MEMBRANE_HOSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HOSTS_NAME_MAX	64

/* Exactly four decimal parts 0-255, no signs, spaces or leading zeros. */
bool hosts_parse_ipv4(const char *s, uint32_t *ip);
/* Like hosts_parse_ipv4, for the @len characters at @s. */
bool hosts_parse_ipv4_n(const char *s, size_t len, uint32_t *ip);
/*
 * The address of @name in a hosts file's text (@len bytes, need not end
 * in a NUL). Names compare without regard to case; the first line that
 * lists the name wins. False if no line does.
 */
bool hosts_lookup(const char *text, size_t len, const char *name, uint32_t *ip);
/* "a.b.c.d" into @buf (16 bytes are always enough); returns @buf. */
char *hosts_format_ipv4(uint32_t ip, char *buf, size_t size);

#endif
