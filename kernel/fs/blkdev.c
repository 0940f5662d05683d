/* Disks as blocks: whole blocks go straight to the device, parts bounce. */
#include <string.h>

#include <nexus/errno.h>

#include "drivers/virtio_blk.h"
#include "fs/blkdev.h"
#include "mm/page_alloc.h"

int blkdev_open(struct blkdev *b, unsigned disk, uint32_t block_size)
{
	struct vblk_info info;
	int err = vblk_info(disk, &info);

	if (err)
		return err;
	if (block_size < VBLK_SECTOR || block_size > PAGE_SIZE ||
	    block_size % VBLK_SECTOR)
		return -NX_EINVAL;
	b->disk = disk;
	b->block_size = block_size;
	b->blocks = info.capacity / (block_size / VBLK_SECTOR);
	b->bounce = page_alloc();
	return b->bounce ? 0 : -NX_ENOMEM;
}

static int transfer(struct blkdev *b, enum vblk_op op, uint64_t block, void *buf)
{
	uint32_t spb = b->block_size / VBLK_SECTOR;

	if (block >= b->blocks)
		return -NX_ERANGE;
	return vblk_io(b->disk, op, block * spb, buf, spb);
}

/* 0: a whole block, 1: part of one (bounce), or -NX_EINVAL. */
static int whole_or_bounce(const struct blkdev *b, uint32_t off, uint32_t len)
{
	if (off > b->block_size || len > b->block_size - off)
		return -NX_EINVAL;
	return off == 0 && len == b->block_size ? 0 : 1;
}

int blkdev_read(struct blkdev *b, uint64_t block, uint32_t off, void *buf, uint32_t len)
{
	int part = whole_or_bounce(b, off, len), err;

	if (part <= 0)
		return part < 0 ? part : transfer(b, VBLK_READ, block, buf);
	err = transfer(b, VBLK_READ, block, b->bounce);
	if (!err)
		memcpy(buf, b->bounce + off, len);
	return err;
}

int blkdev_write(struct blkdev *b, uint64_t block, uint32_t off, const void *buf,
		 uint32_t len)
{
	int part = whole_or_bounce(b, off, len), err;

	if (part < 0)
		return part;
	if (part == 0)	/* the device only reads a write's buffer */
		return transfer(b, VBLK_WRITE, block, (void *)(uintptr_t)buf);
	err = transfer(b, VBLK_READ, block, b->bounce);
	if (err)
		return err;
	memcpy(b->bounce + off, buf, len);
	return transfer(b, VBLK_WRITE, block, b->bounce);
}

int blkdev_sync(struct blkdev *b)
{
	return vblk_io(b->disk, VBLK_FLUSH, 0, NULL, 0);
}
