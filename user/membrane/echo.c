/*
 * ICMP echo on a raw pcb (echo.h). lwIP's own ICMP code answers requests
 * sent to us; this only handles replies to ours, which it would drop.
 * Replies queue in a short ring until echo_recv takes them.
 */
#include "nexus.h"

#include "lwip/icmp.h"
#include "lwip/inet_chksum.h"
#include "lwip/ip.h"
#include "lwip/prot/ip4.h"
#include "lwip/raw.h"

#include "echo.h"
#include "membrane.h"
#include "sock_priv.h"

#define ECHO_QUEUE	8

static struct raw_pcb *echo_pcb;
static uint16_t echo_id;
static struct echo_reply queue[ECHO_QUEUE];
static unsigned q_head, q_count;

static uint8_t echo_pattern(size_t i)
{
	return (uint8_t)('a' + i % 26);
}

static bool echo_payload_ok(struct pbuf *p, u16_t off)
{
	uint8_t b;

	for (u16_t i = off; i < p->tot_len; i++) {
		if (pbuf_copy_partial(p, &b, 1, i) != 1 || b != echo_pattern(i - off))
			return false;
	}
	return true;
}

/* Returns 1 when the packet was ours (lwIP then frees nothing). */
static u8_t on_icmp(void *arg, struct raw_pcb *pcb, struct pbuf *p,
		    const ip_addr_t *addr)
{
	struct icmp_echo_hdr h;
	struct ip_hdr iph;
	struct echo_reply *r;
	u16_t hlen;

	(void)arg;
	(void)pcb;
	/* A raw pcb gets the packet with its IP header in front. */
	if (pbuf_copy_partial(p, &iph, sizeof(iph), 0) != sizeof(iph))
		return 0;
	hlen = (u16_t)(IPH_HL(&iph) * 4);
	if (pbuf_copy_partial(p, &h, sizeof(h), hlen) != sizeof(h) ||
	    h.type != ICMP_ER || lwip_ntohs(h.id) != echo_id)
		return 0;
	if (q_count < ECHO_QUEUE) {
		r = &queue[(q_head + q_count++) % ECHO_QUEUE];
		r->from = lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(addr)));
		r->seq = lwip_ntohs(h.seqno);
		r->ttl = IPH_TTL(&iph);
		r->bytes = (uint16_t)(p->tot_len - hlen);
		r->at = nx_clock();
		r->valid = echo_payload_ok(p, (u16_t)(hlen + sizeof(h)));
	}
	pbuf_free(p);
	return 1;
}

int echo_open(uint16_t id)
{
	if (echo_pcb)
		return -NX_EBUSY;
	echo_pcb = raw_new(IP_PROTO_ICMP);
	if (!echo_pcb)
		return -NX_ENOMEM;
	echo_id = id;
	raw_recv(echo_pcb, on_icmp, NULL);
	return 0;
}

int echo_send(uint32_t to, uint16_t seq, size_t payload)
{
	struct pbuf *p;
	struct icmp_echo_hdr *h;
	ip_addr_t dst = sock_ip(to);
	err_t err;

	if (!echo_pcb)
		return -NX_EINVAL;
	if (payload > ECHO_PAYLOAD_MAX)
		return -NX_E2BIG;
	p = pbuf_alloc(PBUF_IP, (u16_t)(sizeof(*h) + payload), PBUF_RAM);
	if (!p)
		return -NX_ENOMEM;
	h = p->payload;
	ICMPH_TYPE_SET(h, ICMP_ECHO);
	ICMPH_CODE_SET(h, 0);
	h->id = lwip_htons(echo_id);
	h->seqno = lwip_htons(seq);
	h->chksum = 0;
	for (size_t i = 0; i < payload; i++)
		((uint8_t *)(h + 1))[i] = echo_pattern(i);
	h->chksum = inet_chksum(h, (u16_t)(sizeof(*h) + payload));
	err = raw_sendto(echo_pcb, p, &dst);
	pbuf_free(p);
	return sock_err_from_lwip(err);
}

static bool have_reply(void *arg)
{
	(void)arg;
	return q_count > 0;
}

int echo_recv(struct echo_reply *r, uint64_t deadline)
{
	int err = membrane_run(have_reply, NULL, deadline);

	if (err)
		return err;
	*r = queue[q_head];
	q_head = (q_head + 1) % ECHO_QUEUE;
	q_count--;
	return 0;
}
