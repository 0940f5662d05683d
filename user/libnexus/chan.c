/* The client side of a channel: request, notify, reply. */
#include "nexus.h"

int nx_chan_attach(struct nx_chan *c, const struct nx_chan_desc *d)
{
	size_t n = ion_ring_bytes(NX_CHAN_RING_SLOTS, sizeof(struct nx_msg));

	c->slot = -1;
	if (d->slot < 0 || ion_ring_attach(&c->tx, (void *)d->tx, n) ||
	    ion_ring_attach(&c->rx, (void *)d->rx, n))
		return -NX_EINVAL;
	c->slot = d->slot;
	return 0;
}

int nx_send(struct nx_chan *c, const struct nx_msg *m)
{
	int err;

	if (c->slot < 0)
		return -NX_EPERM;
	err = ion_push(&c->tx, m, NULL);
	return err ? err : nx_notify(c->slot);
}

int nx_recv(struct nx_chan *c, struct nx_msg *m, uint64_t deadline)
{
	for (;;) {
		int err;

		if (ion_pop(&c->rx, m, NULL) == 0)
			return 0;
		err = nx_wait(c->slot, deadline, NULL);
		if (err)
			return err;
	}
}

int64_t nx_call(struct nx_chan *c, struct nx_msg *m)
{
	int err;

	m->tag = ++c->tag;
	err = nx_send(c, m);
	if (err)
		return err;
	do {
		err = nx_recv(c, m, NX_DEADLINE_NEVER);
		if (err)
			return err;
	} while (m->tag != c->tag);
	return m->status;
}
