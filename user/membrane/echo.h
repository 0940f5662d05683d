/*
 * ICMP echo (ping) on lwIP's raw API: requests out, replies that carry
 * our identifier in. One user per app.
 */
#ifndef MEMBRANE_ECHO_H
#define MEMBRANE_ECHO_H

#include <stddef.h>
#include <stdint.h>

#define ECHO_PAYLOAD_MAX	1024

struct echo_reply {
	uint32_t from;		/* host byte order */
	uint16_t seq;
	uint8_t ttl;
	uint16_t bytes;		/* ICMP message: header and payload */
	uint64_t at;		/* clock() when it was taken in */
	int valid;		/* payload as sent */
};

int echo_open(uint16_t id);
/* An echo request with @payload bytes of a pattern. */
int echo_send(uint32_t to, uint16_t seq, size_t payload);
/* The next reply, or -NX_ETIMEDOUT at @deadline (clock() ticks). */
int echo_recv(struct echo_reply *r, uint64_t deadline);

#endif
