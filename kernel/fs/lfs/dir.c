/*
 * littlefs directories: path lookup, mkdir, remove, rename, stat, readdir
 * (SPEC.md "LFS_TYPE_DIRSTRUCT", "LFS_TYPE_TAIL"; DESIGN.md "Directories",
 * "Moves").
 *
 * A directory is a chain of pairs joined by hard tails, its names sorted
 * so a later pair only holds greater names; every pair of the file system
 * is also on one list joined by tails, which a directory's last pair
 * continues with a soft tail. The order used is upstream littlefs's:
 * bytes compared first, then a name sorts after its longer extensions.
 *
 * Multi-pair changes stay atomic through the global state: a rename
 * between pairs first commits the new entry together with a move record
 * naming the old one, which readers then treat as deleted, and the
 * second commit removes it and clears the record. A directory pair on the
 * list that no entry names yet (mkdir) or any more (remove) is counted as
 * an orphan in the same way, and lfs_fs_fix() drops it after a power loss.
 */
#include <string.h>

#include <nexus/errno.h>

#include "fs/lfs/lfs_int.h"

/* <0, 0, >0 as the name in E sorts before, as, or after NAME. */
static int name_cmp(struct lfs *lfs, const struct lfs_mdir *m, const struct lfs_ent *e,
		    const char *name, uint32_t nlen, int *res)
{
	uint32_t n = nlen < e->nlen ? nlen : e->nlen;
	uint8_t b[32];

	for (uint32_t off = 0; off < n;) {
		uint32_t k = n - off < sizeof(b) ? n - off : (uint32_t)sizeof(b);
		int err = lfs_ent_read(lfs, m, e, true, off, b, k);
		if (err)
			return err;
		int c = memcmp(b, name + off, k);
		if (c) {
			*res = c < 0 ? -1 : 1;
			return 0;
		}
		off += k;
	}
	*res = nlen == e->nlen ? 0 : nlen < e->nlen ? -1 : 1;
	return 0;
}

static bool is_file_or_dir(const struct lfs_ent *e)
{
	return e->type == LFS_T_REG || e->type == LFS_T_DIR;
}

/*
 * Looks NAME up in the directory starting at PAIR. Found: 0, M holds the
 * pair and *id the entry. Not found: -NX_ENOENT, M holds the pair the name
 * belongs in and *id its place.
 */
static int dir_find(struct lfs *lfs, struct lfs_mdir *m, const uint32_t pair[2],
		    const char *name, uint32_t nlen, uint16_t *id)
{
	uint32_t p[2] = { pair[0], pair[1] };
	int err, c;

	for (uint32_t n = 0;; n++) {
		if (n > lfs->bd->block_count / 2)
			return -NX_ECORRUPT;
		if ((err = lfs_mdir_fetch(lfs, m, p, true)))
			return err;
		for (uint16_t i = 0; i < m->count; i++) {
			if (!is_file_or_dir(&m->ent[i]))
				continue;
			if ((err = name_cmp(lfs, m, &m->ent[i], name, nlen, &c)))
				return err;
			if (c == 0) {
				*id = i;
				return 0;
			}
			if (c > 0) {
				*id = i;
				return -NX_ENOENT;
			}
		}
		if (!m->split) {
			*id = m->count;
			return -NX_ENOENT;
		}
		p[0] = m->tail[0];
		p[1] = m->tail[1];
	}
}

/*
 * Resolves PATH. Found: 0, M and *id as dir_find, *id = ID_NONE for the
 * root. -NX_ENOENT with *name set: only the last component is missing, M
 * and *id say where it would go. Entering the directory at AVOID (if not
 * NULL) is -NX_EINVAL, which keeps a rename from making a cycle.
 */
int lfs_find(struct lfs *lfs, struct lfs_mdir *m, const char *path, uint16_t *id,
	     const char **name, uint32_t *nlen, const uint32_t *avoid)
{
	uint32_t pair[2] = { lfs->root[0], lfs->root[1] };
	const char *p = path;
	int err;

	if (!lfs->mounted)
		return -NX_EINVAL;
	if (name)
		*name = NULL;
	if ((err = lfs_mdir_fetch(lfs, m, pair, true)))
		return err;
	*id = ID_NONE;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			return 0;
		const char *c = p;
		while (*p && *p != '/')
			p++;
		uint32_t len = (uint32_t)(p - c);
		if ((len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
			return -NX_EINVAL;
		if (len > lfs->name_max)
			return -NX_E2BIG;
		if (*id != ID_NONE) {
			if (m->ent[*id].type != LFS_T_DIR)
				return -NX_ENOTDIR;
			if ((err = lfs_dirstruct(lfs, m, &m->ent[*id], pair)))
				return err;
		}
		if (avoid && lfs_pair_eq(pair, avoid))
			return -NX_EINVAL;
		err = dir_find(lfs, m, pair, c, len, id);
		while (*p == '/')
			p++;
		if (err == -NX_ENOENT && !*p && name) {
			*name = c;
			*nlen = len;
		}
		if (err)
			return err;
	}
}

int lfs_ent_info(struct lfs *lfs, const struct lfs_mdir *m, const struct lfs_ent *e,
		 struct lfs_info *info)
{
	uint8_t d[8];
	int err;

	if (e->nlen > LFS_NAME_MAX)
		return -NX_ECORRUPT;
	if ((err = lfs_ent_read(lfs, m, e, true, 0, info->name, e->nlen)))
		return err;
	info->name[e->nlen] = '\0';
	info->type = e->type == LFS_T_DIR ? LFS_TYPE_DIR : LFS_TYPE_REG;
	info->size = 0;
	if (e->type == LFS_T_REG && e->stype == LFS_T_INLINE)
		info->size = e->slen;
	else if (e->type == LFS_T_REG && e->stype == LFS_T_CTZ) {
		if (e->slen != 8)
			return -NX_ECORRUPT;
		if ((err = lfs_ent_read(lfs, m, e, false, 0, d, 8)))
			return err;
		info->size = lfs_le32(d + 4);
	}
	return 0;
}

int lfs_stat(struct lfs *lfs, const char *path, struct lfs_info *info)
{
	struct lfs_mdir *m = &lfs->m[0];
	uint16_t id;
	int err = lfs_find(lfs, m, path, &id, NULL, NULL, NULL);

	if (err)
		return err;
	if (id == ID_NONE) {
		memset(info, 0, sizeof(*info));
		info->type = LFS_TYPE_DIR;
		info->name[0] = '/';
		return 0;
	}
	return lfs_ent_info(lfs, m, &m->ent[id], info);
}

int lfs_dir_open(struct lfs *lfs, struct lfs_dir *dir, const char *path)
{
	struct lfs_mdir *m = &lfs->m[0];
	uint16_t id;
	int err = lfs_find(lfs, m, path, &id, NULL, NULL, NULL);

	if (err)
		return err;
	if (id == ID_NONE) {
		dir->pair[0] = lfs->root[0];
		dir->pair[1] = lfs->root[1];
	} else if (m->ent[id].type != LFS_T_DIR) {
		return -NX_ENOTDIR;
	} else if ((err = lfs_dirstruct(lfs, m, &m->ent[id], dir->pair))) {
		return err;
	}
	dir->id = 0;
	dir->steps = 0;
	return 0;
}

int lfs_dir_read(struct lfs *lfs, struct lfs_dir *dir, struct lfs_info *info)
{
	struct lfs_mdir *m = &lfs->m[2];
	int err;

	if (!lfs->mounted)
		return -NX_EINVAL;
	for (;;) {
		if (dir->steps > lfs->bd->block_count)
			return -NX_ECORRUPT;
		if ((err = lfs_mdir_fetch(lfs, m, dir->pair, true)))
			return err;
		while (dir->id < m->count) {
			const struct lfs_ent *e = &m->ent[dir->id++];
			if (is_file_or_dir(e))
				return (err = lfs_ent_info(lfs, m, e, info)) ? err : 1;
		}
		if (!m->split)
			return 0;
		dir->pair[0] = m->tail[0];
		dir->pair[1] = m->tail[1];
		dir->id = 0;
		dir->steps++;
	}
}

/* Follows hard tails from M to the directory's last pair, into L. */
static int dir_last(struct lfs *lfs, const struct lfs_mdir *m, struct lfs_mdir *l)
{
	int err;

	*l = *m;
	for (uint32_t n = 0; l->split; n++) {
		if (n > lfs->bd->block_count / 2)
			return -NX_ECORRUPT;
		uint32_t p[2] = { l->tail[0], l->tail[1] };
		if ((err = lfs_mdir_fetch(lfs, l, p, true)))
			return err;
	}
	return 0;
}

/* Sets E to a new entry whose name and struct are in caller memory. */
static void ent_new(struct lfs_ent *e, uint16_t type, const char *name, uint32_t nlen,
		    uint16_t stype, const void *s, uint32_t slen)
{
	*e = (struct lfs_ent){ .type = type, .stype = stype, .nlen = (uint16_t)nlen,
			       .slen = (uint16_t)slen, .nram = name, .sram = s };
}

int lfs_mkdir(struct lfs *lfs, const char *path)
{
	struct lfs_mdir *m = &lfs->m[0], *nm = &lfs->m[1], *l = &lfs->m[2];
	const char *name;
	uint32_t nlen, b[2];
	uint8_t w[4];
	uint16_t id;
	int err;

	if ((err = lfs_fs_fix(lfs)))
		return err;
	err = lfs_find(lfs, m, path, &id, &name, &nlen, NULL);
	if (err != -NX_ENOENT || !name)
		return err ? err : -NX_EEXIST;
	if (m->count >= LFS_MDIR_IDS)
		return -NX_ENOSPC;
	if ((err = lfs_alloc(lfs, &b[0])) || (err = lfs_alloc(lfs, &b[1])) ||
	    (err = lfs_bd_read(lfs, b[0], 0, w, 4)) || (err = dir_last(lfs, m, l)))
		return err;
	/* Newer than whatever block b[0] still holds, as in lfs_format. */
	memset(nm, 0, offsetof(struct lfs_mdir, ent));
	nm->pair[0] = b[0];
	nm->pair[1] = b[1];
	nm->rev = lfs_le32(w);
	nm->tail[0] = l->tail[0];
	nm->tail[1] = l->tail[1];
	if ((err = lfs_mdir_commit(lfs, nm)))
		return err;
	if (!lfs_pair_eq(l->pair, m->pair)) {
		/* Two commits: the new pair is an orphan in between. */
		lfs_orphans(lfs, +1);
		l->tail[0] = nm->pair[0];
		l->tail[1] = nm->pair[1];
		if ((err = lfs_mdir_commit(lfs, l)))
			return err;
		lfs_orphans(lfs, -1);
	} else {
		m->tail[0] = nm->pair[0];
		m->tail[1] = nm->pair[1];
		m->split = false;
	}
	lfs_put_le32(lfs->tmp, nm->pair[0]);
	lfs_put_le32(lfs->tmp + 4, nm->pair[1]);
	uint32_t pair[2] = { m->pair[0], m->pair[1] };
	lfs_mdir_insert(m, id);
	ent_new(&m->ent[id], LFS_T_DIR, name, nlen, LFS_T_DIRSTRUCT, lfs->tmp, 8);
	lfs_files_insert(lfs, pair, id);
	if ((err = lfs_mdir_commit(lfs, m)))
		lfs_files_delete(lfs, pair, id);
	return err;
}

/*
 * Checks that the directory starting at PAIR is empty, leaving its last
 * pair in L and the xor of its pairs' global-state deltas in *g.
 */
static int dir_empty(struct lfs *lfs, const uint32_t pair[2], struct lfs_mdir *l,
		     struct lfs_gstate *g)
{
	uint32_t p[2] = { pair[0], pair[1] };
	int err;

	memset(g, 0, sizeof(*g));
	for (uint32_t n = 0;; n++) {
		if (n > lfs->bd->block_count / 2)
			return -NX_ECORRUPT;
		if ((err = lfs_mdir_fetch(lfs, l, p, true)))
			return err;
		for (uint16_t i = 0; i < l->count; i++)
			if (is_file_or_dir(&l->ent[i]))
				return -NX_ENOTEMPTY;
		g->tag ^= l->gdelta.tag;
		g->pair[0] ^= l->gdelta.pair[0];
		g->pair[1] ^= l->gdelta.pair[1];
		if (!l->split)
			return 0;
		p[0] = l->tail[0];
		p[1] = l->tail[1];
	}
}

/*
 * Takes the removed directory starting at PAIR, whose last pair was L,
 * off the tail list. Its pairs' deltas G move to the predecessor.
 */
static int dir_drop(struct lfs *lfs, const uint32_t pair[2], const struct lfs_mdir *l,
		    const struct lfs_gstate *g, struct lfs_mdir *pred)
{
	uint32_t tail[2] = { l->tail[0], l->tail[1] };
	int err = lfs_fs_pred(lfs, pair, pred);

	if (err)
		return err;
	pred->tail[0] = tail[0];
	pred->tail[1] = tail[1];
	pred->split = false;
	pred->gdelta.tag ^= g->tag;
	pred->gdelta.pair[0] ^= g->pair[0];
	pred->gdelta.pair[1] ^= g->pair[1];
	lfs_orphans(lfs, -1);
	return lfs_mdir_commit(lfs, pred);
}

/*
 * Takes M off its directory's chain if a removal left it empty and it is
 * not the directory's first pair (whose address the parent holds). A cut
 * before this commit leaves an empty pair in the chain, which is valid.
 */
static int drop_empty(struct lfs *lfs, const struct lfs_mdir *m, struct lfs_mdir *pred)
{
	if (m->count)
		return 0;
	int err = lfs_fs_pred(lfs, m->pair, pred);
	if (err)
		return err == -NX_ENOENT ? 0 : err;
	if (!pred->split)
		return 0;
	pred->tail[0] = m->tail[0];
	pred->tail[1] = m->tail[1];
	pred->split = m->split;
	pred->gdelta.tag ^= m->gdelta.tag;
	pred->gdelta.pair[0] ^= m->gdelta.pair[0];
	pred->gdelta.pair[1] ^= m->gdelta.pair[1];
	return lfs_mdir_commit(lfs, pred);
}

int lfs_remove(struct lfs *lfs, const char *path)
{
	struct lfs_mdir *m = &lfs->m[0], *l = &lfs->m[1];
	struct lfs_gstate g;
	uint32_t d[2];
	uint16_t id;
	int err;

	if ((err = lfs_fs_fix(lfs)) || (err = lfs_find(lfs, m, path, &id, NULL, NULL, NULL)))
		return err;
	if (id == ID_NONE)
		return -NX_EINVAL;
	bool isdir = m->ent[id].type == LFS_T_DIR;
	if (isdir) {
		if ((err = lfs_dirstruct(lfs, m, &m->ent[id], d)) ||
		    (err = dir_empty(lfs, d, l, &g)))
			return err;
		lfs_orphans(lfs, +1);
	}
	lfs_files_delete(lfs, m->pair, id);
	lfs_mdir_delete(m, id);
	if ((err = lfs_mdir_commit(lfs, m)))
		return err;
	if (isdir) {
		uint32_t p[2] = { m->pair[0], m->pair[1] };
		/* Dropping the directory may have rewritten M: read it again. */
		if ((err = dir_drop(lfs, d, l, &g, &lfs->m[2])) ||
		    (err = lfs_mdir_fetch(lfs, m, p, true)))
			return err;
	}
	return drop_empty(lfs, m, l);
}

static void files_orphan(struct lfs *lfs, const uint32_t pair[2], uint16_t id)
{
	for (struct lfs_file *f = lfs->files; f; f = f->next)
		if (!f->moving && lfs_pair_eq(f->pair, pair) && f->id == id)
			f->removed = true;
}

static void files_mark(struct lfs *lfs, const uint32_t pair[2], uint16_t id)
{
	for (struct lfs_file *f = lfs->files; f; f = f->next)
		f->moving = !f->removed && lfs_pair_eq(f->pair, pair) && f->id == id;
}

static void files_moved(struct lfs *lfs, const uint32_t pair[2], uint16_t id)
{
	for (struct lfs_file *f = lfs->files; f; f = f->next) {
		if (!f->moving)
			continue;
		f->moving = false;
		f->pair[0] = pair[0];
		f->pair[1] = pair[1];
		f->id = id;
	}
}

int lfs_rename(struct lfs *lfs, const char *from, const char *to)
{
	struct lfs_mdir *sm = &lfs->m[0], *dm = &lfs->m[1], *l = &lfs->m[2];
	struct lfs_gstate g;
	uint32_t sd[2], dd[2], nlen;
	const char *name;
	uint16_t sid, did;
	int err;

	if ((err = lfs_fs_fix(lfs)) || (err = lfs_find(lfs, sm, from, &sid, NULL, NULL, NULL)))
		return err;
	if (sid == ID_NONE)
		return -NX_EINVAL;
	struct lfs_ent src = sm->ent[sid];
	if (src.slen > sizeof(lfs->tmp))
		return -NX_ECORRUPT;
	if ((err = lfs_ent_read(lfs, sm, &src, false, 0, lfs->tmp, src.slen)))
		return err;
	bool isdir = src.type == LFS_T_DIR;
	if (isdir && (err = lfs_dirstruct(lfs, sm, &src, sd)))
		return err;
	err = lfs_find(lfs, dm, to, &did, &name, &nlen, isdir ? sd : NULL);
	bool exists = !err;
	if (err && (err != -NX_ENOENT || !name))
		return err;
	bool replacedir = false;
	if (exists) {
		if (did == ID_NONE)
			return -NX_EINVAL;
		if (lfs_pair_eq(sm->pair, dm->pair) && did == sid)
			return 0;
		if (dm->ent[did].type != src.type)
			return isdir ? -NX_ENOTDIR : -NX_EISDIR;
		if (isdir) {
			if ((err = lfs_dirstruct(lfs, dm, &dm->ent[did], dd)) ||
			    (err = dir_empty(lfs, dd, l, &g)))
				return err;
			replacedir = true;
			lfs_orphans(lfs, +1);
		}
	} else if (dm->count >= LFS_MDIR_IDS) {
		return -NX_ENOSPC;
	}

	bool samepair = lfs_pair_eq(sm->pair, dm->pair);
	uint32_t spair[2] = { sm->pair[0], sm->pair[1] };
	files_mark(lfs, spair, sid);
	if (exists) {
		files_orphan(lfs, dm->pair, did);	/* the replaced entry */
		dm->ent[did].stype = src.stype;
		dm->ent[did].slen = src.slen;
		dm->ent[did].sram = lfs->tmp;
	} else {
		lfs_mdir_insert(dm, did);
		ent_new(&dm->ent[did], src.type, name, nlen, src.stype, lfs->tmp, src.slen);
		lfs_files_insert(lfs, dm->pair, did);
		if (samepair && sid >= did)
			sid++;
	}
	lfs_files_delete(lfs, spair, sid);
	if (samepair) {
		lfs_mdir_delete(dm, sid);
		if (sid < did)
			did--;
	}
	files_moved(lfs, dm->pair, did);
	if (!samepair) {
		/* Readers treat the source as deleted from this commit on. */
		lfs->gstate.tag = (lfs->gstate.tag & 0x800003ffu) | LFS_MKTAG(LFS_T_DELETE, sid, 0);
		lfs->gstate.pair[0] = spair[0];
		lfs->gstate.pair[1] = spair[1];
	}
	if ((err = lfs_mdir_commit(lfs, dm)))
		return err;
	if (!samepair) {
		/* The fetch drops the source; the commit clears the move. */
		if ((err = lfs_mdir_fetch(lfs, sm, spair, true)) ||
		    (err = lfs_mdir_commit(lfs, sm)) || (err = drop_empty(lfs, sm, dm)))
			return err;
	}
	return replacedir ? dir_drop(lfs, dd, l, &g, dm) : 0;
}
