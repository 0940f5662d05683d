/*
 * A small write-through cache of whole blocks in front of a disk. Both
 * filesystems read the same few metadata blocks over and over in small
 * pieces (littlefs walks a metadata log tag by tag), and without a cache
 * every piece is a device round trip. Writes go to the device before the
 * call returns, so durability and ordering are the device's, exactly as
 * without the cache; a partial write only saves the read of the block.
 *
 * Portable: the device is two callbacks, so the host tests run it.
 */
#ifndef FS_BCACHE_H
#define FS_BCACHE_H

#include <stdint.h>

#define BCACHE_BLOCKS	256	/* 1 MiB of 4 KiB blocks: a 1000-file directory */
#define BCACHE_HASH	512	/* buckets, a power of two */

typedef int bcache_io_fn(void *ctx, uint64_t block, void *buf);

struct bcache {
	bcache_io_fn *read;	/* one whole block from the device */
	bcache_io_fn *write;	/* one whole block to it */
	void *ctx;
	uint32_t block_size;
	uint8_t *mem;		/* BCACHE_BLOCKS blocks */
	struct {
		uint64_t block;
		uint64_t used;	/* last use, for LRU; 0: empty */
		int16_t next;	/* in its hash bucket; -1 ends */
	} slot[BCACHE_BLOCKS];
	int16_t bucket[BCACHE_HASH];	/* first slot of each chain, -1: none */
	uint64_t clock;
	uint64_t hits, misses;
};

/* @mem holds BCACHE_BLOCKS * block_size bytes. */
void bcache_init(struct bcache *c, uint8_t *mem, uint32_t block_size,
		 bcache_io_fn *read, bcache_io_fn *write, void *ctx);
/* Bytes [off, off + len) of @block; 0 or the device's error. */
int bcache_read(struct bcache *c, uint64_t block, uint32_t off, void *buf, uint32_t len);
int bcache_write(struct bcache *c, uint64_t block, uint32_t off, const void *buf,
		 uint32_t len);
/* Forget everything: the next reads come from the device itself. */
void bcache_drop(struct bcache *c);

#endif
