/*
 * Sockets, the Membrane's way: a small BSD-like API over lwIP's raw API.
 * Sockets are small integers; calls return a value >= 0 or a negative
 * error: an NX_E (<nexus/errno.h>) or one of the SOCK_E below, which
 * sock_strerror() names. Blocking calls run the Membrane's poll loop
 * until they can finish, so the app sleeps meanwhile; a socket in
 * non-blocking mode returns -NX_EAGAIN instead, and sock_poll() waits on
 * several at once. Addresses are IPv4 in host byte order.
 */
#ifndef MEMBRANE_SOCK_H
#define MEMBRANE_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SOCK_MAX	96

#define SOCK_STREAM	1	/* TCP */
#define SOCK_DGRAM	2	/* UDP */

/* Network errors beyond <nexus/errno.h>, numbered as on Linux. */
#define SOCK_EADDRINUSE		98
#define SOCK_ECONNABORTED	103
#define SOCK_ECONNRESET		104
#define SOCK_ENOTCONN		107
#define SOCK_ECONNREFUSED	111
#define SOCK_EHOSTUNREACH	113

struct sock_addr {
	uint32_t ip;
	uint16_t port;
};

int sock_open(int type);
/* Local port; 0 picks one. */
int sock_bind(int s, uint16_t port);
int sock_listen(int s, int backlog);
/* A new socket for the oldest connection waiting; *peer if not NULL. */
int sock_accept(int s, struct sock_addr *peer);
int sock_connect(int s, const struct sock_addr *to);
/* Bytes queued (all of them, when blocking), or an error. */
int64_t sock_send(int s, const void *buf, size_t len);
/* Bytes read; 0 once the peer has closed and everything is read. */
int64_t sock_recv(int s, void *buf, size_t len);
/* UDP: one datagram each; a longer one is cut to @len. */
int64_t sock_sendto(int s, const void *buf, size_t len, const struct sock_addr *to);
int64_t sock_recvfrom(int s, void *buf, size_t len, struct sock_addr *from);
/* TCP: the data already queued goes out, then FIN; unread data is dropped. */
int sock_close(int s);
int sock_peer(int s, struct sock_addr *peer);
int sock_set_nonblock(int s, bool on);
/* Blocking calls on @s give up with -NX_ETIMEDOUT after @ms; 0: never. */
int sock_set_timeout(int s, uint32_t ms);

#define SOCK_POLLIN	0x1	/* data, end of stream, or (listening) a connection */
#define SOCK_POLLOUT	0x4	/* room to send */
#define SOCK_POLLERR	0x8	/* reset, refused, ... (always reported) */
#define SOCK_POLLHUP	0x10	/* the peer closed (always reported) */

struct sock_pollfd {
	int sock;
	short events;
	short revents;
};
/* How many of @fds are ready, 0 after @timeout_ms (-1: no timeout). */
int sock_poll(struct sock_pollfd *fds, int n, int timeout_ms);

const char *sock_strerror(int64_t err);

#endif
