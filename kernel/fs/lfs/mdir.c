/*
 * littlefs metadata pairs (SPEC.md "Directories / Metadata pairs",
 * "Metadata tags", "Metadata types"; DESIGN.md "Metadata pairs").
 *
 * Reading accepts any log the format allows: several commits per block,
 * CREATE/DELETE splices, deleted tags, FCRC tags, user attributes (which
 * are skipped). The newest block is chosen by revision, compared as a
 * sequence number, and falls back to the other block when it holds no
 * commit whose CRC checks.
 *
 * Writing appends one commit with just the changes after the newest
 * commit, when that commit's FCRC shows the space after it still erased;
 * otherwise it compacts: the whole state as one commit in the older
 * block, revision incremented, split over a new pair if it does not fit.
 * Either way nothing a reader trusts is touched until the new commit's
 * CRC is in place, so a commit fully happened or did not.
 */
#include <string.h>

#include <nexus/errno.h>

#include "fs/lfs/lfs_int.h"

/* Where the valid log of a block ends, and what follows it. */
struct log_end {
	uint32_t end;		/* just past the last commit whose CRC checks; 0: none */
	uint32_t etag;		/* the xor state a tag appended at end must use */
	bool erased;		/* end.. still erased, per that commit's FCRC */
};

/* Is the FCRC's stretch after END still as erased as when it was written? */
static int fcrc_check(struct lfs *lfs, uint32_t block, struct log_end *le, uint32_t fsize,
		      uint32_t fcrc)
{
	uint32_t crc = 0xffffffffu;
	int err;

	if (le->end % LFS_PROG_ALIGN || fsize == 0 || fsize > lfs->bd->block_size - le->end)
		return 0;
	if ((err = lfs_bd_crc(lfs, block, le->end, fsize, &crc)))
		return err;
	le->erased = crc == fcrc;
	return 0;
}

static int scan_log(struct lfs *lfs, uint32_t block, struct log_end *le)
{
	uint32_t B = lfs->bd->block_size, off = 4, ptag = 0xffffffffu, crc;
	uint32_t fsize = 0, fcrc = 0, lsize = 0, lcrc = 0;
	uint8_t w[8];
	int err = lfs_bd_read(lfs, block, 0, w, 4);

	memset(le, 0, sizeof(*le));
	if (err)
		return err;
	crc = lfs_crc(0xffffffffu, w, 4);
	while (off + 4 <= B) {
		if ((err = lfs_bd_read(lfs, block, off, w, 4)))
			return err;
		crc = lfs_crc(crc, w, 4);
		uint32_t tag = lfs_be32(w) ^ ptag;
		/* An unset valid bit: the erased space after the last commit. */
		if (tag & 0x80000000u || off + TAG_DSIZE(tag) > B)
			break;
		ptag = tag;
		if ((TAG_TYPE3(tag) & 0x780u) == LFS_T_CRC) {
			if (TAG_DSIZE(tag) < 8)
				break;
			if ((err = lfs_bd_read(lfs, block, off + 4, w, 4)))
				return err;
			if (lfs_le32(w) != crc)
				break;
			/* The CRC tag's chunk bit flips the expected valid bit. */
			ptag ^= (TAG_CHUNK(tag) & 1u) << 31;
			lfs->seed = lfs_crc(lfs->seed, &crc, 4);
			off += TAG_DSIZE(tag);
			le->end = off;
			le->etag = ptag;
			lsize = fsize;
			lcrc = fcrc;
			fsize = 0;
			crc = 0xffffffffu;
			continue;
		}
		if (TAG_TYPE3(tag) == LFS_T_FCRC && TAG_SIZE(tag) == 8) {
			if ((err = lfs_bd_read(lfs, block, off + 4, w, 8)))
				return err;
			fsize = lfs_le32(w);
			fcrc = lfs_le32(w + 4);
		}
		if ((err = lfs_bd_crc(lfs, block, off + 4, TAG_DSIZE(tag) - 4, &crc)))
			return err;
		off += TAG_DSIZE(tag);
	}
	return le->end && lsize ? fcrc_check(lfs, block, le, lsize, lcrc) : 0;
}

/* scan_log(), remembered until the block changes (struct lfs, scans). */
static int scan(struct lfs *lfs, uint32_t block, struct log_end *le)
{
	struct lfs_scan *sc = &lfs->scans[block % LFS_SCAN_CACHE];
	int err;

	if (sc->valid && sc->block == block) {
		*le = (struct log_end){ sc->end, sc->etag, sc->erased };
		return 0;
	}
	err = scan_log(lfs, block, le);
	if (!err)
		*sc = (struct lfs_scan){ true, le->erased, block, le->end, le->etag };
	return err;
}

static void ins(struct lfs_mdir *m, uint16_t id)
{
	memmove(&m->ent[id + 1], &m->ent[id], (size_t)(m->count - id) * sizeof(m->ent[0]));
	memset(&m->ent[id], 0, sizeof(m->ent[0]));
	m->count++;
}

static void del(struct lfs_mdir *m, uint16_t id)
{
	m->count--;
	memmove(&m->ent[id], &m->ent[id + 1], (size_t)(m->count - id) * sizeof(m->ent[0]));
}

static void log_op(struct lfs_mdir *m, bool create, uint16_t id)
{
	if (m->nops == LFS_MDIR_OPS) {
		m->dirty = true;
		return;
	}
	m->ops[m->nops].create = create;
	m->ops[m->nops++].id = id;
}

/* Inserts a blank entry at ID for the caller to fill before the commit. */
void lfs_mdir_insert(struct lfs_mdir *m, uint16_t id)
{
	ins(m, id);
	log_op(m, true, id);
}

void lfs_mdir_delete(struct lfs_mdir *m, uint16_t id)
{
	del(m, id);
	log_op(m, false, id);
}

/* Applies one tag of a valid commit to the in-memory view. */
static int apply(struct lfs *lfs, struct lfs_mdir *m, uint32_t block, uint32_t off,
		 uint32_t tag)
{
	uint32_t type = TAG_TYPE3(tag), id = TAG_ID(tag), size = TAG_SIZE(tag);
	uint8_t d[12];
	int err;

	switch (TAG_TYPE1(tag)) {
	case LFS_T_NAME:
		if (id == ID_NONE || size == 0x3ff)
			return 0;
		if (id >= LFS_MDIR_IDS)
			return -NX_E2BIG;
		/* A name past the end implicitly extends the id space. */
		while (m->count <= id)
			memset(&m->ent[m->count++], 0, sizeof(m->ent[0]));
		m->ent[id].type = (uint16_t)type;
		m->ent[id].nlen = (uint16_t)size;
		m->ent[id].noff = off + 4;
		return 0;
	case LFS_T_STRUCT:
		if (id >= m->count || size == 0x3ff)
			return 0;
		m->ent[id].stype = (uint16_t)type;
		m->ent[id].slen = (uint16_t)size;
		m->ent[id].soff = off + 4;
		return 0;
	case LFS_T_SPLICE:
		if (type == LFS_T_CREATE) {
			if (id > m->count || m->count >= LFS_MDIR_IDS)
				return id > m->count ? -NX_ECORRUPT : -NX_E2BIG;
			ins(m, (uint16_t)id);
		} else if (type == LFS_T_DELETE) {
			if (id >= m->count)
				return -NX_ECORRUPT;
			del(m, (uint16_t)id);
		}
		return 0;
	case LFS_T_TAIL:
		if (size != 8)
			return -NX_ECORRUPT;
		if ((err = lfs_bd_read(lfs, block, off + 4, d, 8)))
			return err;
		m->tail[0] = lfs_le32(d);
		m->tail[1] = lfs_le32(d + 4);
		m->split = TAG_CHUNK(tag) & 1;
		return 0;
	case LFS_T_GSTATE:
		if (type != LFS_T_MOVESTATE || size != 12)
			return 0;
		if ((err = lfs_bd_read(lfs, block, off + 4, d, 12)))
			return err;
		/* A pair's latest move-state tag is its whole share: it supersedes. */
		m->gdelta.tag = lfs_le32(d);
		m->gdelta.pair[0] = lfs_le32(d + 4);
		m->gdelta.pair[1] = lfs_le32(d + 8);
		return 0;
	default:
		/* User attributes, CRCs, FCRCs and unknown types. */
		return 0;
	}
}

static int parse(struct lfs *lfs, struct lfs_mdir *m, uint32_t block, uint32_t end)
{
	uint32_t off = 4, ptag = 0xffffffffu;
	uint8_t w[4];
	int err;

	while (off < end) {
		if ((err = lfs_bd_read(lfs, block, off, w, 4)))
			return err;
		uint32_t tag = lfs_be32(w) ^ ptag;
		ptag = tag;
		if ((TAG_TYPE3(tag) & 0x780u) == LFS_T_CRC)
			ptag ^= (TAG_CHUNK(tag) & 1u) << 31;
		else if ((err = apply(lfs, m, block, off, tag)))
			return err;
		off += TAG_DSIZE(tag);
	}
	return 0;
}

/* True when A is newer than B in sequence order (SPEC.md revision count). */
static bool rev_newer(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/*
 * Reads the pair at PAIR into M. HIDE drops the entry a pending move (in
 * the on-disk global state) has already copied elsewhere: the move's
 * source counts as deleted (SPEC.md "LFS_TYPE_MOVESTATE").
 */
int lfs_mdir_fetch(struct lfs *lfs, struct lfs_mdir *m, const uint32_t pair[2], bool hide)
{
	struct log_end le;
	uint32_t rev[2];
	uint8_t w[4];
	int err;

	if (pair[0] >= lfs->bd->block_count || pair[1] >= lfs->bd->block_count)
		return -NX_ECORRUPT;
	for (int i = 0; i < 2; i++) {
		if ((err = lfs_bd_read(lfs, pair[i], 0, w, 4)))
			return err;
		rev[i] = lfs_le32(w);
	}
	int first = rev_newer(rev[1], rev[0]) ? 1 : 0;
	for (int k = 0; k < 2; k++) {
		int i = k ? !first : first;
		if ((err = scan(lfs, pair[i], &le)))
			return err;
		if (!le.end)
			continue;
		memset(m, 0, offsetof(struct lfs_mdir, ent));
		m->pair[0] = pair[i];
		m->pair[1] = pair[!i];
		m->rev = rev[i];
		m->tail[0] = m->tail[1] = LFS_BLOCK_NULL;
		if ((err = parse(lfs, m, pair[i], le.end)))
			return err;
		m->off = le.end;
		m->etag = le.etag;
		m->erased = le.erased;
		m->otail[0] = m->tail[0];
		m->otail[1] = m->tail[1];
		m->osplit = m->split;
		m->ogdelta = m->gdelta;
		if (hide && lfs_gstate_hasmove(&lfs->gdisk) &&
		    lfs_pair_eq(lfs->gdisk.pair, m->pair) &&
		    TAG_ID(lfs->gdisk.tag) < m->count) {
			del(m, (uint16_t)TAG_ID(lfs->gdisk.tag));
			m->dirty = true;	/* an append would have to name it */
		}
		return 0;
	}
	return -NX_ECORRUPT;
}

int lfs_ent_read(struct lfs *lfs, const struct lfs_mdir *m, const struct lfs_ent *e,
		 bool name, uint32_t off, void *buf, uint32_t size)
{
	const void *ram = name ? e->nram : e->sram;
	uint32_t len = name ? e->nlen : e->slen;

	if (off > len || size > len - off)
		return -NX_ECORRUPT;
	if (ram) {
		memcpy(buf, (const uint8_t *)ram + off, size);
		return 0;
	}
	return lfs_bd_read(lfs, m->pair[0], (name ? e->noff : e->soff) + off, buf, size);
}

int lfs_dirstruct(struct lfs *lfs, const struct lfs_mdir *m, const struct lfs_ent *e,
		  uint32_t pair[2])
{
	uint8_t d[8];
	int err;

	if (e->stype != LFS_T_DIRSTRUCT || e->slen != 8)
		return -NX_ECORRUPT;
	if ((err = lfs_ent_read(lfs, m, e, false, 0, d, 8)))
		return err;
	pair[0] = lfs_le32(d);
	pair[1] = lfs_le32(d + 4);
	if (pair[0] >= lfs->bd->block_count || pair[1] >= lfs->bd->block_count)
		return -NX_ECORRUPT;
	return 0;
}

/* ---- compaction ---------------------------------------------------------- */

struct writer {
	uint32_t block, off, ptag, crc;
};

static int pc_flush(struct lfs *lfs)
{
	int err = lfs_bd_prog(lfs, lfs->pc.block, lfs->pc.off, lfs->pc.buf, lfs->pc.len);

	lfs->pc.off += lfs->pc.len;
	lfs->pc.len = 0;
	return err;
}

/* Buffers program data so a commit costs few device programs. */
static int put(struct lfs *lfs, struct writer *w, const void *buf, uint32_t size, bool crc)
{
	const uint8_t *p = buf;

	if (crc)
		w->crc = lfs_crc(w->crc, p, size);
	w->off += size;
	while (size) {
		uint32_t n = LFS_PCACHE - lfs->pc.len;
		if (n > size)
			n = size;
		memcpy(lfs->pc.buf + lfs->pc.len, p, n);
		lfs->pc.len += n;
		p += n;
		size -= n;
		if (lfs->pc.len == LFS_PCACHE) {
			int err = pc_flush(lfs);
			if (err)
				return err;
		}
	}
	return 0;
}

static int put_tag(struct lfs *lfs, struct writer *w, uint32_t tag)
{
	uint8_t b[4];

	lfs_put_be32(b, tag ^ w->ptag);
	w->ptag = tag;
	return put(lfs, w, b, 4, true);
}

/* Copies entry data, from RAM or from the pair's current block. */
static int put_data(struct lfs *lfs, struct writer *w, const struct lfs_mdir *m,
		    const struct lfs_ent *e, bool name)
{
	uint32_t len = name ? e->nlen : e->slen;
	uint8_t b[64];

	for (uint32_t off = 0; off < len;) {
		uint32_t n = len - off < sizeof(b) ? len - off : (uint32_t)sizeof(b);
		int err = lfs_ent_read(lfs, m, e, name, off, b, n);
		if (!err)
			err = put(lfs, w, b, n, true);
		if (err)
			return err;
		off += n;
	}
	return 0;
}

static uint32_t ent_size(const struct lfs_ent *e)
{
	return 4u + e->nlen + (e->stype ? 4u + e->slen : 0);
}

/* Bytes a commit of ids LO..HI-1 takes, CRC tag and padding included. */
static uint32_t span_size(const struct lfs_mdir *m, uint16_t lo, uint16_t hi, bool tail,
			  bool delta)
{
	uint32_t size = 4 + 8 + (tail ? 12 : 0) + (delta ? 16 : 0) + LFS_PROG_ALIGN;

	for (uint16_t i = lo; i < hi; i++)
		size += ent_size(&m->ent[i]);
	return size;
}

static uint32_t align_up(uint32_t x)
{
	return (x + LFS_PROG_ALIGN - 1) / LFS_PROG_ALIGN * LFS_PROG_ALIGN;
}

/*
 * Closes the commit. Where another commit could follow in this block, an
 * FCRC first records the CRC of the program unit after this commit as it
 * is now, erased: a later fetch that finds those bytes unchanged knows a
 * commit may be appended there, and one that does not (a program was
 * cut short) rewrites the pair instead (SPEC.md "LFS_TYPE_FCRC").
 */
static int put_crc(struct lfs *lfs, struct writer *w)
{
	uint32_t B = lfs->bd->block_size;
	uint32_t noff = align_up(w->off + 12 + 8);
	uint8_t b[8], next = 0xff;
	int err;

	if (noff + LFS_PROG_ALIGN <= B) {
		uint32_t fcrc = 0xffffffffu;
		if ((err = lfs_bd_crc(lfs, w->block, noff, LFS_PROG_ALIGN, &fcrc)))
			return err;
		lfs_put_le32(b, LFS_PROG_ALIGN);
		lfs_put_le32(b + 4, fcrc);
		if ((err = put_tag(lfs, w, LFS_MKTAG(LFS_T_FCRC, ID_NONE, 8))) ||
		    (err = put(lfs, w, b, 8, true)))
			return err;
	} else {
		noff = align_up(w->off + 8);
		if (noff > B)
			noff = B;
	}
	/*
	 * The valid bit expected of the next commit is the opposite of the
	 * top bit of the byte there now, so that byte, left as it is, can
	 * never pass for a valid tag (SPEC.md "LFS_TYPE_CRC", valid state).
	 */
	if (noff < B && (err = lfs_bd_read(lfs, w->block, noff, &next, 1)))
		return err;
	uint32_t tag = LFS_MKTAG(LFS_T_CRC | ((uint8_t)~next >> 7), ID_NONE, noff - w->off - 4);
	lfs_put_be32(b, tag ^ w->ptag);
	w->crc = lfs_crc(w->crc, b, 4);
	lfs_put_le32(b + 4, w->crc);
	if ((err = put(lfs, w, b, 8, false)))
		return err;
	memset(b, 0xff, sizeof(b));
	while (w->off < noff) {
		uint32_t n = noff - w->off < 8 ? noff - w->off : 8;
		if ((err = put(lfs, w, b, n, false)))
			return err;
	}
	return pc_flush(lfs);
}

static int put_tail(struct lfs *lfs, struct writer *w, const uint32_t tail[2], bool split)
{
	uint8_t b[8];
	int err;

	lfs_put_le32(b, tail[0]);
	lfs_put_le32(b + 4, tail[1]);
	uint32_t t = split ? LFS_T_HARDTAIL : LFS_T_SOFTTAIL;
	if ((err = put_tag(lfs, w, LFS_MKTAG(t, ID_NONE, 8))))
		return err;
	return put(lfs, w, b, 8, true);
}

static int put_delta(struct lfs *lfs, struct writer *w, const struct lfs_gstate *d)
{
	uint8_t b[12];
	int err;

	lfs_put_le32(b, d->tag);
	lfs_put_le32(b + 4, d->pair[0]);
	lfs_put_le32(b + 8, d->pair[1]);
	if ((err = put_tag(lfs, w, LFS_MKTAG(LFS_T_MOVESTATE, ID_NONE, 12))))
		return err;
	return put(lfs, w, b, 12, true);
}

static bool gstate_zero(const struct lfs_gstate *g)
{
	return !g->tag && !g->pair[0] && !g->pair[1];
}

static void begin(struct lfs *lfs, struct writer *w, uint32_t block, uint32_t off,
		  uint32_t ptag)
{
	*w = (struct writer){ block, off, ptag, 0xffffffffu };
	lfs->pc.block = block;
	lfs->pc.off = off;
	lfs->pc.len = 0;
}

/*
 * Writes ids LO..HI-1 of M (renumbered from 0), TAIL and DELTA as the one
 * commit of BLOCK, at revision REV. Entry data comes from M's block.
 */
static int compact(struct lfs *lfs, const struct lfs_mdir *m, uint16_t lo, uint16_t hi,
		   uint32_t block, uint32_t rev, const uint32_t tail[2], bool split,
		   const struct lfs_gstate *delta)
{
	struct writer w;
	uint8_t b[4];
	int err;

	if ((err = lfs_bd_erase(lfs, block)))
		return err;
	begin(lfs, &w, block, 0, 0xffffffffu);
	lfs_put_le32(b, rev);
	if ((err = put(lfs, &w, b, 4, true)))
		return err;
	for (uint16_t i = lo; i < hi; i++) {
		const struct lfs_ent *e = &m->ent[i];
		uint16_t id = (uint16_t)(i - lo);
		if (!e->type)
			return -NX_ECORRUPT;	/* an id with no name: nothing to write */
		if ((err = put_tag(lfs, &w, LFS_MKTAG(e->type, id, e->nlen))) ||
		    (err = put_data(lfs, &w, m, e, true)))
			return err;
		if (e->stype && ((err = put_tag(lfs, &w, LFS_MKTAG(e->stype, id, e->slen))) ||
				 (err = put_data(lfs, &w, m, e, false))))
			return err;
	}
	if (!lfs_pair_null(tail) && (err = put_tail(lfs, &w, tail, split)))
		return err;
	if (!gstate_zero(delta) && (err = put_delta(lfs, &w, delta)))
		return err;
	if ((err = put_crc(lfs, &w)))
		return err;
	return lfs_bd_sync(lfs);
}

/*
 * Where the entry created by op K ends up after the later ops: the index
 * of its data in M now, or -1 if a later op deleted it again.
 */
static int created_now(const struct lfs_mdir *m, int k)
{
	int id = m->ops[k].id;

	for (int j = k + 1; j < m->nops; j++) {
		int o = m->ops[j].id;
		if (m->ops[j].create && o <= id)
			id++;
		else if (!m->ops[j].create && o == id)
			return -1;
		else if (!m->ops[j].create && o < id)
			id--;
	}
	return id;
}

/* Is entry I of M one this batch created? */
static bool is_created(const struct lfs_mdir *m, int i)
{
	for (int k = 0; k < m->nops; k++)
		if (m->ops[k].create && created_now(m, k) == i)
			return true;
	return false;
}

/*
 * The changes since the fetch as tags, in an order a reader replaying the
 * log reaches the same state with: creates (each with its name and
 * struct) and deletes as they happened, then new structs of entries that
 * already existed, the tail, the pair's new share of the global state
 * (DELTA, NULL if unchanged). WRITE false only sizes them.
 */
static int put_changes(struct lfs *lfs, struct writer *w, const struct lfs_mdir *m,
		       const struct lfs_gstate *delta, bool write, uint32_t *size)
{
	bool tail = !lfs_pair_eq(m->tail, m->otail) || m->split != m->osplit;
	int err = 0;

	*size = (tail ? 12 : 0) + (delta ? 16 : 0);
	for (int k = 0; k < m->nops; k++) {
		uint16_t id = m->ops[k].id;
		if (!m->ops[k].create) {
			*size += 4;
			if (write && (err = put_tag(lfs, w, LFS_MKTAG(LFS_T_DELETE, id, 0))))
				return err;
			continue;
		}
		int now = created_now(m, k);
		if (now < 0)
			return -NX_ENOSPC;	/* created and deleted: rewrite instead */
		const struct lfs_ent *e = &m->ent[now];
		*size += 4 + 4 + e->nlen + (e->stype ? 4u + e->slen : 0);
		if (write && ((err = put_tag(lfs, w, LFS_MKTAG(LFS_T_CREATE, id, 0))) ||
			      (err = put_tag(lfs, w, LFS_MKTAG(e->type, id, e->nlen))) ||
			      (err = put_data(lfs, w, m, e, true))))
			return err;
		if (write && e->stype &&
		    ((err = put_tag(lfs, w, LFS_MKTAG(e->stype, id, e->slen))) ||
		     (err = put_data(lfs, w, m, e, false))))
			return err;
	}
	for (uint16_t i = 0; i < m->count; i++) {
		const struct lfs_ent *e = &m->ent[i];
		/* A struct from caller memory is new; one on disk is not. */
		if (!e->sram || is_created(m, i))
			continue;
		*size += 4 + e->slen;
		if (write && ((err = put_tag(lfs, w, LFS_MKTAG(e->stype, i, e->slen))) ||
			      (err = put_data(lfs, w, m, e, false))))
			return err;
	}
	if (write && tail && (err = put_tail(lfs, w, m->tail, m->split)))
		return err;
	if (write && delta && (err = put_delta(lfs, w, delta)))
		return err;
	return 0;
}

/*
 * Appends the changes as a new commit after the newest one, if the fetch
 * found the space there erased and they fit; -NX_ENOSPC asks for a
 * rewrite instead. The revision stays: the block is not erased.
 */
static int append(struct lfs *lfs, const struct lfs_mdir *m, const struct lfs_gstate *delta)
{
	uint32_t size;
	struct writer w;
	int err;

	if (!m->erased || m->dirty)
		return -NX_ENOSPC;
	if ((err = put_changes(lfs, NULL, m, delta, false, &size)))
		return err;
	if (size > lfs->bd->block_size - m->off ||
	    align_up(m->off + size + 20) + LFS_PROG_ALIGN > lfs->bd->block_size)
		return -NX_ENOSPC;
	begin(lfs, &w, m->pair[0], m->off, m->etag);
	if ((err = put_changes(lfs, &w, m, delta, true, &size)) || (err = put_crc(lfs, &w)))
		return err;
	return lfs_bd_sync(lfs);
}

/*
 * M does not fit one block: ids K.. go to a new pair, written first and
 * reached by nothing until M's own commit points its hard tail at it, so
 * the split is as atomic as that commit (SPEC.md "LFS_TYPE_HARDTAIL").
 * Names stay sorted across the two. Returns K, or an error.
 */
static int split(struct lfs *lfs, struct lfs_mdir *m, bool hasdelta, uint32_t npair[2])
{
	static const struct lfs_gstate none;
	uint32_t B = lfs->bd->block_size, total = 0, half = 0, b[2];
	uint16_t k = 0;
	uint8_t w[4];
	int err;

	for (uint16_t i = 0; i < m->count; i++)
		total += ent_size(&m->ent[i]);
	while (k + 1 < m->count && half + ent_size(&m->ent[k]) <= total / 2)
		half += ent_size(&m->ent[k++]);
	if (k == 0)
		k = 1;
	if (m->count < 2 || span_size(m, 0, k, true, hasdelta) > B ||
	    span_size(m, k, m->count, !lfs_pair_null(m->tail), false) > B)
		return -NX_ENOSPC;
	if ((err = lfs_alloc(lfs, &b[0])) || (err = lfs_alloc(lfs, &b[1])) ||
	    (err = lfs_bd_read(lfs, b[0], 0, w, 4)))
		return err;
	/* Newer than whatever b[0] still holds, as in lfs_format. */
	if ((err = compact(lfs, m, k, m->count, b[1], lfs_le32(w) + 1, m->tail, m->split, &none)))
		return err;
	npair[0] = b[1];
	npair[1] = b[0];
	m->count = k;
	m->tail[0] = npair[0];
	m->tail[1] = npair[1];
	m->split = true;
	return k;
}

/*
 * Writes M's entries, tail and share of the global state as a new commit,
 * split over two pairs if one block cannot hold them, then reads the
 * (first) pair back so M no longer points at caller memory. Open files
 * must already carry the ids M has; those moved by a split follow. The
 * commit also carries whatever the global state has gained since it was
 * last written (gstate ^ gdisk), which makes that change atomic with it.
 */
int lfs_mdir_commit(struct lfs *lfs, struct lfs_mdir *m)
{
	struct lfs_gstate delta;
	uint32_t pair[2];
	int err;

	/* The move's source was dropped when M was fetched: the move is done. */
	if (lfs_gstate_hasmove(&lfs->gdisk) && lfs_pair_eq(lfs->gdisk.pair, m->pair)) {
		lfs->gstate.tag &= ~LFS_MKTAG(0x7ff, 0x3ff, 0);
		lfs->gstate.pair[0] = lfs->gstate.pair[1] = 0;
	}
	/*
	 * The pair's share becomes whatever makes the xor of all shares the
	 * wanted state, deltas moved here from dropped pairs included. On
	 * disk the orphan count is only its flag: the size bits are padding
	 * (SPEC.md "LFS_TYPE_MOVESTATE").
	 */
	struct lfs_gstate want = lfs->gstate;
	want.tag &= ~0x3ffu;
	delta.tag = m->gdelta.tag ^ lfs->gdisk.tag ^ want.tag;
	delta.pair[0] = m->gdelta.pair[0] ^ lfs->gdisk.pair[0] ^ want.pair[0];
	delta.pair[1] = m->gdelta.pair[1] ^ lfs->gdisk.pair[1] ^ want.pair[1];
	bool changed = delta.tag != m->ogdelta.tag || delta.pair[0] != m->ogdelta.pair[0] ||
		       delta.pair[1] != m->ogdelta.pair[1];
	bool hasdelta = !gstate_zero(&delta);
	uint32_t npair[2];
	int k = 0;
	/* Keep a spare id so an insertion always has room before a split. */
	bool full = m->count >= LFS_MDIR_IDS - 1;
	err = full ? -NX_ENOSPC : append(lfs, m, changed ? &delta : NULL);
	if (err == -NX_ENOSPC) {
		if (full || span_size(m, 0, m->count, !lfs_pair_null(m->tail), hasdelta) >
				    lfs->bd->block_size)
			if ((k = split(lfs, m, hasdelta, npair)) < 0)
				return k;
		err = compact(lfs, m, 0, m->count, m->pair[1], m->rev + 1, m->tail, m->split,
			      &delta);
		pair[0] = m->pair[1];
		pair[1] = m->pair[0];
	} else {
		pair[0] = m->pair[0];
		pair[1] = m->pair[1];
	}
	if (err)
		return err;
	lfs->gdisk = want;
	if (k)
		lfs_files_split(lfs, m->pair, (uint16_t)k, npair);
	return lfs_mdir_fetch(lfs, m, pair, true);
}
