/*
 * nexfs superblocks and commits: mkfs, mount, the commit protocol and
 * verify's entry point.
 *
 * Commit protocol: every block of the new tree is already on the device
 * (written to blocks no commit reaches); sync; write the superblock of
 * generation g + 1 into slot (g + 1) % 2, over generation g - 1; sync.
 * Mount takes the valid superblock with the higher generation. A crash
 * before the superblock write leaves generation g; a torn superblock
 * fails its checksum, which also leaves g; after it, g + 1 is complete.
 */
#include <string.h>

#include <nexus/errno.h>

#include "fs/nexfs/internal.h"

size_t nexfs_mem_size(uint64_t block_count)
{
	return 3 * (size_t)((block_count + 7) / 8);
}

static int geometry(struct nexfs *fs, struct nexfs_bd *bd)
{
	uint32_t bs = bd->block_size;

	if (bs < NX_NEXFS_MIN_BLOCK || bs > NX_NEXFS_MAX_BLOCK || (bs & (bs - 1)))
		return -NX_EINVAL;
	if (bd->block_count < 8)
		return -NX_EINVAL;
	memset(fs, 0, sizeof(*fs));
	fs->bd = bd;
	fs->bs = bs;
	fs->kino = (bs - (uint32_t)sizeof(struct nx_nexfs_inode)) /
		   (uint32_t)sizeof(struct nx_nexfs_ptr);
	fs->kidx = bs / (uint32_t)sizeof(struct nx_nexfs_ptr);
	fs->nblocks = bd->block_count;
	fs->cursor = NX_NEXFS_SUPER_SLOTS;
	return 0;
}

/* Fills @buf (a whole block) with the superblock of generation @gen. */
static void super_make(struct nexfs *fs, void *buf, uint64_t gen,
		       uint8_t hash[NX_NEXFS_HASH_LEN])
{
	struct nx_nexfs_super *sb = buf;

	memset(buf, 0, fs->bs);
	sb->magic = NX_NEXFS_MAGIC;
	sb->version = NX_NEXFS_VERSION;
	sb->block_size = fs->bs;
	sb->block_count = fs->nblocks;
	sb->generation = gen;
	sb->root = fs->root;
	sb->snaps = fs->snaps;
	nexfs_hash(buf, fs->bs, sb->checksum);
	if (hash)
		memcpy(hash, sb->checksum, NX_NEXFS_HASH_LEN);
}

static bool ptr_in_range(const struct nx_nexfs_ptr *p, uint64_t count)
{
	return p->blk >= NX_NEXFS_SUPER_SLOTS && p->blk < count;
}

static bool super_valid(struct nexfs *fs, void *buf, uint64_t slot)
{
	struct nx_nexfs_super *sb = buf;
	uint8_t want[NX_NEXFS_HASH_LEN], got[NX_NEXFS_HASH_LEN];

	memcpy(want, sb->checksum, sizeof(want));
	memset(sb->checksum, 0, sizeof(sb->checksum));
	nexfs_hash(buf, fs->bs, got);
	memcpy(sb->checksum, want, sizeof(want));
	return memcmp(want, got, sizeof(got)) == 0 &&
	       sb->magic == NX_NEXFS_MAGIC && sb->version == NX_NEXFS_VERSION &&
	       sb->block_size == fs->bs && sb->block_count >= 8 &&
	       sb->block_count <= fs->nblocks && sb->generation % 2 == slot &&
	       ptr_in_range(&sb->root, sb->block_count) &&
	       ptr_in_range(&sb->snaps, sb->block_count);
}

int nexfs_mkfs(struct nexfs *fs, struct nexfs_bd *bd)
{
	struct nx_nexfs_ptr *p[2];
	int err = geometry(fs, bd);

	if (err)
		return err;
	p[0] = &fs->root;
	p[1] = &fs->snaps;
	for (uint64_t i = 0; i < 2; i++) {
		nexfs_ino_init(fs, NX_NEXFS_DIR);
		p[i]->blk = NX_NEXFS_SUPER_SLOTS + i;
		p[i]->birth = 1;
		nexfs_hash(fs->ibuf.b, fs->bs, p[i]->hash);
		if (bd->write(bd->ctx, p[i]->blk, fs->ibuf.b) != 0)
			return -NX_EIO;
	}
	if (bd->sync(bd->ctx) != 0)
		return -NX_EIO;
	/* Two valid superblocks, so verify finds a clean image. */
	for (uint64_t gen = 0; gen < 2; gen++) {
		super_make(fs, fs->xbuf.b, gen, NULL);
		if (bd->write(bd->ctx, gen, fs->xbuf.b) != 0)
			return -NX_EIO;
	}
	return bd->sync(bd->ctx) ? -NX_EIO : 0;
}

/* Reads both superblocks and adopts the newest valid one. */
int nexfs_super_load(struct nexfs *fs, struct nexfs_bd *bd, void *mem,
		     size_t len, bool *ok)
{
	const struct nx_nexfs_super *sb = (const void *)fs->xbuf.b;
	int err = geometry(fs, bd), best = -1;
	uint64_t gen = 0;

	if (err)
		return err;
	if (!mem || len < nexfs_mem_size(fs->nblocks))
		return -NX_ENOMEM;
	for (uint64_t slot = 0; slot < NX_NEXFS_SUPER_SLOTS; slot++) {
		ok[slot] = bd->read(bd->ctx, slot, fs->xbuf.b) == 0 &&
			   super_valid(fs, fs->xbuf.b, slot);
		if (ok[slot] && (best < 0 || sb->generation > gen)) {
			best = (int)slot;
			gen = sb->generation;
		}
	}
	if (best < 0)
		return -NX_EINVAL;
	if (bd->read(bd->ctx, (uint64_t)best, fs->xbuf.b) != 0 ||
	    !super_valid(fs, fs->xbuf.b, (uint64_t)best))
		return -NX_EIO;
	fs->gen = sb->generation;
	fs->nblocks = sb->block_count;
	fs->root = sb->root;
	fs->snaps = sb->snaps;
	memcpy(fs->root_hash, sb->checksum, NX_NEXFS_HASH_LEN);
	memset(mem, 0, nexfs_mem_size(fs->nblocks));
	fs->used = mem;
	fs->fresh = fs->used + (fs->nblocks + 7) / 8;
	fs->dead = fs->fresh + (fs->nblocks + 7) / 8;
	return 0;
}

int nexfs_mount(struct nexfs *fs, struct nexfs_bd *bd, void *mem, size_t len)
{
	bool ok[NX_NEXFS_SUPER_SLOTS];
	int err = nexfs_super_load(fs, bd, mem, len, ok);

	if (err)
		return err;
	err = nexfs_walk(fs);
	if (err)
		return err;
	nexfs_count_free(fs);
	fs->mounted = true;
	return 0;
}

/* The allocation state after a commit: what the new superblock reaches. */
static int settle(struct nexfs *fs)
{
	size_t bytes = (size_t)((fs->nblocks + 7) / 8);

	for (size_t i = 0; i < bytes; i++)
		fs->used[i] = (uint8_t)((fs->used[i] & ~fs->dead[i]) | fs->fresh[i]);
	memset(fs->fresh, 0, bytes);
	memset(fs->dead, 0, bytes);
	if (fs->rewalk) {
		fs->rewalk = false;
		memset(fs->used, 0, bytes);
		if (nexfs_walk(fs) != 0)
			return nexfs_fail(fs, -NX_EIO);
	}
	nexfs_count_free(fs);
	return 0;
}

int nexfs_commit(struct nexfs *fs, uint8_t hash[NX_NEXFS_HASH_LEN])
{
	struct nexfs_bd *bd = fs->bd;
	uint64_t gen = fs->gen + 1;
	uint8_t h[NX_NEXFS_HASH_LEN];

	if (!fs->mounted)
		return -NX_EINVAL;
	if (fs->broken)
		return -NX_EIO;
	if (fs->dirty) {
		super_make(fs, fs->xbuf.b, gen, h);
		if (bd->sync(bd->ctx) != 0 ||
		    bd->write(bd->ctx, gen % NX_NEXFS_SUPER_SLOTS, fs->xbuf.b) != 0 ||
		    bd->sync(bd->ctx) != 0)
			return nexfs_fail(fs, -NX_EIO);
		fs->gen = gen;
		fs->dirty = false;
		memcpy(fs->root_hash, h, sizeof(h));
		if (settle(fs) != 0)
			return -NX_EIO;
	}
	if (hash)
		memcpy(hash, fs->root_hash, NX_NEXFS_HASH_LEN);
	return 0;
}

void nexfs_root_hash(const struct nexfs *fs, uint8_t hash[NX_NEXFS_HASH_LEN])
{
	memcpy(hash, fs->root_hash, NX_NEXFS_HASH_LEN);
}

int nexfs_unmount(struct nexfs *fs)
{
	int err = fs->broken ? -NX_EIO : nexfs_commit(fs, NULL);

	fs->mounted = false;
	return err;
}

int nexfs_statfs(struct nexfs *fs, struct nexfs_statfs *st)
{
	if (!fs->mounted)
		return -NX_EINVAL;
	st->block_size = fs->bs;
	st->block_count = fs->nblocks;
	st->free_blocks = fs->nfree;
	st->generation = fs->gen;
	st->snapshots = fs->nsnaps;
	return 0;
}

int nexfs_verify(struct nexfs *fs, struct nexfs_bd *bd, void *mem, size_t len,
		 struct nexfs_verify_report *r)
{
	int err;

	memset(r, 0, sizeof(*r));
	err = nexfs_super_load(fs, bd, mem, len, r->super_ok);
	if (err)
		return err;
	fs->verifying = true;
	fs->report = r;
	r->generation = fs->gen;
	memcpy(r->root_hash, fs->root_hash, NX_NEXFS_HASH_LEN);
	nexfs_walk(fs);
	for (uint64_t slot = 0; slot < NX_NEXFS_SUPER_SLOTS; slot++)
		if (!r->super_ok[slot] && r->bad++ == 0)
			r->first_bad = slot;
	return r->bad ? -NX_EIO : 0;
}
