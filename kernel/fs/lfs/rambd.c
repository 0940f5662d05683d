/* The power-cutting RAM block device (see rambd.h). */
#include <string.h>

#include <nexus/errno.h>

#include "fs/lfs/rambd.h"

static uint8_t *at(struct lfs_rambd *rb, uint32_t block, uint32_t off)
{
	return rb->mem + (size_t)block * rb->bd.block_size + off;
}

/* Counts one program or erase; true if power fails during it. */
static bool tick(struct lfs_rambd *rb)
{
	rb->ops++;
	if (rb->cut_at && rb->ops == rb->cut_at) {
		rb->cut = true;
		return true;
	}
	return false;
}

static int rb_read(void *ctx, uint32_t block, uint32_t off, void *buf, uint32_t size)
{
	struct lfs_rambd *rb = ctx;

	if (rb->cut)
		return -NX_EIO;
	memcpy(buf, at(rb, block, off), size);
	return 0;
}

static int rb_prog(void *ctx, uint32_t block, uint32_t off, const void *buf, uint32_t size)
{
	struct lfs_rambd *rb = ctx;

	if (rb->cut)
		return -NX_EIO;
	if (off < rb->mark[block])
		return -NX_EINVAL;
	if (tick(rb)) {
		memcpy(at(rb, block, off), buf, size / 2);
		return -NX_EIO;
	}
	memcpy(at(rb, block, off), buf, size);
	rb->mark[block] = off + size;
	return 0;
}

static int rb_erase(void *ctx, uint32_t block)
{
	struct lfs_rambd *rb = ctx;

	if (rb->cut)
		return -NX_EIO;
	if (tick(rb)) {
		memset(at(rb, block, 0), 0xff, rb->bd.block_size / 2);
		return -NX_EIO;
	}
	memset(at(rb, block, 0), 0xff, rb->bd.block_size);
	rb->mark[block] = 0;
	return 0;
}

static int rb_sync(void *ctx)
{
	struct lfs_rambd *rb = ctx;

	return rb->cut ? -NX_EIO : 0;
}

void lfs_rambd_init(struct lfs_rambd *rb, uint8_t *mem, uint32_t *mark, uint32_t bs,
		    uint32_t count)
{
	memset(rb, 0, sizeof(*rb));
	rb->bd = (struct lfs_bd){ rb_read, rb_prog, rb_erase, rb_sync, bs, count, rb };
	rb->mem = mem;
	rb->mark = mark;
	memset(mem, 0xff, (size_t)bs * count);
	memset(mark, 0, sizeof(*mark) * count);
}

void lfs_rambd_power(struct lfs_rambd *rb, uint64_t cut_at)
{
	rb->cut = false;
	rb->ops = 0;
	rb->cut_at = cut_at;
}
