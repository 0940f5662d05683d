/*
 * The RAM block device with a power switch (see ramdisk.h).
 */
#include <string.h>

#include <nexus/errno.h>

#include "fs/nexfs/ramdisk.h"

static int ram_read(void *ctx, uint64_t blk, void *buf)
{
	struct nexfs_ram *ram = ctx;

	if (blk >= ram->bd.block_count)
		return -NX_EIO;
	memcpy(buf, ram->mem + blk * ram->bd.block_size, ram->bd.block_size);
	return 0;
}

static int ram_write(void *ctx, uint64_t blk, const void *buf)
{
	struct nexfs_ram *ram = ctx;

	if (blk >= ram->bd.block_count)
		return -NX_EIO;
	if (ram->writes++ >= ram->cut_at) {
		ram->dropped++;
		return 0;
	}
	memcpy(ram->mem + blk * ram->bd.block_size, buf, ram->bd.block_size);
	return 0;
}

/* Writes land in order, at once: nothing to flush. */
static int ram_sync(void *ctx)
{
	(void)ctx;
	return 0;
}

void nexfs_ram_init(struct nexfs_ram *ram, void *mem, uint32_t bs,
		    uint64_t count)
{
	memset(ram, 0, sizeof(*ram));
	ram->mem = mem;
	ram->cut_at = NEXFS_RAM_NO_CUT;
	ram->bd.read = ram_read;
	ram->bd.write = ram_write;
	ram->bd.sync = ram_sync;
	ram->bd.block_size = bs;
	ram->bd.block_count = count;
	ram->bd.ctx = ram;
}
