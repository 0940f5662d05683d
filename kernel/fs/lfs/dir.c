/*
 * littlefs directories as read: path lookup, stat, readdir (SPEC.md
 * "LFS_TYPE_DIRSTRUCT", "LFS_TYPE_TAIL"; DESIGN.md "Directories").
 * dirmod.c changes them.
 *
 * A directory is a chain of pairs joined by hard tails, its names sorted
 * so a later pair only holds greater names; every pair of the file system
 * is also on one list joined by tails, which a directory's last pair
 * continues with a soft tail. The order used is upstream littlefs's:
 * bytes compared first, then a name sorts after its longer extensions.
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
			if (!lfs_ent_named(&m->ent[i]))
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
			if (lfs_ent_named(e))
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
