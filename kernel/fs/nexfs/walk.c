/*
 * nexfs walk: visits every block the working roots reach (the live tree
 * and the snapshot directory with every snapshot under it), marking each
 * in fs->used and checking every hash on the way.
 *
 * Three users: mount (which then knows exactly which blocks are free:
 * free space is never stored, so it cannot disagree with the tree),
 * commit after a snapshot went, and verify. Mount and commit stop at the
 * first bad block and skip reading file data, which reads check anyway;
 * verify hashes everything and counts what fails, without descending
 * into a block that failed.
 *
 * A block reached twice (snapshots share subtrees) is checked again
 * against the second pointer but not descended into: equal hashes mean
 * equal contents, whose children were walked the first time. That also
 * bounds the walk on a crafted image whose pointers form a DAG.
 */
#include <string.h>

#include <nexus/errno.h>

#include "fs/nexfs/internal.h"

/* 1: skip this block and go on (verify); <0: stop (mount). */
static int bad(struct nexfs *fs, uint64_t blk)
{
	if (!fs->verifying)
		return -NX_EIO;
	if (fs->report->bad++ == 0)
		fs->report->first_bad = blk;
	return 1;
}

static int visit(struct nexfs *fs, const struct nx_nexfs_ptr *p, void *buf,
		 bool read, bool *seen)
{
	if (p->blk < NX_NEXFS_SUPER_SLOTS || p->blk >= fs->nblocks)
		return bad(fs, p->blk);
	*seen = nexfs_bit(fs->used, p->blk);
	nexfs_setbit(fs->used, p->blk, true);
	if (!read)
		return 0;
	if (fs->verifying && !*seen)
		fs->report->blocks_checked++;
	if (nexfs_blk_read(fs, p, buf) != 0)
		return bad(fs, p->blk);
	return 0;
}

static int walk_content(struct nexfs *fs, const struct nx_nexfs_ptr *p,
			unsigned h)
{
	bool seen;
	int r;

	if (p->blk == 0)
		return 0;
	r = visit(fs, p, h ? fs->tbuf[h].b : fs->dbuf.b, h > 0 || fs->verifying,
		  &seen);
	if (r || seen || h == 0)
		return r < 0 ? r : 0;
	for (uint32_t i = 0; i < fs->kidx; i++) {
		struct nx_nexfs_ptr child;

		memcpy(&child, fs->tbuf[h].b + i * sizeof(child), sizeof(child));
		r = walk_content(fs, &child, h - 1);
		if (r < 0)
			return r;
	}
	return 0;
}

static int walk_inode(struct nexfs *fs, const struct nx_nexfs_ptr *p,
		      int depth, bool snaps)
{
	const struct nx_nexfs_inode *ino = (const void *)fs->ibuf.b;
	uint64_t entries;
	bool seen, dir;
	int r;

	if (depth > NEXFS_MAX_DEPTH + 1)
		return bad(fs, p->blk);
	r = visit(fs, p, fs->ibuf.b, true, &seen);
	if (r || seen)
		return r < 0 ? r : 0;
	if (!nexfs_ino_valid(fs, ino) || (snaps && ino->type != NX_NEXFS_DIR))
		return bad(fs, p->blk) < 0 ? -NX_EIO : 0;
	dir = ino->type == NX_NEXFS_DIR;
	entries = ino->size / DIRENT_SIZE;
	for (uint32_t i = 0; i < fs->kino; i++) {
		r = walk_content(fs, &ino->ptr[i], ino->height);
		if (r < 0)
			return r;
	}
	for (uint64_t i = 0; dir && i < entries; i++) {
		struct nx_nexfs_dirent de;

		/* A failure here was counted by walk_content, bar a bad entry. */
		r = nexfs_dir_get(fs, p, i, &de);
		if (r == -NX_EIO && !fs->verifying)
			return r;
		if (r)
			break;
		if (snaps) {
			fs->nsnaps++;
			if (de.gen > fs->last_snap_gen)
				fs->last_snap_gen = de.gen;
		}
		r = walk_inode(fs, &de.ptr, depth + 1, false);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Marks what the working roots reach; fs->used must start empty. */
int nexfs_walk(struct nexfs *fs)
{
	int r;

	fs->nsnaps = 0;
	fs->last_snap_gen = 0;
	r = walk_inode(fs, &fs->root, 0, false);
	if (r >= 0)
		r = walk_inode(fs, &fs->snaps, 0, true);
	return r < 0 ? r : 0;
}
