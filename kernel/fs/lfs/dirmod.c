/*
 * littlefs directory changes: mkdir, remove, rename (SPEC.md
 * "LFS_TYPE_TAIL", "LFS_TYPE_MOVESTATE"; DESIGN.md "Moves", "orphans").
 *
 * Each change is one pair commit where it can be. Changes that need two
 * stay atomic through the global state: a rename between pairs first
 * commits the new entry together with a move record naming the old one,
 * which readers then treat as deleted, and the second commit removes it
 * and clears the record. A directory pair on the tail list that no entry
 * names yet (mkdir) or any more (remove) is counted as an orphan in the
 * same way, and lfs_fs_fix() drops it after a power loss.
 */
#include <string.h>

#include <nexus/errno.h>

#include "fs/lfs/lfs_int.h"

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
			if (lfs_ent_named(&l->ent[i]))
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

/* What a rename found, checked before anything changes. */
struct rename {
	struct lfs_ent src;	/* the source entry; its struct is in lfs->tmp */
	uint32_t spair[2];
	uint16_t sid, did;
	bool exists;		/* the destination is replaced... */
	bool replacedir;	/* ...and is an empty directory, at dd */
	uint32_t sd[2], dd[2];
	const char *name;	/* the new name, when it does not exist */
	uint32_t nlen;
	struct lfs_gstate g;	/* deltas of the replaced directory's pairs */
};

/* Leaves the source pair in lfs->m[0], the destination's in lfs->m[1]. */
static int rename_check(struct lfs *lfs, const char *from, const char *to, struct rename *r)
{
	struct lfs_mdir *sm = &lfs->m[0], *dm = &lfs->m[1];
	int err;

	if ((err = lfs_find(lfs, sm, from, &r->sid, NULL, NULL, NULL)))
		return err;
	if (r->sid == ID_NONE)
		return -NX_EINVAL;
	r->src = sm->ent[r->sid];
	r->spair[0] = sm->pair[0];
	r->spair[1] = sm->pair[1];
	if (r->src.slen > sizeof(lfs->tmp))
		return -NX_ECORRUPT;
	if ((err = lfs_ent_read(lfs, sm, &r->src, false, 0, lfs->tmp, r->src.slen)))
		return err;
	bool isdir = r->src.type == LFS_T_DIR;
	if (isdir && (err = lfs_dirstruct(lfs, sm, &r->src, r->sd)))
		return err;
	err = lfs_find(lfs, dm, to, &r->did, &r->name, &r->nlen, isdir ? r->sd : NULL);
	r->exists = !err;
	r->replacedir = false;
	if (err && (err != -NX_ENOENT || !r->name))
		return err;
	if (!r->exists)
		return dm->count >= LFS_MDIR_IDS ? -NX_ENOSPC : 0;
	if (r->did == ID_NONE)
		return -NX_EINVAL;
	if (lfs_pair_eq(r->spair, dm->pair) && r->did == r->sid)
		return 0;	/* onto itself: nothing to do */
	if (dm->ent[r->did].type != r->src.type)
		return isdir ? -NX_ENOTDIR : -NX_EISDIR;
	if (isdir) {
		if ((err = lfs_dirstruct(lfs, dm, &dm->ent[r->did], r->dd)) ||
		    (err = dir_empty(lfs, r->dd, &lfs->m[2], &r->g)))
			return err;
		r->replacedir = true;
	}
	return 0;
}

int lfs_rename(struct lfs *lfs, const char *from, const char *to)
{
	struct lfs_mdir *sm = &lfs->m[0], *dm = &lfs->m[1];
	struct rename r;
	int err;

	if ((err = lfs_fs_fix(lfs)) || (err = rename_check(lfs, from, to, &r)))
		return err;
	bool samepair = lfs_pair_eq(r.spair, dm->pair);
	if (samepair && r.exists && r.did == r.sid)
		return 0;
	if (r.replacedir)
		lfs_orphans(lfs, +1);
	files_mark(lfs, r.spair, r.sid);
	if (r.exists) {
		files_orphan(lfs, dm->pair, r.did);	/* the replaced entry */
		dm->ent[r.did].stype = r.src.stype;
		dm->ent[r.did].slen = r.src.slen;
		dm->ent[r.did].sram = lfs->tmp;
	} else {
		lfs_mdir_insert(dm, r.did);
		ent_new(&dm->ent[r.did], r.src.type, r.name, r.nlen, r.src.stype, lfs->tmp,
			r.src.slen);
		lfs_files_insert(lfs, dm->pair, r.did);
		if (samepair && r.sid >= r.did)
			r.sid++;
	}
	lfs_files_delete(lfs, r.spair, r.sid);
	if (samepair) {
		lfs_mdir_delete(dm, r.sid);
		if (r.sid < r.did)
			r.did--;
	} else {
		/* Readers treat the source as deleted from this commit on. */
		lfs->gstate.tag = (lfs->gstate.tag & 0x800003ffu) |
				  LFS_MKTAG(LFS_T_DELETE, r.sid, 0);
		lfs->gstate.pair[0] = r.spair[0];
		lfs->gstate.pair[1] = r.spair[1];
	}
	files_moved(lfs, dm->pair, r.did);
	if ((err = lfs_mdir_commit(lfs, dm)))
		return err;
	/* The fetch drops the source; the commit clears the move. */
	if (!samepair && ((err = lfs_mdir_fetch(lfs, sm, r.spair, true)) ||
			  (err = lfs_mdir_commit(lfs, sm)) || (err = drop_empty(lfs, sm, dm))))
		return err;
	return r.replacedir ? dir_drop(lfs, r.dd, &lfs->m[2], &r.g, dm) : 0;
}
