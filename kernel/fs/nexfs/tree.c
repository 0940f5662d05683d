/*
 * nexfs content trees: the bytes of a file or directory, held by its
 * inode as kino subtrees of equal height (layout in <nexus/nexfs.h>).
 * Every change copies the path from the data block up to the inode, in
 * memory (fs->ibuf); the caller writes the inode and its parents.
 *
 * Buffers: tbuf[h] holds the index block of level h on the way down,
 * dbuf the data block, so recursion never reuses a buffer still in use.
 */
#include <string.h>

#include <nexus/errno.h>

#include "fs/nexfs/internal.h"

static uint64_t span(const struct nexfs *fs, unsigned height)
{
	uint64_t s = 1;

	while (height--)
		s *= fs->kidx;
	return s;
}

/* Data blocks an inode of @height can hold. */
uint64_t nexfs_capacity(const struct nexfs *fs, unsigned height)
{
	return fs->kino * span(fs, height);
}

bool nexfs_ino_valid(const struct nexfs *fs, const struct nx_nexfs_inode *ino)
{
	if (ino->magic != NX_NEXFS_INODE_MAGIC || ino->height > NEXFS_MAX_HEIGHT)
		return false;
	if (ino->type != NX_NEXFS_FILE && ino->type != NX_NEXFS_DIR)
		return false;
	if (ino->size > nexfs_capacity(fs, ino->height) * fs->bs)
		return false;
	return ino->type == NX_NEXFS_FILE || ino->size % DIRENT_SIZE == 0;
}

/* Reads and checks the inode @p names into fs->ibuf. */
struct nx_nexfs_inode *nexfs_ino_load(struct nexfs *fs,
				      const struct nx_nexfs_ptr *p, int *err)
{
	struct nx_nexfs_inode *ino = (struct nx_nexfs_inode *)fs->ibuf.b;

	*err = nexfs_blk_read(fs, p, ino);
	if (*err == 0 && !nexfs_ino_valid(fs, ino))
		*err = -NX_EIO;
	return *err ? NULL : ino;
}

void nexfs_ino_init(struct nexfs *fs, uint8_t type)
{
	struct nx_nexfs_inode *ino = (struct nx_nexfs_inode *)fs->ibuf.b;

	memset(fs->ibuf.b, 0, fs->bs);
	ino->magic = NX_NEXFS_INODE_MAGIC;
	ino->type = type;
	ino->gen = fs->gen + 1;
}

static struct nx_nexfs_ptr *slot(union nexfs_block *blk, uint64_t i)
{
	return &((struct nx_nexfs_ptr *)blk->b)[i];
}

static int get(struct nexfs *fs, const struct nx_nexfs_ptr *p, unsigned h,
	       uint64_t n, void *out)
{
	struct nx_nexfs_ptr child;
	uint64_t s;
	int err;

	if (p->blk == 0) {
		memset(out, 0, fs->bs);
		return 0;
	}
	if (h == 0)
		return nexfs_blk_read(fs, p, out);
	err = nexfs_blk_read(fs, p, fs->tbuf[h].b);
	if (err)
		return err;
	s = span(fs, h - 1);
	child = *slot(&fs->tbuf[h], n / s);
	return get(fs, &child, h - 1, n % s, out);
}

/* Data block @n of @ino into @out (zeros for a hole). */
int nexfs_tree_get(struct nexfs *fs, const struct nx_nexfs_inode *ino,
		   uint64_t n, void *out)
{
	uint64_t s = span(fs, ino->height);

	if (n >= nexfs_capacity(fs, ino->height))
		return -NX_EIO;
	return get(fs, &ino->ptr[n / s], ino->height, n % s, out);
}

static bool all_zero(const uint8_t *b, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		if (b[i])
			return false;
	return true;
}

/*
 * Points leaf @n of subtree @p at a copy of @data, or at a hole when
 * @data is NULL; index blocks left empty become holes too.
 */
static int put(struct nexfs *fs, struct nx_nexfs_ptr *p, unsigned h,
	       uint64_t n, const void *data)
{
	uint64_t s;
	int err;

	if (h == 0) {
		if (data)
			return nexfs_blk_write(fs, p, data);
		nexfs_blk_drop(fs, p);
		return 0;
	}
	if (p->blk == 0) {
		if (!data)
			return 0;
		memset(fs->tbuf[h].b, 0, fs->bs);
	} else if ((err = nexfs_blk_read(fs, p, fs->tbuf[h].b)) != 0) {
		return nexfs_fail(fs, err);
	}
	s = span(fs, h - 1);
	err = put(fs, slot(&fs->tbuf[h], n / s), h - 1, n % s, data);
	if (err)
		return err;
	if (!data && all_zero(fs->tbuf[h].b, fs->bs)) {
		nexfs_blk_drop(fs, p);
		return 0;
	}
	return nexfs_blk_write(fs, p, fs->tbuf[h].b);
}

/*
 * Adds a level: the inode's pointers move into a new index block, whose
 * first kino slots then cover exactly what they covered before.
 */
static int grow(struct nexfs *fs, struct nx_nexfs_inode *ino)
{
	struct nx_nexfs_ptr ip = { 0 };
	size_t n = fs->kino * sizeof(struct nx_nexfs_ptr);
	int err;

	if (!all_zero((const uint8_t *)ino->ptr, (uint32_t)n)) {
		memset(fs->tbuf[0].b, 0, fs->bs);
		memcpy(fs->tbuf[0].b, ino->ptr, n);
		err = nexfs_blk_write(fs, &ip, fs->tbuf[0].b);
		if (err)
			return err;
		memset(ino->ptr, 0, n);
		ino->ptr[0] = ip;
	}
	ino->height++;
	return 0;
}

int nexfs_pread(struct nexfs *fs, const struct nx_nexfs_inode *ino,
		uint64_t off, void *dst, size_t len)
{
	uint8_t *d = dst;

	while (len) {
		uint64_t n = off / fs->bs;
		uint32_t boff = (uint32_t)(off % fs->bs);
		size_t chunk = fs->bs - boff;
		int err;

		if (chunk > len)
			chunk = len;
		err = nexfs_tree_get(fs, ino, n, fs->dbuf.b);
		if (err)
			return err;
		memcpy(d, fs->dbuf.b + boff, chunk);
		d += chunk;
		off += chunk;
		len -= chunk;
	}
	return 0;
}

/* Writes into @ino's content; a write past the end leaves holes. */
int nexfs_pwrite(struct nexfs *fs, struct nx_nexfs_inode *ino, uint64_t off,
		 const void *src, size_t len)
{
	const uint8_t *s = src;
	uint64_t end = off + len;
	int err;

	while (nexfs_capacity(fs, ino->height) * fs->bs < end) {
		if (ino->height == NEXFS_MAX_HEIGHT)
			return -NX_E2BIG;
		if ((err = grow(fs, ino)) != 0)
			return err;
	}
	while (len) {
		uint64_t n = off / fs->bs, sp = span(fs, ino->height);
		uint32_t boff = (uint32_t)(off % fs->bs);
		size_t chunk = fs->bs - boff;

		if (chunk > len)
			chunk = len;
		if (chunk < fs->bs) {
			err = nexfs_tree_get(fs, ino, n, fs->dbuf.b);
			if (err)
				return nexfs_fail(fs, err);
		}
		memcpy(fs->dbuf.b + boff, s, chunk);
		err = put(fs, &ino->ptr[n / sp], ino->height, n % sp, fs->dbuf.b);
		if (err)
			return err;
		s += chunk;
		off += chunk;
		len -= chunk;
	}
	if (end > ino->size)
		ino->size = end;
	ino->gen = fs->gen + 1;
	return 0;
}

/* Makes data block @n a hole. */
int nexfs_clear_block(struct nexfs *fs, struct nx_nexfs_inode *ino, uint64_t n)
{
	uint64_t sp = span(fs, ino->height);

	return put(fs, &ino->ptr[n / sp], ino->height, n % sp, NULL);
}

static void drop(struct nexfs *fs, struct nx_nexfs_ptr *p, unsigned h)
{
	if (p->blk == 0)
		return;
	/* A shared subtree stays whole: no need to read it. */
	if (h > 0 && nexfs_blk_private(fs, p) &&
	    nexfs_blk_read(fs, p, fs->tbuf[h].b) == 0) {
		for (uint32_t i = 0; i < fs->kidx; i++)
			drop(fs, slot(&fs->tbuf[h], i), h - 1);
	}
	nexfs_blk_drop(fs, p);
}

/*
 * Empties @ino. An unreadable index block is skipped: its children leak
 * until the next mount recounts, which is safe.
 */
void nexfs_drop_content(struct nexfs *fs, struct nx_nexfs_inode *ino)
{
	for (uint32_t i = 0; i < fs->kino; i++)
		drop(fs, &ino->ptr[i], ino->height);
	ino->size = 0;
	ino->height = 0;
	ino->gen = fs->gen + 1;
}

/*
 * Blocks a write of @len bytes ending at @end may allocate in one content
 * tree: its data blocks, the index blocks above them at each level the
 * tree will have, and one block per level added.
 */
uint64_t nexfs_write_cost(const struct nexfs *fs, uint64_t len, uint64_t end)
{
	uint64_t data = len / fs->bs + 2, cost = data;
	unsigned h = 0;

	while (h < NEXFS_MAX_HEIGHT && nexfs_capacity(fs, h) * fs->bs < end)
		h++;
	for (unsigned l = 1; l <= h; l++)
		cost += data / span(fs, l) + 2 + 1;
	return cost;
}
