/*
 * Unveil (OpenBSD semantics): an app's view of the file tree. Until the
 * first unveil_add everything is visible; after it, only paths at or
 * below an unveiled path, with that entry's permissions, and the most
 * specific (longest) entry decides. Hidden paths fail with -NX_ENOENT,
 * so an app cannot probe for what it may not see; a visible path used
 * beyond its permissions fails with -NX_EACCES.
 *
 * One struct unveil per app, owned by the caller; not locked (see
 * kernel/sec/cap.h: the kernel calls these single-core with interrupts
 * masked).
 */
#ifndef SEC_UNVEIL_H
#define SEC_UNVEIL_H

#include <stdbool.h>
#include <stdint.h>

#include <nexus/pledge.h>
#include <path.h>

#define UNVEIL_MAX	16	/* entries per app */

struct unveil_entry {
	char path[PATH_LEN_MAX];	/* normalised, absolute */
	uint8_t perms;			/* NX_UNVEIL_*; 0 hides the subtree */
};

struct unveil {
	struct unveil_entry entry[UNVEIL_MAX];
	uint8_t count;			/* entries in use; 0: nothing veiled */
	bool locked;			/* unveil_lock called: no more changes */
};

void unveil_init(struct unveil *u);

/* "rwxc" in any order, "" for none; -NX_EINVAL for any other letter. */
int unveil_perms_parse(const char *s, unsigned *perms);

/*
 * Unveils path with perms (NX_UNVEIL_*), or changes the perms of a path
 * already unveiled. -NX_EPERM once locked, -NX_EINVAL for a relative path
 * or unknown perms, -NX_E2BIG for a path longer than PATH_LEN_MAX - 1
 * once normalised or a seventeenth entry.
 */
int unveil_add(struct unveil *u, const char *path, unsigned perms);
int unveil_add_str(struct unveil *u, const char *path, const char *perms);

/* unveil(NULL, NULL): no more changes. -NX_EPERM if already locked. */
int unveil_lock(struct unveil *u);

/*
 * 0 if path may be used with every permission in need (need 0: merely
 * looked up), -NX_ENOENT if hidden, -NX_EACCES if visible but lacking,
 * or path_normalize's error.
 */
int unveil_check(const struct unveil *u, const char *path, unsigned need);

/*
 * For directory listings: true if path is visible, or is an ancestor of
 * an unveiled path and so must be walked through to reach it (other
 * names inside it still fail unveil_check).
 */
bool unveil_visible(const struct unveil *u, const char *path);

#endif
