/*
 * The NetSwitch's ports, its forwarding rules and its counters.
 *
 * Every frame is switched from a kernel copy: frames from the wire are
 * copied out of the NIC's buffer, frames from a port are popped off its
 * tx ring (which copies the whole slot) before their length or addresses
 * are looked at, so an app rewriting its ring meanwhile changes nothing
 * the switch decides on. The ring views come from the kernel
 * (kernel/sys/chan.h), never from the headers in app memory.
 */
#include <string.h>

#include <nexus/errno.h>

#include "net/netswitch.h"

#define ETHERTYPE_OFF	12
#define FILTER_FLAGS	NX_NETF_MULTICAST	/* what an app may ask for */

struct netswitch netswitch_system;

static const uint8_t broadcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static bool is_group(const uint8_t *mac)
{
	return mac[0] & 1;		/* multicast, broadcast included */
}

static uint16_t ethertype(const struct nx_frame *f)
{
	return (uint16_t)(f->data[ETHERTYPE_OFF] << 8 | f->data[ETHERTYPE_OFF + 1]);
}

static struct netswitch_port *app_port(struct netswitch *sw, unsigned n)
{
	return n >= 1 && n <= NETSWITCH_PORTS && sw->port[n].open ? &sw->port[n] : NULL;
}

static bool filter_passes(const struct netswitch_port *p, uint16_t type)
{
	bool listed = false;

	for (unsigned i = 0; i < NX_NET_ETHERTYPES; i++) {
		if (!p->info.ethertype[i])
			continue;
		if (p->info.ethertype[i] == type)
			return true;
		listed = true;
	}
	return !listed;
}

/* Put @f on @p's rx ring. False if the filter refused it. */
static bool deliver(struct netswitch_port *p, const struct nx_frame *f)
{
	if (!filter_passes(p, ethertype(f))) {
		p->info.rx_filtered++;
		return false;
	}
	if (ion_push(p->rx, f, NULL)) {
		p->info.rx_drops++;		/* the app is behind: its loss alone */
		return true;
	}
	p->info.rx_frames++;
	p->info.rx_bytes += f->len;
	p->wake_pending = true;
	return true;
}

/*
 * Hand @f to every app port its destination names: the owner of a
 * unicast address, every port for broadcast, the ports that asked for
 * multicast. A group frame never goes back to @from. True if any port's
 * filter took it.
 */
static bool deliver_local(struct netswitch *sw, const struct nx_frame *f,
			  const struct netswitch_port *from)
{
	const uint8_t *dst = f->data;
	bool wanted = false;

	for (unsigned n = 1; n <= NETSWITCH_PORTS; n++) {
		struct netswitch_port *p = &sw->port[n];
		bool named = is_group(dst) ?
			     p != from && (!memcmp(dst, broadcast, ETH_ALEN) ||
					   p->info.flags & NX_NETF_MULTICAST) :
			     !memcmp(dst, p->info.mac, ETH_ALEN);

		if (p->open && named && deliver(p, f))
			wanted = true;
	}
	return wanted;
}

static bool owned_locally(const struct netswitch *sw, const uint8_t *mac)
{
	for (unsigned n = 1; n <= NETSWITCH_PORTS; n++)
		if (sw->port[n].open && !memcmp(mac, sw->port[n].info.mac, ETH_ALEN))
			return true;
	return false;
}

static void to_wire(struct netswitch *sw, const struct nx_frame *f)
{
	struct nx_netport_info *up = &sw->port[0].info;

	if (!sw->up || sw->up->send(f)) {
		up->tx_drops++;			/* no NIC, or its queue is full */
		return;
	}
	up->tx_frames++;
	up->tx_bytes += f->len;
	sw->kick_pending = true;
}

void netswitch_from_wire(struct netswitch *sw, const void *data, unsigned len)
{
	struct nx_netport_info *up = &sw->port[0].info;

	up->rx_frames++;
	up->rx_bytes += len;
	if (len < ETH_HLEN || len > NX_FRAME_DATA_MAX) {
		up->rx_drops++;
		return;
	}
	sw->scratch.len = (uint16_t)len;
	sw->scratch.kind = NX_FRAME_DATA;
	sw->scratch.pad = 0;
	memcpy(sw->scratch.data, data, len);
	if (!deliver_local(sw, &sw->scratch, NULL))
		up->rx_drops++;			/* nobody wanted it */
}

void netswitch_wire_lost(struct netswitch *sw, unsigned len)
{
	struct nx_netport_info *up = &sw->port[0].info;

	up->rx_frames++;
	up->rx_bytes += len;
	up->rx_drops++;
}

/* An NX_FRAME_FILTER frame: the port's new EtherType list and flags. */
static void set_filter(struct netswitch_port *p, const struct nx_frame *f)
{
	struct nx_net_filter filt;

	if (f->len != sizeof(filt)) {
		p->info.tx_drops++;
		return;
	}
	memcpy(&filt, f->data, sizeof(filt));
	if (filt.flags & ~FILTER_FLAGS) {
		p->info.tx_drops++;
		return;
	}
	memcpy(p->info.ethertype, filt.ethertype, sizeof(p->info.ethertype));
	p->info.flags = (uint16_t)filt.flags;
}

/* @f is the kernel's copy of a slot of @p's tx ring. */
static void from_port(struct netswitch *sw, struct netswitch_port *p, const struct nx_frame *f)
{
	const uint8_t *dst = f->data;

	if (f->kind == NX_FRAME_FILTER) {
		set_filter(p, f);
		return;
	}
	if (f->kind != NX_FRAME_DATA || f->len < ETH_HLEN || f->len > NX_FRAME_DATA_MAX ||
	    memcmp(f->data + ETH_ALEN, p->info.mac, ETH_ALEN)) {
		p->info.tx_drops++;		/* malformed, oversized or spoofed */
		return;
	}
	p->info.tx_frames++;
	p->info.tx_bytes += f->len;
	if (is_group(dst)) {
		deliver_local(sw, f, p);
		to_wire(sw, f);
	} else if (owned_locally(sw, dst)) {
		deliver_local(sw, f, p);	/* hairpin: never on the wire */
	} else {
		to_wire(sw, f);
	}
}

unsigned netswitch_port_tx(struct netswitch *sw, unsigned n)
{
	struct netswitch_port *p = app_port(sw, n);
	unsigned taken = 0;

	if (!p)
		return 0;
	/* Bounded: an app that keeps refilling its ring cannot hold the kernel. */
	while (taken < NX_NET_RING_SLOTS && ion_pop(p->tx, &sw->scratch, NULL) == 0) {
		taken++;
		from_port(sw, p, &sw->scratch);
	}
	netswitch_flush(sw);
	return taken;
}

void netswitch_flush(struct netswitch *sw)
{
	for (unsigned n = 1; n <= NETSWITCH_PORTS; n++) {
		struct netswitch_port *p = &sw->port[n];

		if (p->open && p->wake_pending) {
			p->wake_pending = false;
			p->wake(p->ctx);
		}
	}
	if (sw->kick_pending) {
		sw->kick_pending = false;
		if (sw->up && sw->up->kick)
			sw->up->kick();
	}
}

void netswitch_attach_uplink(struct netswitch *sw, const uint8_t mac[ETH_ALEN],
			     const struct netswitch_uplink *up)
{
	sw->up = up;
	if (up)
		memcpy(sw->port[0].info.mac, mac, ETH_ALEN);
	else
		memset(sw->port[0].info.mac, 0, ETH_ALEN);
}

int netswitch_can_open(const struct netswitch *sw, uint32_t app_id)
{
	int free_port = -NX_ENOSPC;

	for (unsigned n = 1; n <= NETSWITCH_PORTS; n++) {
		if (!sw->port[n].open)
			free_port = 0;
		else if (sw->port[n].info.app_id == app_id)
			return -NX_EBUSY;
	}
	return free_port;
}

int netswitch_port_open(struct netswitch *sw, uint32_t app_id, const char *name,
			struct ion_ring *tx, struct ion_ring *rx, netswitch_wake_fn *wake,
			void *ctx)
{
	int err = netswitch_can_open(sw, app_id);
	unsigned n = 1;
	struct netswitch_port *p;

	if (err)
		return err;
	while (sw->port[n].open)
		n++;
	p = &sw->port[n];
	*p = (struct netswitch_port){ .open = true, .tx = tx, .rx = rx, .wake = wake, .ctx = ctx,
			    .info = { .port = n, .app_id = app_id,
				      .mac = { 0x02, 0x4e, 0x58, 0x00, 0x00, (uint8_t)n } } };
	for (size_t i = 0; i + 1 < sizeof(p->info.name) && name[i]; i++)
		p->info.name[i] = name[i];
	return (int)n;
}

void netswitch_port_close(struct netswitch *sw, unsigned n)
{
	struct netswitch_port *p = app_port(sw, n);

	if (p)
		*p = (struct netswitch_port){ .open = false };
}

int netswitch_info(const struct netswitch *sw, unsigned index, struct nx_netport_info *out)
{
	unsigned rows = 1;			/* the uplink's is always there */
	const struct netswitch_port *hit = index == 0 ? &sw->port[0] : NULL;

	for (unsigned n = 1; n <= NETSWITCH_PORTS; n++) {
		if (!sw->port[n].open)
			continue;
		if (rows++ == index)
			hit = &sw->port[n];
	}
	if (!hit)
		return -NX_ENOENT;
	*out = hit->info;
	if (hit == &sw->port[0]) {
		/* Not stored, so that zeroed memory is a working switch. */
		out->flags = NX_NETF_UPLINK;
		memcpy(out->name, "uplink", sizeof("uplink"));
	}
	return (int)rows;
}
