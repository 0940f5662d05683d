/*
 * A ring between two kernel fibers, with the doorbells wired to events:
 * the sender blocks while the ring is full (back-pressure, nothing is
 * dropped), the receiver while it is empty, and each side signals the
 * other only when the ring says the other is actually waiting.
 */
#ifndef ION_LINK_H
#define ION_LINK_H

#include "core/event.h"
#include "ion/ring.h"

struct ion_link {
	struct ion_ring tx;	/* the sender's view */
	struct ion_ring rx;	/* the receiver's view of the same memory */
	struct event readable;	/* the receiver sleeps here */
	struct event writable;	/* the sender sleeps here */
	uint64_t doorbells;	/* signals actually sent, both ways */
};

/* Over @mem of @size bytes (ion_ring_bytes()); 0 or -NX_EINVAL. */
int ion_link_init(struct ion_link *l, void *mem, size_t size,
		  uint32_t capacity, uint32_t elem_size);
void ion_link_send(struct ion_link *l, const void *elem);
void ion_link_recv(struct ion_link *l, void *elem);

#endif
