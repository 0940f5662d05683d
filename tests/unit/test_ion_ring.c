/*
 * ION rings on the host: SPSC ring edges, index wrap at 2^32, batches,
 * the doorbell handshake, a randomised run against a model queue, the
 * MPSC queue and the channel registry. Single-threaded; the concurrent
 * behaviour is exercised by tsan_ion_stress.c.
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
#include <nexus/ion.h>

#include "ion/channel.h"
#include "ion/mpsc.h"
#include "ion/ring.h"

#define CAP 8u

static void *mem;
static struct ion_ring ring;

static void *mem_alloc(size_t size)
{
	void *p = aligned_alloc(NX_ION_CACHELINE, (size + NX_ION_CACHELINE - 1) & ~(size_t)63);

	assert_non_null(p);
	memset(p, 0xa5, size);
	return p;
}

/* An 8-slot ring of u64, the common case for most tests. */
static int setup(void **state)
{
	(void)state;
	mem = mem_alloc(ion_ring_bytes(CAP, 8));
	return ion_ring_init(&ring, mem, ion_ring_bytes(CAP, 8), CAP, 8);
}

static int teardown(void **state)
{
	(void)state;
	free(mem);
	mem = NULL;
	return 0;
}

/* Move every index of the ring to start, as if 2^32 - k messages had passed. */
static void ring_start_at(struct ion_ring *r, uint32_t start)
{
	r->hdr->head = start;
	r->hdr->tail = start;
	r->hdr->prod_cached_tail = start;
	r->hdr->cons_cached_head = start;
}

static void push_ok(uint64_t v)
{
	assert_int_equal(ion_push(&ring, &v, NULL), 0);
}

static void pop_expect(uint64_t want)
{
	uint64_t v = ~want;

	assert_int_equal(ion_pop(&ring, &v, NULL), 0);
	assert_int_equal(v, want);
}

static void test_bytes_and_init_validation(void **state)
{
	struct ion_ring r;
	size_t big = ion_ring_bytes(64, 64);
	uint8_t *m = mem_alloc(big + 64);

	(void)state;
	assert_int_equal(ion_ring_bytes(8, 8), sizeof(struct nx_ion_ring) + 64);
	assert_int_equal(ion_ring_bytes(0, 8), 0);
	assert_int_equal(ion_ring_bytes(6, 8), 0);
	assert_int_equal(ion_ring_bytes(8, 0), 0);
	assert_int_equal(ion_ring_bytes(8, 12), 0);
	assert_int_equal(ion_ring_bytes(8, NX_ION_MAX_ELEM + 8), 0);
	/* 2^31 is the largest power of two a u32 holds, and it is allowed. */
	assert_int_equal(ion_ring_bytes(NX_ION_MAX_CAPACITY, 8),
			 sizeof(struct nx_ion_ring) + (size_t)NX_ION_MAX_CAPACITY * 8);
	assert_int_equal(ion_ring_init(&r, NULL, big, 64, 64), -NX_EINVAL);
	assert_int_equal(ion_ring_init(NULL, m, big, 64, 64), -NX_EINVAL);
	assert_int_equal(ion_ring_init(&r, m + 8, big, 64, 64), -NX_EINVAL);
	assert_int_equal(ion_ring_init(&r, m, big - 1, 64, 64), -NX_EINVAL);
	assert_int_equal(ion_ring_init(&r, m, big, 48, 64), -NX_EINVAL);
	assert_int_equal(ion_ring_init(&r, m, big, 64, 20), -NX_EINVAL);
	/* A refused init leaves the memory alone. */
	assert_int_equal(m[0], 0xa5);
	assert_int_equal(ion_ring_init(&r, m, big, 64, 64), 0);
	assert_int_equal(r.hdr->magic, NX_ION_MAGIC);
	assert_int_equal(r.hdr->capacity, 64);
	assert_int_equal(r.hdr->mask, 63);
	assert_int_equal(r.hdr->elem_size, 64);
	assert_int_equal(r.hdr->slots_off, sizeof(struct nx_ion_ring));
	assert_int_equal(r.hdr->head, 0);
	assert_int_equal(r.hdr->tail, 0);
	assert_int_equal(r.hdr->cons_waiting, 0);
	assert_int_equal(r.hdr->prod_waiting, 0);
	free(m);
}

static void test_attach_validates_header(void **state)
{
	struct ion_ring peer;
	size_t size = ion_ring_bytes(CAP, 8);
	uint64_t v = 42;

	(void)state;
	assert_int_equal(ion_ring_attach(&peer, mem, size), 0);
	push_ok(7);
	assert_int_equal(ion_pop(&peer, &v, NULL), 0);
	assert_int_equal(v, 7);
	assert_int_equal(ion_ring_attach(&peer, mem, size - 1), -NX_EINVAL);
	ring.hdr->mask = 3;
	assert_int_equal(ion_ring_attach(&peer, mem, size), -NX_EINVAL);
	ring.hdr->mask = CAP - 1;
	ring.hdr->slots_off = sizeof(struct nx_ion_ring) + 8;
	assert_int_equal(ion_ring_attach(&peer, mem, size), -NX_EINVAL);
	ring.hdr->slots_off = sizeof(struct nx_ion_ring);
	ring.hdr->version = NX_ION_VERSION + 1;
	assert_int_equal(ion_ring_attach(&peer, mem, size), -NX_EINVAL);
	ring.hdr->version = NX_ION_VERSION;
	ring.hdr->magic ^= 1;
	assert_int_equal(ion_ring_attach(&peer, mem, size), -NX_EINVAL);
}

static void test_fifo_until_full_then_empty(void **state)
{
	uint64_t v = 99;

	(void)state;
	for (uint64_t i = 0; i < CAP; i++)
		push_ok(100 + i);
	assert_int_equal(ion_count(&ring), CAP);
	v = 1;
	assert_int_equal(ion_push(&ring, &v, NULL), -NX_EAGAIN);
	for (uint64_t i = 0; i < CAP; i++)
		pop_expect(100 + i);
	assert_int_equal(ion_count(&ring), 0);
	v = 99;
	assert_int_equal(ion_pop(&ring, &v, NULL), -NX_EAGAIN);
	assert_int_equal(v, 99);
}

/* A full ring takes exactly one more element per element popped. */
static void test_full_edge_after_pop(void **state)
{
	uint64_t v = 0;

	(void)state;
	for (uint64_t i = 0; i < CAP; i++)
		push_ok(i);
	pop_expect(0);
	push_ok(CAP);
	assert_int_equal(ion_push(&ring, &v, NULL), -NX_EAGAIN);
	for (uint64_t i = 1; i <= CAP; i++)
		pop_expect(i);
}

static void test_wrap_at_2_32(void **state)
{
	uint64_t next_in = 0, next_out = 0;

	(void)state;
	ring_start_at(&ring, UINT32_MAX - 3 * CAP / 2);
	/* Alternate fills and drains of varying depth across the boundary. */
	for (int round = 0; round < 8; round++) {
		uint32_t depth = 1 + (uint32_t)round % CAP;

		for (uint32_t i = 0; i < depth; i++)
			push_ok(next_in++);
		assert_int_equal(ion_count(&ring), depth);
		for (uint32_t i = 0; i < depth; i++)
			pop_expect(next_out++);
	}
	for (uint64_t i = 0; i < CAP; i++)
		push_ok(next_in++);
	assert_int_equal(ion_push(&ring, &next_in, NULL), -NX_EAGAIN);
	while (next_out < next_in)
		pop_expect(next_out++);
	/* The indices really did pass 2^32. */
	assert_true(ring.hdr->head < CAP * 8);
	assert_int_equal(ring.hdr->head, ring.hdr->tail);
}

static void test_batch_edges(void **state)
{
	uint64_t in[2 * CAP], out[2 * CAP];

	(void)state;
	for (uint64_t i = 0; i < 2 * CAP; i++)
		in[i] = 1000 + i;
	ring_start_at(&ring, UINT32_MAX - 2);
	assert_int_equal(ion_push_n(&ring, in, 0, NULL), 0);
	assert_int_equal(ion_pop_n(&ring, out, CAP, NULL), 0);
	assert_int_equal(ion_push_n(&ring, in, 3, NULL), 3);
	/* More than fits: the ring takes what it can and says how many. */
	assert_int_equal(ion_push_n(&ring, in + 3, 2 * CAP, NULL), CAP - 3);
	assert_int_equal(ion_push_n(&ring, in, 1, NULL), 0);
	memset(out, 0, sizeof(out));
	assert_int_equal(ion_pop_n(&ring, out, 5, NULL), 5);
	/* This run starts in the middle of the slot array and wraps. */
	assert_int_equal(ion_push_n(&ring, in + CAP, 5, NULL), 5);
	assert_int_equal(ion_pop_n(&ring, out + 5, 2 * CAP, NULL), CAP);
	for (uint64_t i = 0; i < CAP + 5; i++)
		assert_int_equal(out[i], 1000 + i);
	assert_int_equal(ion_pop_n(&ring, out, 1, NULL), 0);
}

/* Batches and single calls see one queue, in one order. */
static void test_batch_mixes_with_single(void **state)
{
	uint64_t in[3] = { 1, 2, 3 }, out[3] = { 0 };

	(void)state;
	push_ok(0);
	assert_int_equal(ion_push_n(&ring, in, 3, NULL), 3);
	push_ok(4);
	pop_expect(0);
	assert_int_equal(ion_pop_n(&ring, out, 2, NULL), 2);
	assert_int_equal(out[0], 1);
	assert_int_equal(out[1], 2);
	pop_expect(3);
	pop_expect(4);
}

static void test_doorbell_consumer(void **state)
{
	uint64_t v = 5;
	bool wake = true;

	(void)state;
	/* Empty: the consumer may sleep, and the next checked push says so. */
	assert_true(ion_cons_prepare_wait(&ring));
	assert_int_equal(ring.hdr->cons_waiting, 1);
	assert_int_equal(ion_push(&ring, &v, &wake), 0);
	assert_true(wake);
	assert_int_equal(ring.hdr->cons_waiting, 0);
	/* Claimed once: a second push does not signal again. */
	assert_int_equal(ion_push(&ring, &v, &wake), 0);
	assert_false(wake);
	ion_cons_finish_wait(&ring);
	/* Not empty: no sleep, and the flag is withdrawn. */
	assert_false(ion_cons_prepare_wait(&ring));
	assert_int_equal(ring.hdr->cons_waiting, 0);
	assert_int_equal(ion_push(&ring, &v, &wake), 0);
	assert_false(wake);
}

static void test_doorbell_unchecked_push_then_kick(void **state)
{
	(void)state;
	assert_true(ion_cons_prepare_wait(&ring));
	push_ok(1);
	push_ok(2);
	/* Unchecked pushes leave the flag for the kick at the end of the burst. */
	assert_int_equal(ring.hdr->cons_waiting, 1);
	assert_true(ion_prod_kick(&ring));
	assert_false(ion_prod_kick(&ring));
	ion_cons_finish_wait(&ring);
	assert_false(ion_cons_kick(&ring));
}

static void test_doorbell_producer_backpressure(void **state)
{
	uint64_t v = 0;
	bool wake = true;

	(void)state;
	assert_false(ion_prod_prepare_wait(&ring));
	assert_int_equal(ring.hdr->prod_waiting, 0);
	for (uint64_t i = 0; i < CAP; i++)
		push_ok(i);
	assert_int_equal(ion_push(&ring, &v, &wake), -NX_EAGAIN);
	assert_false(wake);
	assert_true(ion_prod_prepare_wait(&ring));
	assert_int_equal(ring.hdr->prod_waiting, 1);
	assert_int_equal(ion_pop(&ring, &v, &wake), 0);
	assert_true(wake);
	assert_int_equal(ion_pop_n(&ring, &v, 1, &wake), 1);
	assert_false(wake);
	ion_prod_finish_wait(&ring);
	/* Nothing was dropped while the producer waited. */
	for (uint64_t i = 2; i < CAP; i++)
		pop_expect(i);
}

/* The doorbell flags are on their own line, apart from the indices. */
static void test_doorbell_checks_do_not_disturb_data(void **state)
{
	uint64_t v;
	bool wake;

	(void)state;
	for (uint64_t i = 0; i < 3 * CAP; i++) {
		v = i;
		assert_int_equal(ion_push(&ring, &v, &wake), 0);
		assert_false(wake);
		assert_int_equal(ion_pop(&ring, &v, &wake), 0);
		assert_false(wake);
		assert_int_equal(v, i);
	}
}

/* A peer that breaks head - tail <= capacity gets neither room nor data. */
static void test_hostile_indices_are_contained(void **state)
{
	uint64_t v = 3;

	(void)state;
	ring.hdr->head = CAP + 5;
	assert_int_equal(ion_pop(&ring, &v, NULL), -NX_EAGAIN);
	assert_int_equal(ion_pop_n(&ring, &v, 1, NULL), 0);
	assert_int_equal(ion_count(&ring), 0);
	ring_start_at(&ring, 10);
	for (uint64_t i = 0; i < CAP; i++)
		push_ok(i);
	/* The consumer claims to have drained more than was ever pushed. */
	ring.hdr->tail = ring.hdr->head + 10;
	assert_int_equal(ion_push(&ring, &v, NULL), -NX_EAGAIN);
	assert_int_equal(ion_push_n(&ring, &v, 1, NULL), 0);
}

/* Larger elements: the packet layouts travel whole. */
static void test_packets_roundtrip(void **state)
{
	struct ion_ring r;
	size_t size = ion_ring_bytes(4, sizeof(struct nx_cmd_packet));
	void *m = mem_alloc(size);
	struct nx_cmd_packet in = { .kind = 7, .arg = 0x1122334455667788u }, out;

	(void)state;
	for (int i = 0; i < 16; i++)
		in.id[i] = (uint8_t)(0xf0 + i);
	assert_int_equal(ion_ring_init(&r, m, size, 4, sizeof(in)), 0);
	for (int k = 0; k < 9; k++) {
		in.arg += (uint64_t)k;
		assert_int_equal(ion_push(&r, &in, NULL), 0);
		memset(&out, 0, sizeof(out));
		assert_int_equal(ion_pop(&r, &out, NULL), 0);
		assert_memory_equal(&in, &out, sizeof(in));
	}
	free(m);
}

/* xorshift: deterministic, so a failure can be replayed. */
static uint32_t rng_next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Random single and batch operations against a model queue of counters. */
static void test_random_against_model(void **state)
{
	uint64_t buf[CAP + 3];
	uint64_t next_in = 0, next_out = 0;
	uint32_t seed = 0x12345678u;

	(void)state;
	ring_start_at(&ring, UINT32_MAX - 1000);
	for (int step = 0; step < 20000; step++) {
		uint32_t op = rng_next(&seed) % 4, n = rng_next(&seed) % (CAP + 3);
		uint32_t depth = (uint32_t)(next_in - next_out), got;

		if (op == 0) {
			int rc = ion_push(&ring, &next_in, NULL);

			assert_int_equal(rc, depth < CAP ? 0 : -NX_EAGAIN);
			next_in += rc == 0;
		} else if (op == 1) {
			for (uint32_t i = 0; i < n; i++)
				buf[i] = next_in + i;
			got = ion_push_n(&ring, buf, n, NULL);
			assert_int_equal(got, n < CAP - depth ? n : CAP - depth);
			next_in += got;
		} else if (op == 2) {
			uint64_t v;
			int rc = ion_pop(&ring, &v, NULL);

			assert_int_equal(rc, depth > 0 ? 0 : -NX_EAGAIN);
			if (rc == 0)
				assert_int_equal(v, next_out++);
		} else {
			got = ion_pop_n(&ring, buf, n, NULL);
			assert_int_equal(got, n < depth ? n : depth);
			for (uint32_t i = 0; i < got; i++)
				assert_int_equal(buf[i], next_out++);
		}
		assert_int_equal(ion_count(&ring), next_in - next_out);
	}
	assert_true(next_out > 1000);
}

static void test_mpsc_basics(void **state)
{
	struct ion_mpsc q;
	size_t size = ion_mpsc_bytes(4, 8);
	void *m = mem_alloc(size);
	uint64_t v = 0;

	(void)state;
	assert_int_equal(ion_mpsc_bytes(1, 8), 0);
	assert_int_equal(ion_mpsc_bytes(6, 8), 0);
	assert_int_equal(ion_mpsc_bytes(4, 12), 0);
	assert_int_equal(ion_mpsc_init(&q, m, size - 1, 4, 8), -NX_EINVAL);
	assert_int_equal(ion_mpsc_init(&q, (uint8_t *)m + 8, size, 4, 8), -NX_EINVAL);
	assert_int_equal(ion_mpsc_init(&q, m, size, 4, 8), 0);
	assert_int_equal(ion_mpsc_pop(&q, &v, NULL), -NX_EAGAIN);
	for (v = 10; v < 14; v++)
		assert_int_equal(ion_mpsc_push(&q, &v, NULL), 0);
	assert_int_equal(ion_mpsc_push(&q, &v, NULL), -NX_EAGAIN);
	assert_int_equal(ion_mpsc_count(&q), 4);
	for (uint64_t want = 10; want < 14; want++) {
		assert_int_equal(ion_mpsc_pop(&q, &v, NULL), 0);
		assert_int_equal(v, want);
	}
	assert_int_equal(ion_mpsc_pop(&q, &v, NULL), -NX_EAGAIN);
	free(m);
}

static void test_mpsc_wrap_at_2_32(void **state)
{
	struct ion_mpsc q;
	size_t size = ion_mpsc_bytes(4, 8);
	void *m = mem_alloc(size);
	uint64_t in = 0, out = 0, v;

	(void)state;
	assert_int_equal(ion_mpsc_init_at(&q, m, size, 4, 8, UINT32_MAX - 5), 0);
	for (int round = 0; round < 6; round++) {
		for (int i = 0; i <= round % 4; i++, in++)
			assert_int_equal(ion_mpsc_push(&q, &in, NULL), 0);
		while (ion_mpsc_pop(&q, &v, NULL) == 0)
			assert_int_equal(v, out++);
	}
	assert_int_equal(in, out);
	assert_true(atomic_load(&q.enq) < 16);
	free(m);
}

static void test_mpsc_doorbell(void **state)
{
	struct ion_mpsc q;
	size_t size = ion_mpsc_bytes(2, 8);
	void *m = mem_alloc(size);
	uint64_t v = 1;
	bool wake = false;

	(void)state;
	assert_int_equal(ion_mpsc_init(&q, m, size, 2, 8), 0);
	assert_true(ion_mpsc_cons_prepare_wait(&q));
	assert_int_equal(ion_mpsc_push(&q, &v, &wake), 0);
	assert_true(wake);
	assert_int_equal(ion_mpsc_push(&q, &v, &wake), 0);
	assert_false(wake);
	ion_mpsc_cons_finish_wait(&q);
	assert_false(ion_mpsc_cons_prepare_wait(&q));
	/* Full: producers may sleep and the next checked pop says to wake them. */
	assert_true(ion_mpsc_prod_prepare_wait(&q));
	assert_true(ion_mpsc_prod_prepare_wait(&q));
	assert_int_equal(ion_mpsc_pop(&q, &v, &wake), 0);
	assert_true(wake);
	assert_int_equal(ion_mpsc_pop(&q, &v, &wake), 0);
	assert_false(wake);
	assert_false(ion_mpsc_prod_prepare_wait(&q));
	free(m);
}

static void test_channel_registry(void **state)
{
	struct chan_registry reg;
	struct ion_ring a, b, *got = NULL;

	(void)state;
	chan_init(&reg);
	assert_int_equal(chan_lookup(&reg, "console", &got), -NX_ENOENT);
	assert_int_equal(chan_register(&reg, "console", &a), 0);
	assert_int_equal(chan_register(&reg, "vfs", &b), 0);
	assert_int_equal(chan_lookup(&reg, "console", &got), 0);
	assert_ptr_equal(got, &a);
	assert_int_equal(chan_lookup(&reg, "vfs", &got), 0);
	assert_ptr_equal(got, &b);
	assert_int_equal(chan_register(&reg, "console", &b), -NX_EEXIST);
	assert_int_equal(chan_lookup(&reg, "consol", &got), -NX_ENOENT);
	assert_int_equal(chan_lookup(&reg, "console2", &got), -NX_ENOENT);
	assert_int_equal(chan_register(&reg, "", &a), -NX_EINVAL);
	assert_int_equal(chan_register(&reg, NULL, &a), -NX_EINVAL);
	assert_int_equal(chan_register(&reg, "net", NULL), -NX_EINVAL);
	assert_int_equal(chan_unregister(&reg, "vfs"), 0);
	assert_int_equal(chan_lookup(&reg, "vfs", &got), -NX_ENOENT);
	assert_int_equal(chan_unregister(&reg, "vfs"), -NX_ENOENT);
}

static void test_channel_name_length(void **state)
{
	struct chan_registry reg;
	struct ion_ring a, *got = NULL;
	const char *max = "abcdefghijklmno";	/* CHAN_NAME_MAX bytes */
	const char *over = "abcdefghijklmnop";

	(void)state;
	chan_init(&reg);
	assert_int_equal(strlen(max), CHAN_NAME_MAX);
	assert_int_equal(chan_register(&reg, max, &a), 0);
	assert_int_equal(chan_lookup(&reg, max, &got), 0);
	/* Refused, not truncated into a collision with max. */
	assert_int_equal(chan_register(&reg, over, &a), -NX_E2BIG);
	assert_int_equal(chan_lookup(&reg, over, &got), -NX_E2BIG);
	assert_int_equal(chan_unregister(&reg, over), -NX_E2BIG);
}

static void test_channel_table_full(void **state)
{
	struct chan_registry reg;
	struct ion_ring a, *got = NULL;
	char name[8];

	(void)state;
	chan_init(&reg);
	for (int i = 0; i < CHAN_MAX; i++) {
		name[0] = 'c';
		name[1] = (char)('a' + i);
		name[2] = '\0';
		assert_int_equal(chan_register(&reg, name, &a), 0);
	}
	assert_int_equal(chan_register(&reg, "net", &a), -NX_ENOSPC);
	assert_int_equal(chan_unregister(&reg, "cc"), 0);
	assert_int_equal(chan_register(&reg, "net", &a), 0);
	assert_int_equal(chan_lookup(&reg, "net", &got), 0);
	assert_int_equal(chan_lookup(&reg, "cp", &got), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes_and_init_validation),
		cmocka_unit_test_setup_teardown(test_attach_validates_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo_until_full_then_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_edge_after_pop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrap_at_2_32, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_edges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_mixes_with_single, setup, teardown),
		cmocka_unit_test_setup_teardown(test_doorbell_consumer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_doorbell_unchecked_push_then_kick, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_doorbell_producer_backpressure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_doorbell_checks_do_not_disturb_data, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_hostile_indices_are_contained, setup, teardown),
		cmocka_unit_test(test_packets_roundtrip),
		cmocka_unit_test_setup_teardown(test_random_against_model, setup, teardown),
		cmocka_unit_test(test_mpsc_basics),
		cmocka_unit_test(test_mpsc_wrap_at_2_32),
		cmocka_unit_test(test_mpsc_doorbell),
		cmocka_unit_test(test_channel_registry),
		cmocka_unit_test(test_channel_name_length),
		cmocka_unit_test(test_channel_table_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
