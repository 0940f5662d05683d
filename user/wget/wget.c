/*
 * wget URL [FILE]: fetch http://HOST[:PORT]/PATH with HTTP/1.0; the body
 * goes to FILE, or to the console. Then one line: the bytes, the guest
 * time it took and the BLAKE3 hash of the body, so what arrived can be
 * checked against the original (b3sum) without printing it.
 */
#include "blake3.h"
#include "nexus.h"

#include "hosts.h"
#include "http.h"
#include "membrane.h"
#include "resolve.h"
#include "sock.h"
#include "url.h"

#define WGET_CONNECT_MS	10000
#define WGET_IDLE_MS	15000	/* no byte for this long: give up */
#define WGET_CHUNK	4096

static char head[HTTP_HEAD_MAX];
static uint8_t chunk[WGET_CHUNK];

struct body {
	int fd;				/* -1: the console */
	uint64_t bytes;
	blake3_hasher hash;
};

static int body_put(struct body *b, const void *data, size_t len)
{
	int64_t n;

	if (len == 0)
		return 0;
	blake3_hasher_update(&b->hash, data, len);
	b->bytes += len;
	if (b->fd < 0) {
		nx_write(data, len);
		return 0;
	}
	n = write(b->fd, data, len);
	return n == (int64_t)len ? 0 : (n < 0 ? (int)n : -NX_EIO);
}

static int fetch_head(int s, const struct url *u, struct http_response *r, size_t *got)
{
	int64_t n;
	int err;

	n = snprintf(head, sizeof(head), "GET %s HTTP/1.0\r\nHost: %s\r\n"
		     "User-Agent: nexus-wget\r\nConnection: close\r\n\r\n", u->path, u->host);
	if (n >= (int64_t)sizeof(head))
		return -NX_E2BIG;
	if ((n = sock_send(s, head, (size_t)n)) < 0)
		return (int)n;
	*got = 0;
	do {
		n = sock_recv(s, head + *got, sizeof(head) - *got);
		if (n < 0)
			return (int)n;
		if (n == 0)
			return -SOCK_ECONNRESET;	/* closed before a whole head */
		*got += (size_t)n;
		err = http_parse_response(head, *got, r);
	} while (err == -NX_EAGAIN);
	return err;
}

/* Everything after the head, to the end of the stream. */
static int fetch_body(int s, struct body *b, size_t got, const struct http_response *r)
{
	int64_t n;
	int err;

	if ((err = body_put(b, head + r->head_len, got - r->head_len)))
		return err;
	while ((n = sock_recv(s, chunk, sizeof(chunk))) > 0)
		if ((err = body_put(b, chunk, (size_t)n)))
			return err;
	if (n < 0)
		return (int)n;
	if (r->length >= 0 && b->bytes != (uint64_t)r->length) {
		printf("wget: short body: %lu of %ld bytes\n", (unsigned long)b->bytes,
		       (long)r->length);
		return -NX_EIO;
	}
	return 0;
}

static void report(struct body *b, uint64_t ticks)
{
	uint64_t freq = nx_systable()->clock_freq, us = ticks * 1000000 / freq;
	uint8_t sum[BLAKE3_OUT_LEN];
	char hex[2 * BLAKE3_OUT_LEN + 1];

	blake3_hasher_finalize(&b->hash, sum, sizeof(sum));
	for (int i = 0; i < BLAKE3_OUT_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", sum[i]);
	printf("%swget: %lu bytes in %lu.%03lu ms (%lu KiB/s), blake3 %s\n",
	       b->fd < 0 ? "\n" : "", (unsigned long)b->bytes, (unsigned long)(us / 1000),
	       (unsigned long)(us % 1000),
	       (unsigned long)(us ? b->bytes * 1000000 / us / 1024 : 0), hex);
}

static int connect_to(const struct url *u)
{
	struct sock_addr to = { .port = u->port };
	int s, err;

	if ((err = resolve_host(u->host, &to.ip))) {
		printf("wget: %s: unknown host (not an address, not in %s)\n", u->host,
		       RESOLVE_HOSTS_FILE);
		return err;
	}
	if ((s = sock_open(SOCK_STREAM)) < 0)
		return s;
	sock_set_timeout(s, WGET_CONNECT_MS);
	if ((err = sock_connect(s, &to))) {
		printf("wget: %s:%u: %s\n", u->host, u->port, sock_strerror(err));
		sock_close(s);
		return err;
	}
	sock_set_timeout(s, WGET_IDLE_MS);
	return s;
}

static int wget(const struct url *u, const char *file)
{
	struct body b = { .fd = -1 };
	struct http_response r;
	uint64_t start = nx_clock();
	size_t got;
	int s, err;

	if ((s = connect_to(u)) < 0)
		return 1;
	if ((err = fetch_head(s, u, &r, &got))) {
		printf("wget: no HTTP response: %s\n", sock_strerror(err));
		sock_close(s);
		return 1;
	}
	if (r.status != 200) {
		printf("wget: HTTP %d %s\n", r.status, http_reason(r.status));
		sock_close(s);
		return 1;
	}
	if (file && (b.fd = open(file, NX_O_WRITE | NX_O_CREATE | NX_O_TRUNC)) < 0) {
		printf("wget: %s: %s\n", file, nx_strerror(b.fd));
		sock_close(s);
		return 1;
	}
	/* From here on only the network and the open file are needed. */
	nx_pledge(NX_PLEDGE_STDIO | NX_PLEDGE_INET | (file ? NX_PLEDGE_WPATH : 0) |
		  (nx_systable()->pledges & NX_PLEDGE_SPECTRUM_MASK));
	blake3_hasher_init(&b.hash);
	err = fetch_body(s, &b, got, &r);
	sock_close(s);
	if (!err && b.fd >= 0)
		err = fsync(b.fd);
	if (b.fd >= 0)
		close(b.fd);
	if (err) {
		printf("wget: after %lu bytes: %s\n", (unsigned long)b.bytes, sock_strerror(err));
		return 1;
	}
	report(&b, nx_clock() - start);
	return 0;
}

int main(int argc, char **argv)
{
	struct url u;

	if (argc < 2 || argc > 3 || url_parse(argv[1], &u)) {
		printf("usage: wget http://HOST[:PORT][/PATH] [FILE]\n");
		return 1;
	}
	if (membrane_start(MEMBRANE_DHCP_TIMEOUT_MS))
		return 1;
	return wget(&u, argc == 3 ? argv[2] : NULL);
}
