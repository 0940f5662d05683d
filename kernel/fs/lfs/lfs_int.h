/*
 * littlefs internals shared by the files of kernel/fs/lfs/: the tag
 * encoding of SPEC.md "Metadata tags" and the helpers each file exports.
 *
 * A tag is [valid:1 | type:11 | id:10 | size:10], stored big-endian and
 * xored with the tag before it. Everything else on disk is little-endian.
 */
#ifndef FS_LFS_LFS_INT_H
#define FS_LFS_LFS_INT_H

#include "fs/lfs/lfs.h"

#define LFS_MKTAG(type, id, size) \
	(((uint32_t)(type) << 20) | ((uint32_t)(id) << 10) | (uint32_t)(size))
#define TAG_TYPE1(t)	(((t) >> 20) & 0x700u)
#define TAG_TYPE3(t)	(((t) >> 20) & 0x7ffu)
#define TAG_CHUNK(t)	(((t) >> 20) & 0xffu)
#define TAG_ID(t)	(((t) >> 10) & 0x3ffu)
#define TAG_SIZE(t)	((t) & 0x3ffu)
/* A size of 0x3ff marks a deleted tag, which carries no data. */
#define TAG_DSIZE(t)	(4u + (TAG_SIZE(t) == 0x3ffu ? 0u : TAG_SIZE(t)))

/* Tag types (SPEC.md "Metadata types"). */
#define LFS_T_NAME	0x000u
#define LFS_T_REG	0x001u
#define LFS_T_DIR	0x002u
#define LFS_T_SUPER	0x0ffu
#define LFS_T_STRUCT	0x200u
#define LFS_T_DIRSTRUCT	0x200u
#define LFS_T_INLINE	0x201u
#define LFS_T_CTZ	0x202u
#define LFS_T_USERATTR	0x300u
#define LFS_T_SPLICE	0x400u
#define LFS_T_CREATE	0x401u
#define LFS_T_DELETE	0x4ffu
#define LFS_T_CRC	0x500u
#define LFS_T_FCRC	0x5ffu
#define LFS_T_TAIL	0x600u
#define LFS_T_SOFTTAIL	0x600u
#define LFS_T_HARDTAIL	0x601u
#define LFS_T_GSTATE	0x700u
#define LFS_T_MOVESTATE	0x7ffu

#define ID_NONE		0x3ffu
#define SUPER_LEN	24u	/* superblock inline struct: six 32-bit fields */

static inline uint32_t lfs_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline void lfs_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline uint32_t lfs_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
	       (uint32_t)p[3];
}

static inline void lfs_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline bool lfs_pair_eq(const uint32_t a[2], const uint32_t b[2])
{
	return (a[0] == b[0] && a[1] == b[1]) || (a[0] == b[1] && a[1] == b[0]);
}

static inline bool lfs_pair_null(const uint32_t p[2])
{
	return p[0] == LFS_BLOCK_NULL || p[1] == LFS_BLOCK_NULL;
}

static inline bool lfs_gstate_hasmove(const struct lfs_gstate *g)
{
	return TAG_TYPE1(g->tag) != 0;
}

/* A file or directory, as opposed to the superblock entry. */
static inline bool lfs_ent_named(const struct lfs_ent *e)
{
	return e->type == LFS_T_REG || e->type == LFS_T_DIR;
}

static inline uint32_t lfs_ctz(uint32_t x)
{
	return (uint32_t)__builtin_ctz(x);
}

/* bd.c */
int lfs_bd_read(struct lfs *lfs, uint32_t block, uint32_t off, void *buf, uint32_t size);
int lfs_bd_prog(struct lfs *lfs, uint32_t block, uint32_t off, const void *buf,
		uint32_t size);
int lfs_bd_erase(struct lfs *lfs, uint32_t block);
int lfs_bd_sync(struct lfs *lfs);
int lfs_bd_crc(struct lfs *lfs, uint32_t block, uint32_t off, uint32_t size, uint32_t *crc);
int lfs_bd_copy(struct lfs *lfs, uint32_t dblock, uint32_t doff, uint32_t sblock,
		uint32_t soff, uint32_t size);

/* mdir.c */
int lfs_mdir_fetch(struct lfs *lfs, struct lfs_mdir *m, const uint32_t pair[2], bool hide);
int lfs_mdir_commit(struct lfs *lfs, struct lfs_mdir *m);
int lfs_ent_read(struct lfs *lfs, const struct lfs_mdir *m, const struct lfs_ent *e,
		 bool name, uint32_t off, void *buf, uint32_t size);
void lfs_mdir_insert(struct lfs_mdir *m, uint16_t id);
void lfs_mdir_delete(struct lfs_mdir *m, uint16_t id);
int lfs_dirstruct(struct lfs *lfs, const struct lfs_mdir *m, const struct lfs_ent *e,
		  uint32_t pair[2]);

/* ctz.c */
uint32_t lfs_ctz_index(uint32_t B, uint32_t pos, uint32_t *inoff);
int lfs_ctz_find(struct lfs *lfs, uint32_t head, uint32_t hindex, uint32_t index,
		 uint32_t *block);
int lfs_ctz_walk(struct lfs *lfs, uint32_t head, uint32_t hindex,
		 int (*cb)(void *data, uint32_t block), void *data);
int lfs_ctz_ptrs(struct lfs *lfs, uint32_t prev, uint32_t index, uint8_t *ptrs);

/* alloc.c */
int lfs_alloc(struct lfs *lfs, uint32_t *block);
void lfs_alloc_ckpoint(struct lfs *lfs);
void lfs_alloc_reset(struct lfs *lfs);

/* super.c */
int lfs_fs_fix(struct lfs *lfs);
void lfs_orphans(struct lfs *lfs, int delta);
int lfs_fs_pred(struct lfs *lfs, const uint32_t pair[2], struct lfs_mdir *pred);

/* dir.c, dirmod.c */
int lfs_find(struct lfs *lfs, struct lfs_mdir *m, const char *path, uint16_t *id,
	     const char **name, uint32_t *nlen, const uint32_t *avoid);
int lfs_ent_info(struct lfs *lfs, const struct lfs_mdir *m, const struct lfs_ent *e,
		 struct lfs_info *info);

/* file.c */
void lfs_files_insert(struct lfs *lfs, const uint32_t pair[2], uint16_t id);
void lfs_files_delete(struct lfs *lfs, const uint32_t pair[2], uint16_t id);
void lfs_files_split(struct lfs *lfs, const uint32_t pair[2], uint16_t k,
		     const uint32_t npair[2]);

#endif
