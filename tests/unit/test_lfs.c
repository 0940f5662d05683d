/*
 * littlefs (kernel/fs/lfs/): the on-disk bytes against SPEC.md (known
 * answers: superblock entry, tag encodings and xor chain, CRC, inline and
 * CTZ structs, skip-list pointers), the API's results and errors, and
 * corrupt images (random, truncated, bad CRC, wrong version, fuzzed),
 * which must fail cleanly or mount and walk without a crash (ASan).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <nexus/errno.h>

#include "fs/lfs/lfs.h"
#include "fs/lfs/lfs_int.h"
#include "fs/lfs/rambd.h"
#include "lfs_walk.h"

#define BS	512
#define BC	64

static uint8_t mem[BS * 256], copy[BS * 256];
static uint32_t mark[256];
static struct lfs_rambd rb;
static struct lfs fs;
static struct lfs_file f, g, pf;

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t rdbe(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void fresh(uint32_t count)
{
	lfs_rambd_init(&rb, mem, mark, BS, count);
	assert_int_equal(lfs_format(&fs, &rb.bd), 0);
	assert_int_equal(lfs_mount(&fs, &rb.bd), 0);
}

static void put(const char *path, const void *data, uint32_t n)
{
	assert_int_equal(lfs_file_open(&fs, &pf, path, LFS_O_WRONLY | LFS_O_CREAT | LFS_O_TRUNC), 0);
	assert_int_equal(lfs_file_write(&fs, &pf, data, n), (int32_t)n);
	assert_int_equal(lfs_file_close(&fs, &pf), 0);
}

static uint8_t *block(uint32_t b)
{
	return mem + (size_t)b * BS;
}

/* The newest block of the root pair {0, 1}, by revision. */
static uint8_t *root_block(void)
{
	return (int32_t)(rd32(block(1)) - rd32(block(0))) > 0 ? block(1) : block(0);
}

static void test_crc(void **state)
{
	(void)state;
	/* The usual CRC-32 check value is 0xcbf43926; littlefs skips the final xor. */
	assert_int_equal(lfs_crc(0xffffffffu, "123456789", 9), 0xcbf43926u ^ 0xffffffffu);
}

/*
 * SPEC.md "LFS_TYPE_SUPERBLOCK": revision, then name tag 0x0ff id 0 size 8
 * xored with 0xffffffff, "littlefs" at offset 8, the inline-struct tag
 * 0x201 id 0 size 24 xored with the name tag, six words; then
 * (SPEC.md "LFS_TYPE_FCRC") the FCRC tag with the size and CRC of the
 * erased program unit after the commit, and the CRC tag (type 0x500, id
 * 0x3ff) whose size pads the commit to the program boundary.
 */
static void test_known_superblock(void **state)
{
	static const uint8_t want[60] = {
		0x01, 0x00, 0x00, 0x00,			/* revision 1: block 0 written second */
		0xf0, 0x0f, 0xff, 0xf7,			/* ~0x0ff00008, big-endian */
		'l', 'i', 't', 't', 'l', 'e', 'f', 's',
		0x2f, 0xe0, 0x00, 0x10,			/* 0x20100018 ^ 0x0ff00008 */
		0x01, 0x00, 0x02, 0x00,			/* version 0x00020001 */
		0x00, 0x02, 0x00, 0x00,			/* block size 512 */
		0x40, 0x00, 0x00, 0x00,			/* block count 64 */
		0xff, 0x00, 0x00, 0x00,			/* name max 255 */
		0xff, 0xff, 0xff, 0x7f,			/* file max 2^31 - 1 */
		0xfe, 0x03, 0x00, 0x00,			/* attr max 1022 */
		0x7f, 0xef, 0xfc, 0x10,			/* 0x5ffffc08 ^ 0x20100018: FCRC, size 8 */
		0x10, 0x00, 0x00, 0x00,			/* over the 16 bytes at 64... */
		0xe5, 0x39, 0x4c, 0xc0,			/* ...all 0xff: CRC 0xc04c39e5 */
		0x0f, 0xf0, 0x00, 0x0c,			/* 0x500ffc04 ^ 0x5ffffc08: size 4, ends at 64 */
	};

	(void)state;
	fresh(BC);
	assert_memory_equal(block(0), want, sizeof(want));
	/* CRC of the 60 bytes before it, as zlib's crc32 computes it, inverted. */
	assert_int_equal(rd32(block(0) + 60), 0xc32493fdu);
	for (int i = 64; i < BS; i++)
		assert_int_equal(block(0)[i], 0xff);
	/* Block 1 holds the same commit at revision 0. */
	assert_int_equal(rd32(block(1)), 0);
	assert_memory_equal(block(1) + 4, want + 4, sizeof(want) - 4);
	assert_int_equal(rd32(block(1) + 60), 0x09f71d72u);
}

/*
 * Creating and syncing an inline file appends two commits to the root
 * block after the superblock's: CREATE 0x401 id 1, name tag 0x001, an
 * empty inline struct 0x201; then the 16-byte inline struct. The first
 * tag of each is xored with the CRC tag closing the commit before.
 */
static void test_known_inline(void **state)
{
	static const char data[] = "Hello, littlefs!";

	(void)state;
	fresh(BC);
	put("hello", data, 16);
	const uint8_t *b = root_block();
	assert_ptr_equal(b, block(0));
	assert_int_equal(rd32(b), 1);	/* appended: no new revision */
	assert_int_equal(rdbe(b + 64), 0x40100400u ^ 0x500ffc04u);	/* CREATE id 1 */
	assert_int_equal(rdbe(b + 68), 0x00100405u ^ 0x40100400u);	/* REG id 1 size 5 */
	assert_memory_equal(b + 72, "hello", 5);
	assert_int_equal(rdbe(b + 77), 0x20100400u ^ 0x00100405u);	/* INLINE id 1 size 0 */
	assert_int_equal(rdbe(b + 81), 0x5ffffc08u ^ 0x20100400u);	/* FCRC */
	assert_int_equal(rd32(b + 85), 16);
	/* CRC tag at 93, padding the commit to 112: size 112 - 97 = 15. */
	assert_int_equal(rdbe(b + 93), 0x500ffc0fu ^ 0x5ffffc08u);
	assert_int_equal(rd32(b + 97), lfs_crc(0xffffffffu, b + 64, 33));
	assert_int_equal(rdbe(b + 112), 0x20100410u ^ 0x500ffc0fu);	/* INLINE id 1 size 16 */
	assert_memory_equal(b + 116, data, 16);
	assert_int_equal(rdbe(b + 132), 0x5ffffc08u ^ 0x20100410u);
	assert_int_equal(rdbe(b + 144), 0x500ffc0cu ^ 0x5ffffc08u);	/* ends at 160 */
	assert_int_equal(rd32(b + 148), lfs_crc(0xffffffffu, b + 112, 36));
}

/*
 * A 2000-byte file in 512-byte blocks: block 0 holds 512 bytes, block 1
 * (one pointer) 508, block 2 (two pointers) 504, block 3 (one) the last
 * 476. The struct is 0x202 with the head block and the size.
 */
static void test_known_ctz(void **state)
{
	static uint8_t data[2000];
	uint32_t head = 0, size = 0, off = 4, ptag = 0xffffffffu;
	const uint8_t *b;

	(void)state;
	for (int i = 0; i < 2000; i++)
		data[i] = (uint8_t)(i * 13 + 7);
	fresh(BC);
	put("big", data, sizeof(data));
	b = root_block();
	/* Walk the log's tags by the xor chain to the struct of id 1. */
	for (;;) {
		uint32_t tag = rdbe(b + off) ^ ptag;
		assert_false(tag & 0x80000000u);
		ptag = tag;
		if (tag >> 20 == 0x202 && ((tag >> 10) & 0x3ff) == 1) {
			assert_int_equal(tag & 0x3ff, 8);
			head = rd32(b + off + 4);
			size = rd32(b + off + 8);
			break;
		}
		if (tag >> 20 == 0x500 || tag >> 20 == 0x501)	/* CRC: valid-bit state */
			ptag ^= (tag >> 20 & 1) << 31;
		off += 4 + (tag & 0x3ff);
		assert_true(off < BS);
	}
	assert_int_equal(size, 2000);
	uint32_t b3 = head, b2 = rd32(block(b3)), b1 = rd32(block(b2)), b0 = rd32(block(b1));
	assert_int_equal(rd32(block(b2) + 4), b0);	/* block 2's second pointer skips 2 */
	assert_memory_equal(block(b0), data, 512);
	assert_memory_equal(block(b1) + 4, data + 512, 508);
	assert_memory_equal(block(b2) + 8, data + 1020, 504);
	assert_memory_equal(block(b3) + 4, data + 1524, 476);
}

/*
 * SPEC.md "LFS_TYPE_MOVESTATE": removing a directory takes two commits
 * to the root, the first raising the orphan flag (sync bit) in the
 * root's share of the global state, the second lowering it with a tag
 * that supersedes the first. Tag 0x7ff, id 0x3ff, size 12; the size bits
 * of the state's tag are padding and stay zero.
 */
static void test_known_movestate(void **state)
{
	uint32_t off = 4, ptag = 0xffffffffu, shares[4], n = 0;
	const uint8_t *b;

	(void)state;
	fresh(BC);
	assert_int_equal(lfs_mkdir(&fs, "d"), 0);
	assert_int_equal(lfs_remove(&fs, "d"), 0);
	b = root_block();
	for (;;) {
		uint32_t tag = rdbe(b + off) ^ ptag;
		if (tag & 0x80000000u)
			break;
		ptag = tag;
		if (tag >> 20 == 0x7ff) {
			assert_int_equal(tag, 0x7ffffc0cu);
			assert_true(n < 4);
			shares[n++] = rd32(b + off + 4);
			assert_int_equal(rd32(b + off + 8), 0);
			assert_int_equal(rd32(b + off + 12), 0);
		}
		if (tag >> 20 == 0x500 || tag >> 20 == 0x501)
			ptag ^= (tag >> 20 & 1) << 31;
		off += 4 + (tag & 0x3ff);
		assert_true(off < BS);
	}
	assert_int_equal(n, 2);
	assert_int_equal(shares[0], 0x80000000u);
	assert_int_equal(shares[1], 0);
}

static void test_errors(void **state)
{
	struct lfs_info info;
	char longname[300];

	(void)state;
	fresh(BC);
	assert_int_equal(lfs_mkdir(&fs, "d"), 0);
	assert_int_equal(lfs_mkdir(&fs, "d"), -NX_EEXIST);
	assert_int_equal(lfs_mkdir(&fs, "x/y"), -NX_ENOENT);
	put("d/file", "abc", 3);
	assert_int_equal(lfs_mkdir(&fs, "d/file/z"), -NX_ENOTDIR);
	assert_int_equal(lfs_file_open(&fs, &f, "d", LFS_O_RDONLY), -NX_EISDIR);
	assert_int_equal(lfs_file_open(&fs, &f, "d/file", LFS_O_WRONLY | LFS_O_CREAT | LFS_O_EXCL),
			 -NX_EEXIST);
	assert_int_equal(lfs_file_open(&fs, &f, "nope", LFS_O_RDONLY), -NX_ENOENT);
	assert_int_equal(lfs_remove(&fs, "d"), -NX_ENOTEMPTY);
	assert_int_equal(lfs_remove(&fs, "/"), -NX_EINVAL);
	assert_int_equal(lfs_mkdir(&fs, "e"), 0);
	assert_int_equal(lfs_rename(&fs, "d/file", "e"), -NX_EISDIR);
	assert_int_equal(lfs_rename(&fs, "e", "d/file"), -NX_ENOTDIR);
	assert_int_equal(lfs_rename(&fs, "d", "d/sub"), -NX_EINVAL);
	assert_int_equal(lfs_rename(&fs, "d", "d"), 0);
	assert_int_equal(lfs_rename(&fs, "d/file", "/d//file"), 0);
	assert_int_equal(lfs_stat(&fs, "d/./file", &info), -NX_EINVAL);
	memset(longname, 'n', 256);
	longname[256] = '\0';
	assert_int_equal(lfs_mkdir(&fs, longname), -NX_E2BIG);
	longname[255] = '\0';
	assert_int_equal(lfs_mkdir(&fs, longname), 0);
	assert_int_equal(lfs_stat(&fs, longname, &info), 0);
	assert_int_equal(strlen(info.name), 255);
	assert_int_equal(lfs_file_open(&fs, &f, "d/file", LFS_O_WRONLY), 0);
	char c;
	assert_int_equal(lfs_file_read(&fs, &f, &c, 1), -NX_EPERM);
	assert_int_equal(lfs_file_close(&fs, &f), 0);
	assert_int_equal(lfs_stat(&fs, "//d//file/", &info), 0);
	assert_int_equal(info.size, 3);
}

/* Open files follow their entry through other commits, renames and removal. */
static void test_open_files(void **state)
{
	static uint8_t big[3000];
	uint8_t back[3000];

	(void)state;
	for (int i = 0; i < 3000; i++)
		big[i] = (uint8_t)(i ^ (i >> 7));
	fresh(BC);
	assert_int_equal(lfs_file_open(&fs, &f, "m", LFS_O_RDWR | LFS_O_CREAT), 0);
	assert_int_equal(lfs_file_write(&fs, &f, big, 3000), 3000);
	assert_int_equal(lfs_file_open(&fs, &f, "m", LFS_O_RDONLY), -NX_EBUSY);
	put("a", "first", 5);	/* sorts before m: m's id moves up */
	assert_int_equal(lfs_mkdir(&fs, "dir"), 0);
	assert_int_equal(lfs_file_sync(&fs, &f), 0);
	assert_int_equal(lfs_rename(&fs, "m", "dir/m2"), 0);	/* across pairs */
	assert_int_equal(lfs_file_seek(&fs, &f, 100, LFS_SEEK_SET), 100);
	assert_int_equal(lfs_file_write(&fs, &f, "XYZ", 3), 3);
	assert_int_equal(lfs_file_seek(&fs, &f, 98, LFS_SEEK_SET), 98);
	assert_int_equal(lfs_file_read(&fs, &f, back, 6), 6);	/* reads its own write */
	assert_memory_equal(back, "\x62\x63XYZ", 5);
	assert_int_equal(lfs_file_close(&fs, &f), 0);
	memcpy(big + 100, "XYZ", 3);
	assert_int_equal(lfs_file_open(&fs, &g, "dir/m2", LFS_O_RDONLY), 0);
	assert_int_equal(lfs_file_read(&fs, &g, back, 3000), 3000);
	assert_memory_equal(back, big, 3000);
	assert_int_equal(lfs_file_close(&fs, &g), 0);
	/* Removed while open: later writes go nowhere, the name stays gone. */
	assert_int_equal(lfs_file_open(&fs, &f, "a", LFS_O_RDWR), 0);
	assert_int_equal(lfs_remove(&fs, "a"), 0);
	assert_int_equal(lfs_file_write(&fs, &f, "zz", 2), 2);
	assert_int_equal(lfs_file_close(&fs, &f), 0);
	struct lfs_info info;
	assert_int_equal(lfs_stat(&fs, "a", &info), -NX_ENOENT);
	assert_int_equal(lfs_unmount(&fs), 0);
	assert_int_equal(lfs_mount(&fs, &rb.bd), 0);
	assert_int_equal(lfs_stat(&fs, "dir/m2", &info), 0);
	assert_int_equal(info.size, 3000);
}

/* Filling the device fails with NX_ENOSPC and leaves everything intact. */
static void test_full(void **state)
{
	static uint8_t chunk[1000];
	struct lfs_fsinfo fi;
	uint64_t before, after;
	int32_t n;

	(void)state;
	fresh(32);
	put("keep", "precious", 8);
	assert_int_equal(lfs_walk_digest(&fs, &before, NULL), 0);
	assert_int_equal(lfs_file_open(&fs, &f, "fill", LFS_O_WRONLY | LFS_O_CREAT), 0);
	while ((n = lfs_file_write(&fs, &f, chunk, sizeof(chunk))) > 0)
		;
	assert_int_equal(n, -NX_ENOSPC);
	lfs_file_close(&fs, &f);
	assert_int_equal(lfs_unmount(&fs), 0);
	assert_int_equal(lfs_mount(&fs, &rb.bd), 0);
	assert_int_equal(lfs_walk_digest(&fs, &after, NULL), 0);
	assert_true(before != after);	/* "fill" exists, empty */
	assert_int_equal(lfs_remove(&fs, "fill"), 0);
	assert_int_equal(lfs_walk_digest(&fs, &after, NULL), 0);
	assert_true(before == after);
	assert_int_equal(lfs_statfs(&fs, &fi), 0);
	assert_int_equal(fi.blocks_used, 2);
	/* Entries until the device is full: pairs split until no block is left. */
	char name[48];
	int i, err = 0;
	for (i = 0; i < 1000 && !err; i++) {
		snprintf(name, sizeof(name), "file-with-a-long-name-%03d", i);
		err = lfs_file_open(&fs, &f, name, LFS_O_WRONLY | LFS_O_CREAT);
		if (!err)
			err = lfs_file_close(&fs, &f);
	}
	assert_int_equal(err, -NX_ENOSPC);
	assert_int_equal(lfs_unmount(&fs), 0);
	assert_int_equal(lfs_mount(&fs, &rb.bd), 0);
	unsigned files;
	assert_int_equal(lfs_walk_digest(&fs, &after, &files), 0);
	assert_int_equal(files, (unsigned)i);	/* "keep" and all but the refused one */
	assert_true(i > 20);
}

/* Pairs in the chain of directory PATH. */
static int dir_pairs(const char *path)
{
	struct lfs_mdir *m = &fs.m[0];
	uint32_t pair[2];
	uint16_t id;
	int n = 1;

	assert_int_equal(lfs_find(&fs, m, path, &id, NULL, NULL, NULL), 0);
	assert_int_equal(lfs_dirstruct(&fs, m, &m->ent[id], pair), 0);
	for (;;) {
		assert_int_equal(lfs_mdir_fetch(&fs, m, pair, true), 0);
		if (!m->split)
			return n;
		pair[0] = m->tail[0];
		pair[1] = m->tail[1];
		n++;
	}
}

/*
 * A directory outgrowing its pair splits into a chain of pairs joined by
 * hard tails, stays sorted, keeps open files pointing at their entries,
 * and shrinks back to one pair as it empties.
 */
static void test_split(void **state)
{
	struct lfs_info info;
	struct lfs_dir d;
	char name[32], prev[32] = "";
	int n = 0;

	(void)state;
	fresh(256);
	assert_int_equal(lfs_mkdir(&fs, "many"), 0);
	assert_int_equal(lfs_file_open(&fs, &f, "many/entry-150", LFS_O_RDWR | LFS_O_CREAT), 0);
	for (int i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "many/entry-%03d", (i * 37) % 200);
		if ((i * 37) % 200 != 150)
			put(name, name, 30);
	}
	assert_true(dir_pairs("many") >= 10);
	assert_int_equal(lfs_file_write(&fs, &f, "kept", 4), 4);
	assert_int_equal(lfs_file_close(&fs, &f), 0);
	assert_int_equal(lfs_unmount(&fs), 0);
	assert_int_equal(lfs_mount(&fs, &rb.bd), 0);
	assert_int_equal(lfs_dir_open(&fs, &d, "many"), 0);
	while (lfs_dir_read(&fs, &d, &info) > 0) {
		assert_true(strcmp(prev, info.name) < 0);
		strcpy(prev, info.name);
		n++;
	}
	assert_int_equal(n, 200);
	assert_int_equal(lfs_stat(&fs, "many/entry-150", &info), 0);
	assert_int_equal(info.size, 4);
	assert_int_equal(lfs_stat(&fs, "many/entry-199", &info), 0);
	assert_int_equal(info.size, 30);
	for (int i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "many/entry-%03d", i);
		assert_int_equal(lfs_remove(&fs, name), 0);
	}
	assert_int_equal(dir_pairs("many"), 1);	/* emptied pairs left the chain */
	assert_int_equal(lfs_remove(&fs, "many"), 0);
	struct lfs_fsinfo fi;
	assert_int_equal(lfs_statfs(&fs, &fi), 0);
	printf("lfs split: 200 entries took a chain of pairs; after removal %u blocks in use\n",
	       fi.blocks_used);
}

static uint64_t rng = 88172645463325252ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static int mount_copy(uint32_t count)
{
	memcpy(mem, copy, (size_t)BS * count);
	memset(mark, 0, sizeof(mark));
	rb.bd.block_count = count;
	return lfs_mount(&fs, &rb.bd);
}

static void test_corrupt(void **state)
{
	(void)state;
	/* Random bytes everywhere. */
	lfs_rambd_init(&rb, mem, mark, BS, BC);
	for (int k = 0; k < 100; k++) {
		for (size_t i = 0; i < (size_t)BS * BC; i++)
			mem[i] = (uint8_t)rnd(256);
		assert_int_equal(lfs_mount(&fs, &rb.bd), -NX_ECORRUPT);
	}
	/* Never formatted. */
	lfs_rambd_init(&rb, mem, mark, BS, BC);
	assert_int_equal(lfs_mount(&fs, &rb.bd), -NX_ECORRUPT);

	fresh(BC);
	put("f", "data", 4);
	memcpy(copy, mem, (size_t)BS * BC);
	/* Truncated: the device is smaller than the superblock says. */
	assert_int_equal(mount_copy(BC / 2), -NX_EINVAL);
	assert_int_equal(mount_copy(1), -NX_EINVAL);
	assert_int_equal(mount_copy(BC), 0);
	/* A bad CRC in the newest block: the older one is used... */
	uint32_t newest = root_block() == block(0) ? 0 : 1;
	copy[newest * BS + 10] ^= 0x20;
	assert_int_equal(mount_copy(BC), 0);
	struct lfs_info info;
	/* The block's first commit is broken, so are the two appended after it. */
	assert_int_equal(lfs_stat(&fs, "f", &info), -NX_ENOENT);
	/* ...and in both: nothing to mount. */
	copy[(newest ^ 1) * BS + 10] ^= 0x20;
	assert_int_equal(mount_copy(BC), -NX_ECORRUPT);
	/* The second half of every block torn away. */
	fresh(BC);
	put("f", "data", 4);
	for (uint32_t b = 0; b < BC; b++)
		memset(block(b) + BS / 2, 0, BS / 2);
	int err = lfs_mount(&fs, &rb.bd);
	assert_true(err == 0 || err == -NX_ECORRUPT);
	/* A future major version, with a CRC that checks. */
	fresh(BC);
	memcpy(copy, mem, (size_t)BS * BC);
	for (int b = 0; b < 2; b++) {
		copy[b * BS + 22] = 3;
		uint32_t crc = lfs_crc(0xffffffffu, copy + b * BS, 60);
		memcpy(copy + b * BS + 60, &crc, 4);
	}
	assert_int_equal(mount_copy(BC), -NX_EINVAL);
}

static uint32_t used[BC], nused;

static int note(void *data, uint32_t b)
{
	(void)data;
	if (nused < BC)
		used[nused++] = b;
	return 0;
}

/*
 * Flipped bytes in a populated image, aimed at blocks in use and mostly
 * at their first 128 bytes, where the commits are: errors are fine,
 * crashes and hangs are not.
 */
static void test_fuzz(void **state)
{
	static uint8_t data[5000];
	unsigned refused = 0, walked = 0, failed_walk = 0;

	(void)state;
	fresh(BC);
	for (int i = 0; i < 5000; i++)
		data[i] = (uint8_t)i;
	assert_int_equal(lfs_mkdir(&fs, "a"), 0);
	assert_int_equal(lfs_mkdir(&fs, "a/b"), 0);
	put("a/b/big", data, 5000);
	put("a/small", data, 40);
	put("top", data, 1500);
	assert_int_equal(lfs_rename(&fs, "top", "a/top"), 0);
	nused = 0;
	assert_int_equal(lfs_traverse(&fs, note, NULL), 0);
	memcpy(copy, mem, (size_t)BS * BC);
	for (int k = 0; k < 3000; k++) {
		memcpy(mem, copy, (size_t)BS * BC);
		memset(mark, 0, sizeof(mark));
		int flips = 1 + (int)rnd(4);
		for (int j = 0; j < flips; j++) {
			uint32_t b = used[rnd(nused)];
			mem[b * BS + rnd(rnd(4) ? 128 : BS)] ^= (uint8_t)(1 + rnd(255));
		}
		if (lfs_mount(&fs, &rb.bd)) {
			refused++;
			continue;
		}
		uint64_t dg;
		if (lfs_walk_digest(&fs, &dg, NULL))
			failed_walk++;
		else
			walked++;
		/* Writing to it must not crash either. */
		if (lfs_file_open(&fs, &f, "new", LFS_O_WRONLY | LFS_O_CREAT) == 0) {
			lfs_file_write(&fs, &f, data, 700);
			lfs_file_close(&fs, &f);
		}
		lfs_remove(&fs, "a/small");
		lfs_rename(&fs, "a/top", "moved");
	}
	printf("lfs fuzz: 3000 corrupted images: %u refused at mount, %u mounted but failed "
	       "the walk, %u walked\n", refused, failed_walk, walked);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc),
		cmocka_unit_test(test_known_superblock),
		cmocka_unit_test(test_known_inline),
		cmocka_unit_test(test_known_ctz),
		cmocka_unit_test(test_known_movestate),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_open_files),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_fuzz),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
