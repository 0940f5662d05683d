/*
 * The socket table, shared by sock.c (the table, poll, close), sock_tcp.c
 * and sock_udp.c. Not for apps.
 */
#ifndef MEMBRANE_SOCK_PRIV_H
#define MEMBRANE_SOCK_PRIV_H

#include "lwip/err.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"

#include "sock.h"

#define SOCK_BACKLOG_MAX	64
#define SOCK_DGRAM_QUEUE	8

enum sock_state {
	SS_FREE = 0,
	SS_OPEN,		/* made, not yet connected or listening */
	SS_LISTENING,
	SS_CONNECTING,
	SS_CONNECTED,		/* also after the peer closed: see eof */
};

struct sock_dgram {
	struct pbuf *p;
	struct sock_addr from;
};

/*
 * lwIP's callbacks write these fields from inside the poll loop; the API
 * functions read them after it returns. tcp is NULL once lwIP has freed
 * the connection (reset, abort): err then says why.
 */
struct sock {
	uint8_t type;			/* SOCK_STREAM, SOCK_DGRAM */
	uint8_t state;			/* enum sock_state */
	bool nonblock;
	bool eof;			/* TCP: the peer sent FIN */
	int err;			/* first error, negative; 0 if none */
	uint32_t timeout_ms;
	struct tcp_pcb *tcp;
	struct udp_pcb *udp;
	struct pbuf *rx;		/* TCP: received, not yet read */
	/* Listening: sockets of accepted connections, oldest first. */
	int8_t backlog[SOCK_BACKLOG_MAX];
	uint8_t bl_head, bl_count, bl_max;
	/* UDP: datagrams received, oldest first. */
	struct sock_dgram dgram[SOCK_DGRAM_QUEUE];
	uint8_t dg_head, dg_count;
};

extern struct sock sock_table[SOCK_MAX];

struct sock *sock_get(int s);
int sock_alloc(uint8_t type);
void sock_free(struct sock *s);
int sock_index(const struct sock *s);
int sock_err_from_lwip(err_t err);
/* Runs the poll loop until @ready(s), with s's timeout. 0 or -NX_E. */
int sock_wait(struct sock *s, bool (*ready)(struct sock *s));
ip_addr_t sock_ip(uint32_t host_order);

int sock_tcp_open(struct sock *s);
void sock_tcp_close(struct sock *s);
bool sock_tcp_readable(struct sock *s);
bool sock_tcp_writable(struct sock *s);
int sock_udp_open(struct sock *s);
void sock_udp_close(struct sock *s);

#endif
