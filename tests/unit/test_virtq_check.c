/*
 * The supervisor's check of a queue an untrusted driver filled
 * (virtq_check_avail): chains built with the real queue code pass when
 * every buffer is granted; a chain aimed outside the grants, in the
 * wrong direction, looping, running off the table, indirect, or more
 * chains than the queue holds is refused with its reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
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
/* The grants: the driver's own memory both ways, one buffer the device may write. */
static uint8_t own[64], lent_in[512], lent_out[512];
static unsigned calls;

static bool inside(uint64_t addr, uint32_t len, const void *base, size_t size)
{
	uint64_t b = (uint64_t)(uintptr_t)base;

	return addr >= b && addr + len <= b + size;
}

static bool allowed(void *ctx, uint64_t addr, uint32_t len, bool device_writes)
{
	(void)ctx;
	calls++;
	return inside(addr, len, own, sizeof(own)) ||
	       (device_writes && inside(addr, len, lent_in, sizeof(lent_in))) ||
	       (!device_writes && inside(addr, len, lent_out, sizeof(lent_out)));
}

static int setup(void **state)
{
	(void)state;
	mem = aligned_alloc(4096, 4096);
	memset(mem, 0, 4096);
	assert_int_equal(virtq_init(&q, QSIZE, mem), 0);
	calls = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(mem);
	return 0;
}

static int add(void *data, uint32_t len, bool device_writes)
{
	struct virtq_buf b[3] = {
		{ own, 16, false },
		{ data, len, device_writes },
		{ own + 16, 1, true },
	};

	return virtq_add(&q, b, 3, own);
}

static int check(const char **why)
{
	*why = NULL;
	return virtq_check_avail(q.desc, q.avail, q.size, 0, q.avail->idx, allowed, NULL, why);
}

static void test_granted_chains_pass(void **state)
{
	const char *why;

	(void)state;
	assert_true(add(lent_in, 512, true) >= 0);	/* a read */
	assert_true(add(lent_out, 512, false) >= 0);	/* a write */
	assert_int_equal(check(&why), 0);
	assert_null(why);
	assert_int_equal(calls, 6);
	/* Nothing new since the last check: nothing to look at. */
	calls = 0;
	assert_int_equal(virtq_check_avail(q.desc, q.avail, q.size, q.avail->idx, q.avail->idx,
					   allowed, NULL, &why), 0);
	assert_int_equal(calls, 0);
}

static void test_dma_outside_the_grants_is_refused(void **state)
{
	static uint8_t elsewhere[512];
	const char *why;

	(void)state;
	assert_true(add(elsewhere, 512, true) >= 0);
	assert_int_equal(check(&why), -NX_EPERM);
	assert_string_equal(why, "DMA outside its grants");
}

static void test_wrong_direction_is_refused(void **state)
{
	const char *why;

	(void)state;
	/* The device may read lent_out, not write it: a write request's data. */
	assert_true(add(lent_out, 512, true) >= 0);
	assert_int_equal(check(&why), -NX_EPERM);
	assert_string_equal(why, "DMA outside its grants");
}

static void test_a_buffer_running_past_its_grant_is_refused(void **state)
{
	const char *why;

	(void)state;
	assert_true(add(lent_in + 256, 512, true) >= 0);
	assert_int_equal(check(&why), -NX_EPERM);
}

static void test_address_wrap_is_refused(void **state)
{
	const char *why;

	(void)state;
	assert_true(add(lent_in, 512, true) >= 0);
	q.desc[1].addr = UINT64_MAX - 8;	/* addr + len wraps to inside own[] */
	assert_int_equal(check(&why), -NX_EPERM);
}

static void test_malformed_chains_are_refused(void **state)
{
	const char *why;
	int head;

	(void)state;
	head = add(lent_in, 512, true);
	assert_true(head >= 0);
	q.desc[head].next = (uint16_t)head;		/* a loop */
	assert_int_equal(check(&why), -NX_EPERM);
	assert_string_equal(why, "descriptor chain loops");

	q.desc[head].next = QSIZE;			/* off the table */
	assert_int_equal(check(&why), -NX_EPERM);
	assert_string_equal(why, "descriptor outside the queue");

	q.desc[head].flags = VIRTQ_DESC_F_INDIRECT;
	assert_int_equal(check(&why), -NX_EPERM);
	assert_string_equal(why, "indirect descriptor");

	q.desc[head].flags = 0;
	q.avail->ring[0] = QSIZE + 3;			/* a head off the table */
	assert_int_equal(check(&why), -NX_EPERM);
	assert_string_equal(why, "descriptor outside the queue");
}

static void test_more_chains_than_the_queue_holds_is_refused(void **state)
{
	const char *why;

	(void)state;
	assert_int_equal(virtq_check_avail(q.desc, q.avail, q.size, 0, QSIZE + 1, allowed,
					   NULL, &why), -NX_EPERM);
	assert_string_equal(why, "more chains than the queue holds");
	/* Free-running indices: from 65530 to 2 is 8 chains, not a huge count. */
	for (unsigned i = 0; i < QSIZE; i++) {
		q.desc[i] = (struct virtq_desc){ (uint64_t)(uintptr_t)own, 16, 0, 0 };
		q.avail->ring[i] = (uint16_t)i;
	}
	assert_int_equal(virtq_check_avail(q.desc, q.avail, q.size, 65530, 2, allowed, NULL,
					   &why), 0);
	assert_int_equal(calls, QSIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_granted_chains_pass, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dma_outside_the_grants_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_direction_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_buffer_running_past_its_grant_is_refused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_address_wrap_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_chains_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_more_chains_than_the_queue_holds_is_refused,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
