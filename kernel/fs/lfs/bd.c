/*
 * littlefs block-device access: range checks every request against the
 * geometry, so a corrupt pointer read from disk becomes -NX_ECORRUPT
 * rather than a stray access, and the CRC of SPEC.md.
 */
#include <string.h>

#include <nexus/errno.h>

#include "fs/lfs/lfs_int.h"

/*
 * SPEC.md: CRC-32, polynomial 0x04c11db7, initial value 0xffffffff. The
 * bits are taken least significant first (the reflected form, 0xedb88320)
 * and the result is not inverted, so this is the complement of the usual
 * zlib/Ethernet CRC-32.
 */
static uint32_t crc_table[256];

/* Byte at a time from a table built on first use: fetching a metadata
 * pair checks the CRC of its whole log, the hot loop of every lookup. */
static void crc_table_build(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int b = 0; b < 8; b++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
		crc_table[i] = c;
	}
}

uint32_t lfs_crc(uint32_t crc, const void *buf, size_t size)
{
	const uint8_t *p = buf;

	if (!crc_table[1])
		crc_table_build();
	for (size_t i = 0; i < size; i++)
		crc = (crc >> 8) ^ crc_table[(crc ^ p[i]) & 0xffu];
	return crc;
}

static bool in_range(struct lfs *lfs, uint32_t block, uint32_t off, uint32_t size)
{
	return block < lfs->bd->block_count && off <= lfs->bd->block_size &&
	       size <= lfs->bd->block_size - off;
}

int lfs_bd_read(struct lfs *lfs, uint32_t block, uint32_t off, void *buf, uint32_t size)
{
	if (!in_range(lfs, block, off, size))
		return -NX_ECORRUPT;
	if (size == 0)
		return 0;
	return lfs->bd->read(lfs->bd->ctx, block, off, buf, size);
}

/* The block is about to change: its remembered log scan is stale. */
static void forget_scan(struct lfs *lfs, uint32_t block)
{
	if (lfs->scans[block % LFS_SCAN_CACHE].block == block)
		lfs->scans[block % LFS_SCAN_CACHE].valid = false;
}

int lfs_bd_prog(struct lfs *lfs, uint32_t block, uint32_t off, const void *buf,
		uint32_t size)
{
	if (!in_range(lfs, block, off, size))
		return -NX_EINVAL;
	if (size == 0)
		return 0;
	forget_scan(lfs, block);
	return lfs->bd->prog(lfs->bd->ctx, block, off, buf, size);
}

int lfs_bd_erase(struct lfs *lfs, uint32_t block)
{
	if (block >= lfs->bd->block_count)
		return -NX_EINVAL;
	forget_scan(lfs, block);
	return lfs->bd->erase(lfs->bd->ctx, block);
}

int lfs_bd_sync(struct lfs *lfs)
{
	return lfs->bd->sync ? lfs->bd->sync(lfs->bd->ctx) : 0;
}

int lfs_bd_crc(struct lfs *lfs, uint32_t block, uint32_t off, uint32_t size, uint32_t *crc)
{
	uint8_t b[256];

	while (size) {
		uint32_t n = size < sizeof(b) ? size : (uint32_t)sizeof(b);
		int err = lfs_bd_read(lfs, block, off, b, n);
		if (err)
			return err;
		*crc = lfs_crc(*crc, b, n);
		off += n;
		size -= n;
	}
	return 0;
}

int lfs_bd_copy(struct lfs *lfs, uint32_t dblock, uint32_t doff, uint32_t sblock,
		uint32_t soff, uint32_t size)
{
	uint8_t b[64];

	while (size) {
		uint32_t n = size < sizeof(b) ? size : (uint32_t)sizeof(b);
		int err = lfs_bd_read(lfs, sblock, soff, b, n);
		if (!err)
			err = lfs_bd_prog(lfs, dblock, doff, b, n);
		if (err)
			return err;
		soff += n;
		doff += n;
		size -= n;
	}
	return 0;
}
