/*
 * Pledge promises: narrowing, checks, and the text form used by the
 * shell and the packaging tool. The names are OpenBSD's where OpenBSD has
 * the promise, so that a reader who knows pledge(2) knows these.
 */
#include <stddef.h>
#include <string.h>

#include <nexus/errno.h>

#include "sec/pledge.h"

static const char *const pledge_names[] = {
	"stdio", "rpath", "wpath", "cpath", "inet", "exec", "proc", "audit", "power",
};
_Static_assert(sizeof(pledge_names) / sizeof(pledge_names[0]) == 9, "one name per promise");
_Static_assert(NX_PLEDGE_ALL == (1ull << 9) - 1, "promise names out of date");

static const char *const spectrum_names[] = { "photon", "matter", "gravity" };

#define PLEDGE_VALID	(NX_PLEDGE_ALL | NX_PLEDGE_SPECTRUM_MASK)
#define SPECTRUM_MAX	NX_PLEDGE_GRAVITY

int pledge_narrow(uint64_t *cur, uint64_t req)
{
	uint64_t have = *cur & NX_PLEDGE_ALL, want = req & NX_PLEDGE_ALL;

	if ((req & ~PLEDGE_VALID) || NX_PLEDGE_SPECTRUM(req) > SPECTRUM_MAX)
		return -NX_EINVAL;
	if ((want & ~have) || NX_PLEDGE_SPECTRUM(req) < NX_PLEDGE_SPECTRUM(*cur))
		return -NX_EPERM;
	*cur = req;
	return 0;
}

bool pledge_allows(uint64_t cur, uint64_t need)
{
	/* Unknown bits in need are never held: a typo must fail closed. */
	return (need & ~(cur & NX_PLEDGE_ALL)) == 0;
}

/* Index of the n-byte word w in names[], or -1. */
static int pledge_lookup(const char *const *names, int count, const char *w, size_t n)
{
	for (int i = 0; i < count; i++)
		if (strlen(names[i]) == n && strncmp(names[i], w, n) == 0)
			return i;
	return -1;
}

int pledge_parse(const char *words, uint64_t *bits)
{
	uint64_t out = 0;
	bool spectrum = false;

	if (!words)
		return -NX_EINVAL;
	while (*words) {
		size_t n = 0;
		int i;

		while (*words == ' ')
			words++;
		while (words[n] && words[n] != ' ')
			n++;
		if (n == 0)
			break;
		if ((i = pledge_lookup(pledge_names, 9, words, n)) >= 0) {
			out |= 1ull << i;
		} else if ((i = pledge_lookup(spectrum_names, 3, words, n)) >= 0 && !spectrum) {
			out |= NX_PLEDGE_MKSPECTRUM(i);
			spectrum = true;
		} else {
			return -NX_EINVAL;
		}
		words += n;
	}
	*bits = out;
	return 0;
}

/* Appends word to buf at *at, space-separated; false if it does not fit. */
static bool pledge_append(char *buf, size_t len, size_t *at, const char *word)
{
	size_t n = strlen(word), sep = *at > 0;

	if (*at + sep + n + 1 > len)
		return false;
	if (sep)
		buf[(*at)++] = ' ';
	memcpy(buf + *at, word, n + 1);
	*at += n;
	return true;
}

const char *pledge_format(uint64_t bits, char *buf, size_t len)
{
	size_t at = 0;

	if (!buf || len == 0 || (bits & ~PLEDGE_VALID) ||
	    NX_PLEDGE_SPECTRUM(bits) > SPECTRUM_MAX)
		return NULL;
	buf[0] = '\0';
	for (int i = 0; i < 9; i++)
		if ((bits & (1ull << i)) && !pledge_append(buf, len, &at, pledge_names[i]))
			return NULL;
	/* Photon is the default, so leaving it out keeps the round trip exact. */
	if (NX_PLEDGE_SPECTRUM(bits) != NX_PLEDGE_PHOTON &&
	    !pledge_append(buf, len, &at, spectrum_names[NX_PLEDGE_SPECTRUM(bits)]))
		return NULL;
	return buf;
}

uint64_t pledge_needed_for_open(unsigned unveil_perms)
{
	uint64_t need = 0;

	if (unveil_perms & NX_UNVEIL_R)
		need |= NX_PLEDGE_RPATH;
	if (unveil_perms & NX_UNVEIL_W)
		need |= NX_PLEDGE_WPATH;
	if (unveil_perms & NX_UNVEIL_X)
		need |= NX_PLEDGE_EXEC;
	if (unveil_perms & NX_UNVEIL_C)
		need |= NX_PLEDGE_CPATH;
	/* A permission this table does not know needs a promise nobody holds. */
	if (unveil_perms & ~NX_UNVEIL_ALL)
		need |= ~(NX_PLEDGE_ALL | NX_PLEDGE_SPECTRUM_MASK);
	return need;
}
