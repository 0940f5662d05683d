/*
 * The NetSwitch port from the app's side: the port channel's two rings,
 * one struct nx_frame per slot. Frames are built in a struct on the
 * stack, since a ring slot is copied whole either way.
 */
#include "nxnet.h"

/* NX_SYSOP_DRIVER_CRASH's arg[1] for the NIC (docs/abi.md). */
#define CRASH_NIC	1

static int push(struct nx_net *n, const struct nx_frame *f)
{
	int err = ion_push(&n->tx, f, NULL);

	return err ? err : nx_notify(n->slot);
}

int nx_net_info(const struct nx_net *n, struct nx_netport_info *out)
{
	for (uint64_t i = 1;; i++) {
		int64_t r = nx_info(NX_INFO_NETPORT, i, out, sizeof(*out));

		if (r < 0)
			return (int)r;
		if (out->port == n->port)
			return 0;
	}
}

int nx_net_open(struct nx_net *n)
{
	size_t bytes = ion_ring_bytes(NX_NET_RING_SLOTS, sizeof(struct nx_frame));
	uint32_t me = nx_systable()->app_id;
	struct nx_netport_info info;
	struct nx_chan_desc d;
	int slot = nx_chan_open("net", NX_CHAN_NET, &d);

	if (slot < 0)
		return slot;
	if (d.elem_size != sizeof(struct nx_frame) || ion_ring_attach(&n->tx, (void *)d.tx, bytes) ||
	    ion_ring_attach(&n->rx, (void *)d.rx, bytes))
		return -NX_EINVAL;
	n->slot = slot;
	/* The port table names the port by app: ours is the one with our id. */
	for (uint64_t i = 1; nx_info(NX_INFO_NETPORT, i, &info, sizeof(info)) >= 0; i++) {
		if (info.app_id == me) {
			n->port = info.port;
			memcpy(n->mac, info.mac, sizeof(n->mac));
			return 0;
		}
	}
	return -NX_ENOENT;
}

int nx_net_send(struct nx_net *n, const void *frame, unsigned len)
{
	struct nx_frame f = { .len = (uint16_t)len, .kind = NX_FRAME_DATA };

	if (len > NX_FRAME_DATA_MAX)
		return -NX_E2BIG;
	memcpy(f.data, frame, len);
	return push(n, &f);
}

int nx_net_recv(struct nx_net *n, void *buf, unsigned cap)
{
	struct nx_frame f;

	if (ion_pop(&n->rx, &f, NULL))
		return 0;
	if (f.len > cap || f.len > NX_FRAME_DATA_MAX)
		return -NX_E2BIG;
	memcpy(buf, f.data, f.len);
	return f.len;
}

int nx_net_wait(struct nx_net *n, uint64_t deadline)
{
	if (ion_count(&n->rx))
		return 0;
	return nx_wait(n->slot, deadline, NULL);
}

int nx_net_filter(struct nx_net *n, const uint16_t *ethertypes, unsigned count,
		  uint32_t flags)
{
	struct nx_frame f = { .len = sizeof(struct nx_net_filter), .kind = NX_FRAME_FILTER };
	struct nx_net_filter filt = { .flags = flags };

	if (count > NX_NET_ETHERTYPES)
		return -NX_EINVAL;
	for (unsigned i = 0; i < count; i++)
		filt.ethertype[i] = ethertypes[i];
	memcpy(f.data, &filt, sizeof(filt));
	return push(n, &f);
}

int nx_net_crash_driver(void)
{
	return nx_sys(NX_SYSOP_DRIVER_CRASH, 0, CRASH_NIC, NULL);
}
