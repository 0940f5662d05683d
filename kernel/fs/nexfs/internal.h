/*
 * nexfs internals shared by its files: the block layer (blk.c), the
 * content tree (tree.c), directories (dir.c), path chains (path.c) and
 * the walk (walk.c). Not for callers outside kernel/fs/nexfs/.
 */
#ifndef FS_NEXFS_INTERNAL_H
#define FS_NEXFS_INTERNAL_H

#include "fs/nexfs/nexfs.h"

#define DIRENT_SIZE	((uint32_t)sizeof(struct nx_nexfs_dirent))

/*
 * A resolved path: ptr[0] is the root it started from, ptr[i + 1] the
 * entry idx[i] of directory ptr[i]; ptr[depth] is the object itself.
 */
struct nexfs_chain {
	int depth;
	bool snap;
	struct nx_nexfs_ptr ptr[NEXFS_MAX_DEPTH + 1];
	uint32_t idx[NEXFS_MAX_DEPTH];
	uint8_t height[NEXFS_MAX_DEPTH];	/* of directory ptr[i] */
};

/* blk.c */
void nexfs_hash(const void *buf, size_t len, uint8_t out[NX_NEXFS_HASH_LEN]);
bool nexfs_bit(const uint8_t *map, uint64_t blk);
void nexfs_setbit(uint8_t *map, uint64_t blk, bool on);
int nexfs_blk_read(struct nexfs *fs, const struct nx_nexfs_ptr *p, void *buf);
int nexfs_blk_write(struct nexfs *fs, struct nx_nexfs_ptr *p, const void *buf);
void nexfs_blk_drop(struct nexfs *fs, struct nx_nexfs_ptr *p);
bool nexfs_blk_private(const struct nexfs *fs, const struct nx_nexfs_ptr *p);
int nexfs_reserve(struct nexfs *fs, uint64_t blocks);
void nexfs_count_free(struct nexfs *fs);
int nexfs_fail(struct nexfs *fs, int err);

/* tree.c */
uint64_t nexfs_capacity(const struct nexfs *fs, unsigned height);
struct nx_nexfs_inode *nexfs_ino_load(struct nexfs *fs,
				      const struct nx_nexfs_ptr *p, int *err);
bool nexfs_ino_valid(const struct nexfs *fs, const struct nx_nexfs_inode *ino);
void nexfs_ino_init(struct nexfs *fs, uint8_t type);
int nexfs_tree_get(struct nexfs *fs, const struct nx_nexfs_inode *ino,
		   uint64_t n, void *out);
int nexfs_pread(struct nexfs *fs, const struct nx_nexfs_inode *ino,
		uint64_t off, void *dst, size_t len);
int nexfs_pwrite(struct nexfs *fs, struct nx_nexfs_inode *ino, uint64_t off,
		 const void *src, size_t len);
int nexfs_clear_block(struct nexfs *fs, struct nx_nexfs_inode *ino,
		      uint64_t n);
void nexfs_drop_content(struct nexfs *fs, struct nx_nexfs_inode *ino);
uint64_t nexfs_write_cost(const struct nexfs *fs, uint64_t len, uint64_t end);

/* dir.c */
int nexfs_name_check(const char *name, size_t len);
int nexfs_dir_find(struct nexfs *fs, const struct nx_nexfs_ptr *dir,
		   const char *name, size_t len, uint32_t *idx,
		   struct nx_nexfs_dirent *de);
int nexfs_dir_get(struct nexfs *fs, const struct nx_nexfs_ptr *dir,
		  uint64_t i, struct nx_nexfs_dirent *de);
int nexfs_dir_add(struct nexfs *fs, struct nx_nexfs_inode *dir,
		  const struct nx_nexfs_dirent *de);
int nexfs_dir_del(struct nexfs *fs, struct nx_nexfs_inode *dir, uint32_t idx);

/* path.c */
int nexfs_resolve(struct nexfs *fs, const char *path, bool parent,
		  struct nexfs_chain *c, const char **name, size_t *namelen);
int nexfs_propagate(struct nexfs *fs, struct nexfs_chain *c, int level);
int nexfs_normalise(const char *path, char *out, size_t size);
uint64_t nexfs_path_cost(const struct nexfs *fs, const struct nexfs_chain *c);

/* ns.c */
int nexfs_ready(struct nexfs *fs);
bool nexfs_busy(const struct nexfs *fs, const char *npath);
int nexfs_make(struct nexfs *fs, const char *path, uint8_t type);

/* walk.c */
int nexfs_walk(struct nexfs *fs);

/* super.c */
int nexfs_super_load(struct nexfs *fs, struct nexfs_bd *bd, void *mem,
		     size_t len, bool *ok);

#endif
