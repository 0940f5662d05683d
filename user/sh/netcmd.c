/*
 * ifconfig and netstat: the NetSwitch's ports, from info(NX_INFO_NETPORT).
 * The shell has no IP address of its own: each networking app runs its
 * own lwIP (the Membrane) and says its address when it starts, so both
 * commands show the switch's view: which app owns which port and MAC,
 * what it filters, and (netstat) what went through it.
 */
#include <nexus/net.h>

#include "netcmd.h"
#include "nexus.h"

static void mac_text(const uint8_t *m, char *out, size_t n)
{
	snprintf(out, n, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* "ipv4,arp" from the EtherType filter; "all" when it lists none. */
static void filter_text(const struct nx_netport_info *p, char *out, size_t n)
{
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < NX_NET_ETHERTYPES && len < n; i++) {
		uint16_t t = p->ethertype[i];

		if (!t)
			continue;
		len += (size_t)snprintf(out + len, n - len, "%s%s", len ? "," : "",
					t == 0x0800 ? "ipv4" : t == 0x0806 ? "arp" :
					t == 0x86dd ? "ipv6" : "other");
	}
	if (!len)
		snprintf(out, n, "all");
	if (p->flags & NX_NETF_MULTICAST && len + 1 < n)
		snprintf(out + strlen(out), n - strlen(out), "+mcast");
}

/* Calls @row for each port; an error if there is none (no NIC). */
static int each_port(void (*row)(const struct nx_netport_info *p))
{
	struct nx_netport_info p;
	uint64_t i;
	int64_t err = 0;

	for (i = 0; (err = nx_info(NX_INFO_NETPORT, i, &p, sizeof(p))) >= 0; i++)
		row(&p);
	if (i == 0) {
		printf("no network: %s\n", nx_strerror(err));
		return 1;
	}
	return 0;
}

static void ifconfig_row(const struct nx_netport_info *p)
{
	char mac[18], filter[40];

	mac_text(p->mac, mac, sizeof(mac));
	filter_text(p, filter, sizeof(filter));
	printf("%4u %-16.16s %5u %s %s\n", p->port, p->name, p->app_id, mac,
	       p->flags & NX_NETF_UPLINK ? "uplink" : filter);
}

int cmd_ifconfig(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("port name               app mac               filter\n");
	return each_port(ifconfig_row);
}

static void netstat_row(const struct nx_netport_info *p)
{
	char mac[18];

	mac_text(p->mac, mac, sizeof(mac));
	printf("%4u %-12.12s %s %9lu %11lu %7lu %7lu %9lu %11lu %7lu\n", p->port, p->name,
	       mac, (unsigned long)p->rx_frames, (unsigned long)p->rx_bytes,
	       (unsigned long)p->rx_drops, (unsigned long)p->rx_filtered,
	       (unsigned long)p->tx_frames, (unsigned long)p->tx_bytes,
	       (unsigned long)p->tx_drops);
}

int cmd_netstat(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("port name         mac               rx-frames    rx-bytes rx-drop "
	       "filterd tx-frames    tx-bytes tx-drop\n");
	return each_port(netstat_row);
}
