/*
 * nettest: a NetSwitch port end to end, with raw frames.
 *
 *   nettest          open the port, ask who has 10.0.2.2 (QEMU's user
 *                    network answers for its gateway) as 10.0.2.15, print
 *                    the answer and this port's counters; exit 0, or 1
 *                    when nobody answers within 5 seconds
 *   nettest noinet   drop the INET promise, then open the port: killed
 *   nettest nocap    narrow the net capability to RECV, then open the
 *                    port: refused with -NX_EPERM
 */
#include "nexus.h"
#include "nxnet.h"

#define ETHERTYPE_ARP	0x0806
#define ARP_FRAME	42		/* Ethernet header + ARP for IPv4 */
#define ETH_MIN		60		/* shortest frame on the wire, no FCS */
#define TRIES		5		/* one request a second */

static const uint8_t our_ip[4] = { 10, 0, 2, 15 };
static const uint8_t gateway_ip[4] = { 10, 0, 2, 2 };

static void print_mac(const char *before, const uint8_t *m, const char *after)
{
	printf("%s%02x:%02x:%02x:%02x:%02x:%02x%s", before, m[0], m[1], m[2], m[3], m[4],
	       m[5], after);
}

/* Who has @ip? Tell @our_ip at our MAC, to everyone. */
static void arp_request(const struct nx_net *n, const uint8_t *ip, uint8_t *f)
{
	static const uint8_t head[8] = { 0, 1, 0x08, 0x00, 6, 4, 0, 1 };	/* Ethernet, IPv4, request */

	memset(f, 0, ETH_MIN);
	memset(f, 0xff, 6);
	memcpy(f + 6, n->mac, 6);
	f[12] = ETHERTYPE_ARP >> 8;
	f[13] = ETHERTYPE_ARP & 0xff;
	memcpy(f + 14, head, sizeof(head));
	memcpy(f + 22, n->mac, 6);
	memcpy(f + 28, our_ip, 4);
	memcpy(f + 38, ip, 4);
}

/* The sender's MAC if @f is an ARP reply from @ip. */
static const uint8_t *arp_reply_from(const uint8_t *f, int len, const uint8_t *ip)
{
	if (len < ARP_FRAME || f[12] != ETHERTYPE_ARP >> 8 || f[13] != (ETHERTYPE_ARP & 0xff) ||
	    f[20] != 0 || f[21] != 2 || memcmp(f + 28, ip, 4))
		return NULL;
	return f + 22;
}

static int resolve(struct nx_net *n, const uint8_t *ip, uint8_t *mac)
{
	uint64_t second = nx_systable()->clock_freq;
	uint8_t f[NX_FRAME_DATA_MAX];
	int err;

	for (int t = 0; t < TRIES; t++) {
		uint64_t deadline = nx_clock() + second;

		arp_request(n, ip, f);
		err = nx_net_send(n, f, ETH_MIN);
		if (err)
			return err;
		while (nx_net_wait(n, deadline) == 0) {
			int len;

			while ((len = nx_net_recv(n, f, sizeof(f))) != 0) {
				const uint8_t *who = len > 0 ? arp_reply_from(f, len, ip) : NULL;

				if (who) {
					memcpy(mac, who, 6);
					return 0;
				}
			}
		}
	}
	return -NX_ETIMEDOUT;
}

static void print_counters(const struct nx_net *n)
{
	struct nx_netport_info p;

	if (nx_net_info(n, &p))
		return;
	printf("nettest: port %u: rx %lu frames %lu bytes, %lu filtered, %lu dropped; "
	       "tx %lu frames %lu bytes, %lu dropped\n", p.port, (unsigned long)p.rx_frames,
	       (unsigned long)p.rx_bytes, (unsigned long)p.rx_filtered,
	       (unsigned long)p.rx_drops, (unsigned long)p.tx_frames,
	       (unsigned long)p.tx_bytes, (unsigned long)p.tx_drops);
}

static int gateway(void)
{
	static const uint16_t arp_only[] = { ETHERTYPE_ARP };
	struct nx_net n, again;
	uint8_t mac[6];
	int err = nx_net_open(&n);

	if (err) {
		printf("nettest: cannot open a port: %s\n", nx_strerror(err));
		return 1;
	}
	printf("nettest: port %u, ", n.port);
	print_mac("mac ", n.mac, "\n");
	err = nx_net_open(&again);
	printf("nettest: a second port: %s\n", nx_strerror(err));
	err = nx_net_filter(&n, arp_only, 1, 0);
	if (!err)
		err = resolve(&n, gateway_ip, mac);
	if (err) {
		printf("nettest: no answer for 10.0.2.2: %s\n", nx_strerror(err));
		print_counters(&n);
		return 1;
	}
	print_mac("nettest: 10.0.2.2 is at ", mac, "\n");
	print_counters(&n);
	return 0;
}

static int without_inet(void)
{
	uint64_t spectrum = nx_systable()->pledges & NX_PLEDGE_SPECTRUM_MASK;
	struct nx_net n;
	int err = nx_pledge(NX_PLEDGE_STDIO | spectrum);

	if (err) {
		printf("nettest: pledge: %s\n", nx_strerror(err));
		return 1;
	}
	printf("nettest: INET dropped; opening a port\n");
	err = nx_net_open(&n);
	printf("nettest: NOT stopped: %s\n", nx_strerror(err));	/* never reached */
	return 1;
}

static int without_send(void)
{
	const struct nx_systable *st = nx_systable();
	struct nx_net n;
	int err = -NX_ENOENT;

	for (int i = 0; i < NX_CAP_SLOTS; i++)
		if (st->caps[i].type == NX_CAP_NET)
			err = nx_cap(NX_CAP_OP_MASK, i, NX_CAP_RECV, 0);
	if (err) {
		printf("nettest: narrowing the net capability: %s\n", nx_strerror(err));
		return 1;
	}
	err = nx_net_open(&n);
	printf("nettest: net capability without send: %s\n", nx_strerror(err));
	return err == -NX_EPERM ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 1)
		return gateway();
	if (argc == 2 && !strcmp(argv[1], "noinet"))
		return without_inet();
	if (argc == 2 && !strcmp(argv[1], "nocap"))
		return without_send();
	printf("usage: nettest [noinet | nocap]\n");
	return 2;
}
