/*
 * netbench send HOST PORT MB | netbench recv PORT: TCP throughput
 * through the Membrane. The sender writes MB MiB of a fixed pattern and
 * closes; the receiver counts until the stream ends and answers with the
 * count in decimal, so that a sender on the host (bench/netpeer.py, the
 * same protocol as the Linux peer's tcp_sink) knows when everything
 * arrived. Both print the bytes, the guest time taken and the rate in
 * guest time.
 */
#include "nexus.h"

#include "hosts.h"
#include "membrane.h"
#include "resolve.h"
#include "sock.h"

#define NETBENCH_CHUNK	(16 * 1024)

static uint8_t buf[NETBENCH_CHUNK];

static void report(const char *what, uint64_t bytes, uint64_t ticks)
{
	uint64_t us = ticks * 1000000 / nx_systable()->clock_freq;

	printf("netbench: %s %lu bytes in %lu.%03lu ms guest time: %lu KiB/s\n", what,
	       (unsigned long)bytes, (unsigned long)(us / 1000), (unsigned long)(us % 1000),
	       (unsigned long)(us ? bytes * 1000000 / us / 1024 : 0));
}

static int bench_send(const char *host, uint64_t port, uint64_t mib)
{
	struct sock_addr to = { .port = (uint16_t)port };
	uint64_t total = mib << 20, sent = 0, start;
	int s, err;

	if (resolve_host(host, &to.ip)) {
		printf("netbench: %s: unknown host\n", host);
		return 1;
	}
	nx_pledge(NX_PLEDGE_STDIO | NX_PLEDGE_INET |
		  (nx_systable()->pledges & NX_PLEDGE_SPECTRUM_MASK));
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)i;
	s = sock_open(SOCK_STREAM);
	sock_set_timeout(s, 15000);
	if ((err = sock_connect(s, &to))) {
		printf("netbench: %s:%lu: %s\n", host, (unsigned long)port, sock_strerror(err));
		return 1;
	}
	start = nx_clock();
	while (sent < total) {
		size_t n = total - sent < sizeof(buf) ? (size_t)(total - sent) : sizeof(buf);
		int64_t r = sock_send(s, buf, n);

		if (r < 0) {
			printf("netbench: send after %lu bytes: %s\n", (unsigned long)sent,
			       sock_strerror(r));
			return 1;
		}
		sent += (uint64_t)r;
	}
	sock_close(s);
	report("sent", sent, nx_clock() - start);
	return 0;
}

static int bench_recv(uint64_t port)
{
	uint64_t got = 0, start;
	char ip[16];
	int64_t n;
	int l, s;

	nx_pledge(NX_PLEDGE_STDIO | NX_PLEDGE_INET |
		  (nx_systable()->pledges & NX_PLEDGE_SPECTRUM_MASK));
	l = sock_open(SOCK_STREAM);
	if (l < 0 || sock_bind(l, (uint16_t)port) || sock_listen(l, 1)) {
		printf("netbench: cannot listen on port %lu\n", (unsigned long)port);
		return 1;
	}
	printf("netbench: waiting on %s:%lu\n", hosts_format_ipv4(membrane_ip(), ip, sizeof(ip)),
	       (unsigned long)port);
	s = sock_accept(l, NULL);
	if (s < 0) {
		printf("netbench: accept: %s\n", sock_strerror(s));
		return 1;
	}
	start = nx_clock();
	while ((n = sock_recv(s, buf, sizeof(buf))) > 0)
		got += (uint64_t)n;
	if (n < 0)
		printf("netbench: recv after %lu bytes: %s\n", (unsigned long)got,
		       sock_strerror(n));
	report("received", got, nx_clock() - start);
	if (n == 0) {
		char reply[24];
		int len = snprintf(reply, sizeof(reply), "%lu\n", (unsigned long)got);

		sock_send(s, reply, (size_t)len);	/* a sender that left does not care */
	}
	sock_close(s);
	sock_close(l);
	return n < 0;
}

int main(int argc, char **argv)
{
	uint64_t port, mib;

	if (argc == 5 && !strcmp(argv[1], "send") && parse_u64(argv[3], &port) &&
	    port && port <= 65535 && parse_u64(argv[4], &mib) && mib && mib <= 4096) {
		if (membrane_start(MEMBRANE_DHCP_TIMEOUT_MS))
			return 1;
		return bench_send(argv[2], port, mib);
	}
	if (argc == 3 && !strcmp(argv[1], "recv") && parse_u64(argv[2], &port) &&
	    port && port <= 65535) {
		if (membrane_start(MEMBRANE_DHCP_TIMEOUT_MS))
			return 1;
		return bench_recv(port);
	}
	printf("usage: netbench send HOST PORT MB | netbench recv PORT\n");
	return 1;
}
