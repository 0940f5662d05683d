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

struct port {
	bool open;
	bool wake_pending;		/* got frames since the last flush */
	struct ion_ring *tx, *rx;	/* kernel views; the uplink has none */
	netswitch_wake_fn *wake;
	void *ctx;
	struct nx_netport_info info;	/* identity, filter and counters */
};

static struct {
	struct port port[1 + NETSWITCH_PORTS];	/* [0]: the uplink */
	const struct netswitch_uplink *up;
	bool kick_pending;
	struct nx_frame scratch;	/* the frame being switched */
} sw = {
	.port[0] = { .open = true, .info = { .flags = NX_NETF_UPLINK, .name = "uplink" } },
};

static const uint8_t broadcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static bool is_group(const uint8_t *mac)
{
	return mac[0] & 1;		/* multicast, broadcast included */
}

static uint16_t ethertype(const struct nx_frame *f)
{
	return (uint16_t)(f->data[ETHERTYPE_OFF] << 8 | f->data[ETHERTYPE_OFF + 1]);
}

static struct port *app_port(unsigned n)
{
	return n >= 1 && n <= NETSWITCH_PORTS && sw.port[n].open ? &sw.port[n] : NULL;
}

static bool filter_passes(const struct port *p, uint16_t type)
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
static bool deliver(struct port *p, const struct nx_frame *f)
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
static bool deliver_local(const struct nx_frame *f, const struct port *from)
{
	const uint8_t *dst = f->data;
	bool wanted = false;

	for (unsigned n = 1; n <= NETSWITCH_PORTS; n++) {
		struct port *p = &sw.port[n];
		bool named = is_group(dst) ?
			     p != from && (!memcmp(dst, broadcast, ETH_ALEN) ||
					   p->info.flags & NX_NETF_MULTICAST) :
			     !memcmp(dst, p->info.mac, ETH_ALEN);

		if (p->open && named && deliver(p, f))
			wanted = true;
	}
	return wanted;
}

static bool owned_locally(const uint8_t *mac)
{
	for (unsigned n = 1; n <= NETSWITCH_PORTS; n++)
		if (sw.port[n].open && !memcmp(mac, sw.port[n].info.mac, ETH_ALEN))
			return true;
	return false;
}

static void to_wire(const struct nx_frame *f)
{
	struct nx_netport_info *up = &sw.port[0].info;

	if (!sw.up || sw.up->send(f)) {
		up->tx_drops++;			/* no NIC, or its queue is full */
		return;
	}
	up->tx_frames++;
	up->tx_bytes += f->len;
	sw.kick_pending = true;
}

void netswitch_from_wire(const void *data, unsigned len)
{
	struct nx_netport_info *up = &sw.port[0].info;

	up->rx_frames++;
	up->rx_bytes += len;
	if (len < ETH_HLEN || len > NX_FRAME_DATA_MAX) {
		up->rx_drops++;
		return;
	}
	sw.scratch.len = (uint16_t)len;
	sw.scratch.kind = NX_FRAME_DATA;
	sw.scratch.pad = 0;
	memcpy(sw.scratch.data, data, len);
	if (!deliver_local(&sw.scratch, NULL))
		up->rx_drops++;			/* nobody wanted it */
}

void netswitch_wire_lost(unsigned len)
{
	struct nx_netport_info *up = &sw.port[0].info;

	up->rx_frames++;
	up->rx_bytes += len;
	up->rx_drops++;
}

/* An NX_FRAME_FILTER frame: the port's new EtherType list and flags. */
static void set_filter(struct port *p, const struct nx_frame *f)
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
static void from_port(struct port *p, const struct nx_frame *f)
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
		deliver_local(f, p);
		to_wire(f);
	} else if (owned_locally(dst)) {
		deliver_local(f, p);		/* hairpin: never on the wire */
	} else {
		to_wire(f);
	}
}

unsigned netswitch_port_tx(unsigned n)
{
	struct port *p = app_port(n);
	unsigned taken = 0;

	if (!p)
		return 0;
	/* Bounded: an app that keeps refilling its ring cannot hold the kernel. */
	while (taken < NX_NET_RING_SLOTS && ion_pop(p->tx, &sw.scratch, NULL) == 0) {
		taken++;
		from_port(p, &sw.scratch);
	}
	netswitch_flush();
	return taken;
}

void netswitch_flush(void)
{
	for (unsigned n = 1; n <= NETSWITCH_PORTS; n++) {
		struct port *p = &sw.port[n];

		if (p->open && p->wake_pending) {
			p->wake_pending = false;
			p->wake(p->ctx);
		}
	}
	if (sw.kick_pending) {
		sw.kick_pending = false;
		if (sw.up && sw.up->kick)
			sw.up->kick();
	}
}

void netswitch_attach_uplink(const uint8_t mac[ETH_ALEN], const struct netswitch_uplink *up)
{
	sw.up = up;
	if (up)
		memcpy(sw.port[0].info.mac, mac, ETH_ALEN);
	else
		memset(sw.port[0].info.mac, 0, ETH_ALEN);
}

int netswitch_can_open(uint32_t app_id)
{
	int free_port = -NX_ENOSPC;

	for (unsigned n = 1; n <= NETSWITCH_PORTS; n++) {
		if (!sw.port[n].open)
			free_port = 0;
		else if (sw.port[n].info.app_id == app_id)
			return -NX_EBUSY;
	}
	return free_port;
}

int netswitch_port_open(uint32_t app_id, const char *name, struct ion_ring *tx,
			struct ion_ring *rx, netswitch_wake_fn *wake, void *ctx)
{
	int err = netswitch_can_open(app_id);
	unsigned n = 1;
	struct port *p;

	if (err)
		return err;
	while (sw.port[n].open)
		n++;
	p = &sw.port[n];
	*p = (struct port){ .open = true, .tx = tx, .rx = rx, .wake = wake, .ctx = ctx,
			    .info = { .port = n, .app_id = app_id,
				      .mac = { 0x02, 0x4e, 0x58, 0x00, 0x00, (uint8_t)n } } };
	for (size_t i = 0; i + 1 < sizeof(p->info.name) && name[i]; i++)
		p->info.name[i] = name[i];
	return (int)n;
}

void netswitch_port_close(unsigned n)
{
	struct port *p = app_port(n);

	if (p)
		*p = (struct port){ .open = false };
}

int netswitch_info(unsigned index, struct nx_netport_info *out)
{
	unsigned rows = 0;
	const struct port *hit = NULL;

	for (unsigned n = 0; n <= NETSWITCH_PORTS; n++) {
		if (!sw.port[n].open)
			continue;
		if (rows++ == index)
			hit = &sw.port[n];
	}
	if (!hit)
		return -NX_ENOENT;
	*out = hit->info;
	return (int)rows;
}

void netswitch_reset(void)
{
	for (unsigned n = 1; n <= NETSWITCH_PORTS; n++)
		sw.port[n] = (struct port){ .open = false };
	memset(&sw.port[0].info, 0, sizeof(sw.port[0].info));
	sw.port[0].info.flags = NX_NETF_UPLINK;
	memcpy(sw.port[0].info.name, "uplink", sizeof("uplink"));
	sw.up = NULL;
	sw.kick_pending = false;
}
