/*
 * kernel/fs/nexfs/: the calls and their errors; a power cut at every
 * write of a workload; a seeded random-operation run against an
 * in-memory model; corrupt and bit-flipped images; snapshots and root
 * hashes. Everything runs on the RAM block device of ramdisk.c.
 *
 * NEXUS_SEED=<n> replays the model run; the seed is printed either way.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <nexus/errno.h>
#include "blake3.h"
#include "fs/nexfs/nexfs.h"
#include "fs/nexfs/ramdisk.h"

#define BS	512u

static struct nexfs fs;
static struct nexfs scratch;

struct img {
	struct nexfs_ram ram;
	uint8_t *mem;
	uint8_t *bits;
	uint64_t count;
};

static void img_new(struct img *im, uint64_t count)
{
	im->count = count;
	im->mem = calloc(count, BS);
	im->bits = malloc(nexfs_mem_size(count));
	assert_non_null(im->mem);
	assert_non_null(im->bits);
	nexfs_ram_init(&im->ram, im->mem, BS, count);
	assert_int_equal(nexfs_mkfs(&scratch, &im->ram.bd), 0);
	im->ram.writes = 0;
}

static void img_free(struct img *im)
{
	free(im->mem);
	free(im->bits);
}

static int img_mount(struct img *im)
{
	return nexfs_mount(&fs, &im->ram.bd, im->bits, nexfs_mem_size(im->count));
}

static int img_verify(struct img *im, struct nexfs_verify_report *r)
{
	uint8_t *bits = malloc(nexfs_mem_size(im->count));
	int err = nexfs_verify(&scratch, &im->ram.bd, bits,
			       nexfs_mem_size(im->count), r);

	free(bits);
	return err;
}

static int put(const char *path, uint32_t flags, const void *data, size_t len)
{
	int fd = nexfs_open(&fs, path, NEXFS_O_WRITE | NEXFS_O_CREATE | flags);
	int64_t n;

	if (fd < 0)
		return fd;
	n = nexfs_write(&fs, fd, data, len);
	nexfs_close(&fs, fd);
	return n < 0 ? (int)n : 0;
}

/* Whole file into @buf; returns its length or an error. */
static int64_t get(const char *path, void *buf, size_t size)
{
	int fd = nexfs_open(&fs, path, NEXFS_O_READ);
	int64_t n;

	if (fd < 0)
		return fd;
	n = nexfs_read(&fs, fd, buf, size);
	nexfs_close(&fs, fd);
	return n;
}

static void fill(uint8_t *b, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(seed * 31 + i * 7 + (i >> 8));
}

/* ---- the calls and their errors ---------------------------------------- */

static void test_basic(void **state)
{
	static uint8_t a[70000], b[70000];
	struct nexfs_stat st;
	struct nexfs_statfs sf;
	struct img im;
	int fd;

	(void)state;
	img_new(&im, 2048);
	assert_int_equal(img_mount(&im), 0);
	assert_int_equal(nexfs_mkdir(&fs, "/d"), 0);
	assert_int_equal(nexfs_mkdir(&fs, "/d"), -NX_EEXIST);
	assert_int_equal(nexfs_mkdir(&fs, "/x/y"), -NX_ENOENT);
	assert_int_equal(nexfs_mkdir(&fs, "/"), -NX_EINVAL);
	assert_int_equal(nexfs_mkdir(&fs, "/d/.."), -NX_EINVAL);
	fill(a, sizeof(a), 1);
	/* 70000 bytes of 512-byte blocks: the inode grows two levels. */
	assert_int_equal(put("/d/big", 0, a, sizeof(a)), 0);
	assert_int_equal(get("/d/big", b, sizeof(b)), sizeof(a));
	assert_memory_equal(a, b, sizeof(a));
	assert_int_equal(nexfs_stat(&fs, "d/big", &st), 0);
	assert_int_equal(st.type, NX_NEXFS_FILE);
	assert_int_equal(st.size, sizeof(a));
	/* A write past the end leaves a hole that reads as zeros. */
	fd = nexfs_open(&fs, "/hole", NEXFS_O_WRITE | NEXFS_O_READ | NEXFS_O_CREATE);
	assert_true(fd >= 0);
	assert_int_equal(nexfs_seek(&fs, fd, 5000, NEXFS_SEEK_SET), 5000);
	assert_int_equal(nexfs_write(&fs, fd, "xyz", 3), 3);
	assert_int_equal(nexfs_seek(&fs, fd, 0, NEXFS_SEEK_END), 5003);
	assert_int_equal(nexfs_seek(&fs, fd, 4998, NEXFS_SEEK_SET), 4998);
	assert_int_equal(nexfs_read(&fs, fd, b, 10), 5);
	assert_memory_equal(b, "\0\0xyz", 5);
	assert_int_equal(nexfs_seek(&fs, fd, -1, NEXFS_SEEK_SET), -NX_EINVAL);
	/* Open files can be neither removed nor renamed. */
	assert_int_equal(nexfs_unlink(&fs, "/hole"), -NX_EBUSY);
	assert_int_equal(nexfs_rename(&fs, "/hole", "/h2"), -NX_EBUSY);
	assert_int_equal(nexfs_close(&fs, fd), 0);
	assert_int_equal(nexfs_close(&fs, fd), -NX_EINVAL);
	assert_int_equal(nexfs_open(&fs, "/d", NEXFS_O_READ), -NX_EISDIR);
	assert_int_equal(nexfs_open(&fs, "/hole/x", NEXFS_O_READ), -NX_ENOTDIR);
	assert_int_equal(nexfs_open(&fs, "/nope", NEXFS_O_READ), -NX_ENOENT);
	assert_int_equal(nexfs_unlink(&fs, "/d"), -NX_ENOTEMPTY);
	assert_int_equal(nexfs_unlink(&fs, "/"), -NX_EBUSY);
	assert_int_equal(nexfs_rename(&fs, "/d", "/d/e"), -NX_EINVAL);
	assert_int_equal(nexfs_rename(&fs, "/hole", "/d"), -NX_EEXIST);
	assert_int_equal(nexfs_rename(&fs, "/hole", "/d/big"), 0);
	assert_int_equal(nexfs_stat(&fs, "/hole", &st), -NX_ENOENT);
	assert_int_equal(get("/d/big", b, sizeof(b)), 5003);
	assert_int_equal(nexfs_rename(&fs, "/d", "/e"), 0);
	assert_int_equal(nexfs_readdir(&fs, "/", 0, &st), 0);
	assert_string_equal(st.name, "e");
	assert_int_equal(st.type, NX_NEXFS_DIR);
	assert_int_equal(nexfs_readdir(&fs, "/", 1, &st), -NX_ENOENT);
	assert_int_equal(nexfs_readdir(&fs, "/e", 0, &st), 0);
	assert_string_equal(st.name, "big");
	assert_int_equal(st.size, 5003);
	/* Truncation gives the blocks back once committed. */
	assert_int_equal(nexfs_commit(&fs, NULL), 0);
	assert_int_equal(nexfs_statfs(&fs, &sf), 0);
	assert_int_equal(put("/e/big", NEXFS_O_TRUNC, "", 0), 0);
	assert_int_equal(nexfs_stat(&fs, "/e/big", &st), 0);
	assert_int_equal(st.size, 0);
	assert_int_equal(nexfs_unlink(&fs, "/e/big"), 0);
	assert_int_equal(nexfs_unlink(&fs, "/e"), 0);
	assert_int_equal(nexfs_commit(&fs, NULL), 0);
	{
		struct nexfs_statfs s2;

		assert_int_equal(nexfs_statfs(&fs, &s2), 0);
		assert_true(s2.free_blocks > sf.free_blocks);
		assert_int_equal(s2.free_blocks, im.count - 4);
	}
	/* Too long a name; a full descriptor table. */
	assert_int_equal(nexfs_mkdir(&fs, "/0123456789012345678901234567890123456789"
				     "0123456789012345678901234567890"), -NX_ENAMETOOLONG);
	for (int i = 0; i < NEXFS_MAX_OPEN; i++)
		assert_int_equal(nexfs_open(&fs, "/", NEXFS_O_READ), -NX_EISDIR);
	assert_int_equal(put("/f", 0, "a", 1), 0);
	for (int i = 0; i < NEXFS_MAX_OPEN; i++)
		assert_int_equal(nexfs_open(&fs, "/f", NEXFS_O_READ), i);
	assert_int_equal(nexfs_open(&fs, "/f", NEXFS_O_READ), -NX_ENOMEM);
	assert_int_equal(nexfs_unmount(&fs), 0);
	img_free(&im);
}

/* Fills the device: -NX_ENOSPC comes before any write, and changes nothing. */
static void test_full(void **state)
{
	static uint8_t a[4096];
	struct img im;
	int err = 0, i;
	uint8_t h1[32], h2[32];

	(void)state;
	img_new(&im, 64);
	assert_int_equal(img_mount(&im), 0);
	fill(a, sizeof(a), 2);
	for (i = 0; i < 100 && !err; i++) {
		char p[16];

		snprintf(p, sizeof(p), "/f%d", i);
		err = put(p, 0, a, sizeof(a));
	}
	assert_int_equal(err, -NX_ENOSPC);
	assert_int_equal(nexfs_commit(&fs, h1), 0);
	assert_int_equal(nexfs_unmount(&fs), 0);
	assert_int_equal(img_mount(&im), 0);
	nexfs_root_hash(&fs, h2);
	assert_memory_equal(h1, h2, 32);
	assert_int_equal(get("/f0", a, sizeof(a)), sizeof(a));
	img_free(&im);
}

/* ---- digests of a whole tree ---------------------------------------- */

static void digest_dir(blake3_hasher *h, const char *dir)
{
	static uint8_t buf[20000];
	struct nexfs_stat st;

	for (uint64_t i = 0; nexfs_readdir(&fs, dir, i, &st) == 0; i++) {
		char p[NEXFS_PATH_MAX];
		int64_t n = 0;

		snprintf(p, sizeof(p), "%s/%s", dir, st.name);
		blake3_hasher_update(h, p, strlen(p) + 1);
		blake3_hasher_update(h, &st.type, 1);
		if (st.type == NX_NEXFS_DIR) {
			digest_dir(h, p);
			continue;
		}
		n = get(p, buf, sizeof(buf));
		assert_true(n >= 0);
		assert_int_equal(n, st.size);
		blake3_hasher_update(h, &n, sizeof(n));
		blake3_hasher_update(h, buf, (size_t)n);
	}
}

/* Everything a mount shows: the tree and every snapshot. */
static void digest(uint8_t out[32])
{
	struct nexfs_stat st;
	blake3_hasher h;

	blake3_hasher_init(&h);
	digest_dir(&h, "");
	for (uint64_t i = 0; nexfs_snap_list(&fs, i, &st) == 0; i++) {
		char p[NEXFS_PATH_MAX];

		snprintf(p, sizeof(p), "%s@snap", st.name);
		blake3_hasher_update(&h, p, strlen(p) + 1);
		digest_dir(&h, p);
	}
	blake3_hasher_finalize(&h, out, 32);
}

/* ---- power cut at every write ----------------------------------------- */

#define MAX_COMMITS 32

struct commits {
	int n;
	uint64_t writes[MAX_COMMITS];	/* device writes when it returned */
	uint8_t digest[MAX_COMMITS][32];
};

static void record(struct img *im, struct commits *c)
{
	if (!c)
		return;
	c->writes[c->n] = im->ram.writes;
	digest(c->digest[c->n++]);
}

/* Errors are ignored: after the cut, the mount is on its own. */
static void sync_point(struct img *im, struct commits *c)
{
	if (nexfs_commit(&fs, NULL) == 0)
		record(im, c);
}

static void workload(struct img *im, struct commits *c)
{
	static uint8_t a[6000];

	fill(a, sizeof(a), 3);
	nexfs_mkdir(&fs, "/a");
	nexfs_mkdir(&fs, "/b");
	put("/a/x", 0, a, 1500);
	sync_point(im, c);
	put("/a/x", NEXFS_O_APPEND, a + 100, 700);
	put("/b/y", 0, a + 7, 3000);
	sync_point(im, c);
	nexfs_rename(&fs, "/a/x", "/b/x");
	nexfs_unlink(&fs, "/b/y");
	put("/c", 0, a + 9, 100);
	sync_point(im, c);
	/* Snapshot calls commit by themselves. */
	if (nexfs_snap_create(&fs, "s1") == 0)
		record(im, c);
	put("/b/x", 0, a + 50, 900);
	nexfs_mkdir(&fs, "/a/sub");
	put("/a/sub/z", 0, a, 5000);
	nexfs_rename(&fs, "/b/x", "/a/sub/x2");
	sync_point(im, c);
	nexfs_unlink(&fs, "/a/sub/z");
	put("/c", NEXFS_O_APPEND, a, 2000);
	put("/b/y", NEXFS_O_TRUNC, a + 1, 600);
	sync_point(im, c);
	nexfs_rename(&fs, "/c", "/b/c");
	nexfs_rename(&fs, "/b/y", "/b/c");
	nexfs_unlink(&fs, "/a/sub/x2");
	if (nexfs_snap_delete(&fs, "s1") == 0)
		record(im, c);
	put("/a/sub/w", 0, a + 3, 4000);
	sync_point(im, c);
}

static void test_power_cut(void **state)
{
	static struct commits ref;
	uint8_t empty[32], d[32];
	uint64_t total, cuts = 0;
	struct img im;

	(void)state;
	img_new(&im, 256);
	assert_int_equal(img_mount(&im), 0);
	digest(empty);
	workload(&im, &ref);
	total = im.ram.writes;
	assert_int_equal(ref.n, 8);
	img_free(&im);

	for (uint64_t cut = 0; cut <= total; cut++) {
		struct nexfs_verify_report r;
		int k = -1;

		img_new(&im, 256);
		assert_int_equal(img_mount(&im), 0);
		im.ram.cut_at = cut;
		workload(&im, NULL);
		/* Power back: mount what reached the device. */
		im.ram.cut_at = NEXFS_RAM_NO_CUT;
		assert_int_equal(img_mount(&im), 0);
		for (int i = 0; i < ref.n; i++)
			if (ref.writes[i] <= cut)
				k = i;
		digest(d);
		assert_memory_equal(d, k < 0 ? empty : ref.digest[k], 32);
		assert_int_equal(img_verify(&im, &r), 0);
		/* The recounted free space is right: the mount goes on. */
		assert_int_equal(put("/after", 0, "ok", 2), 0);
		assert_int_equal(nexfs_unmount(&fs), 0);
		assert_int_equal(img_mount(&im), 0);
		assert_int_equal(get("/after", d, sizeof(d)), 2);
		assert_int_equal(img_verify(&im, &r), 0);
		img_free(&im);
		cuts++;
	}
	printf("nexfs: power cut at each of %llu write points (%d commits), "
	       "each mount showed the last finished commit\n",
	       (unsigned long long)cuts, ref.n);
}

/* ---- random operations against a model ------------------------------ */

#define MD	3		/* directories d0..d2 under "/" */
#define MF	6		/* file names f0..f5 in each of "/" and d* */
#define MAXF	6000
#define MOPS	100000

struct model {
	bool dir[MD];
	bool has[MD + 1][MF];
	uint32_t len[MD + 1][MF];
	uint8_t data[MD + 1][MF][MAXF];
};

static struct model cur, snapm[2];
static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void fpath(char *buf, const char *pre, int p, int f)
{
	if (p == 0)
		snprintf(buf, 64, "%s/f%d", pre, f);
	else
		snprintf(buf, 64, "%s/d%d/f%d", pre, p - 1, f);
}

static bool parent_ok(const struct model *m, int p)
{
	return p == 0 || m->dir[p - 1];
}

/* The whole tree (under @pre) equals @m. */
static void check_all(const struct model *m, const char *pre)
{
	static uint8_t buf[MAXF + 1];
	struct nexfs_stat st;
	char p[64];

	for (int d = 0; d <= MD; d++) {
		uint64_t want = 0, got = 0;

		snprintf(p, sizeof(p), "%s/d%d", pre, d - 1);
		if (d > 0 && !m->dir[d - 1]) {
			assert_int_equal(nexfs_stat(&fs, p, &st), -NX_ENOENT);
			continue;
		}
		if (d == 0)
			snprintf(p, sizeof(p), "%s/", pre);
		for (int f = 0; f < MF; f++)
			want += m->has[d][f];
		if (d == 0)
			for (int i = 0; i < MD; i++)
				want += m->dir[i];
		while (nexfs_readdir(&fs, p, got, &st) == 0)
			got++;
		assert_int_equal(got, want);
		for (int f = 0; f < MF; f++) {
			char fp[64];

			fpath(fp, pre, d, f);
			if (!m->has[d][f]) {
				assert_int_equal(get(fp, buf, sizeof(buf)), -NX_ENOENT);
				continue;
			}
			assert_int_equal(get(fp, buf, sizeof(buf)), m->len[d][f]);
			assert_memory_equal(buf, m->data[d][f], m->len[d][f]);
		}
	}
}

static void op_write(int p, int f, int kind)
{
	static uint8_t src[MAXF];
	uint32_t len = cur.len[p][f], off, n = (uint32_t)(rnd() % 700) + 1;
	uint32_t flags = kind == 1 ? NEXFS_O_APPEND : kind == 2 ? NEXFS_O_TRUNC : 0;
	char path[64];
	int fd;

	fpath(path, "", p, f);
	if (!cur.has[p][f])
		len = 0;
	if (kind == 2)
		len = 0;
	off = kind == 0 ? (uint32_t)(rnd() % (len + 200)) : len;
	if (off + n > MAXF)
		return;
	fill(src, n, (uint32_t)rnd());
	fd = nexfs_open(&fs, path, NEXFS_O_WRITE | NEXFS_O_CREATE | flags);
	if (!parent_ok(&cur, p)) {
		assert_int_equal(fd, -NX_ENOENT);
		return;
	}
	assert_true(fd >= 0);
	if (kind == 0)
		assert_int_equal(nexfs_seek(&fs, fd, off, NEXFS_SEEK_SET), off);
	assert_int_equal(nexfs_write(&fs, fd, src, n), n);
	assert_int_equal(nexfs_close(&fs, fd), 0);
	if (!cur.has[p][f] || kind == 2)
		memset(cur.data[p][f], 0, MAXF);
	cur.has[p][f] = true;
	memcpy(cur.data[p][f] + off, src, n);
	if (off + n > len)
		len = off + n;
	cur.len[p][f] = len;
}

static void op_rename(int p, int f, int q, int g)
{
	char a[64], b[64];
	int err;

	fpath(a, "", p, f);
	fpath(b, "", q, g);
	err = nexfs_rename(&fs, a, b);
	if (!cur.has[p][f] || !parent_ok(&cur, q)) {
		assert_int_equal(err, -NX_ENOENT);
		return;
	}
	assert_int_equal(err, 0);
	if (p == q && f == g)
		return;
	cur.has[q][g] = true;
	cur.len[q][g] = cur.len[p][f];
	memcpy(cur.data[q][g], cur.data[p][f], MAXF);
	cur.has[p][f] = false;
}

static void op_dir(int d, bool make)
{
	char p[16];
	int err, files = 0;

	snprintf(p, sizeof(p), "/d%d", d);
	for (int f = 0; f < MF; f++)
		files += cur.has[d + 1][f];
	if (make) {
		err = nexfs_mkdir(&fs, p);
		assert_int_equal(err, cur.dir[d] ? -NX_EEXIST : 0);
		cur.dir[d] = true;
		return;
	}
	err = nexfs_unlink(&fs, p);
	if (!cur.dir[d])
		assert_int_equal(err, -NX_ENOENT);
	else if (files)
		assert_int_equal(err, -NX_ENOTEMPTY);
	else {
		assert_int_equal(err, 0);
		cur.dir[d] = false;
	}
}

static void op_snap(uint64_t *taken, int *live)
{
	struct nexfs_statfs sf;
	char name[16];
	int slot = (int)(*taken % 2);

	if (*live == 2) {
		snprintf(name, sizeof(name), "s%llu", (unsigned long long)(*taken - 2));
		assert_int_equal(nexfs_snap_delete(&fs, name), 0);
		(*live)--;
	}
	snprintf(name, sizeof(name), "s%llu", (unsigned long long)*taken);
	assert_int_equal(nexfs_snap_create(&fs, name), 0);
	snapm[slot] = cur;
	(*taken)++;
	(*live)++;
	assert_int_equal(nexfs_statfs(&fs, &sf), 0);
	assert_int_equal(sf.snapshots, *live);
}

static void test_model(void **state)
{
	static uint8_t buf[MAXF + 1];
	const char *env = getenv("NEXUS_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL);
	uint64_t taken = 0, commits = 0, gen;
	uint8_t hash[32], prev[32];
	struct nexfs_statfs sf;
	struct img im;
	int live = 0;
	clock_t t0 = clock();

	(void)state;
	printf("nexfs model: seed %llu (NEXUS_SEED=%llu replays it)\n",
	       (unsigned long long)seed, (unsigned long long)seed);
	rng = seed * 2654435761u + 1;
	memset(&cur, 0, sizeof(cur));
	img_new(&im, 4096);
	assert_int_equal(img_mount(&im), 0);
	nexfs_root_hash(&fs, prev);
	gen = fs.gen;
	for (int i = 0; i < MOPS; i++) {
		int op = (int)(rnd() % 100), p = (int)(rnd() % (MD + 1));
		int f = (int)(rnd() % MF);
		char path[64];

		fpath(path, "", p, f);
		if (op < 30) {
			op_write(p, f, 0);
		} else if (op < 38) {
			op_write(p, f, 1);
		} else if (op < 41) {
			op_write(p, f, 2);
		} else if (op < 58) {
			int64_t n = get(path, buf, sizeof(buf));

			if (!cur.has[p][f]) {
				assert_int_equal(n, -NX_ENOENT);
			} else {
				assert_int_equal(n, cur.len[p][f]);
				assert_memory_equal(buf, cur.data[p][f], (size_t)n);
			}
		} else if (op < 65) {
			int err = nexfs_unlink(&fs, path);

			assert_int_equal(err, cur.has[p][f] ? 0 : -NX_ENOENT);
			cur.has[p][f] = false;
		} else if (op < 73) {
			op_rename(p, f, (int)(rnd() % (MD + 1)), (int)(rnd() % MF));
		} else if (op < 77) {
			op_dir((int)(rnd() % MD), true);
		} else if (op < 80) {
			op_dir((int)(rnd() % MD), false);
		} else if (op < 95) {
			/* fsync: a new generation has a new root hash. */
			assert_int_equal(nexfs_commit(&fs, hash), 0);
			if (fs.gen != gen)
				assert_memory_not_equal(hash, prev, 32);
			else
				assert_memory_equal(hash, prev, 32);
			memcpy(prev, hash, 32);
			commits += fs.gen != gen;
			gen = fs.gen;
		} else if (op < 96) {
			op_snap(&taken, &live);
			nexfs_root_hash(&fs, prev);
			gen = fs.gen;
		} else if (op < 98 && live) {
			char pre[16];
			uint64_t s = taken - 1 - rnd() % (uint64_t)live;

			snprintf(pre, sizeof(pre), "s%llu@snap", (unsigned long long)s);
			check_all(&snapm[s % 2], pre);
		}
		if (i % 5000 == 4999) {
			/* Remount: what was committed is what comes back. */
			assert_int_equal(nexfs_commit(&fs, hash), 0);
			assert_int_equal(nexfs_unmount(&fs), 0);
			assert_int_equal(img_mount(&im), 0);
			nexfs_root_hash(&fs, prev);
			assert_memory_equal(hash, prev, 32);
			gen = fs.gen;
			check_all(&cur, "");
		}
	}
	check_all(&cur, "");
	assert_int_equal(nexfs_commit(&fs, NULL), 0);
	assert_int_equal(nexfs_statfs(&fs, &sf), 0);
	{
		struct nexfs_verify_report r;

		assert_int_equal(img_verify(&im, &r), 0);
		printf("nexfs model: %d operations, %llu commits, %llu snapshots, "
		       "%llu/%llu blocks free, verify hashed %llu blocks, %.1f s\n",
		       MOPS, (unsigned long long)commits,
		       (unsigned long long)taken,
		       (unsigned long long)sf.free_blocks,
		       (unsigned long long)sf.block_count,
		       (unsigned long long)r.blocks_checked,
		       (double)(clock() - t0) / CLOCKS_PER_SEC);
	}
	img_free(&im);
}

/* ---- corrupt images ------------------------------------------------- */

/* A small committed image with files, directories and a snapshot. */
static void build_small(struct img *im)
{
	static uint8_t a[3000];

	img_new(im, 64);
	assert_int_equal(img_mount(im), 0);
	fill(a, sizeof(a), 5);
	assert_int_equal(nexfs_mkdir(&fs, "/d"), 0);
	assert_int_equal(put("/d/a", 0, a, 3000), 0);
	assert_int_equal(put("/b", 0, a + 1, 700), 0);
	assert_int_equal(nexfs_snap_create(&fs, "s"), 0);
	assert_int_equal(put("/b", NEXFS_O_APPEND, a, 100), 0);
	assert_int_equal(nexfs_unmount(&fs), 0);
}

/* Mounts what may be garbage and uses it: errors, never a crash. */
static void poke(struct img *im)
{
	static uint8_t buf[4000];
	struct nexfs_stat st;

	if (img_mount(im) != 0)
		return;
	for (uint64_t i = 0; nexfs_readdir(&fs, "/", i, &st) == 0 && i < 64; i++)
		;
	get("/d/a", buf, sizeof(buf));
	get("/b", buf, sizeof(buf));
	get("s@snap/b", buf, sizeof(buf));
	put("/d/new", 0, "x", 1);
	nexfs_rename(&fs, "/b", "/d/b");
	nexfs_unlink(&fs, "/d/a");
	nexfs_commit(&fs, NULL);
}

static void test_bit_flips(void **state)
{
	struct nexfs_verify_report r;
	uint64_t live = 0, flips = 0, freeblk = 0;
	static uint8_t save[64 * BS];
	uint8_t used[8];
	struct img im;

	(void)state;
	build_small(&im);
	assert_int_equal(img_mount(&im), 0);
	memcpy(used, fs.used, sizeof(used));
	used[0] |= 3;	/* both superblocks */
	assert_int_equal(img_verify(&im, &r), 0);
	for (uint64_t b = 0; b < im.count; b++) {
		if (!((used[b / 8] >> (b % 8)) & 1)) {
			freeblk = b;
			continue;
		}
		live++;
		for (uint32_t bit = 0; bit < BS * 8; bit++) {
			uint8_t *byte = im.mem + b * BS + bit / 8;

			*byte ^= (uint8_t)(1u << (bit % 8));
			assert_int_equal(img_verify(&im, &r), -NX_EIO);
			assert_true(r.bad >= 1);
			if (b >= 2)
				assert_int_equal(r.first_bad, b);
			if (bit % 61 == 0) {
				/* poke() may commit: give it a copy. */
				memcpy(save, im.mem, sizeof(save));
				poke(&im);
				memcpy(im.mem, save, sizeof(save));
			}
			*byte ^= (uint8_t)(1u << (bit % 8));
			flips++;
		}
	}
	/* A free block holds nothing: flipping it changes no file. */
	im.mem[freeblk * BS] ^= 1;
	assert_int_equal(img_verify(&im, &r), 0);
	printf("nexfs: %llu single-bit flips over all %llu live blocks "
	       "(superblocks included), each one found by verify\n",
	       (unsigned long long)flips, (unsigned long long)live);
	img_free(&im);
}

static void test_garbage(void **state)
{
	struct nexfs_verify_report r;
	uint64_t mounted = 0, runs = 0;
	struct img im;

	(void)state;
	rng = 12345;
	/* Random bytes: not nexfs. */
	img_new(&im, 64);
	for (uint64_t i = 0; i < 64 * BS; i++)
		im.mem[i] = (uint8_t)rnd();
	assert_int_equal(img_mount(&im), -NX_EINVAL);
	assert_int_equal(img_verify(&im, &r), -NX_EINVAL);
	img_free(&im);
	/* Truncated: the superblocks name blocks the device lacks. */
	build_small(&im);
	im.ram.bd.block_count = 40;
	assert_int_equal(img_mount(&im), -NX_EINVAL);
	im.ram.bd.block_count = 4;
	assert_int_equal(img_mount(&im), -NX_EINVAL);
	img_free(&im);
	/* A valid image with random damage: errors only, never a crash. */
	for (int i = 0; i < 300; i++) {
		build_small(&im);
		for (int k = 0; k < 1 + i % 5; k++) {
			uint64_t b = 2 + rnd() % 62, off = rnd() % BS, n = 1 + rnd() % 64;

			for (uint64_t j = 0; j < n && off + j < BS; j++)
				im.mem[b * BS + off + j] = (uint8_t)rnd();
		}
		if (img_mount(&im) == 0)
			mounted++;
		poke(&im);
		img_verify(&im, &r);
		img_free(&im);
		runs++;
	}
	printf("nexfs: %llu damaged images, %llu still mounted; no crash\n",
	       (unsigned long long)runs, (unsigned long long)mounted);
}

/* ---- snapshots and root hashes -------------------------------------- */

static void test_snapshots(void **state)
{
	static uint8_t a[5000], b[5000];
	struct nexfs_statfs s0, s1;
	struct nexfs_stat st;
	struct nexfs_verify_report r;
	uint8_t h[4][32];
	struct img im;

	(void)state;
	img_new(&im, 512);
	assert_int_equal(img_mount(&im), 0);
	fill(a, sizeof(a), 9);
	assert_int_equal(nexfs_mkdir(&fs, "/etc"), 0);
	assert_int_equal(put("/etc/conf", 0, a, 5000), 0);
	assert_int_equal(put("/log", 0, a, 10), 0);
	assert_int_equal(nexfs_commit(&fs, h[0]), 0);
	assert_int_equal(nexfs_statfs(&fs, &s0), 0);
	assert_int_equal(nexfs_snap_create(&fs, "daily"), 0);
	assert_int_equal(nexfs_snap_create(&fs, "daily"), -NX_EEXIST);
	assert_int_equal(nexfs_snap_create(&fs, "a@b"), -NX_EINVAL);
	nexfs_root_hash(&fs, h[1]);
	assert_memory_not_equal(h[0], h[1], 32);
	/* Later writes, deletes and renames leave the snapshot alone. */
	assert_int_equal(put("/etc/conf", 0, b, 5000), 0);
	assert_int_equal(put("/log", NEXFS_O_APPEND, a, 100), 0);
	assert_int_equal(nexfs_rename(&fs, "/log", "/etc/log"), 0);
	assert_int_equal(nexfs_unlink(&fs, "/etc/conf"), 0);
	assert_int_equal(nexfs_commit(&fs, h[2]), 0);
	assert_memory_not_equal(h[1], h[2], 32);
	assert_int_equal(get("daily@snap/etc/conf", b, sizeof(b)), 5000);
	assert_memory_equal(a, b, 5000);
	assert_int_equal(get("/daily@snap/log", b, sizeof(b)), 10);
	assert_int_equal(nexfs_stat(&fs, "/etc/conf", &st), -NX_ENOENT);
	/* Read-only. */
	assert_int_equal(nexfs_open(&fs, "daily@snap/log", NEXFS_O_WRITE), -NX_EROFS);
	assert_int_equal(put("daily@snap/new", 0, "x", 1), -NX_EROFS);
	assert_int_equal(nexfs_unlink(&fs, "daily@snap/log"), -NX_EROFS);
	assert_int_equal(nexfs_mkdir(&fs, "daily@snap/d"), -NX_EROFS);
	assert_int_equal(nexfs_rename(&fs, "daily@snap/log", "/l"), -NX_EROFS);
	assert_int_equal(get("nosuch@snap/log", b, sizeof(b)), -NX_ENOENT);
	assert_int_equal(nexfs_snap_list(&fs, 0, &st), 0);
	assert_string_equal(st.name, "daily");
	assert_int_equal(nexfs_snap_list(&fs, 1, &st), -NX_ENOENT);
	/* Stable across a remount, and what verify reports. */
	assert_int_equal(nexfs_unmount(&fs), 0);
	assert_int_equal(img_mount(&im), 0);
	nexfs_root_hash(&fs, h[3]);
	assert_memory_equal(h[2], h[3], 32);
	assert_int_equal(img_verify(&im, &r), 0);
	assert_memory_equal(r.root_hash, h[2], 32);
	assert_int_equal(get("daily@snap/etc/conf", b, sizeof(b)), 5000);
	assert_memory_equal(a, b, 5000);
	/* Deleting it gives its blocks back. */
	{
		int fd = nexfs_open(&fs, "daily@snap/log", NEXFS_O_READ);

		assert_true(fd >= 0);
		assert_int_equal(nexfs_snap_delete(&fs, "daily"), -NX_EBUSY);
		nexfs_close(&fs, fd);
	}
	assert_int_equal(nexfs_snap_delete(&fs, "daily"), 0);
	assert_int_equal(nexfs_snap_delete(&fs, "daily"), -NX_ENOENT);
	assert_int_equal(nexfs_unlink(&fs, "/etc/log"), 0);
	assert_int_equal(nexfs_unlink(&fs, "/etc"), 0);
	assert_int_equal(nexfs_commit(&fs, NULL), 0);
	assert_int_equal(nexfs_statfs(&fs, &s1), 0);
	assert_int_equal(s1.free_blocks, im.count - 4);
	assert_true(s1.free_blocks > s0.free_blocks);
	assert_int_equal(s1.snapshots, 0);
	assert_int_equal(nexfs_unmount(&fs), 0);
	img_free(&im);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_snapshots),
		cmocka_unit_test(test_power_cut),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
