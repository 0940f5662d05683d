/*
 * A disk (virtio-blk, by index) seen as fixed-size blocks, for the
 * filesystems' block-device interfaces. Block and sector sizes differ,
 * and callers may ask for part of a block: those go through the block
 * cache. One caller at a time (the fs service, on the calling app's
 * fiber).
 */
#ifndef FS_BLKDEV_H
#define FS_BLKDEV_H

#include <stdint.h>

#include "fs/bcache.h"

struct blkdev {
	unsigned disk;
	uint32_t block_size;		/* a multiple of the 512-byte sector */
	uint64_t blocks;
	struct bcache cache;
};

/* 0, -NX_ENOENT (no such disk), -NX_EINVAL (bad size), -NX_ENOMEM. */
int blkdev_open(struct blkdev *b, unsigned disk, uint32_t block_size);
int blkdev_read(struct blkdev *b, uint64_t block, uint32_t off, void *buf, uint32_t len);
int blkdev_write(struct blkdev *b, uint64_t block, uint32_t off, const void *buf,
		 uint32_t len);
/* Everything written so far is durable when this returns. */
int blkdev_sync(struct blkdev *b);
/* Reads after this come from the disk itself (a verify checks the media). */
void blkdev_drop_cache(struct blkdev *b);

#endif
