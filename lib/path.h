/*
 * Absolute path names: normalisation and the component-wise prefix test.
 * Shared by unveil and the VFS so that both agree on what a path means;
 * a check done on one spelling and a lookup done on another is how
 * sandboxes leak.
 */
#ifndef PATH_H
#define PATH_H

#include <stdbool.h>
#include <stddef.h>

#define PATH_LEN_MAX	256	/* bytes of a normalised path, NUL included */

/*
 * Writes the canonical form of the absolute path `in` to `out`: "//"
 * collapsed, "." removed, ".." taking away the previous component (and
 * nothing at "/", so no path escapes the root), no trailing '/' except
 * for "/" itself. Returns 0, -NX_EINVAL if `in` is not absolute, or
 * -NX_E2BIG if the result, or any prefix of it built on the way, does not
 * fit in `outlen` bytes. Never truncates; on error `out` is "".
 */
int path_normalize(const char *in, char *out, size_t outlen);

/* True if normalised `path` is `dir` or lies below it, by whole components. */
bool path_within(const char *dir, const char *path);

#endif
