/*
 * Host throughput benchmark for ION SPSC rings against Concurrency Kit's
 * ck_ring and a pipe, in one run. A producer thread on CPU 0 sends
 * sequence-numbered messages to a consumer thread on CPU 1, which checks
 * every one. Each case is calibrated to run about one second and repeated;
 * best and median rates are reported, since other work may share the CPUs.
 *
 *	bench_ring [OUT.json]
 *
 * Cases, each for 8-byte (u64) and 24-byte (struct nx_ion_packet) messages:
 *	ion_push/pop		one element per call, no doorbell check (ck_ring
 *				has no doorbell at all, so this is like for like)
 *	+doorbell		the check (a full fence) on every push and pop
 *	+kick/64		the check once per 64 calls, as a burst would
 *	ion_push_n/pop_n(64)	batches of up to 64, with the check per batch
 *	ck_ring spsc		ck_ring_enqueue_spsc / dequeue_spsc
 *	pipe			one write() per message; the reader takes all there is
 * Both rings have the same slot count and the same spin loop on full or
 * empty, so what differs is the ring protocol itself.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ck_ring.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <nexus/ion.h>

#include "ion/ring.h"

#define BENCH_SLOTS	4096u		/* ring capacity for both ring kinds */
#define BENCH_BATCH	64u		/* elements per ion_push_n/ion_pop_n */
#ifndef BENCH_REPEATS
#define BENCH_REPEATS	5		/* odd, so the median is one run */
#endif
#ifndef BENCH_SECONDS
#define BENCH_SECONDS	1.0
#endif
#define BENCH_PROBE	(1u << 20)	/* messages in the first calibration run */
#define BENCH_KICK	64u		/* K_ION_KICK: doorbell check every this many */

CK_RING_PROTOTYPE(nx_ion_packet, nx_ion_packet)

enum bench_kind { K_ION, K_ION_BELL, K_ION_KICK, K_ION_BATCH, K_CK, K_PIPE };

struct bench_case {
	const char *name;
	enum bench_kind kind;
	uint32_t msg;		/* 8 (a u64) or 24 (struct nx_ion_packet) */
	double best;		/* messages per second */
	double median;
	uint64_t count;		/* messages per repetition */
	uint64_t errors;
	double rate[BENCH_REPEATS];	/* per round, in run order */
};

/* State of the run in progress; only one runs at a time. */
static struct {
	const struct bench_case *c;
	uint64_t n;
	struct ion_ring ion;
	void *ion_mem;
	struct ck_ring ck;
	void *ck_buf;
	int pipefd[2];
	pthread_barrier_t start;
	struct timespec t0, t1;
	uint64_t errors;
} run;

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0)
		fprintf(stderr, "bench_ring: cannot pin to CPU %d: %s\n", cpu, strerror(errno));
}

static void make_pkt(struct nx_ion_packet *p, uint64_t seq)
{
	p->data = seq;
	p->phys = ~seq;
	p->len = (uint16_t)seq;
	p->id = (uint16_t)(seq >> 16);
	p->pad = 0;
}

static bool pkt_ok(const struct nx_ion_packet *p, uint64_t seq)
{
	return p->data == seq && p->phys == ~seq && p->len == (uint16_t)seq &&
	       p->id == (uint16_t)(seq >> 16);
}

/* The message for sequence number seq, in buf (at least 24 bytes). */
static void make_msg(void *buf, uint32_t msg, uint64_t seq)
{
	if (msg == 8)
		memcpy(buf, &seq, 8);
	else
		make_pkt(buf, seq);
}

static bool msg_ok(const void *buf, uint32_t msg, uint64_t seq)
{
	uint64_t v;

	if (msg == 8) {
		memcpy(&v, buf, 8);
		return v == seq;
	}
	return pkt_ok(buf, seq);
}

/* every: ask for the doorbell check on every that-many-th push; 0 never. */
static void produce_ion(uint32_t msg, uint32_t every)
{
	struct ion_ring *r = &run.ion;
	struct nx_ion_packet p;
	uint32_t left = every;
	bool wake;

	for (uint64_t i = 0, n = run.n; i < n; i++) {
		bool *w = every != 0 && (--left == 0 || i + 1 == n) ? &wake : NULL;

		if (w != NULL)
			left = every;
		make_msg(&p, msg, i);
		while (ion_push(r, &p, w) != 0)
			;
	}
}

static uint64_t consume_ion(uint32_t msg, uint32_t every)
{
	struct ion_ring *r = &run.ion;
	struct nx_ion_packet p;
	uint64_t errors = 0;
	uint32_t left = every;
	bool wake;

	for (uint64_t i = 0, n = run.n; i < n; i++) {
		bool *w = every != 0 && (--left == 0 || i + 1 == n) ? &wake : NULL;

		if (w != NULL)
			left = every;
		while (ion_pop(r, &p, w) != 0)
			;
		errors += !msg_ok(&p, msg, i);
	}
	return errors;
}

static uint32_t bell_every(enum bench_kind kind)
{
	return kind == K_ION_BELL ? 1 : kind == K_ION_KICK ? BENCH_KICK : 0;
}

static void produce_ion_batch(uint32_t msg)
{
	struct nx_ion_packet buf[BENCH_BATCH];
	uint8_t *b = (uint8_t *)buf;
	bool wake;

	for (uint64_t i = 0, n = run.n; i < n;) {
		uint32_t want = n - i < BENCH_BATCH ? (uint32_t)(n - i) : BENCH_BATCH;
		uint32_t done = 0;

		for (uint32_t k = 0; k < want; k++)
			make_msg(b + k * msg, msg, i + k);
		while (done < want)
			done += ion_push_n(&run.ion, b + done * msg, want - done, &wake);
		i += want;
	}
}

static uint64_t consume_ion_batch(uint32_t msg)
{
	struct nx_ion_packet buf[BENCH_BATCH];
	uint8_t *b = (uint8_t *)buf;
	uint64_t errors = 0;
	bool wake;

	for (uint64_t i = 0, n = run.n; i < n;) {
		uint32_t want = n - i < BENCH_BATCH ? (uint32_t)(n - i) : BENCH_BATCH;
		uint32_t got = ion_pop_n(&run.ion, b, want, &wake);

		for (uint32_t k = 0; k < got; k++)
			errors += !msg_ok(b + k * msg, msg, i + k);
		i += got;
	}
	return errors;
}

static void produce_ck(uint32_t msg)
{
	struct ck_ring *r = &run.ck;
	void *buf = run.ck_buf;
	struct nx_ion_packet p;

	for (uint64_t i = 0, n = run.n; i < n; i++) {
		if (msg == 8) {
			while (!ck_ring_enqueue_spsc(r, buf, (void *)(uintptr_t)i))
				;
			continue;
		}
		make_pkt(&p, i);
		while (!ck_ring_enqueue_spsc_nx_ion_packet(r, buf, &p))
			;
	}
}

static uint64_t consume_ck(uint32_t msg)
{
	struct ck_ring *r = &run.ck;
	void *buf = run.ck_buf;
	struct nx_ion_packet p;
	uint64_t errors = 0;
	void *v;

	for (uint64_t i = 0, n = run.n; i < n; i++) {
		if (msg == 8) {
			while (!ck_ring_dequeue_spsc(r, buf, &v))
				;
			errors += (uintptr_t)v != i;
			continue;
		}
		while (!ck_ring_dequeue_spsc_nx_ion_packet(r, buf, &p))
			;
		errors += !pkt_ok(&p, i);
	}
	return errors;
}

/* One write per message; the reader drains whatever is there. */
static void produce_pipe(uint32_t msg)
{
	struct nx_ion_packet p;

	for (uint64_t i = 0, n = run.n; i < n; i++) {
		make_msg(&p, msg, i);
		if (write(run.pipefd[1], &p, msg) != (ssize_t)msg) {
			perror("bench_ring: write");
			exit(1);
		}
	}
}

static uint64_t consume_pipe(uint32_t msg)
{
	static uint8_t buf[65536 + 32];
	uint64_t i = 0, errors = 0;
	size_t have = 0;

	while (i < run.n) {
		ssize_t got = read(run.pipefd[0], buf + have, 65536);
		size_t off = 0;

		if (got <= 0)
			return errors + 1;
		have += (size_t)got;
		for (; have - off >= msg; off += msg, i++)
			errors += !msg_ok(buf + off, msg, i);
		memmove(buf, buf + off, have - off);
		have -= off;
	}
	return errors;
}

static void *producer(void *arg)
{
	(void)arg;
	pin(0);
	pthread_barrier_wait(&run.start);
	switch (run.c->kind) {
	case K_ION:
	case K_ION_BELL:
	case K_ION_KICK:
		produce_ion(run.c->msg, bell_every(run.c->kind));
		break;
	case K_ION_BATCH:
		produce_ion_batch(run.c->msg);
		break;
	case K_CK:
		produce_ck(run.c->msg);
		break;
	case K_PIPE:
		produce_pipe(run.c->msg);
		break;
	}
	return NULL;
}

static void *consumer(void *arg)
{
	(void)arg;
	pin(1);
	pthread_barrier_wait(&run.start);
	clock_gettime(CLOCK_MONOTONIC, &run.t0);
	switch (run.c->kind) {
	case K_ION:
	case K_ION_BELL:
	case K_ION_KICK:
		run.errors = consume_ion(run.c->msg, bell_every(run.c->kind));
		break;
	case K_ION_BATCH:
		run.errors = consume_ion_batch(run.c->msg);
		break;
	case K_CK:
		run.errors = consume_ck(run.c->msg);
		break;
	case K_PIPE:
		run.errors = consume_pipe(run.c->msg);
		break;
	}
	clock_gettime(CLOCK_MONOTONIC, &run.t1);
	return NULL;
}

static void setup(const struct bench_case *c, uint64_t n)
{
	run.c = c;
	run.n = n;
	run.errors = 0;
	if (ion_ring_init(&run.ion, run.ion_mem, ion_ring_bytes(BENCH_SLOTS, c->msg), BENCH_SLOTS,
			  c->msg) != 0) {
		fprintf(stderr, "bench_ring: ion_ring_init failed\n");
		exit(1);
	}
	ck_ring_init(&run.ck, BENCH_SLOTS);
	if (c->kind == K_PIPE && pipe(run.pipefd) != 0) {
		perror("bench_ring: pipe");
		exit(1);
	}
}

/* Run one repetition of n messages; returns messages per second. */
static double run_once(const struct bench_case *c, uint64_t n, uint64_t *errors)
{
	pthread_t p, q;
	double secs;

	setup(c, n);
	pthread_barrier_init(&run.start, NULL, 2);
	pthread_create(&q, NULL, consumer, NULL);
	pthread_create(&p, NULL, producer, NULL);
	pthread_join(p, NULL);
	pthread_join(q, NULL);
	pthread_barrier_destroy(&run.start);
	if (c->kind == K_PIPE) {
		close(run.pipefd[0]);
		close(run.pipefd[1]);
	}
	*errors += run.errors;
	secs = (double)(run.t1.tv_sec - run.t0.tv_sec) + (double)(run.t1.tv_nsec - run.t0.tv_nsec) / 1e9;
	return (double)n / secs;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Size a case to run about BENCH_SECONDS, from one short probe run. */
static void calibrate(struct bench_case *c)
{
	uint64_t n = c->kind == K_PIPE ? BENCH_PROBE / 16 : BENCH_PROBE;
	double rate = run_once(c, n, &c->errors);

	/* A probe much shorter than a scheduler tick says little; grow it. */
	while ((double)n / rate < BENCH_SECONDS / 8) {
		n *= 4;
		rate = run_once(c, n, &c->errors);
	}
	/* Size by the fastest probe; sized in a slow spell, fast runs are too short. */
	for (int i = 0; i < 2; i++) {
		double again = run_once(c, n, &c->errors);

		if (again > rate)
			rate = again;
	}
	c->count = (uint64_t)(rate * BENCH_SECONDS);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(v[0]), cmp_double);
	return v[n / 2];
}

static void report(struct bench_case *c)
{
	double sorted[BENCH_REPEATS];

	memcpy(sorted, c->rate, sizeof(sorted));
	c->median = median(sorted, BENCH_REPEATS);
	c->best = sorted[BENCH_REPEATS - 1];
	printf("  %-22s %2u B %12.0f %12.0f  (%llu msgs x %d, %llu errors)\n", c->name, c->msg,
	       c->median, c->best, (unsigned long long)c->count, BENCH_REPEATS,
	       (unsigned long long)c->errors);
}

static struct bench_case cases[] = {
	{ .name = "ion_push/pop", .kind = K_ION, .msg = 8 },
	{ .name = "ion_push/pop+doorbell", .kind = K_ION_BELL, .msg = 8 },
	{ .name = "ion_push/pop+kick/64", .kind = K_ION_KICK, .msg = 8 },
	{ .name = "ion_push_n/pop_n(64)", .kind = K_ION_BATCH, .msg = 8 },
	{ .name = "ck_ring spsc", .kind = K_CK, .msg = 8 },
	{ .name = "pipe", .kind = K_PIPE, .msg = 8 },
	{ .name = "ion_push/pop", .kind = K_ION, .msg = 24 },
	{ .name = "ion_push/pop+doorbell", .kind = K_ION_BELL, .msg = 24 },
	{ .name = "ion_push/pop+kick/64", .kind = K_ION_KICK, .msg = 24 },
	{ .name = "ion_push_n/pop_n(64)", .kind = K_ION_BATCH, .msg = 24 },
	{ .name = "ck_ring spsc", .kind = K_CK, .msg = 24 },
	{ .name = "pipe", .kind = K_PIPE, .msg = 24 },
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static struct bench_case *find(enum bench_kind kind, uint32_t msg)
{
	for (size_t i = 0; i < NCASES; i++) {
		if (cases[i].kind == kind && cases[i].msg == msg)
			return &cases[i];
	}
	return NULL;
}

/*
 * Median over rounds of the ratio within each round. The two cases of a
 * pair ran seconds apart, so a slow spell (another job, the hypervisor
 * moving a vCPU) weighs on both sides of each ratio.
 */
static double paired_ratio(enum bench_kind a, enum bench_kind b, uint32_t msg)
{
	const struct bench_case *x = find(a, msg), *y = find(b, msg);
	double r[BENCH_REPEATS];

	for (int k = 0; k < BENCH_REPEATS; k++)
		r[k] = x->rate[k] / y->rate[k];
	return median(r, BENCH_REPEATS);
}

static double best_ratio(enum bench_kind a, enum bench_kind b, uint32_t msg)
{
	return find(a, msg)->best / find(b, msg)->best;
}

static const struct {
	const char *name;
	enum bench_kind a, b;
} pairs[] = {
	{ "ion/ck_ring", K_ION, K_CK },
	{ "ion_doorbell/ck_ring", K_ION_BELL, K_CK },
	{ "ion_kick64/ck_ring", K_ION_KICK, K_CK },
	{ "ion_batch/ck_ring", K_ION_BATCH, K_CK },
	{ "ion/pipe", K_ION, K_PIPE },
	{ "ion_doorbell/pipe", K_ION_BELL, K_PIPE },
};
#define NPAIRS (sizeof(pairs) / sizeof(pairs[0]))

static void print_ratios(uint32_t msg)
{
	for (size_t i = 0; i < NPAIRS; i++)
		printf("  %2u B  %-22s %8.2f %8.2f\n", msg, pairs[i].name,
		       paired_ratio(pairs[i].a, pairs[i].b, msg),
		       best_ratio(pairs[i].a, pairs[i].b, msg));
}

static void json_ratios(FILE *f, uint32_t msg)
{
	for (size_t i = 0; i < NPAIRS; i++)
		fprintf(f, "%s\"%s\": {\"paired_median\": %.3f, \"best\": %.3f}", i ? ", " : "",
			pairs[i].name, paired_ratio(pairs[i].a, pairs[i].b, msg),
			best_ratio(pairs[i].a, pairs[i].b, msg));
}

static void json_case(FILE *f, const struct bench_case *c, bool last)
{
	fprintf(f,
		"    {\"name\": \"%s\", \"msg_bytes\": %u, \"messages_per_run\": %llu, "
		"\"median_msgs_per_s\": %.0f, \"best_msgs_per_s\": %.0f, \"errors\": %llu, "
		"\"rounds\": [",
		c->name, c->msg, (unsigned long long)c->count, c->median, c->best,
		(unsigned long long)c->errors);
	for (int k = 0; k < BENCH_REPEATS; k++)
		fprintf(f, "%s%.0f", k ? ", " : "", c->rate[k]);
	fprintf(f, "]}%s\n", last ? "" : ",");
}

static int write_json(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		perror(path);
		return -1;
	}
	fprintf(f, "{\n  \"bench\": \"ring\",\n  \"unit\": \"messages per second\",\n");
	fprintf(f, "  \"slots\": %u,\n  \"batch\": %u,\n  \"rounds\": %d,\n", BENCH_SLOTS,
		BENCH_BATCH, BENCH_REPEATS);
	fprintf(f, "  \"seconds_per_run\": %.2f,\n  \"cases\": [\n", BENCH_SECONDS);
	for (size_t i = 0; i < NCASES; i++)
		json_case(f, &cases[i], i + 1 == NCASES);
	fprintf(f, "  ],\n  \"ratios_8B\": {");
	json_ratios(f, 8);
	fprintf(f, "},\n  \"ratios_24B\": {");
	json_ratios(f, 24);
	fprintf(f, "}\n}\n");
	return fclose(f) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	uint64_t errors = 0;

	run.ion_mem = aligned_alloc(NX_ION_CACHELINE, ion_ring_bytes(BENCH_SLOTS, 32));
	run.ck_buf = aligned_alloc(NX_ION_CACHELINE, BENCH_SLOTS * sizeof(struct nx_ion_packet));
	if (run.ion_mem == NULL || run.ck_buf == NULL)
		return 1;
	printf("bench_ring: producer on CPU 0, consumer on CPU 1, %u slots, ~%.1f s per run.\n"
	       "  %d rounds; each round runs every case once (alternate rounds in reverse\n"
	       "  order) so that other load falls on all cases alike. Median and best of\n"
	       "  the rounds, in messages per second:\n",
	       BENCH_SLOTS, BENCH_SECONDS, BENCH_REPEATS);
	for (size_t i = 0; i < NCASES; i++)
		calibrate(&cases[i]);
	for (int k = 0; k < BENCH_REPEATS; k++) {
		for (size_t j = 0; j < NCASES; j++) {
			struct bench_case *c = &cases[k % 2 ? NCASES - 1 - j : j];

			c->rate[k] = run_once(c, c->count, &c->errors);
		}
	}
	printf("  %-22s %4s %12s %12s\n", "case", "msg", "median", "best");
	for (size_t i = 0; i < NCASES; i++) {
		report(&cases[i]);
		errors += cases[i].errors;
	}
	printf("ratios: median of per-round ratios, and best / best\n");
	print_ratios(8);
	print_ratios(24);
	if (argc > 1 && write_json(argv[1]) != 0)
		return 1;
	free(run.ion_mem);
	free(run.ck_buf);
	if (errors != 0) {
		printf("bench_ring: %llu message errors\n", (unsigned long long)errors);
		return 1;
	}
	return 0;
}
