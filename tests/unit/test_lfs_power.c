/*
 * littlefs power loss: a workload of creates, appends, fsyncs, in-place
 * rewrites, renames (within and across pairs, files and directories,
 * onto existing names) and removes runs once to completion, recording a
 * digest of the whole tree after every operation that returned (the
 * durable points). It then runs again from the same formatted image once
 * per program/erase it issued, with power cut at that one (the cut
 * operation half done, nothing after it). After each cut the image must
 * mount, show exactly the state of the last durable point or of the next
 * one (so an fsync that returned is never lost and nothing half-written
 * shows), accept a new write, and traverse cleanly. The same is done
 * for 20 seeded random workloads of 60 operations, where refusals
 * (missing parents, non-empty directories) are part of the sequence.
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
#include "fs/lfs/rambd.h"
#include "lfs_walk.h"

#define BS	512
#define BC	128
#define MAXPTS	128

static uint8_t mem[BS * BC], base_mem[BS * BC];
static uint32_t mark[BC], base_mark[BC];
static struct lfs_rambd rb;
static struct lfs fs;
static struct lfs_file f1, f2;

static uint64_t pts[MAXPTS];	/* digest after durable point i (0: formatted) */
static int npts;
static bool recording;

static void pattern(uint8_t *b, uint32_t n, uint32_t seed)
{
	for (uint32_t i = 0; i < n; i++)
		b[i] = (uint8_t)(seed * 131 + i * 7 + (i >> 8));
}

/* Called after each operation that returned success and committed. */
static int durable(void)
{
	if (recording) {
		assert_true(npts < MAXPTS);
		assert_int_equal(lfs_walk_digest(&fs, &pts[npts], NULL), 0);
	}
	npts++;
	return 0;
}

#define DO(x) do { int _e = (int)(x); if (_e < 0) { if (!rb.cut) printf("line %d: %s: %d\n", __LINE__, #x, _e); return -1; } } while (0)
#define STEP(x) do { DO(x); durable(); } while (0)

static int put(const char *path, uint32_t n, uint32_t seed, uint32_t flags)
{
	static uint8_t b[4096];

	struct lfs_info info;
	int exists = lfs_stat(&fs, path, &info);

	pattern(b, n, seed);
	DO(exists == -NX_ENOENT ? 0 : exists);
	DO(lfs_file_open(&fs, &f1, path, LFS_O_WRONLY | LFS_O_CREAT | flags));
	if (exists)
		durable();	/* creating the empty file is a commit of its own */
	DO(lfs_file_write(&fs, &f1, b, n));
	return lfs_file_close(&fs, &f1);
}

static int workload(void)
{
	static uint8_t b[2048];

	npts = 1;
	STEP(lfs_mkdir(&fs, "d"));
	STEP(put("a", 100, 1, 0));
	/* Synced twice with an unsynced write between: both fsyncs durable. */
	STEP(lfs_file_open(&fs, &f2, "d/b", LFS_O_RDWR | LFS_O_CREAT));
	pattern(b, 2000, 2);
	DO(lfs_file_write(&fs, &f2, b, 2000));
	STEP(lfs_file_sync(&fs, &f2));
	DO(lfs_file_write(&fs, &f2, b, 700));
	STEP(lfs_file_sync(&fs, &f2));
	DO(lfs_file_seek(&fs, &f2, 900, LFS_SEEK_SET));
	DO(lfs_file_write(&fs, &f2, b + 50, 300));	/* rewrite in the middle */
	STEP(lfs_file_close(&fs, &f2));
	STEP(put("a", 1200, 3, LFS_O_APPEND));	/* inline file grows out */
	STEP(lfs_rename(&fs, "a", "d/a2"));	/* across pairs */
	STEP(lfs_rename(&fs, "d/b", "d/b2"));	/* same pair */
	STEP(put("c", 10, 4, 0));
	STEP(lfs_rename(&fs, "c", "d/a2"));	/* onto an existing file */
	STEP(lfs_mkdir(&fs, "e"));
	STEP(lfs_mkdir(&fs, "e/f"));
	STEP(put("e/f/g", 600, 5, 0));
	STEP(lfs_remove(&fs, "e/f/g"));
	STEP(lfs_rename(&fs, "d", "e/f/d"));	/* a directory, across */
	STEP(lfs_mkdir(&fs, "h"));
	STEP(lfs_mkdir(&fs, "e/k"));
	STEP(lfs_rename(&fs, "h", "e/k"));	/* onto an empty directory */
	STEP(put("big", 4000, 6, LFS_O_TRUNC));
	STEP(put("big", 1500, 7, LFS_O_TRUNC));
	/* Enough entries to split d's pair, some removed again. */
	for (int i = 0; i < 10; i++) {
		char name[32];
		snprintf(name, sizeof(name), "e/f/d/n%02d", (i * 7) % 10);
		STEP(put(name, 60, (uint32_t)i, 0));
	}
	for (int i = 0; i < 10; i += 3) {
		char name[32];
		snprintf(name, sizeof(name), "e/f/d/n%02d", i);
		STEP(lfs_remove(&fs, name));
	}
	STEP(lfs_remove(&fs, "e/f/d/a2"));
	STEP(lfs_remove(&fs, "e/f/d/b2"));
	DO(lfs_remove(&fs, "e/f/d") == -NX_ENOTEMPTY ? 0 : -1);
	for (int i = 0; i < 10; i++) {
		char name[32];
		if (i % 3 == 0)
			continue;
		snprintf(name, sizeof(name), "e/f/d/n%02d", i);
		STEP(lfs_remove(&fs, name));
	}
	STEP(lfs_remove(&fs, "e/f/d"));
	STEP(lfs_remove(&fs, "e/f"));
	STEP(lfs_remove(&fs, "e/k"));
	STEP(lfs_remove(&fs, "e"));
	return 0;
}

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* put() for the random workload: refusals are results, not failures. */
static int rput(const char *path, uint32_t n, uint32_t seed, uint32_t flags)
{
	static uint8_t b[4096];
	struct lfs_info info;
	int exists = lfs_stat(&fs, path, &info), err;

	if (exists && exists != -NX_ENOENT)
		return exists;
	pattern(b, n, seed);
	if ((err = lfs_file_open(&fs, &f1, path, LFS_O_WRONLY | LFS_O_CREAT | flags)))
		return err;
	if (exists)
		durable();
	int32_t w = lfs_file_write(&fs, &f1, b, n);
	err = lfs_file_close(&fs, &f1);
	if (w < 0)
		return (int)w;
	if (!err)
		durable();
	return err;
}

static const char *rpath(void)
{
	static const char *const paths[] = { "p0", "p1", "p2", "q/p0", "q/p1", "q/r/p2", "r/p3" };

	return paths[rnd(7)];
}

/* 60 operations drawn from SEED; the same ones on every run. */
static int random_workload(uint64_t seed)
{
	static const uint32_t sizes[] = { 0, 10, 60, 100, 700, 2500 };
	static const char *const dirs[] = { "q", "r", "q/r" };

	rng = seed;
	npts = 1;
	for (int op = 0; op < 60; op++) {
		int err, k = (int)rnd(10);
		uint32_t flags = rnd(2) ? LFS_O_TRUNC : LFS_O_APPEND;
		if (k < 4) {
			err = rput(rpath(), sizes[rnd(6)], (uint32_t)op, flags);
			if (rb.cut)
				return -1;
			continue;
		} else if (k < 6) {
			const char *a = rpath();
			err = lfs_rename(&fs, a, rpath());
		} else if (k < 7) {
			err = lfs_remove(&fs, rpath());
		} else if (k < 9) {
			err = lfs_mkdir(&fs, dirs[rnd(3)]);
		} else {
			err = lfs_remove(&fs, dirs[rnd(3)]);
		}
		if (rb.cut)
			return -1;
		if (!err)
			durable();
	}
	return 0;
}

/* Runs WORK clean, then once per program/erase with power cut there. */
static uint64_t cut_everywhere(int (*work)(uint64_t), uint64_t arg, unsigned *before,
			       unsigned *after, int *ndurable)
{
	lfs_rambd_init(&rb, mem, mark, BS, BC);
	assert_int_equal(lfs_format(&fs, &rb.bd), 0);
	memcpy(base_mem, mem, sizeof(mem));
	memcpy(base_mark, mark, sizeof(mark));
	assert_int_equal(lfs_mount(&fs, &rb.bd), 0);
	assert_int_equal(lfs_walk_digest(&fs, &pts[0], NULL), 0);
	lfs_rambd_power(&rb, 0);
	recording = true;
	assert_int_equal(work(arg), 0);
	recording = false;
	int total = npts;
	uint64_t points = rb.ops;
	uint64_t dg, dg2;
	struct lfs_fsinfo fi;

	*ndurable = total - 1;
	for (uint64_t cut = 1; cut <= points; cut++) {
		memcpy(mem, base_mem, sizeof(mem));
		memcpy(mark, base_mark, sizeof(mark));
		lfs_rambd_power(&rb, 0);
		assert_int_equal(lfs_mount(&fs, &rb.bd), 0);
		lfs_rambd_power(&rb, cut);
		assert_int_equal(work(arg), -1);
		int done = npts - 1;
		lfs_rambd_power(&rb, 0);
		int err = lfs_mount(&fs, &rb.bd);
		if (err)
			fail_msg("seed %llu cut %llu: mount: %d", (unsigned long long)arg,
				 (unsigned long long)cut, err);
		if ((err = lfs_walk_digest(&fs, &dg, NULL)))
			fail_msg("seed %llu cut %llu: walk: %d", (unsigned long long)arg,
				 (unsigned long long)cut, err);
		if (dg == pts[done])
			(*before)++;
		else if (done + 1 < total && dg == pts[done + 1])
			(*after)++;
		else
			fail_msg("seed %llu cut %llu (after durable point %d): neither side",
				 (unsigned long long)arg, (unsigned long long)cut, done);
		assert_int_equal(lfs_mkdir(&fs, "zz"), 0);
		assert_int_equal(lfs_statfs(&fs, &fi), 0);
		assert_int_equal(lfs_walk_digest(&fs, &dg, NULL), 0);
		assert_int_equal(lfs_unmount(&fs), 0);
		assert_int_equal(lfs_mount(&fs, &rb.bd), 0);
		assert_int_equal(lfs_walk_digest(&fs, &dg2, NULL), 0);
		assert_true(dg == dg2);
	}
	return points;
}

static int fixed_workload(uint64_t unused)
{
	(void)unused;
	return workload();
}

static void test_power_cut_random(void **state)
{
	unsigned before = 0, after = 0;
	uint64_t points = 0;
	int nd, durable_ops = 0;

	(void)state;
	for (uint64_t seed = 1; seed <= 20; seed++) {
		points += cut_everywhere(random_workload, seed * 0x9e3779b97f4a7c15ull, &before,
					 &after, &nd);
		durable_ops += nd;
	}
	printf("lfs power (20 random workloads of 60 operations): %llu power-cut points tried "
	       "over %d durable operations; %u before, %u after\n",
	       (unsigned long long)points, durable_ops, before, after);
}

static void test_power_cut_everywhere(void **state)
{
	unsigned before = 0, after = 0;
	int nd;

	(void)state;
	uint64_t pts_tried = cut_everywhere(fixed_workload, 0, &before, &after, &nd);
	printf("lfs power (fixed workload): %llu power-cut points tried over %d durable "
	       "operations; %u showed the state before the cut operation, %u after\n",
	       (unsigned long long)pts_tried, nd, before, after);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_power_cut_everywhere),
		cmocka_unit_test(test_power_cut_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
