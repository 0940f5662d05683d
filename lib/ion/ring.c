/*
 * ION SPSC ring: formatting and attaching a ring, the producer and consumer
 * fast paths, and the doorbell handshake for a side that wants to sleep.
 *
 * Memory ordering. The producer fills slots, then publishes them with a
 * release store of head; the consumer reads head with acquire before it
 * reads those slots. Symmetrically the consumer releases tail after copying
 * slots out, and the producer acquires tail before reusing them. Nothing
 * else is needed for the data itself, so pushing and popping take no fence
 * and no read-modify-write. Only the doorbell check, when the caller asks
 * for it, adds one full fence per publish (see ion_cons_prepare_wait).
 *
 * Each side keeps a copy of the other side's index on its own cache line
 * (prod_cached_tail, cons_cached_head) and reads the real one only when the
 * copy says full or empty. While the ring is neither, a side touches only
 * its own line and the slots, so the index lines do not bounce per message.
 *
 * Both indices are free-running u32; `head - tail` modulo 2^32 is the fill
 * level. A peer that breaks 0 <= head - tail <= capacity (a buggy or hostile
 * process) is treated as offering no room or no data: it starves itself,
 * and every access stays inside the slot array because the mask is private.
 */
#include <stdatomic.h>
#include <string.h>

#include <nexus/errno.h>
#include <nexus/ion.h>

#include "ion/ring.h"

static bool ion_geometry_ok(uint32_t capacity, uint32_t elem_size)
{
	if (capacity == 0 || capacity > NX_ION_MAX_CAPACITY || (capacity & (capacity - 1)) != 0)
		return false;
	return elem_size != 0 && elem_size <= NX_ION_MAX_ELEM && elem_size % NX_ION_ELEM_ALIGN == 0;
}

size_t ion_ring_bytes(uint32_t capacity, uint32_t elem_size)
{
	uint64_t bytes;

	if (!ion_geometry_ok(capacity, elem_size))
		return 0;
	bytes = sizeof(struct nx_ion_ring) + (uint64_t)capacity * elem_size;
	/* A 32-bit host cannot address the largest rings. */
	if (bytes > SIZE_MAX)
		return 0;
	return (size_t)bytes;
}

/* Cache-line alignment is what keeps the header's lines apart in practice. */
static bool ion_mem_ok(const void *mem)
{
	return mem != NULL && ((uintptr_t)mem & (NX_ION_CACHELINE - 1)) == 0;
}

int ion_ring_init(struct ion_ring *r, void *mem, size_t size, uint32_t capacity,
		  uint32_t elem_size)
{
	size_t need = ion_ring_bytes(capacity, elem_size);
	struct nx_ion_ring *h = mem;

	if (r == NULL || !ion_mem_ok(mem) || need == 0 || size < need)
		return -NX_EINVAL;
	/* The peer has not seen the memory yet, so plain stores suffice. */
	memset(h, 0, sizeof(*h));
	h->magic = NX_ION_MAGIC;
	h->version = NX_ION_VERSION;
	h->capacity = capacity;
	h->mask = capacity - 1;
	h->elem_size = elem_size;
	h->slots_off = sizeof(*h);
	r->hdr = h;
	r->slots = (uint8_t *)mem + sizeof(*h);
	r->mask = capacity - 1;
	r->elem_size = elem_size;
	return 0;
}

/*
 * Adopt a ring another party formatted. The header is copied into locals
 * before it is checked so that a peer rewriting it cannot slip a value
 * past the checks.
 */
int ion_ring_attach(struct ion_ring *r, void *mem, size_t size)
{
	struct nx_ion_ring *h = mem;
	uint32_t magic, version, capacity, mask, elem_size, off;

	if (r == NULL || !ion_mem_ok(mem) || size < sizeof(*h))
		return -NX_EINVAL;
	magic = h->magic;
	version = h->version;
	capacity = h->capacity;
	mask = h->mask;
	elem_size = h->elem_size;
	off = h->slots_off;
	if (magic != NX_ION_MAGIC || version != NX_ION_VERSION || mask != capacity - 1)
		return -NX_EINVAL;
	if (!ion_geometry_ok(capacity, elem_size) || off < sizeof(*h) || off % NX_ION_ELEM_ALIGN)
		return -NX_EINVAL;
	if ((uint64_t)off + (uint64_t)capacity * elem_size > size)
		return -NX_EINVAL;
	r->hdr = h;
	r->slots = (uint8_t *)mem + off;
	r->mask = mask;
	r->elem_size = elem_size;
	return 0;
}

static uint8_t *ion_slot(const struct ion_ring *r, uint32_t idx)
{
	return r->slots + (size_t)(idx & r->mask) * r->elem_size;
}

/*
 * Constant sizes let the compiler turn the packet copies into plain moves.
 * The builtin says so even in freestanding builds, where -fno-builtin
 * would otherwise leave a call to the byte-wise library memcpy.
 */
static inline void ion_copy(void *dst, const void *src, uint32_t size)
{
	switch (size) {
	case 8:
		__builtin_memcpy(dst, src, 8);
		break;
	case 16:
		__builtin_memcpy(dst, src, 16);
		break;
	case 24:
		__builtin_memcpy(dst, src, 24);
		break;
	case 32:
		__builtin_memcpy(dst, src, 32);
		break;
	default:
		memcpy(dst, src, size);
		break;
	}
}

/* Copy n elements into the ring from idx on, in at most two runs. */
static void ion_copy_in(struct ion_ring *r, uint32_t idx, const uint8_t *src, uint32_t n)
{
	uint32_t slot = idx & r->mask;
	uint32_t first = r->mask + 1 - slot;
	size_t es = r->elem_size;

	if (first > n)
		first = n;
	memcpy(r->slots + slot * es, src, first * es);
	if (first < n)
		memcpy(r->slots, src + first * es, (n - first) * es);
}

static void ion_copy_out(const struct ion_ring *r, uint32_t idx, uint8_t *dst, uint32_t n)
{
	uint32_t slot = idx & r->mask;
	uint32_t first = r->mask + 1 - slot;
	size_t es = r->elem_size;

	if (first > n)
		first = n;
	memcpy(dst, r->slots + slot * es, first * es);
	if (first < n)
		memcpy(dst + first * es, r->slots, (n - first) * es);
}

static uint32_t ion_space(uint32_t cap, uint32_t head, uint32_t tail)
{
	uint32_t used = head - tail;

	return used > cap ? 0 : cap - used;
}

static uint32_t ion_fill(uint32_t cap, uint32_t head, uint32_t tail)
{
	uint32_t used = head - tail;

	return used > cap ? 0 : used;
}

/* The cached tail ran out: read the consumer's line. Returns free slots. */
static uint32_t ion_prod_refresh(struct ion_ring *r, uint32_t head)
{
	struct nx_ion_ring *h = r->hdr;

	h->prod_cached_tail = atomic_load_explicit(ion_atomic(&h->tail), memory_order_acquire);
	return ion_space(r->mask + 1, head, h->prod_cached_tail);
}

/* The cached head ran out: read the producer's line. Returns filled slots. */
static uint32_t ion_cons_refresh(struct ion_ring *r, uint32_t tail)
{
	struct nx_ion_ring *h = r->hdr;

	h->cons_cached_head = atomic_load_explicit(ion_atomic(&h->head), memory_order_acquire);
	return ion_fill(r->mask + 1, h->cons_cached_head, tail);
}

static uint32_t ion_prod_room(struct ion_ring *r, uint32_t head, uint32_t want)
{
	uint32_t room = ion_space(r->mask + 1, head, r->hdr->prod_cached_tail);

	return room >= want ? room : ion_prod_refresh(r, head);
}

static uint32_t ion_cons_avail(struct ion_ring *r, uint32_t tail, uint32_t want)
{
	uint32_t avail = ion_fill(r->mask + 1, r->hdr->cons_cached_head, tail);

	return avail >= want ? avail : ion_cons_refresh(r, tail);
}

/*
 * The publishing half of the doorbell handshake; the other half and the
 * ordering argument are at ion_cons_prepare_wait. The flag is claimed with
 * an exchange so that one sleep gets one signal even with many publishers.
 */
bool ion_doorbell_claim(uint32_t *waiting)
{
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(ion_atomic(waiting), memory_order_relaxed) == 0)
		return false;
	return atomic_exchange_explicit(ion_atomic(waiting), 0, memory_order_relaxed) != 0;
}

/* True if the consumer sleeps and must be signalled for what we published. */
bool ion_prod_kick(struct ion_ring *r)
{
	return ion_doorbell_claim(&r->hdr->cons_waiting);
}

/* True if the producer sleeps on a full ring and must be signalled. */
bool ion_cons_kick(struct ion_ring *r)
{
	return ion_doorbell_claim(&r->hdr->prod_waiting);
}

/*
 * The single-element paths are written out rather than calling the batch
 * ones: at tens of millions of messages a second every branch shows. The
 * test `head - cached tail > mask` is "full or nonsense" in one compare.
 */
int ion_push(struct ion_ring *r, const void *elem, bool *wake)
{
	struct nx_ion_ring *h = r->hdr;
	uint32_t head = atomic_load_explicit(ion_atomic(&h->head), memory_order_relaxed);

	if (head - h->prod_cached_tail > r->mask && ion_prod_refresh(r, head) == 0) {
		if (wake != NULL)
			*wake = false;
		return -NX_EAGAIN;
	}
	ion_copy(ion_slot(r, head), elem, r->elem_size);
	atomic_store_explicit(ion_atomic(&h->head), head + 1, memory_order_release);
	if (wake != NULL)
		*wake = ion_doorbell_claim(&h->cons_waiting);
	return 0;
}

/* Push up to n elements; returns how many went in (0 when full). */
uint32_t ion_push_n(struct ion_ring *r, const void *elems, uint32_t n, bool *wake)
{
	struct nx_ion_ring *h = r->hdr;
	uint32_t head = atomic_load_explicit(ion_atomic(&h->head), memory_order_relaxed);
	uint32_t room;

	if (wake != NULL)
		*wake = false;
	room = ion_prod_room(r, head, n);
	if (n > room)
		n = room;
	if (n == 0)
		return 0;
	ion_copy_in(r, head, elems, n);
	atomic_store_explicit(ion_atomic(&h->head), head + n, memory_order_release);
	if (wake != NULL)
		*wake = ion_doorbell_claim(&h->cons_waiting);
	return n;
}

/* `cached head - tail - 1 > mask` is "empty or nonsense" in one compare. */
int ion_pop(struct ion_ring *r, void *elem, bool *wake)
{
	struct nx_ion_ring *h = r->hdr;
	uint32_t tail = atomic_load_explicit(ion_atomic(&h->tail), memory_order_relaxed);

	if (h->cons_cached_head - tail - 1 > r->mask && ion_cons_refresh(r, tail) == 0) {
		if (wake != NULL)
			*wake = false;
		return -NX_EAGAIN;
	}
	ion_copy(elem, ion_slot(r, tail), r->elem_size);
	atomic_store_explicit(ion_atomic(&h->tail), tail + 1, memory_order_release);
	if (wake != NULL)
		*wake = ion_doorbell_claim(&h->prod_waiting);
	return 0;
}

/* Pop up to n elements; returns how many came out (0 when empty). */
uint32_t ion_pop_n(struct ion_ring *r, void *elems, uint32_t n, bool *wake)
{
	struct nx_ion_ring *h = r->hdr;
	uint32_t tail = atomic_load_explicit(ion_atomic(&h->tail), memory_order_relaxed);
	uint32_t avail;

	if (wake != NULL)
		*wake = false;
	avail = ion_cons_avail(r, tail, n);
	if (n > avail)
		n = avail;
	if (n == 0)
		return 0;
	ion_copy_out(r, tail, elems, n);
	atomic_store_explicit(ion_atomic(&h->tail), tail + n, memory_order_release);
	if (wake != NULL)
		*wake = ion_doorbell_claim(&h->prod_waiting);
	return n;
}

/*
 * The consumer is about to sleep on an empty ring. It raises its flag and
 * then looks at head once more; the producer stores head and then looks at
 * the flag (ion_doorbell_claim). Each side puts a seq_cst fence between its
 * store and its load. Those fences are totally ordered (C11 7.17.3p11):
 * if ours comes first the producer's load sees the flag and it signals us;
 * if the producer's comes first our load sees its head and we do not sleep.
 * Acquire/release alone would allow both loads to miss (store buffering),
 * which is the lost wake-up. Returns true if the caller may block.
 */
bool ion_cons_prepare_wait(struct ion_ring *r)
{
	struct nx_ion_ring *h = r->hdr;
	uint32_t tail = atomic_load_explicit(ion_atomic(&h->tail), memory_order_relaxed);

	atomic_store_explicit(ion_atomic(&h->cons_waiting), 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_seq_cst);
	if (ion_cons_avail(r, tail, 1) == 0)
		return true;
	ion_cons_finish_wait(r);
	return false;
}

void ion_cons_finish_wait(struct ion_ring *r)
{
	atomic_store_explicit(ion_atomic(&r->hdr->cons_waiting), 0, memory_order_relaxed);
}

/* Mirror of ion_cons_prepare_wait for a producer facing a full ring. */
bool ion_prod_prepare_wait(struct ion_ring *r)
{
	struct nx_ion_ring *h = r->hdr;
	uint32_t head = atomic_load_explicit(ion_atomic(&h->head), memory_order_relaxed);

	atomic_store_explicit(ion_atomic(&h->prod_waiting), 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_seq_cst);
	if (ion_prod_room(r, head, 1) == 0)
		return true;
	ion_prod_finish_wait(r);
	return false;
}

void ion_prod_finish_wait(struct ion_ring *r)
{
	atomic_store_explicit(ion_atomic(&r->hdr->prod_waiting), 0, memory_order_relaxed);
}

uint32_t ion_count(const struct ion_ring *r)
{
	struct nx_ion_ring *h = r->hdr;
	uint32_t tail = atomic_load_explicit(ion_atomic(&h->tail), memory_order_acquire);
	uint32_t head = atomic_load_explicit(ion_atomic(&h->head), memory_order_acquire);

	return ion_fill(r->mask + 1, head, tail);
}
