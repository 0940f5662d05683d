/*
 * TCP sockets on lwIP's raw API (sock.h). lwIP calls back from inside
 * the poll loop; the callbacks only record what happened in the socket,
 * and the API calls act on it once the loop returns.
 *
 * Received data stays in lwIP's pbufs until the app reads it, and the
 * window is only reopened (tcp_recved) for what was read: an app that
 * does not read slows its sender down instead of filling memory.
 */
#include "nexus.h"

#include "membrane.h"
#include "sock_priv.h"

/* tcp_recved() and tcp_write() take 16-bit lengths. */
#define SOCK_CHUNK_MAX	0xffffu

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct sock *s = arg;

	if (!s) {
		/* Closed by the app: whatever still arrives is dropped. */
		if (p) {
			tcp_recved(pcb, p->tot_len);
			pbuf_free(p);
		}
		return ERR_OK;
	}
	if (!p) {
		s->eof = true;
		return ERR_OK;
	}
	(void)err;	/* always ERR_OK in this version of lwIP */
	if (s->rx)
		pbuf_cat(s->rx, p);
	else
		s->rx = p;
	return ERR_OK;
}

/* lwIP has already freed the pcb when it calls this. */
static void on_err(void *arg, err_t err)
{
	struct sock *s = arg;

	if (!s)
		return;
	s->tcp = NULL;
	if (s->state == SS_CONNECTING)
		s->err = err == ERR_RST ? -SOCK_ECONNREFUSED :
			 err == ERR_ABRT ? -NX_ETIMEDOUT : sock_err_from_lwip(err);
	else if (!s->err)
		s->err = sock_err_from_lwip(err);
}

static void sock_tcp_hook(struct sock *s, struct tcp_pcb *pcb)
{
	s->tcp = pcb;
	tcp_arg(pcb, s);
	tcp_recv(pcb, on_recv);
	tcp_err(pcb, on_err);
}

int sock_tcp_open(struct sock *s)
{
	struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);

	if (!pcb)
		return -NX_ENOMEM;
	sock_tcp_hook(s, pcb);
	return 0;
}

/* Reopen the window for @n bytes the app has taken or thrown away. */
static void sock_tcp_recved(struct tcp_pcb *pcb, size_t n)
{
	while (n) {
		u16_t c = (u16_t)(n < SOCK_CHUNK_MAX ? n : SOCK_CHUNK_MAX);

		tcp_recved(pcb, c);
		n -= c;
	}
}

void sock_tcp_close(struct sock *s)
{
	struct tcp_pcb *pcb = s->tcp;

	if (s->state == SS_LISTENING) {
		while (s->bl_count) {
			int c = s->backlog[s->bl_head];

			s->bl_head = (uint8_t)((s->bl_head + 1) % SOCK_BACKLOG_MAX);
			s->bl_count--;
			sock_close(c);
		}
		if (pcb) {
			tcp_arg(pcb, NULL);
			tcp_close(pcb);
		}
		return;
	}
	if (s->rx) {
		/* Unread data would make lwIP answer the close with a reset
		 * (and cut off what we sent): count it as read. */
		if (pcb)
			sock_tcp_recved(pcb, s->rx->tot_len);
		pbuf_free(s->rx);
		s->rx = NULL;
	}
	if (!pcb)
		return;
	tcp_arg(pcb, NULL);
	tcp_err(pcb, NULL);
	if (tcp_close(pcb) != ERR_OK)
		tcp_abort(pcb);
}

int sock_bind(int i, uint16_t port)
{
	struct sock *s = sock_get(i);
	ip_addr_t any = sock_ip(0);

	if (!s)
		return -NX_EINVAL;
	if (s->type == SOCK_DGRAM)
		return sock_err_from_lwip(udp_bind(s->udp, &any, port));
	if (!s->tcp || s->state != SS_OPEN)
		return -NX_EINVAL;
	return sock_err_from_lwip(tcp_bind(s->tcp, &any, port));
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct sock *l = arg, *s;
	int i;

	if (!l || err != ERR_OK || !pcb)
		return ERR_VAL;
	if (l->bl_count == l->bl_max || (i = sock_alloc(SOCK_STREAM)) < 0)
		return ERR_MEM;		/* lwIP resets the connection */
	s = &sock_table[i];
	s->state = SS_CONNECTED;
	sock_tcp_hook(s, pcb);
	l->backlog[(l->bl_head + l->bl_count) % SOCK_BACKLOG_MAX] = (int8_t)i;
	l->bl_count++;
	/* Counts against the listen backlog until the app accepts it, so
	 * lwIP stops taking new connections while these wait. */
	tcp_backlog_delayed(pcb);
	return ERR_OK;
}

int sock_listen(int i, int backlog)
{
	struct sock *s = sock_get(i);
	struct tcp_pcb *lpcb;
	err_t err;

	if (!s || s->type != SOCK_STREAM || !s->tcp || s->state != SS_OPEN)
		return -NX_EINVAL;
	if (backlog < 1 || backlog > SOCK_BACKLOG_MAX)
		backlog = SOCK_BACKLOG_MAX;
	lpcb = tcp_listen_with_backlog_and_err(s->tcp, (u8_t)backlog, &err);
	if (!lpcb)
		return sock_err_from_lwip(err);
	/* The listening pcb replaces the one we made; lwIP freed that one. */
	s->tcp = lpcb;
	s->state = SS_LISTENING;
	s->bl_max = (uint8_t)backlog;
	tcp_arg(lpcb, s);
	tcp_accept(lpcb, on_accept);
	return 0;
}

static bool can_accept(struct sock *s)
{
	return s->bl_count > 0;
}

int sock_accept(int i, struct sock_addr *peer)
{
	struct sock *s = sock_get(i);
	int c, err;

	if (!s || s->state != SS_LISTENING)
		return -NX_EINVAL;
	if (!s->bl_count) {
		if (s->nonblock)
			return -NX_EAGAIN;
		if ((err = sock_wait(s, can_accept)))
			return err;
	}
	c = s->backlog[s->bl_head];
	s->bl_head = (uint8_t)((s->bl_head + 1) % SOCK_BACKLOG_MAX);
	s->bl_count--;
	if (sock_table[c].tcp)
		tcp_backlog_accepted(sock_table[c].tcp);
	if (peer)
		sock_peer(c, peer);
	return c;
}

int sock_peer(int i, struct sock_addr *peer)
{
	struct sock *s = sock_get(i);

	if (!s || s->type != SOCK_STREAM || !s->tcp)
		return -SOCK_ENOTCONN;
	peer->ip = lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(&s->tcp->remote_ip)));
	peer->port = s->tcp->remote_port;
	return 0;
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct sock *s = arg;

	(void)pcb;
	if (s && err == ERR_OK)
		s->state = SS_CONNECTED;
	return ERR_OK;
}

static bool connect_done(struct sock *s)
{
	return s->state == SS_CONNECTED || s->err;
}

int sock_connect(int i, const struct sock_addr *to)
{
	struct sock *s = sock_get(i);
	ip_addr_t ip;
	int err;

	if (!s || s->type != SOCK_STREAM || !s->tcp || s->state != SS_OPEN)
		return -NX_EINVAL;
	ip = sock_ip(to->ip);
	err = sock_err_from_lwip(tcp_connect(s->tcp, &ip, to->port, on_connected));
	if (err)
		return err;
	s->state = SS_CONNECTING;
	err = sock_wait(s, connect_done);
	if (err == -NX_ETIMEDOUT && s->tcp) {
		tcp_arg(s->tcp, NULL);
		tcp_abort(s->tcp);
		s->tcp = NULL;
		s->err = err;
	}
	return err ? err : s->err;
}

bool sock_tcp_readable(struct sock *s)
{
	return s->rx || s->eof || s->err || (!s->tcp && s->state != SS_OPEN);
}

/* Room for at least a segment, or for everything if less is queued. */
bool sock_tcp_writable(struct sock *s)
{
	if (s->err || !s->tcp)
		return s->state == SS_CONNECTED;	/* send reports the error */
	return s->state == SS_CONNECTED && tcp_sndbuf(s->tcp) > 0 &&
	       tcp_sndqueuelen(s->tcp) < TCP_SND_QUEUELEN;
}

int64_t sock_recv(int i, void *buf, size_t len)
{
	struct sock *s = sock_get(i);
	size_t n;
	int err;

	if (!s || s->type != SOCK_STREAM || s->state < SS_CONNECTING)
		return -NX_EINVAL;
	if (!sock_tcp_readable(s)) {
		if (s->nonblock)
			return -NX_EAGAIN;
		if ((err = sock_wait(s, sock_tcp_readable)))
			return err;
	}
	/* Data that arrived before a reset is still delivered first. */
	if (s->rx) {
		if (len > SOCK_CHUNK_MAX)
			len = SOCK_CHUNK_MAX;
		n = pbuf_copy_partial(s->rx, buf, (u16_t)len, 0);
		s->rx = pbuf_free_header(s->rx, (u16_t)n);
		if (s->tcp)
			sock_tcp_recved(s->tcp, n);
		return (int64_t)n;
	}
	if (s->eof)
		return 0;
	return s->err ? s->err : -SOCK_ENOTCONN;
}

/* Queues what fits now; -NX_EAGAIN if nothing does. */
static int64_t send_some(struct sock *s, const uint8_t *buf, size_t len)
{
	size_t n = tcp_sndbuf(s->tcp);
	err_t err;

	if (n > len)
		n = len;
	if (n > SOCK_CHUNK_MAX)
		n = SOCK_CHUNK_MAX;
	if (n == 0 || tcp_sndqueuelen(s->tcp) >= TCP_SND_QUEUELEN)
		return -NX_EAGAIN;
	/* The heap (MEM_SIZE) is shared by every connection: when it is
	 * short, try a smaller piece before waiting. */
	while ((err = tcp_write(s->tcp, buf, (u16_t)n,
				TCP_WRITE_FLAG_COPY | (n < len ? TCP_WRITE_FLAG_MORE : 0))) ==
	       ERR_MEM && n > TCP_MSS)
		n /= 2;
	if (err == ERR_MEM)
		return -NX_EAGAIN;
	if (err != ERR_OK)
		return sock_err_from_lwip(err);
	return (int64_t)n;
}

static bool send_unblocked(struct sock *s)
{
	return s->err || !s->tcp || sock_tcp_writable(s);
}

int64_t sock_send(int i, const void *buf, size_t len)
{
	struct sock *s = sock_get(i);
	size_t done = 0;

	if (!s || s->type != SOCK_STREAM || s->state != SS_CONNECTED)
		return -NX_EINVAL;
	while (done < len) {
		int64_t n;
		int err;

		if (s->err || !s->tcp)
			return done ? (int64_t)done : (s->err ? s->err : -SOCK_ENOTCONN);
		n = send_some(s, (const uint8_t *)buf + done, len - done);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n != -NX_EAGAIN)
			return done ? (int64_t)done : n;
		tcp_output(s->tcp);
		if (s->nonblock)
			return done ? (int64_t)done : -NX_EAGAIN;
		/* A heap shortage with the window open needs other
		 * connections' ACKs: let a few milliseconds of them in. */
		if (sock_tcp_writable(s)) {
			membrane_run(NULL, NULL, membrane_deadline(5));
			continue;
		}
		/* Otherwise wait for this connection's ACKs to make room. */
		if ((err = sock_wait(s, send_unblocked)))
			return done ? (int64_t)done : err;
	}
	if (s->tcp)
		tcp_output(s->tcp);
	return (int64_t)done;
}
