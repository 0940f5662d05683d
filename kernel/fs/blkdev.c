/* Disks as blocks, through a write-through block cache (fs/bcache.h). */
#include <string.h>

#include <nexus/errno.h>

#include "drivers/virtio_blk.h"
#include "fs/blkdev.h"
#include "mm/page_alloc.h"

static int transfer(struct blkdev *b, enum vblk_op op, uint64_t block, void *buf)
{
	uint32_t spb = b->block_size / VBLK_SECTOR;

	if (block >= b->blocks)
		return -NX_ERANGE;
	return vblk_io(b->disk, op, block * spb, buf, spb);
}

static int read_block(void *ctx, uint64_t block, void *buf)
{
	return transfer(ctx, VBLK_READ, block, buf);
}

static int write_block(void *ctx, uint64_t block, void *buf)
{
	return transfer(ctx, VBLK_WRITE, block, buf);
}

int blkdev_open(struct blkdev *b, unsigned disk, uint32_t block_size)
{
	struct vblk_info info;
	int err = vblk_info(disk, &info);
	unsigned pages;
	uint8_t *mem;

	if (err)
		return err;
	if (block_size < VBLK_SECTOR || block_size > PAGE_SIZE ||
	    block_size % VBLK_SECTOR)
		return -NX_EINVAL;
	b->disk = disk;
	b->block_size = block_size;
	b->blocks = info.capacity / (block_size / VBLK_SECTOR);
	pages = (unsigned)(((size_t)BCACHE_BLOCKS * block_size + PAGE_SIZE - 1) / PAGE_SIZE);
	mem = page_alloc_aligned(pages, PAGE_SIZE);
	if (!mem)
		return -NX_ENOMEM;
	bcache_init(&b->cache, mem, block_size, read_block, write_block, b);
	return 0;
}

int blkdev_read(struct blkdev *b, uint64_t block, uint32_t off, void *buf, uint32_t len)
{
	return bcache_read(&b->cache, block, off, buf, len);
}

int blkdev_write(struct blkdev *b, uint64_t block, uint32_t off, const void *buf,
		 uint32_t len)
{
	return bcache_write(&b->cache, block, off, buf, len);
}

int blkdev_sync(struct blkdev *b)
{
	return vblk_io(b->disk, VBLK_FLUSH, 0, NULL, 0);
}

void blkdev_drop_cache(struct blkdev *b)
{
	bcache_drop(&b->cache);
}
