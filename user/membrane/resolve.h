/*
 * getaddrinfo, the Membrane's way: a dotted quad, or a name from
 * /etc/hosts (there is no DNS). Needs the RPATH promise for names.
 */
#ifndef MEMBRANE_RESOLVE_H
#define MEMBRANE_RESOLVE_H

#include <stdint.h>

#define RESOLVE_HOSTS_FILE	"/etc/hosts"

/* 0 and *ip (host byte order), or -NX_ENOENT if no line names it. */
int resolve_host(const char *name, uint32_t *ip);

#endif
