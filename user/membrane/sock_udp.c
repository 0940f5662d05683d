/*
 * UDP sockets (sock.h): a short queue of received datagrams per socket;
 * when it is full, new ones are dropped, as a full socket buffer would.
 */
#include "nexus.h"

#include "membrane.h"
#include "sock_priv.h"

static void on_dgram(void *arg, struct udp_pcb *pcb, struct pbuf *p,
		     const ip_addr_t *addr, u16_t port)
{
	struct sock *s = arg;
	struct sock_dgram *d;

	(void)pcb;
	if (!s || s->dg_count == SOCK_DGRAM_QUEUE) {
		pbuf_free(p);
		return;
	}
	d = &s->dgram[(s->dg_head + s->dg_count) % SOCK_DGRAM_QUEUE];
	d->p = p;
	d->from.ip = lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(addr)));
	d->from.port = port;
	s->dg_count++;
}

int sock_udp_open(struct sock *s)
{
	s->udp = udp_new_ip_type(IPADDR_TYPE_V4);
	if (!s->udp)
		return -NX_ENOMEM;
	udp_recv(s->udp, on_dgram, s);
	return 0;
}

void sock_udp_close(struct sock *s)
{
	while (s->dg_count) {
		pbuf_free(s->dgram[s->dg_head].p);
		s->dg_head = (uint8_t)((s->dg_head + 1) % SOCK_DGRAM_QUEUE);
		s->dg_count--;
	}
	if (s->udp)
		udp_remove(s->udp);
}

int64_t sock_sendto(int i, const void *buf, size_t len, const struct sock_addr *to)
{
	struct sock *s = sock_get(i);
	ip_addr_t ip;
	struct pbuf *p;
	err_t err;

	if (!s || s->type != SOCK_DGRAM)
		return -NX_EINVAL;
	if (len > 65507)
		return -NX_E2BIG;
	p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM);
	if (!p)
		return -NX_ENOMEM;
	pbuf_take(p, buf, (u16_t)len);
	ip = sock_ip(to->ip);
	err = udp_sendto(s->udp, p, &ip, to->port);
	pbuf_free(p);
	return err == ERR_OK ? (int64_t)len : sock_err_from_lwip(err);
}

static bool have_dgram(struct sock *s)
{
	return s->dg_count > 0;
}

int64_t sock_recvfrom(int i, void *buf, size_t len, struct sock_addr *from)
{
	struct sock *s = sock_get(i);
	struct sock_dgram *d;
	u16_t n;
	int err;

	if (!s || s->type != SOCK_DGRAM)
		return -NX_EINVAL;
	if (!s->dg_count) {
		if (s->nonblock)
			return -NX_EAGAIN;
		if ((err = sock_wait(s, have_dgram)))
			return err;
	}
	d = &s->dgram[s->dg_head];
	n = pbuf_copy_partial(d->p, buf, (u16_t)(len < 0xffff ? len : 0xffff), 0);
	if (from)
		*from = d->from;
	pbuf_free(d->p);
	s->dg_head = (uint8_t)((s->dg_head + 1) % SOCK_DGRAM_QUEUE);
	s->dg_count--;
	return n;
}
