/*
 * The block cache against a device in memory that counts its calls and
 * can be told to fail: what the cache returns is always what the device
 * holds, a write is on the device when the call returns, and the device
 * is asked only for what the cache does not hold.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <nexus/errno.h>

#include "fs/bcache.h"

#define BS	512
#define NBLK	(BCACHE_BLOCKS + 64)

static uint8_t disk[NBLK][BS];
static uint8_t mem[BCACHE_BLOCKS * BS];
static unsigned reads, writes;
static int fail_next;		/* the next device call fails with this */

static int dev_read(void *ctx, uint64_t block, void *buf)
{
	(void)ctx;
	reads++;
	if (fail_next) {
		int e = fail_next;

		fail_next = 0;
		return e;
	}
	memcpy(buf, disk[block], BS);
	return 0;
}

static int dev_write(void *ctx, uint64_t block, void *buf)
{
	(void)ctx;
	writes++;
	if (fail_next) {
		int e = fail_next;

		fail_next = 0;
		memset(disk[block], 0xee, BS);	/* a torn write */
		return e;
	}
	memcpy(disk[block], buf, BS);
	return 0;
}

static struct bcache c;

static int setup(void **state)
{
	(void)state;
	for (unsigned b = 0; b < NBLK; b++)
		memset(disk[b], (int)b, BS);
	reads = writes = 0;
	fail_next = 0;
	bcache_init(&c, mem, BS, dev_read, dev_write, NULL);
	return 0;
}

static void test_small_reads_hit_after_the_first(void **state)
{
	uint8_t v[4];

	(void)state;
	for (unsigned off = 0; off < BS; off += 4) {
		assert_int_equal(bcache_read(&c, 7, off, v, 4), 0);
		assert_int_equal(v[0], 7);
	}
	assert_int_equal(reads, 1);
	assert_int_equal(c.hits, BS / 4 - 1);
}

static void test_whole_block_reads_bypass_when_not_cached(void **state)
{
	uint8_t buf[BS];

	(void)state;
	assert_int_equal(bcache_read(&c, 3, 0, buf, BS), 0);
	assert_int_equal(bcache_read(&c, 3, 0, buf, BS), 0);
	assert_int_equal(reads, 2);		/* not kept */
	assert_int_equal(bcache_read(&c, 3, 1, buf, 1), 0);
	assert_int_equal(bcache_read(&c, 3, 0, buf, BS), 0);
	assert_int_equal(reads, 3);		/* now cached: served from it */
	assert_int_equal(buf[BS - 1], 3);
}

static void test_partial_write_reaches_the_device_at_once(void **state)
{
	uint8_t v = 0xab, back;

	(void)state;
	assert_int_equal(bcache_write(&c, 9, 100, &v, 1), 0);
	assert_int_equal(disk[9][100], 0xab);
	assert_int_equal(disk[9][101], 9);	/* the rest of the block kept */
	assert_int_equal(writes, 1);
	assert_int_equal(bcache_read(&c, 9, 100, &back, 1), 0);
	assert_int_equal(back, 0xab);
	assert_int_equal(reads, 1);		/* the read-modify-write's read only */
}

static void test_whole_write_updates_a_cached_copy(void **state)
{
	uint8_t buf[BS], v;

	(void)state;
	assert_int_equal(bcache_read(&c, 5, 0, &v, 1), 0);
	memset(buf, 0x55, BS);
	assert_int_equal(bcache_write(&c, 5, 0, buf, BS), 0);
	assert_memory_equal(disk[5], buf, BS);
	assert_int_equal(bcache_read(&c, 5, 10, &v, 1), 0);
	assert_int_equal(v, 0x55);
	assert_int_equal(reads, 1);
}

static void test_least_recently_used_is_evicted(void **state)
{
	uint8_t v;

	(void)state;
	for (unsigned b = 0; b < BCACHE_BLOCKS; b++)
		assert_int_equal(bcache_read(&c, b, 0, &v, 1), 0);
	assert_int_equal(bcache_read(&c, 0, 0, &v, 1), 0);	/* 0 is fresh again */
	assert_int_equal(bcache_read(&c, BCACHE_BLOCKS + 10, 0, &v, 1), 0);	/* evicts 1 */
	reads = 0;
	assert_int_equal(bcache_read(&c, 0, 0, &v, 1), 0);
	assert_int_equal(reads, 0);
	assert_int_equal(bcache_read(&c, 1, 0, &v, 1), 0);
	assert_int_equal(reads, 1);
	assert_int_equal(v, 1);
}

static void test_failed_read_caches_nothing(void **state)
{
	uint8_t v = 0;

	(void)state;
	fail_next = -NX_EIO;
	assert_int_equal(bcache_read(&c, 4, 0, &v, 1), -NX_EIO);
	assert_int_equal(bcache_read(&c, 4, 0, &v, 1), 0);
	assert_int_equal(v, 4);
	assert_int_equal(reads, 2);
}

static void test_failed_write_forgets_the_block(void **state)
{
	uint8_t v = 1, back;

	(void)state;
	assert_int_equal(bcache_read(&c, 6, 0, &back, 1), 0);
	fail_next = -NX_EIO;
	assert_int_equal(bcache_write(&c, 6, 0, &v, 1), -NX_EIO);
	/* The device holds a torn block now; the cache must say so too. */
	assert_int_equal(bcache_read(&c, 6, 0, &back, 1), 0);
	assert_int_equal(back, 0xee);
}

static void test_drop_rereads_the_device(void **state)
{
	uint8_t v;

	(void)state;
	assert_int_equal(bcache_read(&c, 8, 0, &v, 1), 0);
	disk[8][0] = 0x77;		/* changed behind the cache's back */
	bcache_drop(&c);
	assert_int_equal(bcache_read(&c, 8, 0, &v, 1), 0);
	assert_int_equal(v, 0x77);
}

static void test_out_of_block_ranges_are_refused(void **state)
{
	uint8_t buf[BS + 1];

	(void)state;
	assert_int_equal(bcache_read(&c, 1, BS, buf, 1), -NX_EINVAL);
	assert_int_equal(bcache_read(&c, 1, 1, buf, BS), -NX_EINVAL);
	assert_int_equal(bcache_write(&c, 1, 0xffffffffu, buf, 2), -NX_EINVAL);
	assert_int_equal(reads + writes, 0);
}

/* Seeded random reads and writes, whole and partial: every read returns
 * what a model of the disk says, and the disk always equals the model. */
static void test_random_operations_match_a_model(void **state)
{
	static uint8_t model[NBLK][BS];
	uint8_t buf[BS];
	uint64_t x = 0x6e65787573;

	(void)state;
	memcpy(model, disk, sizeof(model));
	for (unsigned n = 0; n < 100000; n++) {
		unsigned blk, off, len;

		x = x * 6364136223846793005ull + 1442695040888963407ull;
		blk = (unsigned)(x >> 33) % NBLK;
		off = (x >> 20) & 1 ? 0 : (unsigned)(x >> 40) % BS;
		len = off == 0 && (x >> 21) & 1 ? BS : 1 + (unsigned)(x >> 50) % (BS - off);
		if ((x >> 22) & 1) {
			memset(buf, (int)(x >> 56), len);
			assert_int_equal(bcache_write(&c, blk, off, buf, len), 0);
			memcpy(model[blk] + off, buf, len);
			assert_memory_equal(disk[blk], model[blk], BS);
		} else {
			assert_int_equal(bcache_read(&c, blk, off, buf, len), 0);
			assert_memory_equal(buf, model[blk] + off, len);
		}
	}
	assert_true(c.hits > 0 && c.misses > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_small_reads_hit_after_the_first, setup),
		cmocka_unit_test_setup(test_whole_block_reads_bypass_when_not_cached, setup),
		cmocka_unit_test_setup(test_partial_write_reaches_the_device_at_once, setup),
		cmocka_unit_test_setup(test_whole_write_updates_a_cached_copy, setup),
		cmocka_unit_test_setup(test_least_recently_used_is_evicted, setup),
		cmocka_unit_test_setup(test_failed_read_caches_nothing, setup),
		cmocka_unit_test_setup(test_failed_write_forgets_the_block, setup),
		cmocka_unit_test_setup(test_drop_rereads_the_device, setup),
		cmocka_unit_test_setup(test_out_of_block_ranges_are_refused, setup),
		cmocka_unit_test_setup(test_random_operations_match_a_model, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
