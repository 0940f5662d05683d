/*
 * lwIP configuration of the Membrane: the TCP/IP stack each networking
 * app carries (docs/net.md, "Membrane").
 *
 * NO_SYS: one fiber, no threads, so no locks, mailboxes or tcpip thread;
 * the app drives lwIP from its poll loop (membrane.c). LWIP_TIMERS is off
 * too: timers.c runs lwIP's cyclic handlers itself and only wakes the app
 * for the ones that have work, so an idle app sleeps.
 *
 * Buffers are sized for one app with a few dozen connections: a 16-segment
 * window each way per connection, a shared heap for outgoing data and a
 * pool of full-size frames for incoming ones.
 */
#ifndef MEMBRANE_LWIPOPTS_H
#define MEMBRANE_LWIPOPTS_H

#define NO_SYS				1
#define LWIP_TIMERS			0
#define SYS_LIGHTWEIGHT_PROT		0
#define LWIP_NETCONN			0
#define LWIP_SOCKET			0

/* Memory: all static, in the app's .bss. */
#define MEM_ALIGNMENT			8
#define MEM_SIZE			(192 * 1024)
#define MEMP_NUM_PBUF			64
#define MEMP_NUM_RAW_PCB		2
#define MEMP_NUM_UDP_PCB		8
#define MEMP_NUM_TCP_PCB		104
#define MEMP_NUM_TCP_PCB_LISTEN		4
#define MEMP_NUM_TCP_SEG		512
#define MEMP_NUM_ARP_QUEUE		16
#define PBUF_POOL_SIZE			96
/* A whole Ethernet frame (and the switch's largest) in one pool pbuf, so
 * a frame is received straight into it. */
#define PBUF_POOL_BUFSIZE		1536

/* IPv4 with ARP, ICMP, UDP, TCP and DHCP. No IPv6, DNS or fragments:
 * names come from /etc/hosts, and TCP never sends a fragment. */
#define LWIP_IPV4			1
#define LWIP_IPV6			0
#define LWIP_ARP			1
#define LWIP_ETHERNET			1
#define ARP_TABLE_SIZE			8
#define ARP_QUEUEING			1
#define ETHARP_SUPPORT_STATIC_ENTRIES	0
#define IP_REASSEMBLY			0
#define IP_FRAG				0
#define LWIP_ICMP			1
#define LWIP_RAW			1
#define LWIP_UDP			1
#define LWIP_TCP			1
#define LWIP_DHCP			1
/* Probing the offered address costs a second at start for nothing on a
 * network with one DHCP server that hands out distinct addresses. */
#define DHCP_DOES_ARP_CHECK		0
#define LWIP_AUTOIP			0
#define LWIP_IGMP			0
#define LWIP_DNS			0
#define LWIP_SINGLE_NETIF		1
#define LWIP_NETIF_HOSTNAME		0
#define LWIP_HAVE_LOOPIF		0
#define LWIP_NETIF_LOOPBACK		0

/* TCP: a 16-segment window each way. */
#define TCP_MSS				1460
#define TCP_WND				(16 * TCP_MSS)
#define TCP_SND_BUF			(16 * TCP_MSS)
#define TCP_SND_QUEUELEN		(4 * TCP_SND_BUF / TCP_MSS)
#define TCP_QUEUE_OOSEQ			1
#define TCP_LISTEN_BACKLOG		1
#define TCP_DEFAULT_LISTEN_BACKLOG	64
/* TIME-WAIT lasts at least 2 MSL (lwIP's 60 s MSL); lwIP recycles the
 * oldest when PCBs run out, and it never wakes the app (timers.c). */
#define TCP_OVERSIZE			TCP_MSS
#define LWIP_TCP_KEEPALIVE		0
#define LWIP_CALLBACK_API		1
#define LWIP_RANDOMIZE_INITIAL_LOCAL_PORTS 1
/* Unguessable initial sequence numbers (isn.c). */
#define LWIP_HOOK_FILENAME		"hooks.h"

#define LWIP_STATS			0
#define LWIP_NETIF_STATUS_CALLBACK	0
#define LWIP_NETIF_LINK_CALLBACK	0
#define LWIP_NETIF_TX_SINGLE_PBUF	0

/* Checksums in software, both ways: the switch passes frames unchanged. */
#define CHECKSUM_GEN_IP			1
#define CHECKSUM_GEN_UDP		1
#define CHECKSUM_GEN_TCP		1
#define CHECKSUM_GEN_ICMP		1
#define CHECKSUM_CHECK_IP		1
#define CHECKSUM_CHECK_UDP		1
#define CHECKSUM_CHECK_TCP		1
#define CHECKSUM_CHECK_ICMP		1
#define LWIP_CHECKSUM_ON_COPY		1

#endif
