/*
 * nexfs: the native file system (docs/nexfs.md, on-disk format in
 * <nexus/nexfs.h>). Copy-on-write over a BLAKE3 Merkle tree, two
 * superblocks, atomic commit, read-only snapshots, whole-image verify.
 *
 * Portable and allocation-free: the caller provides the struct nexfs (all
 * block buffers live in it) and a bitmap area of nexfs_mem_size() bytes.
 * Not locked: one caller at a time.
 *
 * Changes live in the working tree until nexfs_commit() (fsync): before
 * it, a crash leaves the previous commit; after it returns, the new one.
 * An operation is validated and its space reserved before anything is
 * written, so it fails whole; a device error or a corrupt block met in
 * the middle of a change leaves the mount "broken": every later call
 * fails with -NX_EIO and the last commit stays on disk.
 *
 * Paths are absolute or relative to "/", '/'-separated; empty components
 * are skipped, "." and ".." are refused. A first component "NAME@snap"
 * enters snapshot NAME, read-only.
 */
#ifndef FS_NEXFS_H
#define FS_NEXFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nexus/nexfs.h>

#define NEXFS_MAX_HEIGHT	4	/* index levels under an inode */
#define NEXFS_MAX_DEPTH		16	/* path components */
#define NEXFS_PATH_MAX		256	/* bytes, NUL included */
#define NEXFS_MAX_OPEN		16
#define NEXFS_SEEN		4096	/* blocks whose hash check is remembered */

/* nexfs_open flags. */
#define NEXFS_O_READ	0x01u
#define NEXFS_O_WRITE	0x02u
#define NEXFS_O_CREATE	0x04u
#define NEXFS_O_TRUNC	0x08u
#define NEXFS_O_APPEND	0x10u

#define NEXFS_SEEK_SET	0
#define NEXFS_SEEK_CUR	1
#define NEXFS_SEEK_END	2

/*
 * A block device. read and write move one whole block; sync returns once
 * every write before it is durable. All return 0 or -NX_EIO.
 */
struct nexfs_bd {
	int (*read)(void *ctx, uint64_t blk, void *buf);
	int (*write)(void *ctx, uint64_t blk, const void *buf);
	int (*sync)(void *ctx);
	uint32_t block_size;
	uint64_t block_count;
	void *ctx;
};

struct nexfs_stat {
	uint8_t type;		/* NX_NEXFS_FILE or NX_NEXFS_DIR */
	uint64_t size;
	uint64_t gen;		/* generation of the last change */
	char name[NX_NEXFS_NAME_MAX + 1];	/* readdir and snapshot list only */
};

struct nexfs_statfs {
	uint32_t block_size;
	uint64_t block_count;
	uint64_t free_blocks;	/* allocatable now */
	uint64_t generation;	/* of the last commit */
	uint64_t snapshots;
};

/* What nexfs_verify() found. */
struct nexfs_verify_report {
	uint64_t generation;
	uint64_t blocks_checked;	/* reachable blocks hashed */
	uint64_t bad;			/* blocks (or references) that failed */
	uint64_t first_bad;		/* block number, valid when bad != 0 */
	bool super_ok[NX_NEXFS_SUPER_SLOTS];
	uint8_t root_hash[NX_NEXFS_HASH_LEN];
};

struct nexfs_file {
	bool used;
	bool snap;		/* inside a snapshot: read-only */
	uint32_t flags;
	uint64_t pos;
	char path[NEXFS_PATH_MAX];	/* normalised, "a/b" */
};

/* A block buffer, aligned for the on-disk structs. */
union nexfs_block {
	uint8_t b[NX_NEXFS_MAX_BLOCK];
	uint64_t align;
};

struct nexfs {
	struct nexfs_bd *bd;
	uint32_t bs;			/* block size */
	uint32_t kino;			/* pointers in an inode */
	uint32_t kidx;			/* pointers in an index block */
	uint64_t nblocks;
	uint64_t gen;			/* last committed generation */
	struct nx_nexfs_ptr root;	/* working tree */
	struct nx_nexfs_ptr snaps;
	uint64_t last_snap_gen;		/* newest snapshot's generation, or 0 */
	uint64_t nsnaps;
	uint8_t root_hash[NX_NEXFS_HASH_LEN];	/* of the last commit */
	/*
	 * used: reachable from the last commit (never written); fresh:
	 * written since, held by the working tree (rewritten in place);
	 * dead: committed blocks the working tree dropped that no snapshot
	 * holds, free once the next commit lands.
	 */
	uint8_t *used, *fresh, *dead;
	uint64_t nfree;
	uint64_t cursor;		/* allocation rotor */
	bool mounted, dirty, broken;
	bool rewalk;			/* a snapshot went: recount at commit */
	bool snap_tree;			/* editing the snapshot directory */
	bool verifying;
	struct nexfs_verify_report *report;
	struct nexfs_file files[NEXFS_MAX_OPEN];
	/*
	 * Which hash each recently read or written block was found to have,
	 * direct-mapped by block number (0: empty). A block is hashed when it
	 * first comes from the device after mount, not again on every lookup
	 * while nothing has rewritten it; `nexfs verify` rehashes everything.
	 */
	struct {
		uint64_t blk;
		uint8_t hash[NX_NEXFS_HASH_LEN];
	} seen[NEXFS_SEEN];
	/* ibuf: the inode being edited; tbuf[h]: index level h; dbuf: data. */
	union nexfs_block ibuf, dbuf, xbuf;
	union nexfs_block tbuf[NEXFS_MAX_HEIGHT + 1];
};

/* Bytes of bitmap memory a mount of @block_count blocks needs. */
size_t nexfs_mem_size(uint64_t block_count);

/* Writes an empty file system over the whole device; @fs is scratch. */
int nexfs_mkfs(struct nexfs *fs, struct nexfs_bd *bd);
/* -NX_EINVAL: not nexfs; -NX_EIO: the newest valid commit is damaged. */
int nexfs_mount(struct nexfs *fs, struct nexfs_bd *bd, void *mem, size_t len);
/* Commits, then forgets the mount. */
int nexfs_unmount(struct nexfs *fs);
/* fsync: makes the working tree the new commit; @hash may be NULL. */
int nexfs_commit(struct nexfs *fs, uint8_t hash[NX_NEXFS_HASH_LEN]);
/* The root hash of the last commit. */
void nexfs_root_hash(const struct nexfs *fs, uint8_t hash[NX_NEXFS_HASH_LEN]);
int nexfs_statfs(struct nexfs *fs, struct nexfs_statfs *st);

/* Returns a descriptor >= 0. */
int nexfs_open(struct nexfs *fs, const char *path, uint32_t flags);
int nexfs_close(struct nexfs *fs, int fd);
int64_t nexfs_read(struct nexfs *fs, int fd, void *buf, size_t len);
int64_t nexfs_write(struct nexfs *fs, int fd, const void *buf, size_t len);
int64_t nexfs_seek(struct nexfs *fs, int fd, int64_t off, int whence);
int nexfs_fsync(struct nexfs *fs, int fd);

int nexfs_stat(struct nexfs *fs, const char *path, struct nexfs_stat *st);
int nexfs_mkdir(struct nexfs *fs, const char *path);
/* Entry @index of directory @path; -NX_ENOENT past the last. */
int nexfs_readdir(struct nexfs *fs, const char *path, uint64_t index,
		  struct nexfs_stat *st);
/* Removes a file or an empty directory. -NX_EBUSY while open. */
int nexfs_unlink(struct nexfs *fs, const char *path);
/* Replaces @to only when both are files. */
int nexfs_rename(struct nexfs *fs, const char *from, const char *to);

/* Snapshot of the working tree; commits. Names: no '/' or '@'. */
int nexfs_snap_create(struct nexfs *fs, const char *name);
int nexfs_snap_delete(struct nexfs *fs, const char *name);
/* Snapshot @index: st->name, st->gen. -NX_ENOENT past the last. */
int nexfs_snap_list(struct nexfs *fs, uint64_t index, struct nexfs_stat *st);

/*
 * Hashes every block the newest valid commit reaches, and checks both
 * superblocks. Needs no mount (@fs is scratch, @mem as for mount), so it
 * also judges images that no longer mount. 0 when clean, -NX_EIO when
 * anything failed, -NX_EINVAL when neither superblock is valid.
 */
int nexfs_verify(struct nexfs *fs, struct nexfs_bd *bd, void *mem, size_t len,
		 struct nexfs_verify_report *r);

#endif
