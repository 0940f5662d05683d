/*
 * The NetSwitch as apps see it: a port is a channel whose two ION rings
 * carry Ethernet frames instead of messages. Frozen ABI; docs/net.md
 * describes the switch and docs/abi.md the calls.
 *
 * An app holding an NX_CAP_NET capability and the INET promise opens its
 * port with chan_open("net", 3, NX_CHAN_NET, &desc). The descriptor's tx
 * ring carries the app's frames to the switch (notify(slot) after
 * pushing), its rx ring the frames the switch delivers (wait(slot) sleeps
 * until one arrives). Each slot is one struct nx_frame. An app has at
 * most one port; the port closes with its channel or its app.
 *
 * Each port has its own MAC address, 02:4e:58:00:00:NN with NN the port
 * number: locally administered, "NX". The switch delivers a frame from the
 * wire by destination MAC: unicast to the port that owns the address,
 * broadcast to every port, multicast to the ports that asked for it, each
 * only if the port's EtherType filter lets it through. A frame an app
 * sends must carry its port's MAC as the source, or it is dropped. A full
 * rx ring drops the frame and counts it; it never holds up the wire or
 * another port.
 */
#ifndef NEXUS_NET_H
#define NEXUS_NET_H

#include <stddef.h>
#include <stdint.h>

#define NX_NET_RING_SLOTS	64	/* frames per ring, each way */
#define NX_FRAME_DATA_MAX	1520	/* Ethernet header + payload, no FCS */

/* nx_frame.kind */
#define NX_FRAME_DATA		0	/* an Ethernet frame */
#define NX_FRAME_FILTER		1	/* tx only: data is a struct nx_net_filter */

struct nx_frame {
	uint16_t len;		/* bytes of data */
	uint16_t kind;		/* NX_FRAME_* */
	uint32_t pad;
	uint8_t data[NX_FRAME_DATA_MAX];
};
_Static_assert(sizeof(struct nx_frame) == 1528, "nx_frame size");
_Static_assert(offsetof(struct nx_frame, data) == 8, "nx_frame data");

/* Port flags (nx_net_filter.flags, nx_netport_info.flags). */
#define NX_NETF_MULTICAST	0x1u	/* deliver multicast frames too */
#define NX_NETF_UPLINK		0x2u	/* info only: the NIC itself */

#define NX_NET_ETHERTYPES	4

/* What a port accepts. No EtherType listed: every EtherType. */
struct nx_net_filter {
	uint16_t ethertype[NX_NET_ETHERTYPES];	/* host order; 0 = unused */
	uint32_t flags;				/* NX_NETF_MULTICAST */
	uint32_t pad;
};
_Static_assert(sizeof(struct nx_net_filter) == 16, "nx_net_filter size");

/*
 * info(NX_INFO_NETPORT, index): the index-th port; index 0 is the uplink
 * (the NIC; app_id 0). Counters are seen from the port: rx is toward the
 * app (toward the switch, for the uplink), tx from it.
 */
struct nx_netport_info {
	uint32_t port;
	uint32_t app_id;
	uint8_t mac[6];
	uint16_t flags;				/* NX_NETF_* */
	uint16_t ethertype[NX_NET_ETHERTYPES];
	uint64_t rx_frames;
	uint64_t rx_bytes;
	uint64_t rx_drops;	/* rx ring full (uplink: no port wanted it) */
	uint64_t rx_filtered;	/* refused by the EtherType filter */
	uint64_t tx_frames;
	uint64_t tx_bytes;
	uint64_t tx_drops;	/* malformed, oversized or spoofed source */
	char name[16];		/* the app's name; "uplink" for the NIC */
};
_Static_assert(sizeof(struct nx_netport_info) == 96, "nx_netport_info size");
_Static_assert(offsetof(struct nx_netport_info, rx_frames) == 24, "netport counters");

#endif
