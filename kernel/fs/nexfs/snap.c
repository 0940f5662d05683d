/*
 * nexfs snapshots: named, read-only roots kept in the snapshot
 * directory (the superblock's snaps inode). Taking one costs one entry:
 * it shares every block with the live tree, and later changes copy
 * around it. Both calls commit, so a snapshot exists exactly when a
 * commit says so.
 */
#include <string.h>

#include <nexus/errno.h>

#include "fs/nexfs/internal.h"

static int snap_name(const char *name, size_t *len)
{
	*len = strnlen(name, NX_NEXFS_NAME_MAX + 1);
	if (memchr(name, '@', *len))
		return -NX_EINVAL;
	return nexfs_name_check(name, *len);
}

/* Runs an edit of the snapshot directory: its blocks are never shared. */
static int snaps_store(struct nexfs *fs, struct nx_nexfs_inode *dir)
{
	int err;

	fs->snap_tree = true;
	err = nexfs_blk_write(fs, &fs->snaps, dir);
	fs->snap_tree = false;
	return err;
}

int nexfs_snap_create(struct nexfs *fs, const char *name)
{
	struct nx_nexfs_dirent de, old;
	struct nx_nexfs_inode *dir;
	uint32_t idx;
	size_t len;
	int err;

	if ((err = nexfs_ready(fs)) != 0 || (err = snap_name(name, &len)) != 0)
		return err;
	err = nexfs_dir_find(fs, &fs->snaps, name, len, &idx, &old);
	if (err != -NX_ENOENT)
		return err ? err : -NX_EEXIST;
	if ((err = nexfs_reserve(fs, NEXFS_MAX_HEIGHT + 4)) != 0)
		return err;
	memset(&de, 0, sizeof(de));
	de.ptr = fs->root;
	de.gen = fs->gen + 1;
	de.type = NX_NEXFS_DIR;
	de.name_len = (uint8_t)len;
	memcpy(de.name, name, len);
	if ((dir = nexfs_ino_load(fs, &fs->snaps, &err)) == NULL)
		return err;
	fs->snap_tree = true;
	err = nexfs_dir_add(fs, dir, &de);
	fs->snap_tree = false;
	if (err || (err = snaps_store(fs, dir)) != 0)
		return nexfs_fail(fs, err);
	/* From here on, what the live tree drops may be the snapshot's. */
	fs->last_snap_gen = de.gen;
	fs->nsnaps++;
	return nexfs_commit(fs, NULL);
}

int nexfs_snap_delete(struct nexfs *fs, const char *name)
{
	char busy[NX_NEXFS_NAME_MAX + 8];
	struct nx_nexfs_inode *dir;
	struct nx_nexfs_dirent de;
	uint32_t idx;
	size_t len;
	int err;

	if ((err = nexfs_ready(fs)) != 0 || (err = snap_name(name, &len)) != 0)
		return err;
	memcpy(busy, name, len);
	memcpy(busy + len, "@snap", 6);
	if (nexfs_busy(fs, busy))
		return -NX_EBUSY;
	if ((err = nexfs_dir_find(fs, &fs->snaps, name, len, &idx, &de)) != 0)
		return err;
	if ((err = nexfs_reserve(fs, NEXFS_MAX_HEIGHT + 4)) != 0)
		return err;
	if ((dir = nexfs_ino_load(fs, &fs->snaps, &err)) == NULL)
		return err;
	fs->snap_tree = true;
	err = nexfs_dir_del(fs, dir, idx);
	fs->snap_tree = false;
	if (err || (err = snaps_store(fs, dir)) != 0)
		return nexfs_fail(fs, err);
	/* Which blocks only this snapshot held is known after a recount. */
	fs->last_snap_gen = 0;
	fs->nsnaps--;
	for (uint64_t i = 0; nexfs_dir_get(fs, &fs->snaps, i, &de) == 0; i++)
		if (de.gen > fs->last_snap_gen)
			fs->last_snap_gen = de.gen;
	fs->rewalk = true;
	return nexfs_commit(fs, NULL);
}

int nexfs_snap_list(struct nexfs *fs, uint64_t index, struct nexfs_stat *st)
{
	struct nx_nexfs_dirent de;
	int err;

	if ((err = nexfs_ready(fs)) != 0 ||
	    (err = nexfs_dir_get(fs, &fs->snaps, index, &de)) != 0)
		return err;
	memset(st, 0, sizeof(*st));
	st->type = NX_NEXFS_DIR;
	st->gen = de.gen;
	memcpy(st->name, de.name, de.name_len);
	return 0;
}
