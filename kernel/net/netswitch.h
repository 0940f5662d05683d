/*
 * NetSwitch: the kernel's only network code, an Ethernet (L2) switch.
 * Port 0 is the uplink, the NIC; ports 1..NETSWITCH_PORTS belong to apps,
 * one each, and each has the MAC address 02:4e:58:00:00:NN (NN = port).
 * Frames reach an app port through the rx ring of its channel and leave
 * it through the tx ring; the switch never parses anything above the
 * Ethernet header. The rules are in docs/net.md; <nexus/net.h> is the ABI.
 *
 * Portable: no device, no scheduler. The NIC plugs in as a struct
 * netswitch_uplink, an app port as two kernel-owned ring views and a
 * wake-up callback, so the host tests drive the real code. All state is
 * in a struct netswitch: the kernel's is netswitch_system; the host tests
 * and the monitor's bench (switchbench.c) build their own, which share
 * nothing with it.
 *
 * Concurrency: one CPU, cooperative kernel fibers. The switch runs in
 * the driver fiber (frames from the wire) and in apps' notify calls
 * (frames from ports); neither ever yields inside it, and no interrupt
 * handler calls it, so it needs no lock. Nothing here sleeps: a full
 * ring drops the frame and counts it.
 */
#ifndef NET_NETSWITCH_H
#define NET_NETSWITCH_H

#include <stdbool.h>
#include <stdint.h>

#include <nexus/net.h>

#include "ion/ring.h"

#define NETSWITCH_PORTS		8	/* app ports, numbered 1..8 */
#define ETH_ALEN		6
#define ETH_HLEN		14	/* destination, source, EtherType */

/* The NIC, as the switch sees it. */
struct netswitch_uplink {
	/* Queue @f for the wire: 0, or -NX_EAGAIN when the NIC's queue is full. */
	int (*send)(const struct nx_frame *f);
	/* Frames were queued since the last kick: once per batch, not per frame. */
	void (*kick)(void);
};

/* Called once per batch for a port that got frames; must not switch. */
typedef void netswitch_wake_fn(void *ctx);

struct netswitch_port {
	bool open;			/* the uplink's ([0]) is never set */
	bool wake_pending;		/* got frames since the last flush */
	struct ion_ring *tx, *rx;	/* kernel views; the uplink has none */
	netswitch_wake_fn *wake;
	void *ctx;
	struct nx_netport_info info;	/* identity, filter and counters */
};

/* Zeroed memory is a switch with no NIC and no open port. */
struct netswitch {
	struct netswitch_port port[1 + NETSWITCH_PORTS];	/* [0]: the uplink */
	const struct netswitch_uplink *up;
	bool kick_pending;
	/*
	 * The frame being switched. Aligned to 8 like the ring slots, because
	 * memcpy moves words only when both ends are: a struct nx_frame alone
	 * is aligned to 4, and each copy to or from a slot ran byte by byte.
	 */
	_Alignas(8) struct nx_frame scratch;
};

/* The kernel's switch: the NIC's uplink and the apps' ports. */
extern struct netswitch netswitch_system;

/* The NIC arrived (@up NULL: it went); @mac is its own address. */
void netswitch_attach_uplink(struct netswitch *sw, const uint8_t mac[ETH_ALEN],
			     const struct netswitch_uplink *up);

/* 0 if app @app_id may open a port now; -NX_EBUSY (it has one), -NX_ENOSPC. */
int netswitch_can_open(const struct netswitch *sw, uint32_t app_id);
/*
 * Open a port for app @app_id (@name is shown in the port table). @tx is
 * the kernel's view of the ring the app produces into, @rx of the ring
 * the switch fills; both must stay valid until netswitch_port_close().
 * Returns the port number, or the errors of netswitch_can_open().
 */
int netswitch_port_open(struct netswitch *sw, uint32_t app_id, const char *name,
			struct ion_ring *tx, struct ion_ring *rx, netswitch_wake_fn *wake,
			void *ctx);
/* The port's frames in flight are forgotten; the number may be reused. */
void netswitch_port_close(struct netswitch *sw, unsigned port);

/*
 * Take up to NX_NET_RING_SLOTS frames off @port's tx ring and switch
 * them, then wake whoever got frames. Returns how many were taken.
 */
unsigned netswitch_port_tx(struct netswitch *sw, unsigned port);
/* One frame from the wire (@len bytes, no FCS). Call netswitch_flush() after a batch. */
void netswitch_from_wire(struct netswitch *sw, const void *data, unsigned len);
/*
 * A frame of @len bytes the NIC received but its driver lost before
 * handing it over (a restart reset the queue holding it): received and
 * dropped at the uplink, so that the uplink's rx counters cover every
 * frame the wire delivered.
 */
void netswitch_wire_lost(struct netswitch *sw, unsigned len);
/* End of a batch: wake the ports that got frames, kick the uplink if it got any. */
void netswitch_flush(struct netswitch *sw);

/*
 * The @index-th row of the port table: 0 is the uplink, then the open
 * ports in port order. Returns the number of rows, or -NX_ENOENT.
 */
int netswitch_info(const struct netswitch *sw, unsigned index, struct nx_netport_info *out);

#endif
