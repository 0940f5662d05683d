/*
 * nexfs namespace: creating, listing, removing and renaming entries.
 * Each call checks everything and reserves its worst-case space before
 * the first write, so a refusal changes nothing.
 */
#include <string.h>

#include <nexus/errno.h>

#include "fs/nexfs/internal.h"

int nexfs_ready(struct nexfs *fs)
{
	if (!fs->mounted)
		return -NX_EINVAL;
	return fs->broken ? -NX_EIO : 0;
}

/* True when an open file is @npath or lies under it. */
bool nexfs_busy(const struct nexfs *fs, const char *npath)
{
	size_t n = strlen(npath);

	for (int i = 0; i < NEXFS_MAX_OPEN; i++) {
		const char *p = fs->files[i].path;

		if (fs->files[i].used && strncmp(p, npath, n) == 0 &&
		    (p[n] == '\0' || p[n] == '/' || n == 0))
			return true;
	}
	return false;
}

/* Loads c->ptr[c->depth] and requires a directory. */
static int load_dir(struct nexfs *fs, struct nexfs_chain *c,
		    struct nx_nexfs_inode **ino)
{
	int err;

	*ino = nexfs_ino_load(fs, &c->ptr[c->depth], &err);
	if (!*ino)
		return err;
	return (*ino)->type == NX_NEXFS_DIR ? 0 : -NX_ENOTDIR;
}

static void dirent_fill(struct nx_nexfs_dirent *de, const char *name,
			size_t len, uint8_t type)
{
	memset(de->name, 0, sizeof(de->name));
	memcpy(de->name, name, len);
	de->name_len = (uint8_t)len;
	de->type = type;
}

/* Creates an empty file or directory at @path. */
int nexfs_make(struct nexfs *fs, const char *path, uint8_t type)
{
	struct nx_nexfs_dirent de, old;
	struct nx_nexfs_inode *dir;
	struct nexfs_chain c;
	const char *name;
	size_t len;
	uint32_t idx;
	int err;

	if ((err = nexfs_resolve(fs, path, true, &c, &name, &len)) != 0)
		return err;
	if (c.snap)
		return -NX_EROFS;
	if (c.depth == NEXFS_MAX_DEPTH)
		return -NX_ENAMETOOLONG;
	if ((err = load_dir(fs, &c, &dir)) != 0)
		return err;
	err = nexfs_dir_find(fs, &c.ptr[c.depth], name, len, &idx, &old);
	if (err != -NX_ENOENT)
		return err ? err : -NX_EEXIST;
	if ((err = nexfs_reserve(fs, nexfs_path_cost(fs, &c) + 2)) != 0)
		return err;
	memset(&de, 0, sizeof(de));
	dirent_fill(&de, name, len, type);
	nexfs_ino_init(fs, type);
	if ((err = nexfs_blk_write(fs, &de.ptr, fs->ibuf.b)) != 0)
		return err;
	if ((err = load_dir(fs, &c, &dir)) != 0)
		return nexfs_fail(fs, err);
	err = nexfs_dir_add(fs, dir, &de);
	if (!err)
		err = nexfs_blk_write(fs, &c.ptr[c.depth], dir);
	return err ? nexfs_fail(fs, err) : nexfs_propagate(fs, &c, c.depth);
}

int nexfs_mkdir(struct nexfs *fs, const char *path)
{
	int err = nexfs_ready(fs);

	return err ? err : nexfs_make(fs, path, NX_NEXFS_DIR);
}

int nexfs_readdir(struct nexfs *fs, const char *path, uint64_t index,
		  struct nexfs_stat *st)
{
	struct nx_nexfs_inode *ino;
	struct nx_nexfs_dirent de;
	struct nexfs_chain c;
	int err;

	if ((err = nexfs_ready(fs)) != 0 ||
	    (err = nexfs_resolve(fs, path, false, &c, NULL, NULL)) != 0 ||
	    (err = nexfs_dir_get(fs, &c.ptr[c.depth], index, &de)) != 0)
		return err;
	ino = nexfs_ino_load(fs, &de.ptr, &err);
	if (!ino)
		return err;
	st->type = ino->type;
	st->size = ino->size;
	st->gen = ino->gen;
	memcpy(st->name, de.name, de.name_len);
	st->name[de.name_len] = '\0';
	return 0;
}

/* Removes entry c->idx[depth - 1] from its directory, then propagates. */
static int remove_entry(struct nexfs *fs, struct nexfs_chain *c)
{
	struct nx_nexfs_inode *dir;
	int err;

	c->depth--;
	if ((err = load_dir(fs, c, &dir)) != 0)
		return nexfs_fail(fs, err);
	err = nexfs_dir_del(fs, dir, c->idx[c->depth]);
	if (!err)
		err = nexfs_blk_write(fs, &c->ptr[c->depth], dir);
	return err ? nexfs_fail(fs, err) : nexfs_propagate(fs, c, c->depth);
}

/* Frees the object @p names and everything under it the tree owns. */
static int drop_object(struct nexfs *fs, struct nx_nexfs_ptr *p)
{
	struct nx_nexfs_inode *ino;
	int err;

	ino = nexfs_ino_load(fs, p, &err);
	if (!ino)
		return nexfs_fail(fs, err);
	nexfs_drop_content(fs, ino);
	nexfs_blk_drop(fs, p);
	return 0;
}

int nexfs_unlink(struct nexfs *fs, const char *path)
{
	char npath[NEXFS_PATH_MAX];
	struct nx_nexfs_inode *ino;
	struct nexfs_chain c;
	int err;

	if ((err = nexfs_ready(fs)) != 0 ||
	    (err = nexfs_resolve(fs, path, false, &c, NULL, NULL)) != 0 ||
	    (err = nexfs_normalise(path, npath, sizeof(npath))) != 0)
		return err;
	if (c.snap)
		return -NX_EROFS;
	if (c.depth == 0)
		return -NX_EBUSY;
	if (nexfs_busy(fs, npath))
		return -NX_EBUSY;
	ino = nexfs_ino_load(fs, &c.ptr[c.depth], &err);
	if (!ino)
		return err;
	if (ino->type == NX_NEXFS_DIR && ino->size)
		return -NX_ENOTEMPTY;
	if ((err = nexfs_reserve(fs, nexfs_path_cost(fs, &c) + 2)) != 0)
		return err;
	if ((err = drop_object(fs, &c.ptr[c.depth])) != 0)
		return err;
	return remove_entry(fs, &c);
}

/* Directory levels under @p, up to @limit (walks the entries). */
static int depth_below(struct nexfs *fs, const struct nx_nexfs_ptr *p,
		       int limit)
{
	struct nx_nexfs_dirent de;
	int best = 0;

	if (limit <= 0)
		return 1;
	for (uint64_t i = 0; nexfs_dir_get(fs, p, i, &de) == 0; i++) {
		int d;

		if (de.type != NX_NEXFS_DIR)
			continue;
		d = 1 + depth_below(fs, &de.ptr, limit - 1);
		if (d > best)
			best = d;
	}
	return best;
}

/* Checks for nexfs_rename; 1 when @to is a file to replace. */
static int rename_check(struct nexfs *fs, struct nexfs_chain *src,
			struct nexfs_chain *dst, const char *name, size_t len,
			const char *from, const char *to)
{
	char nf[NEXFS_PATH_MAX], nt[NEXFS_PATH_MAX];
	struct nx_nexfs_inode *ino;
	struct nx_nexfs_dirent de;
	uint8_t type;
	uint32_t idx;
	int err;

	if ((err = nexfs_normalise(from, nf, sizeof(nf))) != 0 ||
	    (err = nexfs_normalise(to, nt, sizeof(nt))) != 0)
		return err;
	if (src->snap || dst->snap)
		return -NX_EROFS;
	if (src->depth == 0 || nexfs_busy(fs, nf))
		return -NX_EBUSY;
	if (strncmp(nt, nf, strlen(nf)) == 0 && nt[strlen(nf)] == '/')
		return -NX_EINVAL;
	if ((ino = nexfs_ino_load(fs, &src->ptr[src->depth], &err)) == NULL)
		return err;
	type = ino->type;
	if (type == NX_NEXFS_DIR &&
	    dst->depth + 1 + depth_below(fs, &src->ptr[src->depth],
					 NEXFS_MAX_DEPTH) > NEXFS_MAX_DEPTH)
		return -NX_ENAMETOOLONG;
	if ((err = load_dir(fs, dst, &ino)) != 0)
		return err;
	err = nexfs_dir_find(fs, &dst->ptr[dst->depth], name, len, &idx, &de);
	if (err == -NX_ENOENT)
		return 0;
	if (err)
		return err;
	if (type == NX_NEXFS_DIR || de.type == NX_NEXFS_DIR)
		return -NX_EEXIST;
	return nexfs_busy(fs, nt) ? -NX_EBUSY : 1;
}

int nexfs_rename(struct nexfs *fs, const char *from, const char *to)
{
	struct nx_nexfs_dirent de, old;
	struct nexfs_chain src, dst;
	struct nx_nexfs_inode *dir;
	char nf[NEXFS_PATH_MAX], nt[NEXFS_PATH_MAX];
	const char *name;
	size_t len;
	uint32_t idx;
	int err, replace;

	if ((err = nexfs_ready(fs)) != 0 ||
	    (err = nexfs_resolve(fs, from, false, &src, NULL, NULL)) != 0 ||
	    (err = nexfs_resolve(fs, to, true, &dst, &name, &len)) != 0)
		return err;
	if (nexfs_normalise(from, nf, sizeof(nf)) == 0 &&
	    nexfs_normalise(to, nt, sizeof(nt)) == 0 && strcmp(nf, nt) == 0)
		return src.snap ? -NX_EROFS : 0;
	replace = rename_check(fs, &src, &dst, name, len, from, to);
	if (replace < 0)
		return replace;
	err = nexfs_reserve(fs, nexfs_path_cost(fs, &src) +
				nexfs_path_cost(fs, &dst) + 4);
	if (err)
		return err;
	/* Take the entry out, then put it in: the paths meet only at root. */
	dir = nexfs_ino_load(fs, &src.ptr[src.depth - 1], &err);
	if (!dir || (err = nexfs_pread(fs, dir, src.idx[src.depth - 1] *
				       (uint64_t)DIRENT_SIZE, &de, DIRENT_SIZE)))
		return nexfs_fail(fs, err);
	if ((err = remove_entry(fs, &src)) != 0)
		return err;
	if ((err = nexfs_resolve(fs, to, true, &dst, &name, &len)) != 0)
		return nexfs_fail(fs, err);
	dirent_fill(&de, name, len, de.type);
	err = nexfs_dir_find(fs, &dst.ptr[dst.depth], name, len, &idx, &old);
	if (replace && !err)
		err = drop_object(fs, &old.ptr);
	else if (!replace)
		err = err == -NX_ENOENT ? 0 : (err ? err : -NX_EIO);
	if (!err)
		err = load_dir(fs, &dst, &dir);
	if (!err)
		err = replace ? nexfs_pwrite(fs, dir, idx * (uint64_t)DIRENT_SIZE,
					     &de, DIRENT_SIZE)
			      : nexfs_dir_add(fs, dir, &de);
	if (!err)
		err = nexfs_blk_write(fs, &dst.ptr[dst.depth], dir);
	return err ? nexfs_fail(fs, err) : nexfs_propagate(fs, &dst, dst.depth);
}
