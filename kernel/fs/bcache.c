/* Whole-block write-through cache with least-recently-used replacement. */
#include <stdbool.h>
#include <string.h>

#include <nexus/errno.h>

#include "fs/bcache.h"

void bcache_init(struct bcache *c, uint8_t *mem, uint32_t block_size,
		 bcache_io_fn *read, bcache_io_fn *write, void *ctx)
{
	memset(c, 0, sizeof(*c));
	c->mem = mem;
	c->block_size = block_size;
	c->read = read;
	c->write = write;
	c->ctx = ctx;
	bcache_drop(c);
}

static uint8_t *data(struct bcache *c, unsigned i)
{
	return c->mem + (size_t)i * c->block_size;
}

static unsigned hash(uint64_t block)
{
	return (unsigned)(block ^ block >> 9) & (BCACHE_HASH - 1);
}

static int lookup(struct bcache *c, uint64_t block)
{
	for (int i = c->bucket[hash(block)]; i >= 0; i = c->slot[i].next)
		if (c->slot[i].block == block)
			return i;
	return -1;
}

static void unlink_slot(struct bcache *c, unsigned i)
{
	int16_t *p = &c->bucket[hash(c->slot[i].block)];

	if (!c->slot[i].used)
		return;
	while (*p != (int16_t)i)
		p = &c->slot[*p].next;
	*p = c->slot[i].next;
	c->slot[i].used = 0;
}

/* A free slot: an empty one, or the least recently used, unlinked. */
static unsigned victim(struct bcache *c)
{
	unsigned v = 0;

	for (unsigned i = 0; i < BCACHE_BLOCKS; i++) {
		if (!c->slot[i].used)
			return i;
		if (c->slot[i].used < c->slot[v].used)
			v = i;
	}
	unlink_slot(c, v);
	return v;
}

static void insert(struct bcache *c, unsigned i, uint64_t block)
{
	unsigned h = hash(block);

	c->slot[i].block = block;
	c->slot[i].used = ++c->clock;
	c->slot[i].next = c->bucket[h];
	c->bucket[h] = (int16_t)i;
}

/* The slot holding @block, read from the device on a miss. */
static int load(struct bcache *c, uint64_t block)
{
	int i = lookup(c, block), err;

	if (i >= 0) {
		c->hits++;
		c->slot[i].used = ++c->clock;
		return i;
	}
	c->misses++;
	i = (int)victim(c);
	err = c->read(c->ctx, block, data(c, (unsigned)i));
	if (err)
		return err;
	insert(c, (unsigned)i, block);
	return i;
}

static bool in_block(const struct bcache *c, uint32_t off, uint32_t len)
{
	return off <= c->block_size && len <= c->block_size - off;
}

static bool whole(const struct bcache *c, uint32_t off, uint32_t len)
{
	return off == 0 && len == c->block_size;
}

/*
 * Whole blocks that are not cached go straight between the device and the
 * caller: file data streams past without pushing the metadata out.
 */
int bcache_read(struct bcache *c, uint64_t block, uint32_t off, void *buf, uint32_t len)
{
	int i;

	if (!in_block(c, off, len))
		return -NX_EINVAL;
	if (whole(c, off, len) && lookup(c, block) < 0) {
		c->misses++;
		return c->read(c->ctx, block, buf);
	}
	i = load(c, block);
	if (i < 0)
		return i;
	memcpy(buf, data(c, (unsigned)i) + off, len);
	return 0;
}

int bcache_write(struct bcache *c, uint64_t block, uint32_t off, const void *buf,
		 uint32_t len)
{
	int i, err;

	if (!in_block(c, off, len))
		return -NX_EINVAL;
	if (whole(c, off, len)) {
		i = lookup(c, block);
		err = c->write(c->ctx, block, (void *)(uintptr_t)buf);
		if (i >= 0 && err)
			unlink_slot(c, (unsigned)i);
		else if (i >= 0)
			memcpy(data(c, (unsigned)i), buf, len);
		return err;
	}
	i = load(c, block);
	if (i < 0)
		return i;
	memcpy(data(c, (unsigned)i) + off, buf, len);
	err = c->write(c->ctx, block, data(c, (unsigned)i));
	if (err)
		unlink_slot(c, (unsigned)i);	/* what the device holds is unknown */
	return err;
}

void bcache_drop(struct bcache *c)
{
	for (unsigned i = 0; i < BCACHE_BLOCKS; i++)
		c->slot[i].used = 0;
	for (unsigned h = 0; h < BCACHE_HASH; h++)
		c->bucket[h] = -1;
}
