/*
 * nexfs block layer: hashed reads, copy-on-write writes and the three
 * allocation bitmaps (see struct nexfs). The rule that keeps every commit
 * intact lives here: a block is written in place only while it is fresh
 * (no commit reaches it); otherwise the write goes to a block that is
 * neither used nor fresh.
 */
#include <string.h>

#include <nexus/errno.h>

#include "blake3.h"
#include "fs/nexfs/internal.h"

void nexfs_hash(const void *buf, size_t len, uint8_t out[NX_NEXFS_HASH_LEN])
{
	blake3_hasher h;

	blake3_hasher_init(&h);
	blake3_hasher_update(&h, buf, len);
	blake3_hasher_finalize(&h, out, NX_NEXFS_HASH_LEN);
}

bool nexfs_bit(const uint8_t *map, uint64_t blk)
{
	return (map[blk / 8] >> (blk % 8)) & 1u;
}

void nexfs_setbit(uint8_t *map, uint64_t blk, bool on)
{
	if (on)
		map[blk / 8] |= (uint8_t)(1u << (blk % 8));
	else
		map[blk / 8] &= (uint8_t)~(1u << (blk % 8));
}

/* The first failure in the middle of a change poisons the mount. */
int nexfs_fail(struct nexfs *fs, int err)
{
	fs->broken = true;
	return err;
}

static void seen_set(struct nexfs *fs, uint64_t blk, const uint8_t *hash)
{
	fs->seen[blk % NEXFS_SEEN].blk = hash ? blk : 0;
	if (hash)
		memcpy(fs->seen[blk % NEXFS_SEEN].hash, hash, NX_NEXFS_HASH_LEN);
}

static bool seen_with(const struct nexfs *fs, const struct nx_nexfs_ptr *p)
{
	return !fs->verifying && fs->seen[p->blk % NEXFS_SEEN].blk == p->blk &&
	       memcmp(fs->seen[p->blk % NEXFS_SEEN].hash, p->hash, NX_NEXFS_HASH_LEN) == 0;
}

/*
 * Reads the block @p names and checks it against @p's hash: nothing read
 * from the device is interpreted before that.
 */
int nexfs_blk_read(struct nexfs *fs, const struct nx_nexfs_ptr *p, void *buf)
{
	uint8_t h[NX_NEXFS_HASH_LEN];

	if (p->blk < NX_NEXFS_SUPER_SLOTS || p->blk >= fs->nblocks)
		return -NX_EIO;
	if (fs->bd->read(fs->bd->ctx, p->blk, buf) != 0)
		return -NX_EIO;
	if (seen_with(fs, p))
		return 0;
	nexfs_hash(buf, fs->bs, h);
	if (memcmp(h, p->hash, sizeof(h)) != 0)
		return -NX_EIO;
	seen_set(fs, p->blk, h);
	return 0;
}

static uint64_t blk_alloc(struct nexfs *fs)
{
	for (uint64_t i = 0; i < fs->nblocks; i++) {
		uint64_t b = fs->cursor++;

		if (fs->cursor >= fs->nblocks)
			fs->cursor = NX_NEXFS_SUPER_SLOTS;
		if (b < NX_NEXFS_SUPER_SLOTS)
			continue;
		if (!nexfs_bit(fs->used, b) && !nexfs_bit(fs->fresh, b)) {
			nexfs_setbit(fs->fresh, b, true);
			fs->nfree--;
			return b;
		}
	}
	return 0;
}

/*
 * True when nothing but the working tree can hold @p's block: it is
 * fresh, or born after the newest snapshot. A committed block that was
 * live when a snapshot was taken is in that snapshot, since a block
 * leaves the live tree only once; so birth <= last_snap_gen means shared.
 * The same bound covers a whole subtree, as children are never younger
 * than their parent.
 */
bool nexfs_blk_private(const struct nexfs *fs, const struct nx_nexfs_ptr *p)
{
	if (nexfs_bit(fs->fresh, p->blk))
		return true;
	return fs->snap_tree || p->birth > fs->last_snap_gen;
}

/* The working tree no longer references @p's block. */
void nexfs_blk_drop(struct nexfs *fs, struct nx_nexfs_ptr *p)
{
	if (p->blk == 0)
		return;
	if (nexfs_bit(fs->fresh, p->blk)) {
		nexfs_setbit(fs->fresh, p->blk, false);
		fs->nfree++;
	} else if (nexfs_blk_private(fs, p)) {
		nexfs_setbit(fs->dead, p->blk, true);
	}
	memset(p, 0, sizeof(*p));
}

/*
 * Writes @buf as the new version of the block @p names (or a new block
 * when @p is a hole) and points @p at it. Callers reserve space first,
 * so running out here is a broken invariant; it still fails cleanly.
 */
int nexfs_blk_write(struct nexfs *fs, struct nx_nexfs_ptr *p, const void *buf)
{
	uint64_t b = p->blk;

	if (b == 0 || !nexfs_bit(fs->fresh, b)) {
		b = blk_alloc(fs);
		if (b == 0)
			return nexfs_fail(fs, -NX_ENOSPC);
		nexfs_blk_drop(fs, p);
	}
	if (fs->bd->write(fs->bd->ctx, b, buf) != 0) {
		seen_set(fs, b, NULL);
		return nexfs_fail(fs, -NX_EIO);
	}
	p->blk = b;
	p->birth = fs->gen + 1;
	nexfs_hash(buf, fs->bs, p->hash);
	seen_set(fs, b, p->hash);
	fs->dirty = true;
	return 0;
}

int nexfs_reserve(struct nexfs *fs, uint64_t blocks)
{
	return fs->nfree >= blocks ? 0 : -NX_ENOSPC;
}

void nexfs_count_free(struct nexfs *fs)
{
	fs->nfree = 0;
	for (uint64_t b = NX_NEXFS_SUPER_SLOTS; b < fs->nblocks; b++)
		if (!nexfs_bit(fs->used, b) && !nexfs_bit(fs->fresh, b))
			fs->nfree++;
}
