/*
 * littlefs against a model: 10^5 seeded random operations (create,
 * truncate, append, overwrite past the end, read back, stat, remove,
 * rename onto existing or new names, mkdir, rmdir) on a small tree,
 * each result and every byte read compared with an in-memory model, and
 * a remount with a full comparison every 1000 operations. Sixteen long
 * names per directory overflow a 512-byte pair, so directories split
 * into chains of pairs. The seed is
 * printed; NEXUS_SEED=n replays a run.
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

#include "fs/lfs/lfs.h"
#include "fs/lfs/rambd.h"

#define BS	512
#define BC	512
#define NOPS	100000
#define NDIRS	2
#define PER	16		/* files per directory, the root included */
#define NPATH	((NDIRS + 1) * PER)
#define MAXLEN	3000

static uint8_t mem[BS * BC];
static uint32_t mark[BC];
static struct lfs_rambd rb;
static struct lfs fs;
static struct lfs_file f;
static uint64_t rng;

static struct {
	bool exists;
	uint32_t len;
	uint8_t data[MAXLEN + 600];
} model[NPATH];
static bool dir_exists[NDIRS];
static uint8_t buf[MAXLEN + 600];

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* Path i: files 0..PER-1 in the root, then PER in each directory. */
static const char *path_of(int i)
{
	static char p[2][32];
	static int which;
	char *s = p[which ^= 1];

	if (i < PER)
		snprintf(s, 32, "/file-number-%02d", i);
	else
		snprintf(s, 32, "/d%d/file-number-%02d", i / PER - 1, i % PER);
	return s;
}

static bool parent_ok(int i)
{
	return i < PER || dir_exists[i / PER - 1];
}

static void fill(uint8_t *b, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		b[i] = (uint8_t)rnd(256);
}

static void check_file(int i)
{
	struct lfs_info info;
	int err = lfs_stat(&fs, path_of(i), &info);

	if (!model[i].exists) {
		assert_int_equal(err, parent_ok(i) ? -NX_ENOENT : -NX_ENOENT);
		return;
	}
	assert_int_equal(err, 0);
	assert_int_equal(info.size, model[i].len);
	assert_int_equal(lfs_file_open(&fs, &f, path_of(i), LFS_O_RDONLY), 0);
	assert_int_equal(lfs_file_read(&fs, &f, buf, sizeof(buf)), model[i].len);
	assert_memory_equal(buf, model[i].data, model[i].len);
	assert_int_equal(lfs_file_close(&fs, &f), 0);
}

static void op_write(int i, uint32_t flags)
{
	int err = lfs_file_open(&fs, &f, path_of(i), LFS_O_WRONLY | LFS_O_CREAT | flags);

	if (!parent_ok(i)) {
		assert_int_equal(err, -NX_ENOENT);
		return;
	}
	assert_int_equal(err, 0);
	if (!model[i].exists || (flags & LFS_O_TRUNC))
		model[i].len = 0;
	model[i].exists = true;
	uint32_t pos = model[i].len, n = rnd(MAXLEN - model[i].len + 1);
	if (!(flags & LFS_O_APPEND) && model[i].len && rnd(2)) {
		/* Overwrite somewhere, sometimes past the end (a hole). */
		pos = rnd(model[i].len + 200);
		if (pos > MAXLEN)
			pos = MAXLEN;
		n = rnd(MAXLEN - pos + 1);
		if (pos > model[i].len)
			memset(model[i].data + model[i].len, 0, pos - model[i].len);
	}
	if (!(flags & LFS_O_APPEND))
		assert_int_equal(lfs_file_seek(&fs, &f, (int32_t)pos, LFS_SEEK_SET), pos);
	fill(model[i].data + pos, n);
	for (uint32_t done = 0; done < n;) {
		uint32_t k = 1 + rnd(n - done);
		assert_int_equal(lfs_file_write(&fs, &f, model[i].data + pos + done, k), k);
		done += k;
	}
	if (n && pos + n > model[i].len)	/* a seek alone does not extend */
		model[i].len = pos + n;
	assert_int_equal(lfs_file_size(&fs, &f), model[i].len);
	assert_int_equal(lfs_file_close(&fs, &f), 0);
}

static void op_remove(int i)
{
	int err = lfs_remove(&fs, path_of(i));

	assert_int_equal(err, model[i].exists ? 0 : -NX_ENOENT);
	model[i].exists = false;
}

static void op_rename(int a, int b)
{
	int err = lfs_rename(&fs, path_of(a), path_of(b));

	if (!model[a].exists || !parent_ok(b)) {
		assert_int_equal(err, -NX_ENOENT);
		return;
	}
	assert_int_equal(err, 0);
	if (a == b)
		return;
	memcpy(&model[b], &model[a], sizeof(model[a]));
	model[a].exists = false;
}

static void op_dir(int d)
{
	char p[8];
	bool empty = true;

	snprintf(p, sizeof(p), "/d%d", d);
	for (int i = 0; i < PER; i++)
		empty &= !model[(d + 1) * PER + i].exists;
	if (!dir_exists[d]) {
		assert_int_equal(lfs_mkdir(&fs, p), 0);
		dir_exists[d] = true;
	} else if (rnd(2)) {
		assert_int_equal(lfs_mkdir(&fs, p), -NX_EEXIST);
	} else {
		assert_int_equal(lfs_remove(&fs, p), empty ? 0 : -NX_ENOTEMPTY);
		dir_exists[d] = !empty;
	}
}

static void check_all(void)
{
	struct lfs_dir d;
	struct lfs_info info;
	int n = 0, want = 0;

	for (int i = 0; i < NPATH; i++) {
		check_file(i);
		want += model[i].exists && i < PER;
	}
	for (int i = 0; i < NDIRS; i++)
		want += dir_exists[i];
	assert_int_equal(lfs_dir_open(&fs, &d, "/"), 0);
	while (lfs_dir_read(&fs, &d, &info) > 0)
		n++;
	assert_int_equal(n, want);
}

static void test_model(void **state)
{
	const char *env = getenv("NEXUS_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL);
	unsigned counts[8] = { 0 };

	(void)state;
	printf("lfs model: seed %llu (NEXUS_SEED=%llu to replay), %d operations\n",
	       (unsigned long long)seed, (unsigned long long)seed, NOPS);
	rng = seed * 0x9e3779b97f4a7c15ull + 1;
	lfs_rambd_init(&rb, mem, mark, BS, BC);
	assert_int_equal(lfs_format(&fs, &rb.bd), 0);
	assert_int_equal(lfs_mount(&fs, &rb.bd), 0);
	for (int op = 1; op <= NOPS; op++) {
		int i = (int)rnd(NPATH), k = (int)rnd(16);
		if (k < 3)
			op_write(i, LFS_O_TRUNC);
		else if (k < 5)
			op_write(i, LFS_O_APPEND);
		else if (k < 7)
			op_write(i, 0);
		else if (k < 10)
			check_file(i);
		else if (k < 12)
			op_remove(i);
		else if (k < 14)
			op_rename(i, (int)rnd(NPATH));
		else
			op_dir((int)rnd(NDIRS));
		counts[k / 2]++;
		if (op % 1000 == 0) {
			assert_int_equal(lfs_unmount(&fs), 0);
			assert_int_equal(lfs_mount(&fs, &rb.bd), 0);
			check_all();
		}
	}
	struct lfs_fsinfo fi;
	assert_int_equal(lfs_statfs(&fs, &fi), 0);
	printf("lfs model: ok; %u blocks of %u in use at the end, device programs+erases %llu\n",
	       fi.blocks_used, fi.block_count, (unsigned long long)rb.ops);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
