/*
 * The Membrane: lwIP in the app, behind a small sockets API (sock.h).
 * One fiber drives everything from a poll loop: frames in from the
 * NetSwitch port, lwIP's timers, frames out. Blocking calls run that
 * loop until their condition holds; in between, the app sleeps on its
 * port until a frame arrives or the next lwIP timer is due.
 * docs/net.md ("Membrane") says why it is built this way.
 *
 * An app needs the INET promise and a net:send,recv capability.
 */
#ifndef MEMBRANE_H
#define MEMBRANE_H

#include <stdbool.h>
#include <stdint.h>

#define MEMBRANE_DHCP_TIMEOUT_MS	10000

/*
 * Opens the port, starts lwIP and waits up to @dhcp_timeout_ms for a DHCP
 * lease. 0, or -NX_E after printing what went wrong (no port, no lease).
 */
int membrane_start(uint32_t dhcp_timeout_ms);
/* The leased address, netmask and gateway, host byte order. */
uint32_t membrane_ip(void);
uint32_t membrane_netmask(void);
uint32_t membrane_gateway(void);
void membrane_mac(uint8_t mac[6]);

/*
 * Runs the stack until @done(@arg) holds (checked after each round) or
 * @deadline passes (absolute clock() ticks; NX_DEADLINE_NEVER waits as
 * long as it takes). 0, or -NX_ETIMEDOUT. @done may be NULL: then it
 * runs until the deadline.
 */
int membrane_run(bool (*done)(void *arg), void *arg, uint64_t deadline);
/* One round without sleeping (unless to rest): frames in, due timers. */
void membrane_poll(void);
/*
 * Rests until the next energy refill if the app's balance is low (pace.h
 * says why); true if it did. The poll loop calls it each round; an app
 * that does much work of its own between blocking calls calls it too,
 * once per unit of that work.
 */
bool membrane_pace(void);

/* clock() ticks in @ms milliseconds and back (wrapping, as lwIP's
 * millisecond clock does), and the deadline @ms from now
 * (NX_DEADLINE_NEVER for 0). */
uint64_t membrane_ms_to_ticks(uint32_t ms);
uint32_t membrane_ticks_to_ms(uint64_t ticks);
uint64_t membrane_deadline(uint32_t ms);

struct membrane_counters {
	uint64_t rx_frames;	/* frames handed to lwIP */
	uint64_t tx_frames;	/* frames the switch took */
	uint64_t tx_drops;	/* tx ring full for too long, or oversized */
	uint64_t rx_spills;	/* frames copied to the heap: pool empty */
	uint64_t rx_drops;	/* and the heap full too */
	uint64_t wakeups;	/* sleeps on the port that ended */
	uint64_t rests;		/* sleeps to let the energy balance refill */
};
void membrane_counters(struct membrane_counters *c);

/* For lwIP (arch/cc.h) and sys.c. */
void membrane_rand_stir(uint64_t x);

#endif
