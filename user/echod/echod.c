/*
 * echod [PORT]: an echo server (default port 7), TCP and UDP. Every TCP
 * connection gets back what it sends, until it closes, up to ECHOD_MAX
 * at once, each served when sock_poll says it has data; every UDP
 * datagram goes back to its sender.
 */
#include "nexus.h"

#include "hosts.h"
#include "membrane.h"
#include "sock.h"

#define ECHOD_MAX	16

static char buf[4096];
static int clients[ECHOD_MAX];
static int nclients;

static void drop(int i)
{
	sock_close(clients[i]);
	clients[i] = clients[--nclients];
}

/* Echoes what is there; false when the client is gone. */
static bool echo_some(int s)
{
	int64_t n = sock_recv(s, buf, sizeof(buf));

	if (n == -NX_EAGAIN)
		return true;
	if (n <= 0)
		return false;
	/* Blocking for the reply: a client that does not read stalls
	 * only until its window fills, then times out. */
	sock_set_nonblock(s, false);
	n = sock_send(s, buf, (size_t)n);
	sock_set_nonblock(s, true);
	return n > 0;
}

static void echo_dgram(int u)
{
	struct sock_addr from;
	int64_t n;

	while ((n = sock_recvfrom(u, buf, sizeof(buf), &from)) >= 0)
		sock_sendto(u, buf, (size_t)n, &from);
}

static void accept_some(int l)
{
	while (nclients < ECHOD_MAX) {
		int c = sock_accept(l, NULL);

		if (c < 0)
			return;
		sock_set_nonblock(c, true);
		sock_set_timeout(c, 10000);
		clients[nclients++] = c;
	}
}

/* The TCP listener and the UDP socket, both on @port, non-blocking. */
static int open_both(uint16_t port, int *l, int *u)
{
	*l = sock_open(SOCK_STREAM);
	*u = sock_open(SOCK_DGRAM);
	if (*l < 0 || *u < 0 || sock_bind(*l, port) || sock_listen(*l, 0) ||
	    sock_bind(*u, port))
		return -NX_EBUSY;
	sock_set_nonblock(*l, true);
	sock_set_nonblock(*u, true);
	return 0;
}

int main(int argc, char **argv)
{
	struct sock_pollfd fds[ECHOD_MAX + 2];
	uint64_t port = 7;
	char ip[16];
	int l, u;

	if (argc > 2 || (argc == 2 && (!parse_u64(argv[1], &port) || !port || port > 65535))) {
		printf("usage: echod [PORT]\n");
		return 1;
	}
	if (membrane_start(MEMBRANE_DHCP_TIMEOUT_MS))
		return 1;
	nx_pledge(NX_PLEDGE_STDIO | NX_PLEDGE_INET |
		  (nx_systable()->pledges & NX_PLEDGE_SPECTRUM_MASK));
	if (open_both((uint16_t)port, &l, &u)) {
		printf("echod: cannot listen on port %lu\n", (unsigned long)port);
		return 1;
	}
	printf("echod: listening on %s:%lu\n", hosts_format_ipv4(membrane_ip(), ip, sizeof(ip)),
	       (unsigned long)port);
	for (;;) {
		fds[0] = (struct sock_pollfd){ l, nclients < ECHOD_MAX ? SOCK_POLLIN : 0, 0 };
		fds[1] = (struct sock_pollfd){ u, SOCK_POLLIN, 0 };
		for (int i = 0; i < nclients; i++)
			fds[i + 2] = (struct sock_pollfd){ clients[i], SOCK_POLLIN, 0 };
		if (sock_poll(fds, nclients + 2, -1) <= 0)
			continue;
		/* Backwards: drop() moves the last client into slot i. */
		for (int i = nclients - 1; i >= 0; i--)
			if (fds[i + 2].revents && !echo_some(clients[i]))
				drop(i);
		if (fds[1].revents & SOCK_POLLIN)
			echo_dgram(u);
		if (fds[0].revents & SOCK_POLLIN)
			accept_some(l);
	}
}
