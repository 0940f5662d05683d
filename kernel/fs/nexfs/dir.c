/*
 * nexfs directories: a directory's content is a dense array of
 * struct nx_nexfs_dirent, searched linearly. Entries never straddle a
 * block, as their size divides every block size.
 */
#include <string.h>

#include <nexus/errno.h>

#include "fs/nexfs/internal.h"

int nexfs_name_check(const char *name, size_t len)
{
	if (len == 0)
		return -NX_EINVAL;
	if (len > NX_NEXFS_NAME_MAX)
		return -NX_ENAMETOOLONG;
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return -NX_EINVAL;
	for (size_t i = 0; i < len; i++)
		if (name[i] == '/' || name[i] == '\0')
			return -NX_EINVAL;
	return 0;
}

static bool dirent_valid(const struct nx_nexfs_dirent *de)
{
	return de->name_len >= 1 && de->name_len <= NX_NEXFS_NAME_MAX &&
	       (de->type == NX_NEXFS_FILE || de->type == NX_NEXFS_DIR) &&
	       de->ptr.blk != 0;
}

/* The inode of directory @dir, or NULL and *err (-NX_ENOTDIR: not one). */
static struct nx_nexfs_inode *dir_load(struct nexfs *fs, const struct nx_nexfs_ptr *dir,
				       int *err)
{
	struct nx_nexfs_inode *ino = nexfs_ino_load(fs, dir, err);

	if (ino && ino->type != NX_NEXFS_DIR) {
		*err = -NX_ENOTDIR;
		return NULL;
	}
	return ino;
}

/*
 * Finds @name in directory @dir: 0 with its index and entry, or
 * -NX_ENOENT. Uses ibuf, dbuf and xbuf.
 */
int nexfs_dir_find(struct nexfs *fs, const struct nx_nexfs_ptr *dir,
		   const char *name, size_t len, uint32_t *idx,
		   struct nx_nexfs_dirent *de)
{
	uint32_t per = fs->bs / DIRENT_SIZE;
	struct nx_nexfs_inode *ino;
	uint64_t n;
	int err;

	ino = dir_load(fs, dir, &err);
	if (!ino)
		return err;
	n = ino->size / DIRENT_SIZE;
	for (uint64_t i = 0; i < n; i++) {
		const struct nx_nexfs_dirent *e;

		if (i % per == 0) {
			err = nexfs_tree_get(fs, ino, i / per, fs->xbuf.b);
			if (err)
				return err;
		}
		e = (const struct nx_nexfs_dirent *)fs->xbuf.b + i % per;
		if (!dirent_valid(e))
			return -NX_EIO;
		if (e->name_len == len && memcmp(e->name, name, len) == 0) {
			*idx = (uint32_t)i;
			*de = *e;
			return 0;
		}
	}
	return -NX_ENOENT;
}

/* Entry @i of directory @dir; -NX_ENOENT past the end. */
int nexfs_dir_get(struct nexfs *fs, const struct nx_nexfs_ptr *dir,
		  uint64_t i, struct nx_nexfs_dirent *de)
{
	struct nx_nexfs_inode *ino;
	int err;

	ino = dir_load(fs, dir, &err);
	if (!ino)
		return err;
	if (i >= ino->size / DIRENT_SIZE)
		return -NX_ENOENT;
	err = nexfs_pread(fs, ino, i * DIRENT_SIZE, de, DIRENT_SIZE);
	if (err == 0 && !dirent_valid(de))
		err = -NX_EIO;
	return err;
}

int nexfs_dir_add(struct nexfs *fs, struct nx_nexfs_inode *dir,
		  const struct nx_nexfs_dirent *de)
{
	return nexfs_pwrite(fs, dir, dir->size, de, DIRENT_SIZE);
}

/*
 * Removes entry @idx by moving the last entry into its place, then
 * zeroes the old last slot (bytes past size stay zero) or, when it was
 * alone in its block, makes that block a hole.
 */
int nexfs_dir_del(struct nexfs *fs, struct nx_nexfs_inode *dir, uint32_t idx)
{
	struct nx_nexfs_dirent last;
	uint64_t lastoff = dir->size - DIRENT_SIZE;
	int err;

	if (idx * (uint64_t)DIRENT_SIZE != lastoff) {
		err = nexfs_pread(fs, dir, lastoff, &last, DIRENT_SIZE);
		if (!err)
			err = nexfs_pwrite(fs, dir, idx * (uint64_t)DIRENT_SIZE,
					   &last, DIRENT_SIZE);
		if (err)
			return nexfs_fail(fs, err);
	}
	if (lastoff % fs->bs == 0) {
		err = nexfs_clear_block(fs, dir, lastoff / fs->bs);
	} else {
		memset(&last, 0, sizeof(last));
		err = nexfs_pwrite(fs, dir, lastoff, &last, DIRENT_SIZE);
	}
	dir->size = lastoff;
	return err;
}
