/*
 * Path normalisation, done in one pass over the input with the output as
 * the stack of components: ".." pops back to the previous '/', which is
 * why the output must only ever hold canonical text.
 */
#include <stddef.h>
#include <string.h>

#include <nexus/errno.h>

#include "path.h"

/* Drops the last component of a canonical path; "/" stays "/". */
static size_t path_pop(const char *out, size_t len)
{
	while (len > 1 && out[len - 1] != '/')
		len--;
	return len > 1 ? len - 1 : 1;
}

int path_normalize(const char *in, char *out, size_t outlen)
{
	size_t len = 1;

	if (!out || outlen < 2)
		return -NX_E2BIG;
	out[0] = '\0';
	if (!in || in[0] != '/')
		return -NX_EINVAL;
	out[0] = '/';
	while (*in) {
		size_t n = 0;

		while (*in == '/')
			in++;
		while (in[n] && in[n] != '/')
			n++;
		if (n == 0 || (n == 1 && in[0] == '.')) {
			in += n;
			continue;
		}
		if (n == 2 && in[0] == '.' && in[1] == '.') {
			len = path_pop(out, len);
			in += n;
			continue;
		}
		/* A separator unless at the root, the name, and the NUL. */
		if ((len > 1) + n + 1 > outlen - len) {
			out[0] = '\0';
			return -NX_E2BIG;
		}
		if (len > 1)
			out[len++] = '/';
		memcpy(out + len, in, n);
		len += n;
		in += n;
	}
	out[len] = '\0';
	return 0;
}

bool path_within(const char *dir, const char *path)
{
	size_t n = strlen(dir);

	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return strncmp(dir, path, n) == 0 && (path[n] == '\0' || path[n] == '/');
}
