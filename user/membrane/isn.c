/*
 * TCP initial sequence numbers as RFC 6528 asks: a clock ticking every
 * 4 microseconds plus a keyed hash (BLAKE3) of the connection's addresses
 * and ports. Without the key an off-path attacker cannot guess them, so
 * cannot inject into or reset a connection blind; and a new connection
 * on the same ports still starts above the old one, as TIME-WAIT reuse
 * needs. lwIP's own ISN is a counter anyone can predict.
 *
 * The key is drawn at the first connection, not at start: by then the
 * random state (sys.c) has taken in the times of the DHCP exchange.
 * There is no hardware entropy source yet, so that is all it has.
 */
#include "blake3.h"
#include "nexus.h"

#include "hooks.h"
#include "membrane.h"

static uint8_t isn_key[BLAKE3_KEY_LEN];
static bool isn_keyed;

static void isn_put(uint8_t *p, const ip_addr_t *ip, u16_t port)
{
	u32_t a = ip4_addr_get_u32(ip_2_ip4(ip));

	memcpy(p, &a, 4);
	memcpy(p + 4, &port, 2);
}

u32_t membrane_tcp_isn(const ip_addr_t *local_ip, u16_t local_port,
		       const ip_addr_t *remote_ip, u16_t remote_port)
{
	uint64_t freq = nx_systable()->clock_freq, per_4us = freq / 250000;
	uint8_t tuple[12];
	blake3_hasher h;
	u32_t f;

	if (!isn_keyed) {
		for (size_t i = 0; i < sizeof(isn_key); i += 4) {
			u32_t r = membrane_rand();

			memcpy(isn_key + i, &r, 4);
		}
		isn_keyed = true;
	}
	isn_put(tuple, local_ip, local_port);
	isn_put(tuple + 6, remote_ip, remote_port);
	blake3_hasher_init_keyed(&h, isn_key);
	blake3_hasher_update(&h, tuple, sizeof(tuple));
	blake3_hasher_finalize(&h, (uint8_t *)&f, sizeof(f));
	return f + (u32_t)(nx_clock() / (per_4us ? per_4us : 1));
}
