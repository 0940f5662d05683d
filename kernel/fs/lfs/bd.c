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
uint32_t lfs_crc(uint32_t crc, const void *buf, size_t size)
{
	const uint8_t *p = buf;

	for (size_t i = 0; i < size; i++) {
		crc ^= p[i];
		for (int b = 0; b < 8; b++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
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

int lfs_bd_prog(struct lfs *lfs, uint32_t block, uint32_t off, const void *buf,
		uint32_t size)
{
	if (!in_range(lfs, block, off, size))
		return -NX_EINVAL;
	if (size == 0)
		return 0;
	return lfs->bd->prog(lfs->bd->ctx, block, off, buf, size);
}

int lfs_bd_erase(struct lfs *lfs, uint32_t block)
{
	if (block >= lfs->bd->block_count)
		return -NX_EINVAL;
	return lfs->bd->erase(lfs->bd->ctx, block);
}

int lfs_bd_sync(struct lfs *lfs)
{
	return lfs->bd->sync ? lfs->bd->sync(lfs->bd->ctx) : 0;
}

int lfs_bd_crc(struct lfs *lfs, uint32_t block, uint32_t off, uint32_t size, uint32_t *crc)
{
	uint8_t b[64];

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
