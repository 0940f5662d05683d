/*
 * littlefs block allocator (DESIGN.md "The block allocator"). There is no
 * free map on disk: a block is in use if a walk of the file system reaches
 * it. The allocator keeps a window of LFS_LOOKAHEAD blocks, marks those the
 * walk reaches, hands out the others in order and slides the window on.
 *
 * Blocks handed out since the last walk are marked in the window, and
 * blocks behind the window are only met again after a full lap. ckpoint
 * counts the blocks left in that lap: it is reset by lfs_alloc_ckpoint()
 * whenever everything allocated so far is reachable by the walk
 * (committed, or held by an open file), and reaching zero means no space.
 */
#include <string.h>

#include <nexus/errno.h>

#include "fs/lfs/lfs_int.h"

struct walk {
	struct lfs *lfs;
	int (*cb)(void *data, uint32_t block);
	void *data;
};

static int walk_pair(struct walk *w, const uint32_t pair[2])
{
	int err = w->cb(w->data, pair[0]);

	return err ? err : w->cb(w->data, pair[1]);
}

static int walk_ctz(struct walk *w, uint32_t head, uint32_t size)
{
	uint32_t inoff;

	if (size == 0)
		return 0;
	uint32_t idx = lfs_ctz_index(w->lfs->bd->block_size, size - 1, &inoff);
	return lfs_ctz_walk(w->lfs, head, idx, w->cb, w->data);
}

/*
 * Visits every metadata pair on the tail list from {0, 1}, every CTZ list
 * they name, and the lists of open files (committed or not). The tail
 * list holds every pair (SPEC.md "LFS_TYPE_TAIL"); a list longer than the
 * device has a cycle.
 */
int lfs_traverse(struct lfs *lfs, int (*cb)(void *data, uint32_t block), void *data)
{
	struct walk w = { lfs, cb, data };
	struct lfs_mdir *m = &lfs->tm;
	uint32_t pair[2] = { 0, 1 };
	uint8_t d[8];
	int err;

	for (uint32_t n = 0; !lfs_pair_null(pair); n++) {
		if (n > lfs->bd->block_count / 2)
			return -NX_ECORRUPT;
		if ((err = walk_pair(&w, pair)) || (err = lfs_mdir_fetch(lfs, m, pair, false)))
			return err;
		for (uint16_t id = 0; id < m->count; id++) {
			const struct lfs_ent *e = &m->ent[id];
			if (e->stype != LFS_T_CTZ)
				continue;
			if (e->slen != 8)
				return -NX_ECORRUPT;
			if ((err = lfs_ent_read(lfs, m, e, false, 0, d, 8)) ||
			    (err = walk_ctz(&w, lfs_le32(d), lfs_le32(d + 4))))
				return err;
		}
		pair[0] = m->tail[0];
		pair[1] = m->tail[1];
	}
	for (struct lfs_file *f = lfs->files; f; f = f->next) {
		if (!f->inl && (err = walk_ctz(&w, f->head, f->size)))
			return err;
		if (f->writing && (err = lfs_ctz_walk(lfs, f->whead, f->windex, cb, data)))
			return err;
	}
	return 0;
}

static int mark(void *data, uint32_t block)
{
	struct lfs *lfs = data;
	uint32_t rel = (block + lfs->bd->block_count - lfs->la.start) % lfs->bd->block_count;

	if (rel < lfs->la.size)
		lfs->la.map[rel / 8] |= (uint8_t)(1u << (rel % 8));
	return 0;
}

void lfs_alloc_ckpoint(struct lfs *lfs)
{
	lfs->la.ckpoint = lfs->bd->block_count;
}

void lfs_alloc_reset(struct lfs *lfs)
{
	lfs->la.start = lfs->seed % lfs->bd->block_count;
	lfs->la.size = 0;
	lfs->la.next = 0;
	lfs_alloc_ckpoint(lfs);
}

int lfs_alloc(struct lfs *lfs, uint32_t *block)
{
	for (;;) {
		while (lfs->la.next < lfs->la.size && lfs->la.ckpoint > 0) {
			uint32_t i = lfs->la.next++;
			lfs->la.ckpoint--;
			if (!(lfs->la.map[i / 8] & (1u << (i % 8)))) {
				lfs->la.map[i / 8] |= (uint8_t)(1u << (i % 8));
				*block = (lfs->la.start + i) % lfs->bd->block_count;
				return 0;
			}
		}
		if (lfs->la.ckpoint == 0)
			return -NX_ENOSPC;
		lfs->la.start = (lfs->la.start + lfs->la.size) % lfs->bd->block_count;
		lfs->la.size = LFS_LOOKAHEAD;
		if (lfs->la.size > lfs->la.ckpoint)
			lfs->la.size = lfs->la.ckpoint;
		lfs->la.next = 0;
		memset(lfs->la.map, 0, sizeof(lfs->la.map));
		int err = lfs_traverse(lfs, mark, lfs);
		if (err)
			return err;
	}
}
