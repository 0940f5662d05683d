/*
 * A new connection over one in TIME-WAIT.
 *
 * lwIP answers a SYN for a connection it still holds in TIME-WAIT with a
 * bare ACK and drops it, and ignores the RST that ACK draws; Linux and
 * RFC 1122 (4.2.2.13) reopen the connection instead. Behind QEMU's user
 * network every client of the host is 10.0.2.2, and the host reuses a
 * source port at once (it closed second, so it keeps no TIME-WAIT): an
 * HTTP/1.0 server, which closes first, turned such a client away for the
 * whole 2 MSL, two minutes with lwIP's 60 s. So before lwIP sees a SYN,
 * the TIME-WAIT pcb of the same four-tuple is dropped, and the SYN opens
 * a new connection the ordinary way.
 */
#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"

#include "timewait.h"

#define ETH_HLEN	14
#define ETHTYPE_IP	0x0800
#define IPPROTO_TCP	6
#define TCP_SYN_ONLY	0x02	/* of SYN and ACK, SYN alone */

static uint16_t be16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

void timewait_reopen(const struct pbuf *p)
{
	const uint8_t *f = p->payload, *ip, *tcp;
	ip_addr_t src, dst;
	unsigned ihl;

	if (p->len < ETH_HLEN + 20 || be16(f + 12) != ETHTYPE_IP)
		return;
	ip = f + ETH_HLEN;
	ihl = (ip[0] & 0x0fu) * 4u;
	if ((ip[0] >> 4) != 4 || ip[9] != IPPROTO_TCP || ihl < 20 ||
	    p->len < ETH_HLEN + ihl + 20)
		return;
	tcp = ip + ihl;
	if ((tcp[13] & (TCP_SYN | TCP_ACK)) != TCP_SYN_ONLY)
		return;
	IP_ADDR4(&src, ip[12], ip[13], ip[14], ip[15]);
	IP_ADDR4(&dst, ip[16], ip[17], ip[18], ip[19]);
	for (struct tcp_pcb *pcb = tcp_tw_pcbs; pcb; pcb = pcb->next) {
		if (pcb->remote_port == be16(tcp) && pcb->local_port == be16(tcp + 2) &&
		    ip_addr_cmp(&pcb->remote_ip, &src) && ip_addr_cmp(&pcb->local_ip, &dst)) {
			tcp_abort(pcb);		/* in TIME-WAIT: freed, nothing sent */
			return;
		}
	}
}
