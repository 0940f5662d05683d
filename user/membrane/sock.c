/*
 * The socket table, sock_poll and the calls common to TCP and UDP
 * (sock.h). Sockets are indexes into a fixed table: no allocator, and a
 * stale number can only ever name a free or a newer socket.
 */
#include "nexus.h"

#include "membrane.h"
#include "sock_priv.h"

struct sock sock_table[SOCK_MAX];

struct sock *sock_get(int s)
{
	if (s < 0 || s >= SOCK_MAX || sock_table[s].state == SS_FREE)
		return NULL;
	return &sock_table[s];
}

int sock_index(const struct sock *s)
{
	return (int)(s - sock_table);
}

int sock_alloc(uint8_t type)
{
	for (int i = 0; i < SOCK_MAX; i++) {
		struct sock *s = &sock_table[i];

		if (s->state == SS_FREE) {
			memset(s, 0, sizeof(*s));
			s->type = type;
			s->state = SS_OPEN;
			return i;
		}
	}
	return -NX_ENOSPC;
}

void sock_free(struct sock *s)
{
	memset(s, 0, sizeof(*s));
}

ip_addr_t sock_ip(uint32_t host_order)
{
	ip_addr_t a;

	ip_addr_set_ip4_u32_val(a, lwip_htonl(host_order));
	return a;
}

int sock_err_from_lwip(err_t err)
{
	switch (err) {
	case ERR_OK: return 0;
	case ERR_MEM: case ERR_BUF: return -NX_ENOMEM;
	case ERR_TIMEOUT: return -NX_ETIMEDOUT;
	case ERR_RTE: return -SOCK_EHOSTUNREACH;
	case ERR_INPROGRESS: case ERR_WOULDBLOCK: return -NX_EAGAIN;
	case ERR_USE: return -SOCK_EADDRINUSE;
	case ERR_ALREADY: case ERR_ISCONN: return -NX_EBUSY;
	case ERR_CONN: case ERR_CLSD: return -SOCK_ENOTCONN;
	case ERR_ABRT: return -SOCK_ECONNABORTED;
	case ERR_RST: return -SOCK_ECONNRESET;
	case ERR_IF: return -NX_EIO;
	default: return -NX_EINVAL;
	}
}

int sock_wait(struct sock *s, bool (*ready)(struct sock *s))
{
	return membrane_run((bool (*)(void *))ready, s, membrane_deadline(s->timeout_ms));
}

int sock_open(int type)
{
	int i, err;

	if (type != SOCK_STREAM && type != SOCK_DGRAM)
		return -NX_EINVAL;
	if ((i = sock_alloc((uint8_t)type)) < 0)
		return i;
	err = type == SOCK_STREAM ? sock_tcp_open(&sock_table[i]) :
				    sock_udp_open(&sock_table[i]);
	if (err) {
		sock_free(&sock_table[i]);
		return err;
	}
	return i;
}

int sock_close(int i)
{
	struct sock *s = sock_get(i);

	if (!s)
		return -NX_EINVAL;
	if (s->type == SOCK_STREAM)
		sock_tcp_close(s);
	else
		sock_udp_close(s);
	sock_free(s);
	return 0;
}

int sock_set_nonblock(int i, bool on)
{
	struct sock *s = sock_get(i);

	if (!s)
		return -NX_EINVAL;
	s->nonblock = on;
	return 0;
}

int sock_set_timeout(int i, uint32_t ms)
{
	struct sock *s = sock_get(i);

	if (!s)
		return -NX_EINVAL;
	s->timeout_ms = ms;
	return 0;
}

static short sock_revents(struct sock *s, short events)
{
	short r = 0;

	if (s->type == SOCK_DGRAM) {
		if (s->dg_count)
			r |= SOCK_POLLIN;
		r |= SOCK_POLLOUT;
	} else if (s->state == SS_LISTENING) {
		if (s->bl_count)
			r |= SOCK_POLLIN;
	} else {
		if (sock_tcp_readable(s))
			r |= SOCK_POLLIN;
		if (sock_tcp_writable(s))
			r |= SOCK_POLLOUT;
		if (s->eof || (!s->tcp && s->state != SS_OPEN))
			r |= SOCK_POLLHUP;
	}
	if (s->err)
		r |= SOCK_POLLERR;
	return r & (events | SOCK_POLLERR | SOCK_POLLHUP);
}

struct poll_set {
	struct sock_pollfd *fds;
	int n, ready;
};

static bool poll_ready(void *arg)
{
	struct poll_set *ps = arg;

	ps->ready = 0;
	for (int i = 0; i < ps->n; i++) {
		struct sock *s = sock_get(ps->fds[i].sock);

		ps->fds[i].revents = s ? sock_revents(s, ps->fds[i].events) : SOCK_POLLERR;
		if (ps->fds[i].revents)
			ps->ready++;
	}
	return ps->ready > 0;
}

int sock_poll(struct sock_pollfd *fds, int n, int timeout_ms)
{
	struct poll_set ps = { fds, n, 0 };
	uint64_t deadline;

	if (timeout_ms == 0) {
		membrane_poll();
		poll_ready(&ps);
		return ps.ready;
	}
	deadline = timeout_ms < 0 ? NX_DEADLINE_NEVER : membrane_deadline((uint32_t)timeout_ms);
	if (membrane_run(poll_ready, &ps, deadline) == -NX_ETIMEDOUT)
		return 0;
	return ps.ready;
}

const char *sock_strerror(int64_t err)
{
	switch (-err) {
	case SOCK_EADDRINUSE: return "address in use";
	case SOCK_ECONNABORTED: return "connection aborted";
	case SOCK_ECONNRESET: return "connection reset by peer";
	case SOCK_ENOTCONN: return "not connected";
	case SOCK_ECONNREFUSED: return "connection refused";
	case SOCK_EHOSTUNREACH: return "host unreachable";
	}
	return nx_strerror(err);
}
