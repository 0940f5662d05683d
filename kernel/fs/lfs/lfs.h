/*
 * littlefs: a power-loss-safe file system for block devices, on-disk
 * compatible with littlefs disk version 2.1 (0x00020001), written from the
 * published SPEC.md and DESIGN.md. docs/littlefs.md describes the format,
 * the power-loss argument and what is left out.
 *
 * Nothing is allocated: the caller owns struct lfs, every struct lfs_file
 * and struct lfs_dir, and the block device. All sizes are bounded by the
 * constants below. Not thread-safe: one caller at a time per struct lfs.
 *
 * Paths are absolute or relative to the root, '/'-separated; "." and ".."
 * are refused. Every call returns 0 (or a count) or a negative NX_E code.
 */
#ifndef FS_LFS_LFS_H
#define FS_LFS_LFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LFS_DISK_VERSION 0x00020001u
#define LFS_NAME_MAX	255
#define LFS_FILE_MAX	2147483647u	/* what the superblock advertises */
#define LFS_ATTR_MAX	1022

/* Bounds of this implementation, not of the format. */
#define LFS_MDIR_IDS	128	/* entries per metadata pair we can hold */
#define LFS_LOOKAHEAD	512	/* blocks per allocator window */
#define LFS_INLINE_CAP	1024	/* inline file buffer; format limit is 1022 */
#define LFS_PCACHE	64	/* commit program buffer */
#define LFS_PROG_ALIGN	16	/* commits end on this boundary */
#define LFS_MDIR_OPS	4	/* creates/deletes one appended commit can carry */
#define LFS_SCAN_CACHE	512	/* metadata blocks whose log scan is remembered */

#define LFS_BLOCK_NULL	0xffffffffu

/*
 * A block device of block_count erase blocks of block_size bytes. prog
 * writes bytes that were erased since the last erase of their block, in
 * increasing offsets; the erased value does not matter. All return 0 or a
 * negative NX_E code.
 */
struct lfs_bd {
	int (*read)(void *ctx, uint32_t block, uint32_t off, void *buf, uint32_t size);
	int (*prog)(void *ctx, uint32_t block, uint32_t off, const void *buf,
		    uint32_t size);
	int (*erase)(void *ctx, uint32_t block);
	int (*sync)(void *ctx);
	uint32_t block_size;
	uint32_t block_count;
	void *ctx;
};

/* One entry (id) of a metadata pair, as the newest commit describes it. */
struct lfs_ent {
	uint16_t type;		/* name tag type: LFS_T_REG, LFS_T_DIR, LFS_T_SUPER */
	uint16_t stype;		/* struct tag type, 0 if none */
	uint16_t nlen, slen;
	uint32_t noff, soff;	/* data offsets in the pair's newest block */
	const void *nram;	/* during a commit: data not yet on disk */
	const void *sram;
};

/* Move state, the only global state (SPEC.md "0x7ff LFS_TYPE_MOVESTATE"). */
struct lfs_gstate {
	uint32_t tag;		/* bit 31: orphans; type/id: pending move; size: orphan count */
	uint32_t pair[2];
};

struct lfs_mdir {
	uint32_t pair[2];	/* pair[0] holds the newest valid commit */
	uint32_t rev;
	uint32_t tail[2];
	bool split;		/* tail is a hard tail: same directory */
	uint16_t count;
	struct lfs_gstate gdelta;	/* this pair's share of the global state */
	/* As fetched, so a commit can append only what changed. */
	uint32_t off;		/* end of the newest commit in pair[0] */
	uint32_t etag;		/* what the next tag there is xored with */
	bool erased;		/* off.. is erased, as the commit's FCRC says */
	bool dirty;		/* changed in a way only a full rewrite records */
	uint32_t otail[2];
	bool osplit;
	struct lfs_gstate ogdelta;
	uint8_t nops;		/* creates and deletes since the fetch, in order */
	struct { uint8_t create; uint16_t id; } ops[LFS_MDIR_OPS];
	struct lfs_ent ent[LFS_MDIR_IDS];
};

enum {
	LFS_O_RDONLY = 1,
	LFS_O_WRONLY = 2,
	LFS_O_RDWR = 3,
	LFS_O_CREAT = 0x100,
	LFS_O_EXCL = 0x200,
	LFS_O_TRUNC = 0x400,
	LFS_O_APPEND = 0x800,
};

enum { LFS_SEEK_SET, LFS_SEEK_CUR, LFS_SEEK_END };

enum lfs_type { LFS_TYPE_REG = 1, LFS_TYPE_DIR = 2 };

/*
 * An open file. Its content is either inline (buf, size) or a CTZ skip-list
 * (head, size). Writes at wpos build a new list ending in whead; nothing
 * is visible on disk until lfs_file_sync commits the new struct.
 */
struct lfs_file {
	struct lfs_file *next;	/* open-file list, so ids follow commits */
	uint32_t pair[2];	/* metadata pair holding the entry */
	uint16_t id;
	bool removed;		/* entry deleted while open: syncs go nowhere */
	bool inl;
	bool dirty;		/* content differs from the committed struct */
	bool writing;		/* whead/windex/woff/wsize describe a new list */
	bool moving;		/* rename in progress moves this entry */
	uint32_t flags;
	uint32_t pos;
	uint32_t head, size;
	uint32_t whead, windex, woff, wsize;
	uint8_t buf[LFS_INLINE_CAP];
};

struct lfs_dir {
	uint32_t pair[2];
	uint16_t id;
	uint32_t steps;		/* pairs visited, to stop on a corrupt cycle */
};

struct lfs_info {
	uint8_t type;		/* enum lfs_type */
	uint32_t size;
	char name[LFS_NAME_MAX + 1];
};

struct lfs_fsinfo {
	uint32_t disk_version;
	uint32_t block_size, block_count, blocks_used;
	uint32_t name_max, file_max, attr_max;
};

struct lfs {
	const struct lfs_bd *bd;
	bool mounted;
	uint32_t root[2];
	uint32_t seed;
	uint32_t inline_max;
	uint32_t name_max;
	struct lfs_gstate gstate;	/* what the global state should be */
	struct lfs_gstate gdisk;	/* what the disk's deltas add up to */
	struct lfs_file *files;
	struct {
		uint32_t start, size, next, ckpoint;
		uint8_t map[LFS_LOOKAHEAD / 8];
	} la;
	struct {
		uint32_t block, off, len;
		uint8_t buf[LFS_PCACHE];
	} pc;
	/*
	 * Where each recently scanned metadata block's valid log ends, so a
	 * fetch checks a log's CRCs once, not on every lookup; forgotten
	 * when the block is programmed or erased. Direct-mapped by block.
	 */
	struct lfs_scan {
		bool valid;
		bool erased;
		uint32_t block, end, etag;
	} scans[LFS_SCAN_CACHE];
	uint8_t tmp[LFS_INLINE_CAP];	/* struct data in flight during a commit */
	struct lfs_mdir m[3];	/* scratch pairs of the running operation */
	struct lfs_mdir tm;	/* the traversal's own */
};

int lfs_format(struct lfs *lfs, const struct lfs_bd *bd);
int lfs_mount(struct lfs *lfs, const struct lfs_bd *bd);
int lfs_unmount(struct lfs *lfs);
int lfs_statfs(struct lfs *lfs, struct lfs_fsinfo *fi);
/* Calls cb for every block in use; blocks may repeat. */
int lfs_traverse(struct lfs *lfs, int (*cb)(void *data, uint32_t block), void *data);

int lfs_mkdir(struct lfs *lfs, const char *path);
int lfs_remove(struct lfs *lfs, const char *path);
int lfs_rename(struct lfs *lfs, const char *from, const char *to);
int lfs_stat(struct lfs *lfs, const char *path, struct lfs_info *info);

int lfs_dir_open(struct lfs *lfs, struct lfs_dir *dir, const char *path);
/* 1 and *info filled, 0 at the end, or an error. No "." or "..". */
int lfs_dir_read(struct lfs *lfs, struct lfs_dir *dir, struct lfs_info *info);

int lfs_file_open(struct lfs *lfs, struct lfs_file *f, const char *path, uint32_t flags);
int lfs_file_close(struct lfs *lfs, struct lfs_file *f);
int lfs_file_sync(struct lfs *lfs, struct lfs_file *f);
/* Return the byte count or an error. */
int32_t lfs_file_read(struct lfs *lfs, struct lfs_file *f, void *buf, uint32_t n);
int32_t lfs_file_write(struct lfs *lfs, struct lfs_file *f, const void *buf, uint32_t n);
int32_t lfs_file_seek(struct lfs *lfs, struct lfs_file *f, int32_t off, int whence);
int32_t lfs_file_size(struct lfs *lfs, struct lfs_file *f);

/* The CRC littlefs uses: reflected CRC-32, polynomial 0x04c11db7, no final xor. */
uint32_t lfs_crc(uint32_t crc, const void *buf, size_t size);

#endif
