/*
 * littlefs CTZ skip-lists (DESIGN.md "CTZ skip-lists", SPEC.md
 * "LFS_TYPE_CTZSTRUCT"). A file larger than an inline file is a list of
 * blocks stored backwards from its head: block i (i > 0) starts with
 * ctz(i) + 1 little-endian pointers, pointer k to block i - 2^k, then data.
 * Block 0 has no pointers. Blocks are written once and never changed, so
 * a list that is not yet committed cannot harm the committed one.
 */
#include <nexus/errno.h>

#include "fs/lfs/lfs_int.h"

static uint32_t popcount(uint32_t x)
{
	uint32_t n = 0;

	for (; x; x &= x - 1)
		n++;
	return n;
}

/* File offset where the data of block I begins. */
static uint64_t block_start(uint32_t B, uint32_t i)
{
	if (i == 0)
		return 0;
	/*
	 * Blocks 1..i-1 hold sum(ctz(j) + 1) pointers, and the sum of ctz(j)
	 * for j = 1..n is n - popcount(n).
	 */
	uint64_t n = i - 1;
	uint64_t ptrs = 2 * n - popcount((uint32_t)n);
	return (uint64_t)i * B - 4 * ptrs;
}

/* Index of the block holding byte POS, and POS's offset in that block. */
uint32_t lfs_ctz_index(uint32_t B, uint32_t pos, uint32_t *inoff)
{
	/* Blocks hold B - 8 bytes on average: start there and adjust. */
	uint32_t i = pos / (B - 8);

	while (i > 0 && block_start(B, i) > pos)
		i--;
	while (block_start(B, i + 1) <= pos)
		i++;
	*inoff = (uint32_t)(pos - block_start(B, i)) + (i ? 4 * (lfs_ctz(i) + 1) : 0);
	return i;
}

/* Follows skip pointers from HEAD (block index HINDEX) down to INDEX. */
int lfs_ctz_find(struct lfs *lfs, uint32_t head, uint32_t hindex, uint32_t index,
		 uint32_t *block)
{
	uint8_t w[4];

	while (hindex > index) {
		uint32_t skip = lfs_ctz(hindex);
		uint32_t gap = 31 - (uint32_t)__builtin_clz(hindex - index);
		if (skip > gap)
			skip = gap;
		int err = lfs_bd_read(lfs, head, 4 * skip, w, 4);
		if (err)
			return err;
		head = lfs_le32(w);
		hindex -= 1u << skip;
		if (head >= lfs->bd->block_count)
			return -NX_ECORRUPT;
	}
	*block = head;
	return 0;
}

int lfs_ctz_walk(struct lfs *lfs, uint32_t head, uint32_t hindex,
		 int (*cb)(void *data, uint32_t block), void *data)
{
	uint8_t w[4];
	int err;

	for (;;) {
		if (head >= lfs->bd->block_count)
			return -NX_ECORRUPT;
		if ((err = cb(data, head)))
			return err;
		if (hindex == 0)
			return 0;
		if ((err = lfs_bd_read(lfs, head, 0, w, 4)))
			return err;
		head = lfs_le32(w);
		hindex--;
	}
}

/*
 * The pointers of a new block INDEX whose predecessor is PREV. Pointer k
 * of block i is pointer k - 1 of block i - 2^(k-1), as that block's index
 * is a multiple of 2^k too.
 */
int lfs_ctz_ptrs(struct lfs *lfs, uint32_t prev, uint32_t index, uint8_t *ptrs)
{
	uint32_t n = lfs_ctz(index) + 1, h = prev;
	uint8_t w[4];

	for (uint32_t k = 0; k < n; k++) {
		if (k) {
			int err = lfs_bd_read(lfs, h, 4 * (k - 1), w, 4);
			if (err)
				return err;
			h = lfs_le32(w);
		}
		lfs_put_le32(ptrs + 4 * k, h);
	}
	return 0;
}
