/*
 * nexfs on-disk format: the native, copy-on-write file system
 * (docs/nexfs.md). Shared by the kernel, the host tool and the tests; one
 * layout in every build. Integers are little-endian, as on every Nexus
 * target and host, so the hashed bytes are the in-memory bytes.
 *
 * The image is an array of blocks of one size (a power of two, 512 to
 * 4096 bytes). Blocks 0 and 1 are the two superblocks; every other block
 * is reached from one of them through struct nx_nexfs_ptr, which carries
 * the BLAKE3 hash of the whole block it names: the image is a Merkle tree
 * whose root is the superblock. A block is never written while a
 * committed superblock can reach it.
 */
#ifndef NEXUS_NEXFS_H
#define NEXUS_NEXFS_H

#include <stddef.h>
#include <stdint.h>

#define NX_NEXFS_MAGIC		0x53462D535558454EULL	/* "NEXUS-FS" */
#define NX_NEXFS_VERSION	1u
#define NX_NEXFS_INODE_MAGIC	0x4E49584Eu		/* "NXIN" */
#define NX_NEXFS_HASH_LEN	32
#define NX_NEXFS_NAME_MAX	64
#define NX_NEXFS_MIN_BLOCK	512u
#define NX_NEXFS_MAX_BLOCK	4096u
/* Blocks 0 and 1; the first block any tree may use is 2. */
#define NX_NEXFS_SUPER_SLOTS	2u

#define NX_NEXFS_FILE		1u
#define NX_NEXFS_DIR		2u

/*
 * A reference to a block: where it is, the generation whose commit first
 * made it durable (its birth, which tells a block that a snapshot may
 * share from one only the live tree holds), and the hash of its bytes.
 * blk 0 is a hole: a never-written part of a file, read as zeros; its
 * other fields are zero.
 */
struct nx_nexfs_ptr {
	uint64_t blk;
	uint64_t birth;
	uint8_t hash[NX_NEXFS_HASH_LEN];
};
_Static_assert(sizeof(struct nx_nexfs_ptr) == 48, "nexfs ptr size");
_Static_assert(offsetof(struct nx_nexfs_ptr, hash) == 16, "nexfs ptr hash");

/*
 * Superblock, at the start of block 0 or 1; generation g lives in slot
 * g % 2, so a commit always overwrites the older one. checksum is BLAKE3
 * over the whole block with the checksum bytes zeroed; its value is the
 * commit's root hash, which names the complete state of the image.
 */
struct nx_nexfs_super {
	uint64_t magic;
	uint32_t version;
	uint32_t block_size;
	uint64_t block_count;
	uint64_t generation;
	struct nx_nexfs_ptr root;	/* inode of "/" */
	struct nx_nexfs_ptr snaps;	/* directory inode of the snapshots */
	uint8_t reserved[96];		/* zero */
	uint8_t checksum[NX_NEXFS_HASH_LEN];
};
_Static_assert(sizeof(struct nx_nexfs_super) == 256, "nexfs super size");
_Static_assert(offsetof(struct nx_nexfs_super, root) == 32, "nexfs super root");
_Static_assert(offsetof(struct nx_nexfs_super, snaps) == 80, "nexfs super snaps");
_Static_assert(offsetof(struct nx_nexfs_super, checksum) == 224,
	       "nexfs super checksum");

/*
 * An inode fills a block: this header, then as many pointers as fit. With
 * height h each pointer names a subtree of height h, where height 0 is a
 * data block and height k an index block (a bare array of pointers)
 * whose entries are subtrees of height k - 1. Bytes past size are zero.
 * A directory's content is an array of struct nx_nexfs_dirent.
 */
struct nx_nexfs_inode {
	uint32_t magic;
	uint8_t type;			/* NX_NEXFS_FILE or NX_NEXFS_DIR */
	uint8_t height;
	uint16_t reserved0;
	uint64_t reserved1;
	uint64_t size;			/* bytes */
	uint64_t gen;			/* generation of the last change */
	uint8_t reserved2[32];
	struct nx_nexfs_ptr ptr[];
};
_Static_assert(sizeof(struct nx_nexfs_inode) == 64, "nexfs inode size");
_Static_assert(offsetof(struct nx_nexfs_inode, size) == 16, "nexfs inode size field");
_Static_assert(offsetof(struct nx_nexfs_inode, ptr) == 64, "nexfs inode ptr");

/*
 * A directory entry names a child inode. Entries are dense: removing one
 * moves the last into its place. In the snapshot directory, ptr names the
 * snapshot's root inode and gen is the generation that took it.
 */
struct nx_nexfs_dirent {
	struct nx_nexfs_ptr ptr;
	uint64_t gen;
	uint8_t type;
	uint8_t name_len;		/* 1..NX_NEXFS_NAME_MAX, no NUL */
	uint8_t reserved[6];
	char name[NX_NEXFS_NAME_MAX];
};
_Static_assert(sizeof(struct nx_nexfs_dirent) == 128, "nexfs dirent size");
_Static_assert(offsetof(struct nx_nexfs_dirent, name) == 64, "nexfs dirent name");

#endif
