/*
 * ping HOST [COUNT]: ICMP echo requests, one a second (default 4), each
 * reply printed with its round-trip time in guest time. Exit status 0 if
 * any reply came back.
 */
#include "nexus.h"

#include "echo.h"
#include "hosts.h"
#include "membrane.h"
#include "resolve.h"

#define PING_PAYLOAD	56
#define PING_INTERVAL_MS 1000

static uint64_t ticks_to_us(uint64_t t)
{
	return t * 1000000 / nx_systable()->clock_freq;
}

/* Waits out one interval, printing the replies to @seq that come in. */
static unsigned ping_collect(uint16_t seq, uint64_t sent, uint64_t until,
			     uint64_t *min_us, uint64_t *max_us)
{
	struct echo_reply r;
	unsigned got = 0;
	char ip[16];

	while (echo_recv(&r, until) == 0) {
		uint64_t us = ticks_to_us(r.at - sent);

		if (r.seq != seq)
			continue;	/* late reply to an earlier request */
		printf("%u bytes from %s: icmp_seq=%u ttl=%u time=%lu.%03lu ms%s\n",
		       r.bytes, hosts_format_ipv4(r.from, ip, sizeof(ip)), r.seq, r.ttl,
		       (unsigned long)(us / 1000), (unsigned long)(us % 1000),
		       r.valid ? "" : " (payload differs)");
		if (us < *min_us)
			*min_us = us;
		if (us > *max_us)
			*max_us = us;
		got++;
	}
	return got;
}

int main(int argc, char **argv)
{
	uint64_t count = 4, min_us = UINT64_MAX, max_us = 0;
	unsigned received = 0;
	uint32_t to;
	char ip[16];
	int err;

	if (argc < 2 || argc > 3 || (argc == 3 && (!parse_u64(argv[2], &count) || !count ||
						   count > 65535))) {
		printf("usage: ping HOST [COUNT]\n");
		return 1;
	}
	if (membrane_start(MEMBRANE_DHCP_TIMEOUT_MS))
		return 1;
	if ((err = resolve_host(argv[1], &to))) {
		printf("ping: %s: unknown host\n", argv[1]);
		return 1;
	}
	/* Named: from here on only the network. */
	nx_pledge(NX_PLEDGE_STDIO | NX_PLEDGE_INET |
		  (nx_systable()->pledges & NX_PLEDGE_SPECTRUM_MASK));
	if ((err = echo_open((uint16_t)(nx_systable()->app_id ^ 0x4e58)))) {
		printf("ping: %s\n", nx_strerror(err));
		return 1;
	}
	printf("PING %s (%s): %d data bytes\n", argv[1], hosts_format_ipv4(to, ip, sizeof(ip)),
	       PING_PAYLOAD);
	for (uint16_t seq = 1; seq <= count; seq++) {
		uint64_t sent = nx_clock();

		err = echo_send(to, seq, PING_PAYLOAD);
		if (err)
			printf("ping: seq %u: %s\n", seq, nx_strerror(err));
		received += ping_collect(seq, sent, sent + membrane_ms_to_ticks(PING_INTERVAL_MS),
					 &min_us, &max_us);
	}
	printf("--- %s ping statistics ---\n%lu packets transmitted, %u received",
	       argv[1], (unsigned long)count, received);
	if (received)
		printf(", rtt min/max %lu.%03lu/%lu.%03lu ms", (unsigned long)(min_us / 1000),
		       (unsigned long)(min_us % 1000), (unsigned long)(max_us / 1000),
		       (unsigned long)(max_us % 1000));
	printf("\n");
	return received ? 0 : 1;
}
