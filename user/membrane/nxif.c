/*
 * The NetSwitch netif (nxif.h). The port's rings hold whole frames, so
 * one frame is one pool pbuf on the way in and one nx_net_send on the way
 * out. The switch drops frames we cannot take; we drop frames it cannot
 * take after a few yields: TCP retransmits either way, and a stuck ring
 * must not hang the app.
 */
#include "nexus.h"
#include "nxnet.h"

#include "lwip/etharp.h"
#include "lwip/pbuf.h"

#include "nxif.h"
#include "pace.h"
#include "timewait.h"

#define NXIF_TX_TRIES	64	/* yields to wait for room in the tx ring */
#define NXIF_SEND_UNITS	6	/* a notify's energy, and a clock() or so */

static struct nx_net port;
static struct membrane_counters counters;
static uint8_t tx_frame[NX_FRAME_DATA_MAX];

/* lwIP here speaks IPv4 and ARP only: the switch need not deliver the
 * rest (IPv6 router adverts, ...) just for lwIP to drop it. */
int nxif_open(void)
{
	static const uint16_t types[] = { ETHTYPE_IP, ETHTYPE_ARP };
	int err = nx_net_open(&port);

	if (err)
		return err;
	return nx_net_filter(&port, types, 2, 0);
}

static err_t nxif_output(struct netif *nif, struct pbuf *p)
{
	const void *frame = p->payload;
	int err = -NX_EAGAIN;

	(void)nif;
	if (p->tot_len > sizeof(tx_frame)) {
		counters.tx_drops++;
		return ERR_BUF;
	}
	/* A chained pbuf (headers apart from data) is gathered first. */
	if (p->len != p->tot_len) {
		pbuf_copy_partial(p, tx_frame, p->tot_len, 0);
		frame = tx_frame;
	}
	for (int i = 0; i < NXIF_TX_TRIES && err == -NX_EAGAIN; i++) {
		err = nx_net_send(&port, frame, p->tot_len);
		if (err == -NX_EAGAIN)
			nx_yield();
	}
	pace_spent(NXIF_SEND_UNITS);
	if (err < 0) {
		counters.tx_drops++;
		return err == -NX_EAGAIN ? ERR_MEM : ERR_IF;
	}
	counters.tx_frames++;
	return ERR_OK;
}

err_t nxif_init(struct netif *nif)
{
	nif->name[0] = 'n';
	nif->name[1] = 'x';
	nif->mtu = 1500;
	nif->hwaddr_len = ETH_HWADDR_LEN;
	memcpy(nif->hwaddr, port.mac, ETH_HWADDR_LEN);
	nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET |
		     NETIF_FLAG_LINK_UP;
	nif->output = etharp_output;
	nif->linkoutput = nxif_output;
	return ERR_OK;
}

/*
 * With the pool empty (the app has not read what came in), a frame is
 * copied into the heap instead, and dropped if that is full too: the
 * ring is always drained, so the ACKs that free send buffers still get
 * through and waiting never turns into spinning on a full ring.
 */
static bool nxif_recv_spill(struct pbuf **out)
{
	static uint8_t rx_frame[NX_FRAME_DATA_MAX];
	int len = nx_net_recv(&port, rx_frame, sizeof(rx_frame));

	*out = NULL;
	if (len <= 0)
		return false;
	counters.rx_spills++;
	*out = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_RAM);
	if (*out)
		pbuf_take(*out, rx_frame, (u16_t)len);
	else
		counters.rx_drops++;
	return true;
}

/* One frame from the ring into *out (NULL if it had to be dropped);
 * false when the ring is empty. */
static bool nxif_recv(struct pbuf **out)
{
	struct pbuf *p = pbuf_alloc(PBUF_RAW, PBUF_POOL_BUFSIZE, PBUF_POOL);
	int len;

	if (!p)
		return nxif_recv_spill(out);
	len = nx_net_recv(&port, p->payload, p->len);
	if (len <= 0) {
		pbuf_free(p);
		return false;
	}
	pbuf_realloc(p, (u16_t)len);
	*out = p;
	return true;
}

unsigned nxif_poll(struct netif *nif, unsigned max)
{
	unsigned taken = 0;
	struct pbuf *p;

	while (taken < max && nxif_recv(&p)) {
		taken++;
		if (!p)
			continue;
		counters.rx_frames++;
		timewait_reopen(p);
		if (nif->input(p, nif) != ERR_OK)
			pbuf_free(p);
	}
	return taken;
}

void nxif_wait(uint64_t deadline)
{
	nx_net_wait(&port, deadline);
}

void nxif_counters(struct membrane_counters *c)
{
	*c = counters;
}
