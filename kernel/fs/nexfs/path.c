/*
 * nexfs paths: resolution into a chain of pointers from a root, and the
 * copy of that chain upwards after its bottom changed. Everything above
 * a changed block changes too, since each parent holds its child's hash.
 */
#include <string.h>

#include <nexus/errno.h>

#include "fs/nexfs/internal.h"

#define SNAP_SUFFIX	"@snap"
#define SNAP_SUFFIX_LEN	5

/* Next component of *@p: its start and length; 0 when none is left. */
static size_t next(const char **p, const char **comp)
{
	size_t n = 0;

	while (**p == '/')
		(*p)++;
	*comp = *p;
	while ((*p)[n] && (*p)[n] != '/')
		n++;
	*p += n;
	return n;
}

static bool is_snap(const char *comp, size_t n)
{
	return n > SNAP_SUFFIX_LEN &&
	       memcmp(comp + n - SNAP_SUFFIX_LEN, SNAP_SUFFIX, SNAP_SUFFIX_LEN) == 0;
}

/* Sets c->ptr[0]: the working root, or a snapshot's for "NAME@snap". */
static int start(struct nexfs *fs, const char **p, struct nexfs_chain *c)
{
	const char *save = *p, *comp;
	struct nx_nexfs_dirent de;
	size_t n = next(p, &comp);
	uint32_t idx;
	int err;

	memset(c, 0, sizeof(*c));
	if (!is_snap(comp, n)) {
		*p = save;
		c->ptr[0] = fs->root;
		return 0;
	}
	n -= SNAP_SUFFIX_LEN;
	if ((err = nexfs_name_check(comp, n)) != 0)
		return err;
	err = nexfs_dir_find(fs, &fs->snaps, comp, n, &idx, &de);
	if (err)
		return err;
	c->ptr[0] = de.ptr;
	c->snap = true;
	return 0;
}

/*
 * Resolves @path into @c. With @parent, the last component is not looked
 * up but returned in @name/@namelen (a path without one is -NX_EINVAL).
 */
int nexfs_resolve(struct nexfs *fs, const char *path, bool parent,
		  struct nexfs_chain *c, const char **name, size_t *namelen)
{
	const char *p = path, *comp;
	size_t n;
	int err;

	if (strnlen(path, NEXFS_PATH_MAX) >= NEXFS_PATH_MAX)
		return -NX_ENAMETOOLONG;
	if ((err = start(fs, &p, c)) != 0)
		return err;
	while ((n = next(&p, &comp)) != 0) {
		struct nx_nexfs_dirent de;
		const char *rest = p, *dummy;

		if ((err = nexfs_name_check(comp, n)) != 0)
			return err;
		if (parent && next(&rest, &dummy) == 0) {
			*name = comp;
			*namelen = n;
			return 0;
		}
		if (c->depth == NEXFS_MAX_DEPTH)
			return -NX_ENAMETOOLONG;
		err = nexfs_dir_find(fs, &c->ptr[c->depth], comp, n,
				     &c->idx[c->depth], &de);
		if (err)
			return err;
		c->height[c->depth] =
			((const struct nx_nexfs_inode *)fs->ibuf.b)->height;
		c->ptr[++c->depth] = de.ptr;
	}
	return parent ? -NX_EINVAL : 0;
}

/*
 * c->ptr[level] was rewritten: rewrites each directory above it to hold
 * the new pointer, up to the root, which becomes the working root.
 */
int nexfs_propagate(struct nexfs *fs, struct nexfs_chain *c, int level)
{
	for (int l = level - 1; l >= 0; l--) {
		struct nx_nexfs_inode *ino;
		struct nx_nexfs_dirent de;
		uint64_t off = c->idx[l] * (uint64_t)DIRENT_SIZE;
		int err;

		ino = nexfs_ino_load(fs, &c->ptr[l], &err);
		if (!ino)
			return nexfs_fail(fs, err);
		err = nexfs_pread(fs, ino, off, &de, DIRENT_SIZE);
		if (err)
			return nexfs_fail(fs, err);
		de.ptr = c->ptr[l + 1];
		err = nexfs_pwrite(fs, ino, off, &de, DIRENT_SIZE);
		if (!err)
			err = nexfs_blk_write(fs, &c->ptr[l], ino);
		if (err)
			return nexfs_fail(fs, err);
	}
	fs->root = c->ptr[0];
	return 0;
}

/*
 * Blocks nexfs_propagate() may allocate for @c: per directory above the
 * object, a data block, its index path and the inode; and as much again
 * for an entry added to the bottom directory, which may also grow.
 */
uint64_t nexfs_path_cost(const struct nexfs *fs, const struct nexfs_chain *c)
{
	uint64_t cost = 2 * (NEXFS_MAX_HEIGHT + 3);

	(void)fs;
	for (int l = 0; l < c->depth; l++)
		cost += c->height[l] + 2u;
	return cost;
}

/* "/a//b/" -> "a/b": the form open files are recorded in. */
int nexfs_normalise(const char *path, char *out, size_t size)
{
	const char *p = path, *comp;
	size_t n, len = 0;

	while ((n = next(&p, &comp)) != 0) {
		if (len + (len != 0) + n + 1 > size)
			return -NX_ENAMETOOLONG;
		if (len)
			out[len++] = '/';
		memcpy(out + len, comp, n);
		len += n;
	}
	out[len] = '\0';
	return 0;
}
