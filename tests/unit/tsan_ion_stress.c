/*
 * Two-thread stress of the ION SPSC ring, and a four-producer stress of the
 * MPSC queue, meant to run under ThreadSanitizer. Every message carries a
 * sequence number the consumer checks, so loss, duplication, reordering or
 * a torn element shows up as an error. Both sides really sleep through the
 * doorbell handshake when they run dry or full; a sleeper that times out
 * while its condition already holds has lost a wake-up, also an error;
 * after MAX_LOST of those the run stops. Exits non-zero on any error.
 */
#ifndef _GNU_SOURCE
#define _POSIX_C_SOURCE 200809L	/* clock_gettime, pthread_cond_timedwait */
#endif
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nexus/ion.h>

#include "ion/mpsc.h"
#include "ion/ring.h"

#define SPSC_MSGS	10000000u
#define SPSC_CAP	256u
#define SPSC_START	(UINT32_MAX - 5000u)	/* cross 2^32 early in the run */
#define MAX_BURST	16u
#define MPSC_PRODUCERS	4
#define MPSC_PER_PROD	250000u
#define MPSC_CAP	64u
#define SPINS		4		/* failed tries before sleeping; few, to sleep often */
#define WAIT_MS		2000		/* far longer than any honest wait */
#define MAX_LOST	3		/* then give up rather than wait on */

/*
 * A wake-up primitive with the property the ring asks for: a signal sent
 * after the sleeper took its ticket is never lost, even if it comes before
 * the sleeper blocks.
 */
struct event {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint64_t gen;
};

static void event_init(struct event *e)
{
	pthread_mutex_init(&e->lock, NULL);
	pthread_cond_init(&e->cond, NULL);
	e->gen = 0;
}

static uint64_t event_ticket(struct event *e)
{
	uint64_t g;

	pthread_mutex_lock(&e->lock);
	g = e->gen;
	pthread_mutex_unlock(&e->lock);
	return g;
}

static void event_signal(struct event *e)
{
	pthread_mutex_lock(&e->lock);
	e->gen++;
	pthread_cond_broadcast(&e->cond);
	pthread_mutex_unlock(&e->lock);
}

/* False if WAIT_MS passed without a signal after ticket. */
static bool event_wait(struct event *e, uint64_t ticket)
{
	struct timespec t;
	bool signalled = true;

	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec += WAIT_MS / 1000;
	pthread_mutex_lock(&e->lock);
	while (e->gen == ticket && signalled)
		signalled = pthread_cond_timedwait(&e->cond, &e->lock, &t) == 0;
	signalled = e->gen != ticket;
	pthread_mutex_unlock(&e->lock);
	return signalled;
}

static pthread_mutex_t lost_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long lost_total;

/* A sleeper timed out although its condition held: nobody woke it. */
static void lost_wakeup(const char *who)
{
	pthread_mutex_lock(&lost_lock);
	lost_total++;
	fprintf(stderr, "tsan_ion_stress: lost wake-up (%s)\n", who);
	if (lost_total >= MAX_LOST) {
		printf("tsan_ion_stress: gave up after %lu lost wake-ups\n", lost_total);
		exit(1);
	}
	pthread_mutex_unlock(&lost_lock);
}

static uint32_t rng_next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* ---- SPSC ---- */

static struct {
	struct ion_ring ring;
	struct event cons_ev, prod_ev;
	unsigned long errors;		/* consumer's */
	unsigned long sleeps[2];	/* [0] consumer, [1] producer */
} s;

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
	       p->id == (uint16_t)(seq >> 16) && p->pad == 0;
}

/* Producer facing a full ring: sleep until the consumer makes room. */
static void spsc_prod_sleep(void)
{
	uint64_t ticket = event_ticket(&s.prod_ev);

	if (ion_prod_prepare_wait(&s.ring)) {
		s.sleeps[1]++;
		/* Timing out with room already there means nobody woke us. */
		if (!event_wait(&s.prod_ev, ticket) && !ion_prod_prepare_wait(&s.ring))
			lost_wakeup("spsc producer");
	}
	ion_prod_finish_wait(&s.ring);
}

static void spsc_cons_sleep(void)
{
	uint64_t ticket = event_ticket(&s.cons_ev);

	if (ion_cons_prepare_wait(&s.ring)) {
		s.sleeps[0]++;
		if (!event_wait(&s.cons_ev, ticket) && !ion_cons_prepare_wait(&s.ring))
			lost_wakeup("spsc consumer");
	}
	ion_cons_finish_wait(&s.ring);
}

/* One burst: single pushes, unchecked and kicked at the end, or a batch. */
static uint32_t spsc_push_burst(uint64_t seq, uint32_t n, uint32_t how)
{
	struct nx_ion_packet p[MAX_BURST];
	uint32_t done = 0;
	bool wake = false;

	for (uint32_t i = 0; i < n; i++)
		make_pkt(&p[i], seq + i);
	if (how == 0) {
		done = ion_push_n(&s.ring, p, n, &wake);
	} else {
		while (done < n && ion_push(&s.ring, &p[done], NULL) == 0)
			done++;
		wake = done > 0 && ion_prod_kick(&s.ring);
	}
	if (wake)
		event_signal(&s.cons_ev);
	return done;
}

static void *spsc_producer(void *arg)
{
	uint32_t seed = 0x9e3779b9u, spins = 0;
	uint64_t seq = 0;

	(void)arg;
	while (seq < SPSC_MSGS) {
		uint32_t n = 1 + rng_next(&seed) % MAX_BURST;
		uint32_t done;

		if (n > SPSC_MSGS - seq)
			n = (uint32_t)(SPSC_MSGS - seq);
		done = spsc_push_burst(seq, n, rng_next(&seed) % 2);
		seq += done;
		spins = done ? 0 : spins + 1;
		if (spins > SPINS)
			spsc_prod_sleep();
	}
	return NULL;
}

static uint32_t spsc_pop_burst(struct nx_ion_packet *p, uint32_t n, uint32_t how)
{
	uint32_t got = 0;
	bool wake = false;

	if (how == 0) {
		got = ion_pop_n(&s.ring, p, n, &wake);
	} else {
		while (got < n && ion_pop(&s.ring, &p[got], NULL) == 0)
			got++;
		wake = got > 0 && ion_cons_kick(&s.ring);
	}
	if (wake)
		event_signal(&s.prod_ev);
	return got;
}

static void *spsc_consumer(void *arg)
{
	struct nx_ion_packet p[MAX_BURST];
	uint32_t seed = 0x7f4a7c15u, spins = 0;
	uint64_t seq = 0;

	(void)arg;
	while (seq < SPSC_MSGS) {
		uint32_t got = spsc_pop_burst(p, 1 + rng_next(&seed) % MAX_BURST,
					      rng_next(&seed) % 2);

		for (uint32_t i = 0; i < got; i++, seq++) {
			if (!pkt_ok(&p[i], seq)) {
				s.errors++;
				seq = p[i].data;	/* resync: count each gap once */
			}
		}
		spins = got ? 0 : spins + 1;
		if (spins > SPINS)
			spsc_cons_sleep();
	}
	return NULL;
}

static unsigned long spsc_run(void)
{
	size_t size = ion_ring_bytes(SPSC_CAP, sizeof(struct nx_ion_packet));
	void *mem = aligned_alloc(NX_ION_CACHELINE, size);
	pthread_t prod, cons;
	unsigned long errors;
	struct nx_ion_ring *h;

	if (mem == NULL || ion_ring_init(&s.ring, mem, size, SPSC_CAP, sizeof(struct nx_ion_packet)))
		return 1;
	h = s.ring.hdr;
	h->head = h->tail = h->prod_cached_tail = h->cons_cached_head = SPSC_START;
	event_init(&s.cons_ev);
	event_init(&s.prod_ev);
	pthread_create(&cons, NULL, spsc_consumer, NULL);
	pthread_create(&prod, NULL, spsc_producer, NULL);
	pthread_join(prod, NULL);
	pthread_join(cons, NULL);
	errors = s.errors;
	/* Everything drained, and the indices went round past 2^32. */
	if (h->head != h->tail || h->head != (uint32_t)(SPSC_START + SPSC_MSGS) || h->head > SPSC_START)
		errors++;
	printf("tsan_ion_stress: spsc %u messages, %lu consumer / %lu producer sleeps, "
	       "%lu bad messages\n",
	       SPSC_MSGS, s.sleeps[0], s.sleeps[1], s.errors);
	free(mem);
	return errors;
}

/* ---- MPSC ---- */

static struct {
	struct ion_mpsc q;
	struct event cons_ev, prod_ev;
	unsigned long errors;
} m;

static void mpsc_prod_sleep(void)
{
	uint64_t ticket = event_ticket(&m.prod_ev);

	if (ion_mpsc_prod_prepare_wait(&m.q) && !event_wait(&m.prod_ev, ticket) &&
	    !ion_mpsc_prod_prepare_wait(&m.q))
		lost_wakeup("mpsc producer");
}

static void *mpsc_producer(void *arg)
{
	uint64_t id = (uint64_t)(uintptr_t)arg;
	uint32_t spins = 0;

	for (uint64_t seq = 0; seq < MPSC_PER_PROD;) {
		uint64_t v = id << 48 | seq;
		bool wake;

		if (ion_mpsc_push(&m.q, &v, &wake) == 0) {
			seq++;
			spins = 0;
		} else if (++spins > SPINS) {
			mpsc_prod_sleep();
		}
		if (wake)
			event_signal(&m.cons_ev);
	}
	return NULL;
}

static void mpsc_cons_sleep(void)
{
	uint64_t ticket = event_ticket(&m.cons_ev);

	if (ion_mpsc_cons_prepare_wait(&m.q) && !event_wait(&m.cons_ev, ticket) &&
	    !ion_mpsc_cons_prepare_wait(&m.q))
		lost_wakeup("mpsc consumer");
	ion_mpsc_cons_finish_wait(&m.q);
}

/* Each producer's messages must arrive complete and in its own order. */
static void *mpsc_consumer(void *arg)
{
	uint64_t next[MPSC_PRODUCERS] = { 0 }, total = 0;
	uint32_t spins = 0;

	(void)arg;
	while (total < (uint64_t)MPSC_PRODUCERS * MPSC_PER_PROD) {
		uint64_t v, id, seq;
		bool wake;

		if (ion_mpsc_pop(&m.q, &v, &wake) != 0) {
			if (++spins > SPINS)
				mpsc_cons_sleep();
			continue;
		}
		if (wake)
			event_signal(&m.prod_ev);
		spins = 0;
		total++;
		id = v >> 48;
		seq = v & 0xffffffffffffu;
		if (id >= MPSC_PRODUCERS || seq != next[id]) {
			m.errors++;
			if (id < MPSC_PRODUCERS)
				next[id] = seq;
		}
		if (id < MPSC_PRODUCERS)
			next[id]++;
	}
	for (int i = 0; i < MPSC_PRODUCERS; i++)
		m.errors += next[i] != MPSC_PER_PROD;
	return NULL;
}

static unsigned long mpsc_run(void)
{
	size_t size = ion_mpsc_bytes(MPSC_CAP, 8);
	void *mem = aligned_alloc(NX_ION_CACHELINE, size);
	pthread_t prod[MPSC_PRODUCERS], cons;

	if (mem == NULL || ion_mpsc_init_at(&m.q, mem, size, MPSC_CAP, 8, UINT32_MAX - 3000u))
		return 1;
	event_init(&m.cons_ev);
	event_init(&m.prod_ev);
	pthread_create(&cons, NULL, mpsc_consumer, NULL);
	for (uintptr_t i = 0; i < MPSC_PRODUCERS; i++)
		pthread_create(&prod[i], NULL, mpsc_producer, (void *)i);
	for (int i = 0; i < MPSC_PRODUCERS; i++)
		pthread_join(prod[i], NULL);
	pthread_join(cons, NULL);
	if (ion_mpsc_pop(&m.q, &(uint64_t){ 0 }, NULL) == 0)
		m.errors++;
	printf("tsan_ion_stress: mpsc %d producers x %u messages, %lu bad messages\n",
	       MPSC_PRODUCERS, MPSC_PER_PROD, m.errors);
	free(mem);
	return m.errors;
}

int main(void)
{
	unsigned long errors = spsc_run();

	errors += mpsc_run();
	errors += lost_total;
	printf("tsan_ion_stress: %u messages, %lu errors\n", SPSC_MSGS, errors);
	return errors == 0 ? 0 : 1;
}
