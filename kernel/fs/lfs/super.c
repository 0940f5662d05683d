/*
 * littlefs superblock, format, mount and the repairs a power loss may
 * leave for the next writer (SPEC.md "LFS_TYPE_SUPERBLOCK",
 * "LFS_TYPE_MOVESTATE"; DESIGN.md "Global state", "orphans").
 *
 * The superblock entry is id 0 of the pair at blocks {0, 1}: a name tag
 * of type 0x0ff holding "littlefs" and an inline struct of six
 * little-endian words. Mount walks the tail list from {0, 1}: the last
 * pair holding a superblock entry is the root directory, and the xor of
 * every pair's move-state delta is the global state.
 */
#include <string.h>

#include <nexus/errno.h>

#include "fs/lfs/lfs_int.h"

static const char magic[8] = { 'l', 'i', 't', 't', 'l', 'e', 'f', 's' };

static void super_encode(const struct lfs_bd *bd, uint8_t *d)
{
	lfs_put_le32(d, LFS_DISK_VERSION);
	lfs_put_le32(d + 4, bd->block_size);
	lfs_put_le32(d + 8, bd->block_count);
	lfs_put_le32(d + 12, LFS_NAME_MAX);
	lfs_put_le32(d + 16, LFS_FILE_MAX);
	lfs_put_le32(d + 20, LFS_ATTR_MAX);
}

static int check_bd(const struct lfs_bd *bd)
{
	/* SPEC.md: 32-bit sizes in CTZ pointers need blocks of >= 104 bytes. */
	if (!bd || bd->block_size < 128 || bd->block_size % LFS_PROG_ALIGN ||
	    bd->block_size > 0x7fffffffu / 4 || bd->block_count < 2)
		return -NX_EINVAL;
	return 0;
}

static void reset(struct lfs *lfs, const struct lfs_bd *bd)
{
	memset(lfs, 0, offsetof(struct lfs, tmp));
	lfs->bd = bd;
	lfs->root[0] = 0;
	lfs->root[1] = 1;
	lfs->name_max = LFS_NAME_MAX;
}

int lfs_format(struct lfs *lfs, const struct lfs_bd *bd)
{
	struct lfs_mdir *m = &lfs->m[0];
	uint8_t d[SUPER_LEN], w[4];
	int err;

	if ((err = check_bd(bd)))
		return err;
	reset(lfs, bd);
	memset(m, 0, offsetof(struct lfs_mdir, ent));
	/*
	 * Start from block 0's old revision, whatever it holds: the first
	 * commit (to block 1) is then newer than anything left in block 0,
	 * and the second overwrites block 0, so no older file system found
	 * on the device can win.
	 */
	if ((err = lfs_bd_read(lfs, 0, 0, w, 4)))
		return err;
	m->rev = lfs_le32(w);
	m->pair[0] = 0;
	m->pair[1] = 1;
	m->tail[0] = m->tail[1] = LFS_BLOCK_NULL;
	super_encode(bd, d);
	m->count = 1;
	m->ent[0] = (struct lfs_ent){ .type = LFS_T_SUPER, .stype = LFS_T_INLINE,
				      .nlen = 8, .slen = SUPER_LEN, .nram = magic, .sram = d };
	if ((err = lfs_mdir_commit(lfs, m)))
		return err;
	m->dirty = true;	/* a rewrite, not an append: block 0 too */
	return lfs_mdir_commit(lfs, m);
}

/* Checks a superblock entry against the device and takes its limits. */
static int super_check(struct lfs *lfs, const struct lfs_mdir *m)
{
	const struct lfs_ent *e = &m->ent[0];
	uint8_t d[SUPER_LEN];
	char name[8];
	int err;

	if (e->nlen != 8 || e->stype != LFS_T_INLINE || e->slen < SUPER_LEN)
		return -NX_ECORRUPT;
	if ((err = lfs_ent_read(lfs, m, e, true, 0, name, 8)) ||
	    (err = lfs_ent_read(lfs, m, e, false, 0, d, SUPER_LEN)))
		return err;
	if (memcmp(name, magic, 8))
		return -NX_ECORRUPT;
	uint32_t version = lfs_le32(d);
	if (version >> 16 != LFS_DISK_VERSION >> 16 ||
	    (version & 0xffff) > (LFS_DISK_VERSION & 0xffff))
		return -NX_EINVAL;
	if (lfs_le32(d + 4) != lfs->bd->block_size || lfs_le32(d + 8) != lfs->bd->block_count)
		return -NX_EINVAL;
	uint32_t name_max = lfs_le32(d + 12), attr_max = lfs_le32(d + 20);
	if (name_max == 0 || name_max > LFS_NAME_MAX || attr_max > LFS_ATTR_MAX)
		return -NX_ECORRUPT;
	lfs->name_max = name_max;
	lfs->inline_max = lfs->bd->block_size / 8;
	if (lfs->inline_max > attr_max)
		lfs->inline_max = attr_max;
	return 0;
}

int lfs_mount(struct lfs *lfs, const struct lfs_bd *bd)
{
	struct lfs_mdir *m = &lfs->m[0];
	uint32_t pair[2] = { 0, 1 };
	bool found = false;
	int err;

	if ((err = check_bd(bd)))
		return err;
	reset(lfs, bd);
	for (uint32_t n = 0; !lfs_pair_null(pair); n++) {
		if (n > bd->block_count / 2)
			return -NX_ECORRUPT;
		if ((err = lfs_mdir_fetch(lfs, m, pair, false)))
			return err;
		if (m->count > 0 && m->ent[0].type == LFS_T_SUPER) {
			if ((err = super_check(lfs, m)))
				return err;
			lfs->root[0] = m->pair[0];
			lfs->root[1] = m->pair[1];
			found = true;
		}
		lfs->gdisk.tag ^= m->gdelta.tag;
		lfs->gdisk.pair[0] ^= m->gdelta.pair[0];
		lfs->gdisk.pair[1] ^= m->gdelta.pair[1];
		pair[0] = m->tail[0];
		pair[1] = m->tail[1];
	}
	if (!found)
		return -NX_ECORRUPT;
	lfs->gstate = lfs->gdisk;
	lfs_alloc_reset(lfs);
	lfs->mounted = true;
	return 0;
}

int lfs_unmount(struct lfs *lfs)
{
	if (!lfs->mounted)
		return -NX_EINVAL;
	lfs->mounted = false;
	lfs->files = NULL;
	return lfs_bd_sync(lfs);
}

static int count(void *data, uint32_t block)
{
	(void)block;
	(*(uint32_t *)data)++;
	return 0;
}

int lfs_statfs(struct lfs *lfs, struct lfs_fsinfo *fi)
{
	uint32_t used = 0;
	int err;

	if (!lfs->mounted)
		return -NX_EINVAL;
	if ((err = lfs_traverse(lfs, count, &used)))
		return err;
	*fi = (struct lfs_fsinfo){ LFS_DISK_VERSION, lfs->bd->block_size, lfs->bd->block_count,
				   used, lfs->name_max, LFS_FILE_MAX, LFS_ATTR_MAX };
	return 0;
}

void lfs_orphans(struct lfs *lfs, int delta)
{
	uint32_t n = (uint32_t)((int)TAG_SIZE(lfs->gstate.tag) + delta) & 0x3ffu;

	lfs->gstate.tag = (lfs->gstate.tag & ~0x800003ffu) | n | (n ? 0x80000000u : 0);
}

/* Finds the pair whose tail is PAIR. */
int lfs_fs_pred(struct lfs *lfs, const uint32_t pair[2], struct lfs_mdir *pred)
{
	uint32_t p[2] = { 0, 1 };
	int err;

	for (uint32_t n = 0; !lfs_pair_null(p); n++) {
		if (n > lfs->bd->block_count / 2)
			return -NX_ECORRUPT;
		if ((err = lfs_mdir_fetch(lfs, pred, p, true)))
			return err;
		if (lfs_pair_eq(pred->tail, pair))
			return 0;
		p[0] = pred->tail[0];
		p[1] = pred->tail[1];
	}
	return -NX_ENOENT;
}

/* Is PAIR the first pair of a directory some entry names? */
static int has_parent(struct lfs *lfs, const uint32_t pair[2])
{
	struct lfs_mdir *m = &lfs->m[2];
	uint32_t p[2] = { 0, 1 }, d[2];
	int err;

	for (uint32_t n = 0; !lfs_pair_null(p); n++) {
		if (n > lfs->bd->block_count / 2)
			return -NX_ECORRUPT;
		if ((err = lfs_mdir_fetch(lfs, m, p, true)))
			return err;
		for (uint16_t id = 0; id < m->count; id++) {
			if (m->ent[id].stype != LFS_T_DIRSTRUCT)
				continue;
			if ((err = lfs_dirstruct(lfs, m, &m->ent[id], d)))
				return err;
			if (lfs_pair_eq(d, pair))
				return 1;
		}
		p[0] = m->tail[0];
		p[1] = m->tail[1];
	}
	return 0;
}

/*
 * Drops from the tail list every directory pair no entry names: a mkdir
 * or a remove that lost power between its two commits leaves one.
 */
static int deorphan(struct lfs *lfs)
{
	struct lfs_mdir *pred = &lfs->m[0], *cur = &lfs->m[1], *t;
	uint32_t root[2] = { 0, 1 };
	int err;

	if ((err = lfs_mdir_fetch(lfs, pred, root, true)))
		return err;
	for (uint32_t n = 0; !lfs_pair_null(pred->tail); n++) {
		if (n > lfs->bd->block_count / 2)
			return -NX_ECORRUPT;
		if ((err = lfs_mdir_fetch(lfs, cur, pred->tail, true)))
			return err;
		bool super = cur->count && cur->ent[0].type == LFS_T_SUPER;
		if (!pred->split && !super) {
			int r = has_parent(lfs, cur->pair);
			if (r < 0)
				return r;
			if (!r) {
				pred->tail[0] = cur->tail[0];
				pred->tail[1] = cur->tail[1];
				pred->split = cur->split;
				/* The dropped pair's share of the global state moves over. */
				pred->gdelta.tag ^= cur->gdelta.tag;
				pred->gdelta.pair[0] ^= cur->gdelta.pair[0];
				pred->gdelta.pair[1] ^= cur->gdelta.pair[1];
				if ((err = lfs_mdir_commit(lfs, pred)))
					return err;
				continue;
			}
		}
		t = pred;
		pred = cur;
		cur = t;
	}
	lfs_orphans(lfs, -(int)TAG_SIZE(lfs->gstate.tag));
	if ((err = lfs_mdir_fetch(lfs, &lfs->m[0], lfs->root, true)))
		return err;
	return lfs_mdir_commit(lfs, &lfs->m[0]);
}

/*
 * Completes what a power loss interrupted, before anything else is
 * written: a move whose source entry is still on disk, and orphans.
 */
int lfs_fs_fix(struct lfs *lfs)
{
	int err;

	if (!lfs->mounted)
		return -NX_EINVAL;
	lfs_alloc_ckpoint(lfs);
	if (lfs_gstate_hasmove(&lfs->gdisk)) {
		uint32_t pair[2] = { lfs->gdisk.pair[0], lfs->gdisk.pair[1] };
		if ((err = lfs_mdir_fetch(lfs, &lfs->m[0], pair, true)) ||
		    (err = lfs_mdir_commit(lfs, &lfs->m[0])))
			return err;
	}
	if (TAG_SIZE(lfs->gstate.tag) || (lfs->gstate.tag & 0x80000000u))
		return deorphan(lfs);
	return 0;
}
