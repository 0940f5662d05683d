#include <string.h>

#include "ion/link.h"

int ion_link_init(struct ion_link *l, void *mem, size_t size,
		  uint32_t capacity, uint32_t elem_size)
{
	int err;

	memset(l, 0, sizeof(*l));
	err = ion_ring_init(&l->tx, mem, size, capacity, elem_size);
	if (!err)
		err = ion_ring_attach(&l->rx, mem, size);
	return err;
}

static void ring_doorbell(struct ion_link *l, struct event *e)
{
	l->doorbells++;
	event_signal(e);
}

void ion_link_send(struct ion_link *l, const void *elem)
{
	bool wake;

	while (ion_push(&l->tx, elem, &wake) != 0) {
		if (ion_prod_prepare_wait(&l->tx))
			event_wait(&l->writable, EVENT_FOREVER);
		ion_prod_finish_wait(&l->tx);
	}
	if (wake)
		ring_doorbell(l, &l->readable);
}

void ion_link_recv(struct ion_link *l, void *elem)
{
	bool wake;

	while (ion_pop(&l->rx, elem, &wake) != 0) {
		if (ion_cons_prepare_wait(&l->rx))
			event_wait(&l->readable, EVENT_FOREVER);
		ion_cons_finish_wait(&l->rx);
	}
	if (wake)
		ring_doorbell(l, &l->writable);
}
