/*
 * The Membrane's poll loop and start-up (membrane.h). lwIP runs with
 * NO_SYS: nothing here is reentrant and nothing needs to be, since the
 * app has one fiber and lwIP's callbacks run inside membrane_poll().
 */
#include <nexus/net.h>

#include "nexus.h"

#include "lwip/dhcp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/sys.h"

#include "membrane.h"
#include "nxif.h"
#include "pace.h"
#include "timers.h"

/* Frames per round: enough to empty the port's ring, bounded so timers
 * and the app's own work still run under a flood. */
#define POLL_BATCH	NX_NET_RING_SLOTS

static struct netif nif;
static bool started;
static uint64_t wakeups;

void membrane_poll(void)
{
	membrane_pace();
	nxif_poll(&nif, POLL_BATCH);
	timers_run(sys_now());
}

uint64_t membrane_deadline(uint32_t ms)
{
	return ms ? nx_clock() + membrane_ms_to_ticks(ms) : NX_DEADLINE_NEVER;
}

static bool before(uint64_t a, uint64_t b)
{
	return b == NX_DEADLINE_NEVER || (a != NX_DEADLINE_NEVER && a < b);
}

int membrane_run(bool (*done)(void *arg), void *arg, uint64_t deadline)
{
	for (;;) {
		unsigned frames;
		uint32_t sleep_ms;
		uint64_t now, wake;

		membrane_pace();
		frames = nxif_poll(&nif, POLL_BATCH);
		now = nx_clock();
		sleep_ms = timers_run(membrane_ticks_to_ms(now));
		if (done && done(arg))
			return 0;
		if (deadline != NX_DEADLINE_NEVER && now >= deadline)
			return -NX_ETIMEDOUT;
		/* A full batch may have left frames behind: go round again. */
		if (frames == POLL_BATCH)
			continue;
		wake = sleep_ms == TIMERS_NONE ? NX_DEADLINE_NEVER :
		       now + membrane_ms_to_ticks(sleep_ms ? sleep_ms : 1);
		nxif_wait(before(wake, deadline) ? wake : deadline);
		wakeups++;
		pace_woke();
		membrane_rand_stir(now ^ nx_clock());
	}
}

static bool have_lease(void *arg)
{
	(void)arg;
	return dhcp_supplied_address(&nif);
}

int membrane_start(uint32_t dhcp_timeout_ms)
{
	const char *app = nx_systable()->name;
	int err;

	if (started)
		return 0;
	err = nxif_open();
	if (err < 0) {
		printf("%s: cannot open the network port: %s\n", app, nx_strerror(err));
		return err;
	}
	membrane_rand_stir(nx_clock());
	pace_init();
	lwip_init();
	if (!netif_add(&nif, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4, NULL,
		       nxif_init, netif_input)) {
		printf("%s: lwIP refused the interface\n", app);
		return -NX_EIO;
	}
	netif_set_default(&nif);
	netif_set_up(&nif);
	membrane_rand_stir(nif.hwaddr[5]);
	timers_init(&nif, sys_now());
	if (dhcp_start(&nif) != ERR_OK) {
		printf("%s: cannot start DHCP\n", app);
		return -NX_ENOMEM;
	}
	err = membrane_run(have_lease, NULL, membrane_deadline(dhcp_timeout_ms));
	if (err) {
		printf("%s: no DHCP lease after %u ms (is a NIC attached and the "
		       "network up?)\n", app, dhcp_timeout_ms);
		return err;
	}
	started = true;
	return 0;
}

uint32_t membrane_ip(void)
{
	return lwip_ntohl(ip4_addr_get_u32(netif_ip4_addr(&nif)));
}

uint32_t membrane_netmask(void)
{
	return lwip_ntohl(ip4_addr_get_u32(netif_ip4_netmask(&nif)));
}

uint32_t membrane_gateway(void)
{
	return lwip_ntohl(ip4_addr_get_u32(netif_ip4_gw(&nif)));
}

void membrane_mac(uint8_t mac[6])
{
	memcpy(mac, nif.hwaddr, 6);
}

void membrane_counters(struct membrane_counters *c)
{
	nxif_counters(c);
	c->wakeups = wakeups;
	c->rests = pace_rests();
}
