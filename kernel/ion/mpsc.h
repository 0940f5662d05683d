/*
 * ION MPSC queue: many producers, one consumer, bounded, for many-to-one
 * queues inside the kernel (e.g. fibers on several cores posting to one
 * driver). Each slot carries a sequence number that says whose turn it is,
 * after Dmitry Vyukov's bounded queue; producers claim an index with one
 * compare-and-swap, the consumer needs none.
 *
 * Not for untrusted producers: one that stops between claiming a slot and
 * publishing it holds back the consumer until it resumes. Apps talk to the
 * kernel over SPSC rings instead.
 *
 * Doorbell use is as for SPSC rings (kernel/ion/ring.h), with one change:
 * several producers may sleep on a full queue, so there is no producer
 * finish_wait; the consumer's claim clears the flag and the caller then
 * wakes every producer waiting on the queue.
 */
#ifndef ION_MPSC_H
#define ION_MPSC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nexus/ion.h>

struct ion_mpsc {
	/* Set at init, then read-only. */
	uint8_t *slots;
	uint32_t mask;
	uint32_t elem_size;
	uint32_t stride;		/* bytes per slot: sequence word + element */

	/* Producers: next index to claim, advanced by CAS. */
	_Alignas(NX_ION_CACHELINE) _Atomic uint32_t enq;

	/* Consumer: next index to drain; others only read it for ion_mpsc_count. */
	_Alignas(NX_ION_CACHELINE) _Atomic uint32_t deq;

	/* Doorbell flags, written only on the way to sleep. */
	_Alignas(NX_ION_CACHELINE) uint32_t cons_waiting;
	uint32_t prod_waiting;
};

size_t ion_mpsc_bytes(uint32_t capacity, uint32_t elem_size);
int ion_mpsc_init(struct ion_mpsc *q, void *mem, size_t size, uint32_t capacity,
		  uint32_t elem_size);
int ion_mpsc_init_at(struct ion_mpsc *q, void *mem, size_t size, uint32_t capacity,
		     uint32_t elem_size, uint32_t start);

/* Any number of producers. */
int ion_mpsc_push(struct ion_mpsc *q, const void *elem, bool *wake);
bool ion_mpsc_prod_prepare_wait(struct ion_mpsc *q);

/* The one consumer. */
int ion_mpsc_pop(struct ion_mpsc *q, void *elem, bool *wake);
bool ion_mpsc_cons_prepare_wait(struct ion_mpsc *q);
void ion_mpsc_cons_finish_wait(struct ion_mpsc *q);

uint32_t ion_mpsc_count(struct ion_mpsc *q);

#endif
