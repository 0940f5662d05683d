/*
 * lwIP's cyclic timers without its timeout list (timers.h). Each handler
 * has a period and a test of whether it has work:
 *
 *   tcp_tmr         250 ms  while a connection is open or in TIME-WAIT
 *   dhcp_fine_tmr   500 ms  while a DHCP request awaits its answer
 *   dhcp_coarse_tmr  60 s   always (lease renewal)
 *   etharp_tmr        1 s   never wakes the app; it runs when due while the
 *                           app is awake anyway. Entries then age a little
 *                           late, which is harmless: a used entry is
 *                           refreshed by ARP itself before it expires.
 *
 * A handler that had no work is re-armed one period after its work
 * appears, as lwIP's own tcp_timer_needed() does, so its first run is
 * never early. The idle cost is one wake-up a minute.
 */
#include <stdbool.h>

#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/priv/tcp_priv.h"

#include "timers.h"

struct timer {
	uint32_t period;		/* ms */
	void (*run)(void);
	bool (*busy)(void);		/* NULL: always has work */
	bool wakes;			/* may wake a sleeping app */
	bool armed;
	uint32_t due;			/* ms, valid when armed */
};

static struct netif *timers_nif;

static bool tcp_busy(void)
{
	return tcp_active_pcbs || tcp_tw_pcbs;
}

static bool dhcp_busy(void)
{
	struct dhcp *d = netif_dhcp_data(timers_nif);

	return d && d->request_timeout > 0;
}

static struct timer timers[] = {
	{ TCP_TMR_INTERVAL, tcp_tmr, tcp_busy, true, false, 0 },
	{ DHCP_FINE_TIMER_MSECS, dhcp_fine_tmr, dhcp_busy, true, false, 0 },
	{ DHCP_COARSE_TIMER_MSECS, dhcp_coarse_tmr, NULL, true, false, 0 },
	{ ARP_TMR_INTERVAL, etharp_tmr, NULL, false, false, 0 },
};

void timers_init(struct netif *nif, uint32_t now_ms)
{
	timers_nif = nif;
	for (unsigned i = 0; i < sizeof(timers) / sizeof(timers[0]); i++)
		timers[i].armed = false;
	timers_run(now_ms);
}

/* Wrap-safe "a is at or after b" for millisecond stamps. */
static bool ms_reached(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}

uint32_t timers_run(uint32_t now)
{
	uint32_t next = TIMERS_NONE;

	for (unsigned i = 0; i < sizeof(timers) / sizeof(timers[0]); i++) {
		struct timer *t = &timers[i];

		if (t->armed && ms_reached(now, t->due)) {
			t->run();
			t->armed = false;
		}
		if (t->busy && !t->busy()) {
			t->armed = false;
			continue;
		}
		if (!t->armed) {
			t->armed = true;
			t->due = now + t->period;
		}
		if (t->wakes && t->due - now < next)
			next = t->due - now;
	}
	return next;
}
