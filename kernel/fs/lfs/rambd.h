/*
 * A littlefs block device in memory the caller provides, which can lose
 * power: with cut_at = N, the Nth program or erase stops halfway (half
 * of its bytes changed) and every later call fails with -NX_EIO, as a
 * device whose supply went away would. Programs must go to erased bytes
 * in increasing order within a block, as littlefs promises; one that does
 * not fails with -NX_EINVAL, so tests catch it.
 */
#ifndef FS_LFS_RAMBD_H
#define FS_LFS_RAMBD_H

#include "fs/lfs/lfs.h"

struct lfs_rambd {
	struct lfs_bd bd;
	uint8_t *mem;		/* block_size * block_count bytes */
	uint32_t *mark;		/* per block: end of the programmed bytes */
	uint64_t ops;		/* programs and erases so far */
	uint64_t cut_at;	/* 0: never */
	bool cut;
};

/* MEM and MARK must hold bs * count bytes and count words. */
void lfs_rambd_init(struct lfs_rambd *rb, uint8_t *mem, uint32_t *mark, uint32_t bs,
		    uint32_t count);
/* Power back on: calls work again, counting restarts. */
void lfs_rambd_power(struct lfs_rambd *rb, uint64_t cut_at);

#endif
