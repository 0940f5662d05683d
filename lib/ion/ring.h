/*
 * ION SPSC ring: one producer, one consumer, lock-free, over memory the
 * caller provides (layout in include/nexus/ion.h, protocol in docs/ion.md).
 *
 * The ring never sleeps and never wakes anyone. Calls that publish take a
 * `wake` out-flag: when it comes back true the peer announced that it is
 * asleep and the caller must signal it (notify an event, send an IPI...).
 * The check costs a full fence, so it is optional: pass wake == NULL to
 * skip it, and make one checked call (or ion_prod_kick / ion_cons_kick)
 * after the last of a burst; the check covers everything published before
 * it. A ring whose peer only polls never needs the check.
 *
 * Sleeping, on either side:
 *	while (ion_pop(r, &x, NULL) != 0) {
 *		if (ion_cons_prepare_wait(r))
 *			block();		// returns at once if signalled since
 *		ion_cons_finish_wait(r);
 *	}
 * The wake-up primitive must remember a signal sent between prepare_wait
 * and block(), as a pending event bit does, and the caller must tolerate
 * an occasional spurious signal.
 */
#ifndef ION_RING_H
#define ION_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nexus/ion.h>

/*
 * One side's private view of a ring. The copies of mask and elem_size are
 * taken once at init/attach so that a peer rewriting the shared header
 * cannot steer our accesses outside the slot array.
 */
struct ion_ring {
	struct nx_ion_ring *hdr;
	uint8_t *slots;
	uint32_t mask;
	uint32_t elem_size;
};

_Static_assert(sizeof(_Atomic uint32_t) == sizeof(uint32_t), "atomic u32 layout");
_Static_assert(_Alignof(_Atomic uint32_t) == _Alignof(uint32_t), "atomic u32 alignment");

/* The ABI declares plain integers; the ring code always goes through here. */
static inline _Atomic uint32_t *ion_atomic(uint32_t *p)
{
	return (_Atomic uint32_t *)p;
}

/*
 * Setup. ion_ring_bytes: bytes a ring needs, 0 if the geometry is invalid
 * (capacity a power of two up to 2^31, elem_size a multiple of 8 up to
 * 4096). ion_ring_init formats a header at mem (64-byte aligned); the
 * other party calls ion_ring_attach on the same memory. Both return 0 or
 * -NX_EINVAL and change nothing on error.
 */
size_t ion_ring_bytes(uint32_t capacity, uint32_t elem_size);
int ion_ring_init(struct ion_ring *r, void *mem, size_t size, uint32_t capacity,
		  uint32_t elem_size);
int ion_ring_attach(struct ion_ring *r, void *mem, size_t size);

/*
 * Producer side. ion_push: 0, or -NX_EAGAIN when full (nothing written).
 * ion_push_n: how many of n went in, 0 when full. *wake as described above.
 * ion_prod_kick: the doorbell check on its own, for the end of a burst.
 * ion_prod_prepare_wait: true if the ring is still full and the producer
 * may block; ion_prod_finish_wait after waking (or after a false return).
 */
int ion_push(struct ion_ring *r, const void *elem, bool *wake);
uint32_t ion_push_n(struct ion_ring *r, const void *elems, uint32_t n, bool *wake);
bool ion_prod_kick(struct ion_ring *r);
bool ion_prod_prepare_wait(struct ion_ring *r);
void ion_prod_finish_wait(struct ion_ring *r);

/* Consumer side: the mirror image, -NX_EAGAIN / 0 meaning empty. */
int ion_pop(struct ion_ring *r, void *elem, bool *wake);
uint32_t ion_pop_n(struct ion_ring *r, void *elems, uint32_t n, bool *wake);
bool ion_cons_kick(struct ion_ring *r);
bool ion_cons_prepare_wait(struct ion_ring *r);
void ion_cons_finish_wait(struct ion_ring *r);

/* Either side; a snapshot that may be stale by the time it is used. */
uint32_t ion_count(const struct ion_ring *r);

/* Shared with mpsc.c: fence, then claim a peer's waiting flag. */
bool ion_doorbell_claim(uint32_t *waiting);

#endif
