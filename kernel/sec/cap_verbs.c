/*
 * The text form of verb sets, "send,recv", for the shell and the package
 * tool. Kept apart from cap.c so that host tools can link it without the
 * kernel's derivation pool.
 */
#include <stddef.h>
#include <string.h>

#include <nexus/errno.h>

#include "sec/cap.h"

/* Bit i of a verb set is verb_names[i]. */
static const char *const verb_names[] = {
	"spawn", "send", "recv", "map", "mask", "tick", "grant",
};
_Static_assert(sizeof(verb_names) / sizeof(verb_names[0]) == 7, "one name per verb");
_Static_assert(NX_CAP_ALL == (1u << 7) - 1, "verb names out of date");

const char *cap_verbs_format(uint32_t verbs, char *buf, size_t len)
{
	size_t at = 0;

	if (!buf || (verbs & ~NX_CAP_ALL))
		return NULL;
	if (verbs == 0) {
		if (len < sizeof("none"))
			return NULL;
		memcpy(buf, "none", sizeof("none"));
		return buf;
	}
	for (unsigned i = 0; i < 7; i++) {
		size_t n = strlen(verb_names[i]), sep = at > 0;

		if (!(verbs & (1u << i)))
			continue;
		if (at + sep + n + 1 > len)
			return NULL;
		if (sep)
			buf[at++] = ',';
		memcpy(buf + at, verb_names[i], n + 1);
		at += n;
	}
	return buf;
}

/* The bit for the n-byte name w, 0 if there is none. */
static uint32_t cap_verb_lookup(const char *w, size_t n)
{
	for (unsigned i = 0; i < 7; i++)
		if (strlen(verb_names[i]) == n && strncmp(verb_names[i], w, n) == 0)
			return 1u << i;
	return 0;
}

int cap_verbs_parse(const char *s, uint32_t *out)
{
	uint32_t verbs = 0;

	if (!s || !*s)
		return -NX_EINVAL;
	if (strcmp(s, "all") == 0 || strcmp(s, "none") == 0) {
		*out = s[0] == 'a' ? NX_CAP_ALL : 0;
		return 0;
	}
	for (;;) {
		const char *end = strchr(s, ',');
		size_t n = end ? (size_t)(end - s) : strlen(s);
		uint32_t bit = cap_verb_lookup(s, n);

		/* An empty name ("send,,recv", a trailing comma) is a typo too. */
		if (!bit)
			return -NX_EINVAL;
		verbs |= bit;
		if (!end)
			break;
		s = end + 1;
	}
	*out = verbs;
	return 0;
}
