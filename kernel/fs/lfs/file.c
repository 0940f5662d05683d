/*
 * littlefs files (SPEC.md "LFS_TYPE_INLINESTRUCT", "LFS_TYPE_CTZSTRUCT";
 * DESIGN.md "Files").
 *
 * A small file lives inline in its directory's pair and is held whole in
 * the open file's buffer. A larger one is a CTZ skip-list. Writing never
 * changes a block the committed file uses: a write session builds a new
 * list that shares the untouched leading blocks (the block being written
 * into is copied first), and flushing copies the old tail behind the
 * written bytes. The new list becomes the file only when lfs_file_sync()
 * commits its head and size, in one metadata commit.
 */
#include <string.h>

#include <nexus/errno.h>

#include "fs/lfs/lfs_int.h"

void lfs_files_insert(struct lfs *lfs, const uint32_t pair[2], uint16_t id)
{
	for (struct lfs_file *f = lfs->files; f; f = f->next)
		if (!f->removed && !f->moving && lfs_pair_eq(f->pair, pair) && f->id >= id)
			f->id++;
}

void lfs_files_delete(struct lfs *lfs, const uint32_t pair[2], uint16_t id)
{
	for (struct lfs_file *f = lfs->files; f; f = f->next) {
		if (f->removed || f->moving || !lfs_pair_eq(f->pair, pair))
			continue;
		if (f->id == id)
			f->removed = true;
		else if (f->id > id)
			f->id--;
	}
}

void lfs_files_split(struct lfs *lfs, const uint32_t pair[2], uint16_t k,
		     const uint32_t npair[2])
{
	for (struct lfs_file *f = lfs->files; f; f = f->next) {
		if (f->removed || !lfs_pair_eq(f->pair, pair) || f->id < k)
			continue;
		f->pair[0] = npair[0];
		f->pair[1] = npair[1];
		f->id = (uint16_t)(f->id - k);
	}
}

static uint32_t cur_size(const struct lfs_file *f)
{
	return f->writing && f->wsize > f->size ? f->wsize : f->size;
}

/* Reads from the committed-or-flushed list (head, size). */
static int ctz_read(struct lfs *lfs, const struct lfs_file *f, uint32_t pos, uint8_t *buf,
		    uint32_t n)
{
	uint32_t B = lfs->bd->block_size, inoff, hoff, blk;
	uint32_t hidx = lfs_ctz_index(B, f->size - 1, &hoff);
	int err;

	while (n) {
		uint32_t i = lfs_ctz_index(B, pos, &inoff);
		if ((err = lfs_ctz_find(lfs, f->head, hidx, i, &blk)))
			return err;
		uint32_t k = B - inoff < n ? B - inoff : n;
		if ((err = lfs_bd_read(lfs, blk, inoff, buf, k)))
			return err;
		pos += k;
		buf += k;
		n -= k;
	}
	return 0;
}

static int new_block(struct lfs *lfs, uint32_t *b)
{
	int err = lfs_alloc(lfs, b);

	return err ? err : lfs_bd_erase(lfs, *b);
}

/* Starts a new list whose first P bytes are the current file's. */
static int session_begin(struct lfs *lfs, struct lfs_file *f, uint32_t p)
{
	uint32_t B = lfs->bd->block_size, inoff, hoff, blk, nb;
	int err;

	if (p == 0) {
		if ((err = new_block(lfs, &nb)))
			return err;
		f->whead = nb;
		f->windex = 0;
		f->woff = 0;
	} else {
		uint32_t i = lfs_ctz_index(B, p - 1, &inoff);
		uint32_t hidx = lfs_ctz_index(B, f->size - 1, &hoff);
		if ((err = lfs_ctz_find(lfs, f->head, hidx, i, &blk)))
			return err;
		f->whead = blk;
		f->windex = i;
		f->woff = inoff + 1;
		/* A full block is shared as it is; a partial one is copied. */
		if (f->woff < B) {
			if ((err = new_block(lfs, &nb)) ||
			    (err = lfs_bd_copy(lfs, nb, 0, blk, 0, f->woff)))
				return err;
			f->whead = nb;
		}
	}
	f->wsize = p;
	f->writing = true;
	return 0;
}

static int session_put(struct lfs *lfs, struct lfs_file *f, const uint8_t *buf, uint32_t n)
{
	uint32_t B = lfs->bd->block_size, nb;
	uint8_t ptrs[4 * 32];
	int err;

	while (n) {
		if (f->woff == B) {
			uint32_t ni = f->windex + 1, np = 4 * (lfs_ctz(ni) + 1);
			if ((err = new_block(lfs, &nb)) ||
			    (err = lfs_ctz_ptrs(lfs, f->whead, ni, ptrs)) ||
			    (err = lfs_bd_prog(lfs, nb, 0, ptrs, np)))
				return err;
			f->whead = nb;
			f->windex = ni;
			f->woff = np;
		}
		uint32_t k = B - f->woff < n ? B - f->woff : n;
		if ((err = lfs_bd_prog(lfs, f->whead, f->woff, buf, k)))
			return err;
		f->woff += k;
		f->wsize += k;
		buf += k;
		n -= k;
	}
	return 0;
}

/* Copies the old bytes past the written ones; the new list is the file. */
static int session_end(struct lfs *lfs, struct lfs_file *f)
{
	uint8_t b[64];
	int err;

	while (f->wsize < f->size) {
		uint32_t k = f->size - f->wsize < sizeof(b) ? f->size - f->wsize : (uint32_t)sizeof(b);
		if ((err = ctz_read(lfs, f, f->wsize, b, k)) ||
		    (err = session_put(lfs, f, b, k)))
			return err;
	}
	f->head = f->whead;
	f->size = f->wsize;
	f->writing = false;
	return 0;
}

/* Moves an inline file's bytes into a skip-list of its own. */
static int outline(struct lfs *lfs, struct lfs_file *f)
{
	uint32_t n = f->size;
	int err;

	f->inl = false;
	f->size = 0;
	f->head = LFS_BLOCK_NULL;
	if ((err = session_begin(lfs, f, 0)) || (err = session_put(lfs, f, f->buf, n)))
		return err;
	return session_end(lfs, f);
}

/* Sets F up from entry E of M: inline bytes, CTZ head and size, or empty. */
static int file_load(struct lfs *lfs, struct lfs_file *f, const struct lfs_mdir *m,
		     uint16_t id, uint32_t flags)
{
	const struct lfs_ent *e = &m->ent[id];
	uint8_t d[8];
	int err;

	memset(f, 0, offsetof(struct lfs_file, buf));
	f->pair[0] = m->pair[0];
	f->pair[1] = m->pair[1];
	f->id = id;
	f->flags = flags;
	f->inl = true;
	f->head = LFS_BLOCK_NULL;
	if ((flags & LFS_O_WRONLY) && (flags & LFS_O_TRUNC)) {
		f->dirty = true;
	} else if (e->stype == LFS_T_INLINE) {
		if (e->slen > LFS_INLINE_CAP)
			return -NX_ECORRUPT;
		f->size = e->slen;
		return lfs_ent_read(lfs, m, e, false, 0, f->buf, e->slen);
	} else if (e->stype == LFS_T_CTZ) {
		if (e->slen != 8)
			return -NX_ECORRUPT;
		if ((err = lfs_ent_read(lfs, m, e, false, 0, d, 8)))
			return err;
		f->inl = false;
		f->head = lfs_le32(d);
		f->size = lfs_le32(d + 4);
		if (f->size && f->head >= lfs->bd->block_count)
			return -NX_ECORRUPT;
	}
	return 0;
}

/* Adds an empty regular file NAME at ID of M, then finds it again. */
static int file_create(struct lfs *lfs, struct lfs_mdir *m, uint16_t *id, const char *path,
		       const char *name, uint32_t nlen)
{
	uint32_t pair[2] = { m->pair[0], m->pair[1] };
	int err;

	if (m->count >= LFS_MDIR_IDS)
		return -NX_ENOSPC;
	lfs_mdir_insert(m, *id);
	m->ent[*id] = (struct lfs_ent){ .type = LFS_T_REG, .stype = LFS_T_INLINE,
					.nlen = (uint16_t)nlen, .nram = name };
	lfs_files_insert(lfs, pair, *id);
	if ((err = lfs_mdir_commit(lfs, m))) {
		lfs_files_delete(lfs, pair, *id);
		return err;
	}
	/* A split may have moved the new entry to another pair. */
	return lfs_find(lfs, m, path, id, NULL, NULL, NULL);
}

int lfs_file_open(struct lfs *lfs, struct lfs_file *f, const char *path, uint32_t flags)
{
	struct lfs_mdir *m = &lfs->m[0];
	bool wr = flags & LFS_O_WRONLY;
	const char *name;
	uint32_t nlen;
	uint16_t id;
	int err;

	if (!lfs->mounted || !(flags & LFS_O_RDWR))
		return -NX_EINVAL;
	for (struct lfs_file *o = lfs->files; o; o = o->next)
		if (o == f)
			return -NX_EBUSY;	/* relinking would loop the list */
	if (wr && (err = lfs_fs_fix(lfs)))
		return err;
	err = lfs_find(lfs, m, path, &id, &name, &nlen, NULL);
	if (!err) {
		if (id == ID_NONE || m->ent[id].type == LFS_T_DIR)
			return -NX_EISDIR;
		if ((flags & LFS_O_CREAT) && (flags & LFS_O_EXCL))
			return -NX_EEXIST;
	} else if (err == -NX_ENOENT && name && (flags & LFS_O_CREAT) && wr) {
		if ((err = file_create(lfs, m, &id, path, name, nlen)))
			return err;
	} else {
		return err;
	}
	if ((err = file_load(lfs, f, m, id, flags)))
		return err;
	f->next = lfs->files;
	lfs->files = f;
	return 0;
}

int lfs_file_sync(struct lfs *lfs, struct lfs_file *f)
{
	struct lfs_mdir *m = &lfs->m[0];
	int err;

	if (f->writing && (err = session_end(lfs, f)))
		return err;
	if (!f->dirty || f->removed)
		return 0;
	if ((err = lfs_fs_fix(lfs)) || (err = lfs_mdir_fetch(lfs, m, f->pair, true)))
		return err;
	if (f->id >= m->count)
		return -NX_ECORRUPT;
	struct lfs_ent *e = &m->ent[f->id];
	for (int tries = 0;; tries++) {
		if (f->inl) {
			e->stype = LFS_T_INLINE;
			e->slen = (uint16_t)f->size;
			e->sram = f->buf;
		} else {
			lfs_put_le32(lfs->tmp, f->head);
			lfs_put_le32(lfs->tmp + 4, f->size);
			e->stype = LFS_T_CTZ;
			e->slen = 8;
			e->sram = lfs->tmp;
		}
		err = lfs_mdir_commit(lfs, m);
		/* No room for the bytes inline: give the file blocks of its own. */
		if (err != -NX_ENOSPC || !f->inl || tries)
			break;
		if ((err = outline(lfs, f)))
			return err;
	}
	if (err)
		return err;
	f->dirty = false;
	lfs_alloc_ckpoint(lfs);
	return 0;
}

int lfs_file_close(struct lfs *lfs, struct lfs_file *f)
{
	int err = (f->flags & LFS_O_WRONLY) ? lfs_file_sync(lfs, f) : 0;

	for (struct lfs_file **p = &lfs->files; *p; p = &(*p)->next) {
		if (*p == f) {
			*p = f->next;
			break;
		}
	}
	return err;
}

int32_t lfs_file_read(struct lfs *lfs, struct lfs_file *f, void *buf, uint32_t n)
{
	int err;

	if (!(f->flags & LFS_O_RDONLY))
		return -NX_EPERM;
	if (f->writing && (err = session_end(lfs, f)))
		return err;
	if (f->pos >= f->size)
		return 0;
	if (n > f->size - f->pos)
		n = f->size - f->pos;
	if (n > 0x7fffffffu)
		n = 0x7fffffffu;
	if (f->inl)
		memcpy(buf, f->buf + f->pos, n);
	else if ((err = ctz_read(lfs, f, f->pos, buf, n)))
		return err;
	f->pos += n;
	return (int32_t)n;
}

static const uint8_t zeros[64];

int32_t lfs_file_write(struct lfs *lfs, struct lfs_file *f, const void *buf, uint32_t n)
{
	int err;

	if (!(f->flags & LFS_O_WRONLY))
		return -NX_EPERM;
	if (f->flags & LFS_O_APPEND)
		f->pos = cur_size(f);
	if (n > LFS_FILE_MAX || f->pos > LFS_FILE_MAX - n)
		return -NX_E2BIG;
	if (n == 0)
		return 0;
	lfs_alloc_ckpoint(lfs);
	f->dirty = true;
	if (f->inl) {
		if (f->pos + n <= lfs->inline_max) {
			if (f->pos > f->size)
				memset(f->buf + f->size, 0, f->pos - f->size);
			memcpy(f->buf + f->pos, buf, n);
			f->pos += n;
			if (f->pos > f->size)
				f->size = f->pos;
			return (int32_t)n;
		}
		if ((err = outline(lfs, f)))
			return err;
	}
	if (f->writing && f->pos != f->wsize && (err = session_end(lfs, f)))
		return err;
	if (!f->writing) {
		uint32_t start = f->pos < f->size ? f->pos : f->size;
		if ((err = session_begin(lfs, f, start)))
			return err;
		/* Writing past the end leaves a hole of zeros. */
		while (f->wsize < f->pos) {
			uint32_t k = f->pos - f->wsize;
			if (k > sizeof(zeros))
				k = sizeof(zeros);
			if ((err = session_put(lfs, f, zeros, k)))
				return err;
		}
	}
	if ((err = session_put(lfs, f, buf, n)))
		return err;
	f->pos += n;
	return (int32_t)n;
}

int32_t lfs_file_seek(struct lfs *lfs, struct lfs_file *f, int32_t off, int whence)
{
	int64_t base = whence == LFS_SEEK_SET ? 0 :
		       whence == LFS_SEEK_CUR ? (int64_t)f->pos : (int64_t)cur_size(f);
	int64_t pos = base + off;

	(void)lfs;
	if (whence < LFS_SEEK_SET || whence > LFS_SEEK_END || pos < 0 || pos > LFS_FILE_MAX)
		return -NX_EINVAL;
	f->pos = (uint32_t)pos;
	return (int32_t)pos;
}

int32_t lfs_file_size(struct lfs *lfs, struct lfs_file *f)
{
	(void)lfs;
	return (int32_t)cur_size(f);
}
