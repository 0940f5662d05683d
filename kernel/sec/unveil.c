/*
 * Unveil tables. Sixteen entries are scanned linearly: a lookup is a few
 * string compares, cheaper than any index would be at this size. Every
 * path is normalised before it is stored or compared, so "/etc/../x" can
 * never match the entry for "/etc".
 */
#include <string.h>

#include <nexus/errno.h>

#include "sec/unveil.h"

void unveil_init(struct unveil *u)
{
	memset(u, 0, sizeof(*u));
}

int unveil_perms_parse(const char *s, unsigned *perms)
{
	static const char letters[] = "rwxc";	/* bit i is letters[i] */
	unsigned out = 0;

	if (!s)
		return -NX_EINVAL;
	for (; *s; s++) {
		const char *l = strchr(letters, *s);

		if (!l)
			return -NX_EINVAL;
		out |= 1u << (l - letters);
	}
	*perms = out;
	return 0;
}

static int unveil_find(const struct unveil *u, const char *norm)
{
	for (int i = 0; i < u->count; i++)
		if (strcmp(u->entry[i].path, norm) == 0)
			return i;
	return -1;
}

int unveil_add(struct unveil *u, const char *path, unsigned perms)
{
	char norm[PATH_LEN_MAX];
	int i, err;

	if (u->locked)
		return -NX_EPERM;
	if (perms & ~NX_UNVEIL_ALL)
		return -NX_EINVAL;
	if ((err = path_normalize(path, norm, sizeof(norm))) < 0)
		return err;
	if ((i = unveil_find(u, norm)) < 0) {
		if (u->count == UNVEIL_MAX)
			return -NX_E2BIG;
		i = u->count++;
		memcpy(u->entry[i].path, norm, strlen(norm) + 1);
	}
	u->entry[i].perms = (uint8_t)perms;
	return 0;
}

int unveil_add_str(struct unveil *u, const char *path, const char *perms)
{
	unsigned bits;
	int err;

	if (u->locked)
		return -NX_EPERM;
	if ((err = unveil_perms_parse(perms, &bits)) < 0)
		return err;
	return unveil_add(u, path, bits);
}

int unveil_lock(struct unveil *u)
{
	if (u->locked)
		return -NX_EPERM;
	u->locked = true;
	return 0;
}

/* The most specific entry covering norm, or NULL. */
static const struct unveil_entry *unveil_cover(const struct unveil *u, const char *norm)
{
	const struct unveil_entry *best = NULL;
	size_t best_len = 0;

	for (int i = 0; i < u->count; i++) {
		const struct unveil_entry *e = &u->entry[i];
		size_t n = strlen(e->path);

		if (path_within(e->path, norm) && (!best || n > best_len)) {
			best = e;
			best_len = n;
		}
	}
	return best;
}

int unveil_check(const struct unveil *u, const char *path, unsigned need)
{
	char norm[PATH_LEN_MAX];
	const struct unveil_entry *e;
	int err;

	if ((err = path_normalize(path, norm, sizeof(norm))) < 0)
		return err;
	if (need & ~NX_UNVEIL_ALL)
		return -NX_EINVAL;
	if (u->count == 0)
		return 0;
	/* Empty perms hide a subtree inside a visible one: not found, too. */
	if (!(e = unveil_cover(u, norm)) || e->perms == 0)
		return -NX_ENOENT;
	return (need & ~e->perms) ? -NX_EACCES : 0;
}

bool unveil_visible(const struct unveil *u, const char *path)
{
	char norm[PATH_LEN_MAX];

	if (path_normalize(path, norm, sizeof(norm)) < 0)
		return false;
	if (unveil_check(u, norm, 0) == 0)
		return true;
	for (int i = 0; i < u->count; i++)
		if (u->entry[i].perms && path_within(norm, u->entry[i].path))
			return true;
	return false;
}
