/*
 * nexfs open files. A descriptor records its path, not a block: blocks
 * move on every change. So an open file cannot be renamed or removed
 * (-NX_EBUSY), and each call resolves the path again.
 */
#include <string.h>

#include <nexus/errno.h>

#include "fs/nexfs/internal.h"

static struct nexfs_file *file_get(struct nexfs *fs, int fd)
{
	if (fd < 0 || fd >= NEXFS_MAX_OPEN || !fs->files[fd].used)
		return NULL;
	return &fs->files[fd];
}

/* Resolves @path to a regular file, loaded into fs->ibuf. */
static int load_file(struct nexfs *fs, const char *path, struct nexfs_chain *c,
		     struct nx_nexfs_inode **ino)
{
	int err = nexfs_resolve(fs, path, false, c, NULL, NULL);

	if (err)
		return err;
	*ino = nexfs_ino_load(fs, &c->ptr[c->depth], &err);
	if (!*ino)
		return err;
	return (*ino)->type == NX_NEXFS_FILE ? 0 : -NX_EISDIR;
}

/* Writes the inode in ibuf back and copies its path up to the root. */
static int store(struct nexfs *fs, struct nexfs_chain *c,
		 struct nx_nexfs_inode *ino)
{
	int err = nexfs_blk_write(fs, &c->ptr[c->depth], ino);

	return err ? err : nexfs_propagate(fs, c, c->depth);
}

static int truncate0(struct nexfs *fs, const char *path)
{
	struct nx_nexfs_inode *ino;
	struct nexfs_chain c;
	int err = load_file(fs, path, &c, &ino);

	if (err || ino->size == 0)
		return err;
	if ((err = nexfs_reserve(fs, nexfs_path_cost(fs, &c) + 1)) != 0)
		return err;
	nexfs_drop_content(fs, ino);
	return store(fs, &c, ino);
}

int nexfs_open(struct nexfs *fs, const char *path, uint32_t flags)
{
	struct nx_nexfs_inode *ino;
	struct nexfs_chain c = { .snap = false };
	struct nexfs_file *f = NULL;
	bool wr = flags & (NEXFS_O_WRITE | NEXFS_O_TRUNC | NEXFS_O_APPEND);
	int err, fd;

	if ((err = nexfs_ready(fs)) != 0)
		return err;
	if (!(flags & (NEXFS_O_READ | NEXFS_O_WRITE)) || (flags & ~0x1fu))
		return -NX_EINVAL;
	for (fd = 0; fd < NEXFS_MAX_OPEN && !f; fd++)
		if (!fs->files[fd].used)
			f = &fs->files[fd];
	if (!f)
		return -NX_ENOMEM;
	fd--;
	err = nexfs_normalise(path, f->path, sizeof(f->path));
	if (!err)
		err = load_file(fs, path, &c, &ino);
	if (err == -NX_ENOENT && (flags & NEXFS_O_CREATE))
		err = nexfs_make(fs, path, NX_NEXFS_FILE);
	else if (!err && c.snap && (wr || (flags & NEXFS_O_CREATE)))
		err = -NX_EROFS;
	else if (!err && (flags & NEXFS_O_TRUNC) && (flags & NEXFS_O_WRITE))
		err = truncate0(fs, path);
	if (err)
		return err;
	f->used = true;
	f->snap = c.snap;
	f->flags = flags;
	f->pos = 0;
	return fd;
}

int nexfs_close(struct nexfs *fs, int fd)
{
	struct nexfs_file *f = file_get(fs, fd);

	if (!f)
		return -NX_EINVAL;
	f->used = false;
	return 0;
}

int64_t nexfs_read(struct nexfs *fs, int fd, void *buf, size_t len)
{
	struct nexfs_file *f = file_get(fs, fd);
	struct nx_nexfs_inode *ino;
	struct nexfs_chain c;
	int err;

	if ((err = nexfs_ready(fs)) != 0)
		return err;
	if (!f || !(f->flags & NEXFS_O_READ))
		return -NX_EINVAL;
	if ((err = load_file(fs, f->path, &c, &ino)) != 0)
		return err;
	if (f->pos >= ino->size)
		return 0;
	if (len > ino->size - f->pos)
		len = (size_t)(ino->size - f->pos);
	if ((err = nexfs_pread(fs, ino, f->pos, buf, len)) != 0)
		return err;
	f->pos += len;
	return (int64_t)len;
}

int64_t nexfs_write(struct nexfs *fs, int fd, const void *buf, size_t len)
{
	struct nexfs_file *f = file_get(fs, fd);
	struct nx_nexfs_inode *ino;
	struct nexfs_chain c;
	uint64_t pos;
	int err;

	if ((err = nexfs_ready(fs)) != 0)
		return err;
	if (!f || !(f->flags & NEXFS_O_WRITE))
		return -NX_EINVAL;
	if ((err = load_file(fs, f->path, &c, &ino)) != 0)
		return err;
	pos = (f->flags & NEXFS_O_APPEND) ? ino->size : f->pos;
	if (len == 0)
		return 0;
	if (pos + len < pos ||
	    pos + len > nexfs_capacity(fs, NEXFS_MAX_HEIGHT) * fs->bs)
		return -NX_E2BIG;
	err = nexfs_reserve(fs, nexfs_write_cost(fs, len, pos + len) +
				nexfs_path_cost(fs, &c) + 1);
	if (err)
		return err;
	if ((err = nexfs_pwrite(fs, ino, pos, buf, len)) != 0)
		return nexfs_fail(fs, err);
	if ((err = store(fs, &c, ino)) != 0)
		return err;
	f->pos = pos + len;
	return (int64_t)len;
}

int64_t nexfs_seek(struct nexfs *fs, int fd, int64_t off, int whence)
{
	struct nexfs_file *f = file_get(fs, fd);
	struct nx_nexfs_inode *ino;
	struct nexfs_chain c;
	int64_t base;
	int err;

	if ((err = nexfs_ready(fs)) != 0)
		return err;
	if (!f)
		return -NX_EINVAL;
	if (whence == NEXFS_SEEK_SET) {
		base = 0;
	} else if (whence == NEXFS_SEEK_CUR) {
		base = (int64_t)f->pos;
	} else if (whence == NEXFS_SEEK_END) {
		if ((err = load_file(fs, f->path, &c, &ino)) != 0)
			return err;
		base = (int64_t)ino->size;
	} else {
		return -NX_EINVAL;
	}
	if ((off < 0 && base + off < 0) || (off > 0 && base > INT64_MAX - off))
		return -NX_EINVAL;
	f->pos = (uint64_t)(base + off);
	return (int64_t)f->pos;
}

int nexfs_fsync(struct nexfs *fs, int fd)
{
	if (!file_get(fs, fd))
		return -NX_EINVAL;
	return nexfs_commit(fs, NULL);
}

int nexfs_stat(struct nexfs *fs, const char *path, struct nexfs_stat *st)
{
	struct nx_nexfs_inode *ino;
	struct nexfs_chain c;
	int err;

	if ((err = nexfs_ready(fs)) != 0 ||
	    (err = nexfs_resolve(fs, path, false, &c, NULL, NULL)) != 0)
		return err;
	ino = nexfs_ino_load(fs, &c.ptr[c.depth], &err);
	if (!ino)
		return err;
	memset(st, 0, sizeof(*st));
	st->type = ino->type;
	st->size = ino->size;
	st->gen = ino->gen;
	return 0;
}
