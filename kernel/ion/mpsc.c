/*
 * ION MPSC queue (see mpsc.h). Slot i holds a sequence word, then the
 * element. For the slot of index pos the word reads:
 *	pos		free, and it is pos's turn to be filled;
 *	pos + 1		filled with pos's element, waiting for the consumer;
 *	pos + capacity	drained, free for the producer of pos + capacity.
 * Producers race for enq with a CAS and publish with a release store of
 * the word; the consumer acquires the word, copies the element out and
 * releases the slot to the next lap. Indices and words are free-running
 * u32, compared as signed differences, which is sound for capacity <= 2^31.
 */
#include <stdatomic.h>
#include <string.h>

#include <nexus/errno.h>
#include <nexus/ion.h>

#include "ion/mpsc.h"
#include "ion/ring.h"

#define ION_MPSC_SEQ_BYTES 8u	/* sequence word, padded to keep elements 8-aligned */

/* Capacity 1 cannot tell "filled" (pos + 1) from "free for the next lap". */
static bool ion_mpsc_geometry_ok(uint32_t capacity, uint32_t elem_size)
{
	if (capacity < 2 || capacity > NX_ION_MAX_CAPACITY || (capacity & (capacity - 1)) != 0)
		return false;
	return elem_size != 0 && elem_size <= NX_ION_MAX_ELEM && elem_size % NX_ION_ELEM_ALIGN == 0;
}

size_t ion_mpsc_bytes(uint32_t capacity, uint32_t elem_size)
{
	uint64_t bytes;

	if (!ion_mpsc_geometry_ok(capacity, elem_size))
		return 0;
	bytes = (uint64_t)capacity * (ION_MPSC_SEQ_BYTES + elem_size);
	if (bytes > SIZE_MAX)
		return 0;
	return (size_t)bytes;
}

static uint32_t *ion_mpsc_seq(const struct ion_mpsc *q, uint32_t pos)
{
	return (uint32_t *)(void *)(q->slots + (size_t)(pos & q->mask) * q->stride);
}

static void *ion_mpsc_elem(const struct ion_mpsc *q, uint32_t pos)
{
	return q->slots + (size_t)(pos & q->mask) * q->stride + ION_MPSC_SEQ_BYTES;
}

/* Start at index `start` rather than 0; tests use it to cross 2^32. */
int ion_mpsc_init_at(struct ion_mpsc *q, void *mem, size_t size, uint32_t capacity,
		     uint32_t elem_size, uint32_t start)
{
	size_t need = ion_mpsc_bytes(capacity, elem_size);
	uint32_t i;

	if (q == NULL || mem == NULL || ((uintptr_t)mem & (NX_ION_CACHELINE - 1)) != 0)
		return -NX_EINVAL;
	if (need == 0 || size < need)
		return -NX_EINVAL;
	q->slots = mem;
	q->mask = capacity - 1;
	q->elem_size = elem_size;
	q->stride = ION_MPSC_SEQ_BYTES + elem_size;
	for (i = 0; i < capacity; i++)
		atomic_init(ion_atomic(ion_mpsc_seq(q, start + i)), start + i);
	atomic_init(&q->enq, start);
	atomic_init(&q->deq, start);
	q->cons_waiting = 0;
	q->prod_waiting = 0;
	return 0;
}

int ion_mpsc_init(struct ion_mpsc *q, void *mem, size_t size, uint32_t capacity,
		  uint32_t elem_size)
{
	return ion_mpsc_init_at(q, mem, size, capacity, elem_size, 0);
}

/* Claim the next free index, or return false if the queue is full. */
static bool ion_mpsc_claim(struct ion_mpsc *q, uint32_t *out)
{
	uint32_t pos = atomic_load_explicit(&q->enq, memory_order_relaxed);
	uint32_t seq;
	int32_t dif;

	for (;;) {
		seq = atomic_load_explicit(ion_atomic(ion_mpsc_seq(q, pos)), memory_order_acquire);
		dif = (int32_t)(seq - pos);
		if (dif < 0)
			return false;
		if (dif > 0) {
			/* Another producer took pos; start again from the latest. */
			pos = atomic_load_explicit(&q->enq, memory_order_relaxed);
			continue;
		}
		if (atomic_compare_exchange_weak_explicit(&q->enq, &pos, pos + 1,
							  memory_order_relaxed,
							  memory_order_relaxed)) {
			*out = pos;
			return true;
		}
	}
}

int ion_mpsc_push(struct ion_mpsc *q, const void *elem, bool *wake)
{
	uint32_t pos;

	if (wake != NULL)
		*wake = false;
	if (!ion_mpsc_claim(q, &pos))
		return -NX_EAGAIN;
	memcpy(ion_mpsc_elem(q, pos), elem, q->elem_size);
	atomic_store_explicit(ion_atomic(ion_mpsc_seq(q, pos)), pos + 1, memory_order_release);
	if (wake != NULL)
		*wake = ion_doorbell_claim(&q->cons_waiting);
	return 0;
}

/* A slot still being filled reads as empty: its producer will signal. */
static bool ion_mpsc_ready(struct ion_mpsc *q, uint32_t pos)
{
	uint32_t seq = atomic_load_explicit(ion_atomic(ion_mpsc_seq(q, pos)), memory_order_acquire);

	return seq == pos + 1;
}

int ion_mpsc_pop(struct ion_mpsc *q, void *elem, bool *wake)
{
	uint32_t pos = atomic_load_explicit(&q->deq, memory_order_relaxed);

	if (wake != NULL)
		*wake = false;
	if (!ion_mpsc_ready(q, pos))
		return -NX_EAGAIN;
	memcpy(elem, ion_mpsc_elem(q, pos), q->elem_size);
	atomic_store_explicit(ion_atomic(ion_mpsc_seq(q, pos)), pos + q->mask + 1,
			      memory_order_release);
	atomic_store_explicit(&q->deq, pos + 1, memory_order_relaxed);
	if (wake != NULL)
		*wake = ion_doorbell_claim(&q->prod_waiting);
	return 0;
}

/* Same handshake and argument as ion_cons_prepare_wait in ring.c. */
bool ion_mpsc_cons_prepare_wait(struct ion_mpsc *q)
{
	uint32_t pos = atomic_load_explicit(&q->deq, memory_order_relaxed);

	atomic_store_explicit(ion_atomic(&q->cons_waiting), 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_seq_cst);
	if (!ion_mpsc_ready(q, pos))
		return true;
	ion_mpsc_cons_finish_wait(q);
	return false;
}

void ion_mpsc_cons_finish_wait(struct ion_mpsc *q)
{
	atomic_store_explicit(ion_atomic(&q->cons_waiting), 0, memory_order_relaxed);
}

/*
 * A producer facing a full queue. The flag is left raised even when the
 * queue turns out to have room: another producer may be asleep on it, and
 * clearing it here could strand that one. The cost is one spurious signal.
 */
bool ion_mpsc_prod_prepare_wait(struct ion_mpsc *q)
{
	uint32_t pos, seq;

	atomic_store_explicit(ion_atomic(&q->prod_waiting), 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_seq_cst);
	pos = atomic_load_explicit(&q->enq, memory_order_relaxed);
	seq = atomic_load_explicit(ion_atomic(ion_mpsc_seq(q, pos)), memory_order_acquire);
	return (int32_t)(seq - pos) < 0;
}

uint32_t ion_mpsc_count(struct ion_mpsc *q)
{
	uint32_t deq = atomic_load_explicit(&q->deq, memory_order_acquire);
	uint32_t enq = atomic_load_explicit(&q->enq, memory_order_acquire);

	return enq - deq;
}
