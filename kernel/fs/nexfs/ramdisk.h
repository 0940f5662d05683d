/*
 * A block device in caller-provided memory, for tests and the host tool,
 * that can lose power: after cut_at writes, later writes are dropped
 * (and reported as done, as a disk's cache would). Writes are counted
 * whether or not they land, so a test can replay a workload and cut it
 * at every write in turn.
 */
#ifndef FS_NEXFS_RAMDISK_H
#define FS_NEXFS_RAMDISK_H

#include <stdint.h>

#include "fs/nexfs/nexfs.h"

#define NEXFS_RAM_NO_CUT	UINT64_MAX

struct nexfs_ram {
	uint8_t *mem;
	uint64_t writes;	/* attempted */
	uint64_t dropped;	/* lost to the power cut */
	uint64_t cut_at;	/* writes that land; NEXFS_RAM_NO_CUT */
	struct nexfs_bd bd;
};

/* @mem holds @count blocks of @bs bytes. */
void nexfs_ram_init(struct nexfs_ram *ram, void *mem, uint32_t bs,
		    uint64_t count);

#endif
