/*
 * lwIP's cyclic timers without its timeout list (timers.h). Each handler
 * has a period, a test of whether it has work, and a test of whether
 * that work is worth waking a sleeping app for:
 *
 *   tcp_tmr         250 ms  works while a connection is open or in
 *                           TIME-WAIT; wakes the app only for open ones
 *   dhcp_fine_tmr   500 ms  works and wakes while a DHCP request awaits
 *                           its answer
 *   dhcp_coarse_tmr  60 s   always (lease renewal)
 *   etharp_tmr        1 s   always works, never wakes
 *
 * A handler that does not wake the app runs when due while the app is
 * awake anyway. TIME-WAIT then lasts longer than 2 MSL on an idle app,
 * which only makes it safer (lwIP recycles the oldest when it needs the
 * PCB), and ARP entries age a little late, which is harmless: a used
 * entry is refreshed by ARP itself before it expires.
 *
 * A handler that had no work is re-armed one period after its work
 * appears, as lwIP's own tcp_timer_needed() does, so its first run is
 * never early. An idle app wakes once a minute.
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
	bool (*wakes)(void);		/* may wake a sleeping app; NULL: never */
	bool armed;
	uint32_t due;			/* ms, valid when armed */
};

static struct netif *timers_nif;

static bool tcp_busy(void)
{
	return tcp_active_pcbs || tcp_tw_pcbs;
}

static bool tcp_open(void)
{
	return tcp_active_pcbs != NULL;
}

static bool always(void)
{
	return true;
}

static bool dhcp_busy(void)
{
	struct dhcp *d = netif_dhcp_data(timers_nif);

	return d && d->request_timeout > 0;
}

static struct timer timers[] = {
	{ TCP_TMR_INTERVAL, tcp_tmr, tcp_busy, tcp_open, false, 0 },
	{ DHCP_FINE_TIMER_MSECS, dhcp_fine_tmr, dhcp_busy, dhcp_busy, false, 0 },
	{ DHCP_COARSE_TIMER_MSECS, dhcp_coarse_tmr, NULL, always, false, 0 },
	{ ARP_TMR_INTERVAL, etharp_tmr, NULL, NULL, false, 0 },
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
		if (t->wakes && t->wakes() && t->due - now < next)
			next = t->due - now;
	}
	return next;
}
