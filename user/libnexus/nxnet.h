/*
 * An app's NetSwitch port, raw: whole Ethernet frames in and out
 * (<nexus/net.h> is the ABI, docs/net.md the switch's rules). A network
 * stack in the app (lwIP's netif) sits on exactly these calls.
 *
 * The app needs the INET promise and an NX_CAP_NET capability with SEND
 * and RECV (package option --cap net:send,recv). Functions return >= 0
 * or a negative NX_E error, like the rest of libnexus.
 */
#ifndef LIBNEXUS_NXNET_H
#define LIBNEXUS_NXNET_H

#include "nexus.h"

#include <nexus/net.h>

struct nx_net {
	struct ion_ring tx, rx;		/* to the switch, from it */
	int slot;			/* the port channel's capability */
	uint32_t port;			/* 1..8 */
	uint8_t mac[6];			/* 02:4e:58:00:00:port: the only source allowed */
};

/* Open this app's port: rings, slot, port number and MAC. */
int nx_net_open(struct nx_net *n);
/* Queue one frame (14..NX_FRAME_DATA_MAX bytes) and notify: 0, or -NX_EAGAIN if the ring is full. */
int nx_net_send(struct nx_net *n, const void *frame, unsigned len);
/*
 * Take one frame into @buf: its length, or 0 if none is waiting. A
 * frame longer than @cap is taken and dropped: -NX_E2BIG.
 */
int nx_net_recv(struct nx_net *n, void *buf, unsigned cap);
/* Sleep until a frame waits: 0, or -NX_ETIMEDOUT at @deadline (clock ticks; 0: never). */
int nx_net_wait(struct nx_net *n, uint64_t deadline);
/*
 * Accept only frames of these EtherTypes (@count <= NX_NET_ETHERTYPES;
 * none: every type), and multicast if @flags has NX_NETF_MULTICAST.
 */
int nx_net_filter(struct nx_net *n, const uint16_t *ethertypes, unsigned count,
		  uint32_t flags);
/* This port's row of the port table (info NX_INFO_NETPORT). */
int nx_net_info(const struct nx_net *n, struct nx_netport_info *out);
/* Debug kernels: make the NIC's driver fault (sys NX_SYSOP_DRIVER_CRASH). */
int nx_net_crash_driver(void);

#endif
