/*
 * Pledge: an app's promises and spectrum, kept in one uint64_t per app
 * (layout in <nexus/pledge.h>). Pure functions over that word; the caller
 * owns the storage and, on a refused check, kills and audits the app.
 */
#ifndef SEC_PLEDGE_H
#define SEC_PLEDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nexus/pledge.h>

#define PLEDGE_FMT_MAX	64	/* enough for every promise and a spectrum */

/*
 * Replaces *cur with req if req only narrows it: its promises a subset of
 * the current ones, its spectrum the same or a larger value (lower
 * priority). -NX_EPERM otherwise, -NX_EINVAL for bits that mean nothing
 * or spectrum 3; *cur is unchanged on any error. The spectrum is part of
 * req, so a caller keeping its spectrum must pass it back.
 */
int pledge_narrow(uint64_t *cur, uint64_t req);

/* True if every promise in need is held. need carries no spectrum. */
bool pledge_allows(uint64_t cur, uint64_t need);

/*
 * "stdio rpath exec": space-separated promise names, and optionally one
 * of "photon", "matter", "gravity" for the spectrum (photon if none).
 * "" is no promises at all. -NX_EINVAL for an unknown or repeated
 * spectrum word; *bits is only written on success.
 */
int pledge_parse(const char *words, uint64_t *bits);

/* The inverse of pledge_parse; NULL if buf is too small or bits invalid. */
const char *pledge_format(uint64_t bits, char *buf, size_t len);

/*
 * The promises a file access with these NX_UNVEIL_* permissions needs;
 * unknown permission bits yield a need pledge_allows never grants.
 */
uint64_t pledge_needed_for_open(unsigned unveil_perms);

#endif
