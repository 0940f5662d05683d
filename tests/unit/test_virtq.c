/*
 * Split virtqueue logic against a fake device that behaves like a block
 * device: it walks each available chain, checks the descriptor flags,
 * copies the first readable buffer into the writable ones and completes
 * chains in the order the test asks, not necessarily the order given.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <nexus/errno.h>

#include "drivers/virtq.h"

#define QSIZE 8

static struct virtq q;
static void *mem;
static uint16_t dev_avail;		/* the device's next avail entry */

static int setup(void **state)
{
	(void)state;
	mem = aligned_alloc(4096, 4096);
	memset(mem, 0, 4096);
	assert_true(virtq_bytes(QSIZE, NULL, NULL) <= 4096);
	assert_int_equal(virtq_init(&q, QSIZE, mem), 0);
	dev_avail = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(mem);
	return 0;
}

/* The device takes the next available chain; returns its head, or -1. */
static int dev_take(unsigned *nbufs)
{
	uint16_t head, d;
	const char *src = NULL;
	uint32_t src_len = 0;
	unsigned n = 0;

	if (dev_avail == q.avail->idx)
		return -1;
	head = q.avail->ring[dev_avail++ % QSIZE];
	for (d = head;; d = q.desc[d].next) {
		struct virtq_desc *dp = &q.desc[d];

		assert_true(n++ < QSIZE);
		if (dp->flags & VIRTQ_DESC_F_WRITE) {
			assert_non_null(src);
			memcpy((void *)(uintptr_t)dp->addr, src,
			       dp->len < src_len ? dp->len : src_len);
		} else {
			src = (const char *)(uintptr_t)dp->addr;
			src_len = dp->len;
		}
		if (!(dp->flags & VIRTQ_DESC_F_NEXT))
			break;
	}
	*nbufs = n;
	return head;
}

static void dev_complete(int head, uint32_t len)
{
	uint16_t i = q.used->idx;

	q.used->ring[i % QSIZE] = (struct virtq_used_elem){ (uint32_t)head, len };
	q.used->idx = (uint16_t)(i + 1);
}

static void test_layout(void **state)
{
	size_t a, u, total;

	(void)state;
	total = virtq_bytes(QSIZE, &a, &u);
	assert_int_equal(total, u + 4 + 8 * QSIZE + 2);
	assert_int_equal(a, 16 * QSIZE);
	assert_int_equal(u % 4, 0);
	assert_true(u >= a + 4 + 2 * QSIZE + 2);
	assert_int_equal(virtq_init(&q, 3, mem), -NX_EINVAL);
	assert_int_equal(virtq_init(&q, 0, mem), -NX_EINVAL);
	assert_int_equal(virtq_init(&q, VIRTQ_MAX_SIZE * 2, mem), -NX_EINVAL);
	assert_int_equal(virtq_init(&q, QSIZE, (char *)mem + 4), -NX_EINVAL);
}

static void test_chain_round_trip(void **state)
{
	char hdr[16] = "request", data[32] = { 0 };
	uint8_t status = 0xff;
	struct virtq_buf b[3] = {
		{ hdr, sizeof hdr, false },
		{ data, sizeof data, true },
		{ &status, 1, true },
	};
	void *cookie;
	uint32_t len;
	unsigned n;
	int head;

	(void)state;
	head = virtq_add(&q, b, 3, b);
	assert_true(head >= 0);
	assert_int_equal(q.nfree, QSIZE - 3);
	assert_int_equal(q.avail->idx, 1);
	assert_true(virtq_notify_wanted(&q));
	assert_false(virtq_get_used(&q, &cookie, &len));
	assert_int_equal(dev_take(&n), head);
	assert_int_equal(n, 3);
	assert_int_equal(q.desc[head].flags, VIRTQ_DESC_F_NEXT);
	dev_complete(head, 33);
	assert_int_equal(virtq_used_pending(&q), 1);
	assert_true(virtq_get_used(&q, &cookie, &len));
	assert_ptr_equal(cookie, b);
	assert_int_equal(len, 33);
	assert_string_equal(data, "request");
	assert_int_equal(status, 'r');
	assert_int_equal(q.nfree, QSIZE);
	assert_false(virtq_get_used(&q, &cookie, &len));
}

static void test_full_queue_and_out_of_order(void **state)
{
	char buf[4][8];
	struct virtq_buf b[2];
	int heads[4];
	void *cookie;
	uint32_t len;
	unsigned n;

	(void)state;
	for (int i = 0; i < 4; i++) {
		b[0] = (struct virtq_buf){ buf[i], 4, false };
		b[1] = (struct virtq_buf){ buf[i] + 4, 4, true };
		heads[i] = virtq_add(&q, b, 2, buf[i]);
		assert_true(heads[i] >= 0);
	}
	assert_int_equal(q.nfree, 0);
	assert_int_equal(virtq_add(&q, b, 1, buf[0]), -NX_EAGAIN);
	for (int i = 0; i < 4; i++)
		assert_int_equal(dev_take(&n), heads[i]);
	/* Completed in the order 2, 0, 3, 1. */
	dev_complete(heads[2], 4);
	dev_complete(heads[0], 4);
	assert_true(virtq_get_used(&q, &cookie, &len));
	assert_ptr_equal(cookie, buf[2]);
	assert_true(virtq_get_used(&q, &cookie, &len));
	assert_ptr_equal(cookie, buf[0]);
	assert_int_equal(q.nfree, 4);
	/* Freed descriptors are reused at once, as a longer chain. */
	{
		struct virtq_buf c[4] = { { buf[0], 1, false }, { buf[0], 1, false },
					  { buf[1], 1, true }, { buf[1], 1, true } };
		int h = virtq_add(&q, c, 4, c);

		assert_true(h >= 0);
		assert_int_equal(dev_take(&n), h);
		assert_int_equal(n, 4);
		dev_complete(heads[3], 4);
		dev_complete(h, 2);
		dev_complete(heads[1], 4);
	}
	assert_true(virtq_get_used(&q, &cookie, &len));
	assert_ptr_equal(cookie, buf[3]);
	assert_true(virtq_get_used(&q, &cookie, &len));
	assert_int_equal(len, 2);
	assert_true(virtq_get_used(&q, &cookie, &len));
	assert_ptr_equal(cookie, buf[1]);
	assert_false(virtq_get_used(&q, &cookie, &len));
	assert_int_equal(q.nfree, QSIZE);
}

static void test_bad_requests(void **state)
{
	char x[4];
	struct virtq_buf wr_then_rd[2] = { { x, 4, true }, { x, 4, false } };
	struct virtq_buf empty = { x, 0, false };
	void *cookie;
	uint32_t len;

	(void)state;
	assert_int_equal(virtq_add(&q, wr_then_rd, 2, x), -NX_EINVAL);
	assert_int_equal(virtq_add(&q, &empty, 1, x), -NX_EINVAL);
	assert_int_equal(virtq_add(&q, wr_then_rd, 0, x), -NX_EINVAL);
	assert_int_equal(virtq_add(&q, wr_then_rd, 1, NULL), -NX_EINVAL);
	assert_int_equal(q.nfree, QSIZE);
	/* A device naming a chain that is not in flight frees nothing. */
	dev_complete(5, 0);
	assert_true(virtq_get_used(&q, &cookie, &len));
	assert_null(cookie);
	dev_complete(QSIZE + 3, 0);
	assert_true(virtq_get_used(&q, &cookie, &len));
	assert_null(cookie);
	assert_int_equal(q.nfree, QSIZE);
}

/* 70000 requests: both 16-bit ring indices wrap, nothing leaks. */
static void test_index_wrap(void **state)
{
	char in[8], out[8];
	struct virtq_buf b[2] = { { in, 8, false }, { out, 8, true } };
	void *cookie;
	uint32_t len;
	unsigned n;

	(void)state;
	for (unsigned i = 0; i < 70000; i++) {
		int h;

		memcpy(in, &i, sizeof i);
		h = virtq_add(&q, b, 2, in);
		assert_true(h >= 0);
		assert_int_equal(dev_take(&n), h);
		dev_complete(h, 8);
		assert_true(virtq_get_used(&q, &cookie, &len));
		assert_ptr_equal(cookie, in);
		assert_memory_equal(out, &i, sizeof i);
	}
	assert_int_equal(q.avail->idx, (uint16_t)70000);
	assert_int_equal(q.last_used, (uint16_t)70000);
	assert_int_equal(q.nfree, QSIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chain_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_queue_and_out_of_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_wrap, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
