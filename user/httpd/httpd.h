/* httpd's parts: the connection table (conn.c) and the /status page (status.c). */
#ifndef HTTPD_H
#define HTTPD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http.h"
#include "sock.h"

#define HTTPD_CONN_MAX	48
#define HTTPD_OUT_MAX	8192		/* a response head, a file chunk, /status */
#define HTTPD_READ_MS	10000		/* a request must arrive within this */
#define HTTPD_SEND_MS	30000		/* and a response make progress */
#define HTTPD_CACHE_FILES	16
#define HTTPD_CACHE_FILE_MAX	(16 * 1024)

struct httpd_stats {
	uint64_t requests, ok, not_found, refused, bad;
	uint64_t bytes;			/* body bytes sent */
	unsigned open;			/* connections now */
};

extern struct httpd_stats httpd_stats;
extern const char *httpd_root;

/* Takes a connection accepted on the listening socket. */
int conn_add(int sock);
/* Fills pollfds (one per open connection); returns how many. */
int conn_pollfds(struct sock_pollfd *fds, int max);
/* Acts on what sock_poll reported for each of those. */
void conn_service(const struct sock_pollfd *fds, int n);
/* Closes connections past their deadline; the ms to the next one, -1 if none. */
int conn_expire(void);

/* Files of a read-only root, in memory (cache.c). */
void cache_init(const char *root);
bool cache_find(const char *path, const char **file, const char **data, size_t *len);
/* Reads the open file whole into the cache and rewinds it; false if it
 * is not cached (too big, cache full, root not read-only). */
bool cache_add(const char *path, const char *file, int fd, uint64_t size);

/* The /status page into @buf; its length. */
size_t status_page(char *buf, size_t size);

#endif
