/*
 * echod [PORT]: a TCP echo server (default port 7). Every connection gets
 * back what it sends, until it closes; up to ECHOD_MAX at once, each
 * served when sock_poll says it has data.
 */
#include "nexus.h"

#include "hosts.h"
#include "membrane.h"
#include "sock.h"

#define ECHOD_MAX	16

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
	static char buf[4096];
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

int main(int argc, char **argv)
{
	struct sock_pollfd fds[ECHOD_MAX + 1];
	uint64_t port = 7;
	char ip[16];
	int l;

	if (argc > 2 || (argc == 2 && (!parse_u64(argv[1], &port) || !port || port > 65535))) {
		printf("usage: echod [PORT]\n");
		return 1;
	}
	if (membrane_start(MEMBRANE_DHCP_TIMEOUT_MS))
		return 1;
	nx_pledge(NX_PLEDGE_STDIO | NX_PLEDGE_INET |
		  (nx_systable()->pledges & NX_PLEDGE_SPECTRUM_MASK));
	l = sock_open(SOCK_STREAM);
	if (l < 0 || sock_bind(l, (uint16_t)port) || sock_listen(l, 0)) {
		printf("echod: cannot listen on port %lu\n", (unsigned long)port);
		return 1;
	}
	sock_set_nonblock(l, true);
	printf("echod: listening on %s:%lu\n", hosts_format_ipv4(membrane_ip(), ip, sizeof(ip)),
	       (unsigned long)port);
	for (;;) {
		fds[0] = (struct sock_pollfd){ l, nclients < ECHOD_MAX ? SOCK_POLLIN : 0, 0 };
		for (int i = 0; i < nclients; i++)
			fds[i + 1] = (struct sock_pollfd){ clients[i], SOCK_POLLIN, 0 };
		if (sock_poll(fds, nclients + 1, -1) <= 0)
			continue;
		for (int i = nclients - 1; i >= 0; i--)
			if (fds[i + 1].revents && !echo_some(clients[i]))
				drop(i);
		while (nclients < ECHOD_MAX && (fds[0].revents & SOCK_POLLIN)) {
			int c = sock_accept(l, NULL);

			if (c < 0)
				break;
			sock_set_nonblock(c, true);
			sock_set_timeout(c, 10000);
			clients[nclients++] = c;
		}
	}
}
