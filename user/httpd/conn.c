/*
 * httpd's connections: a fixed table, each a small state machine driven
 * by sock_poll. A connection reads its request head, then sends the
 * response head, then the body (from memory, or from its file one chunk
 * at a time) whenever its socket has room; a slow client therefore holds
 * only its own slot. HTTP/1.0: one request per connection, closed after
 * the response.
 */
#include "nexus.h"

#include "hosts.h"
#include "httpd.h"
#include "membrane.h"

enum conn_state { CONN_FREE, CONN_READ, CONN_SEND };

struct conn {
	enum conn_state state;
	int sock;
	uint64_t deadline;		/* clock(): closed if nothing happens by then */
	size_t req_len;
	const char *src;		/* going out now: src[src_off, src_len) */
	size_t src_len, src_off;
	const char *body;		/* then this, if not NULL */
	size_t body_len;
	int fd;				/* then this file through out, if >= 0 */
	uint64_t file_left;
	char req[HTTP_HEAD_MAX];
	char out[HTTPD_OUT_MAX];
};

static struct conn conns[HTTPD_CONN_MAX];
struct httpd_stats httpd_stats;

static void conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	sock_close(c->sock);
	c->state = CONN_FREE;
	httpd_stats.open--;
}

static void conn_touch(struct conn *c, uint32_t ms)
{
	c->deadline = nx_clock() + membrane_ms_to_ticks(ms);
}

int conn_add(int sock)
{
	for (int i = 0; i < HTTPD_CONN_MAX; i++) {
		struct conn *c = &conns[i];

		if (c->state != CONN_FREE)
			continue;
		*c = (struct conn){ .state = CONN_READ, .sock = sock, .fd = -1 };
		conn_touch(c, HTTPD_READ_MS);
		sock_set_nonblock(sock, true);
		httpd_stats.open++;
		return 0;
	}
	return -NX_ENOSPC;
}

/* The head, and then @body (copied if it fits beside the head). */
static void conn_respond(struct conn *c, int status, const char *type,
			 const char *body, size_t len, bool head_only)
{
	size_t n = http_response_head(c->out, sizeof(c->out), status, type, len);

	c->body = NULL;
	if (!head_only && body) {
		if (n + len <= sizeof(c->out)) {
			memcpy(c->out + n, body, len);
			n += len;
		} else {
			c->body = body;
			c->body_len = len;
		}
		httpd_stats.bytes += len;
	}
	c->src = c->out;
	c->src_len = n;
	c->src_off = 0;
	c->state = CONN_SEND;
	conn_touch(c, HTTPD_SEND_MS);
}

static void conn_error(struct conn *c, int status)
{
	char body[64];
	int n = snprintf(body, sizeof(body), "%d %s\n", status, http_reason(status));

	if (status == 404)
		httpd_stats.not_found++;
	else if (status == 403)
		httpd_stats.refused++;
	else
		httpd_stats.bad++;
	conn_respond(c, status, "text/plain", body, (size_t)n, false);
}

/* Opens root + path (index.html for a directory) and names it in @full. */
static int conn_open_file(const char *path, char *full, size_t size,
			  uint64_t *file_size)
{
	struct nx_stat st;
	size_t n;
	int err, fd;

	n = (size_t)snprintf(full, size, "%s%s", httpd_root, path);
	if (n < size && full[n - 1] == '/')
		n += (size_t)snprintf(full + n, size - n, "index.html");
	if (n >= size)
		return -NX_ENOENT;
	if ((err = nx_stat(full, &st)))
		return err;
	if (st.type == NX_FT_DIR) {
		n += (size_t)snprintf(full + n, size - n, "/index.html");
		if (n >= size || (err = nx_stat(full, &st)))
			return -NX_ENOENT;
	}
	if (st.type != NX_FT_FILE)
		return -NX_ENOENT;
	fd = open(full, NX_O_READ);
	*file_size = st.size;
	return fd;
}

static void conn_file(struct conn *c, const char *path, bool head_only)
{
	char full[NX_PATH_MAX];
	const char *file, *data;
	uint64_t size;
	size_t len;
	int fd;

	if (!cache_find(path, &file, &data, &len)) {
		fd = conn_open_file(path, full, sizeof(full), &size);
		if (fd < 0) {
			conn_error(c, 404);
			return;
		}
		if (!cache_add(path, full, fd, size)) {
			httpd_stats.ok++;
			conn_respond(c, 200, http_content_type(full), NULL, size, true);
			if (head_only) {
				close(fd);
				return;
			}
			c->fd = fd;
			c->file_left = size;
			httpd_stats.bytes += size;
			return;
		}
		close(fd);
		cache_find(path, &file, &data, &len);
	}
	httpd_stats.ok++;
	conn_respond(c, 200, http_content_type(file), data, len, head_only);
}

/* A request that tried to climb out of the root is worth a line: who,
 * and the target as sent (the parser has checked it is printable). */
static void conn_log_refusal(struct conn *c)
{
	const char *target = memchr(c->req, ' ', c->req_len), *end;
	struct sock_addr peer = { 0, 0 };
	char ip[16];

	if (!target++ || !(end = memchr(target, ' ', c->req_len - (size_t)(target - c->req))))
		return;
	sock_peer(c->sock, &peer);
	printf("httpd: refused %.*s from %s:%u (outside %s)\n", (int)(end - target), target,
	       hosts_format_ipv4(peer.ip, ip, sizeof(ip)), peer.port, httpd_root);
}

/*
 * httpd does not follow a climbing path, but it asks the kernel for it
 * anyway: unveil refuses it a second time, and that refusal is what puts
 * the attempt in the audit log, under this app's name.
 */
static void conn_show_kernel(const char *path)
{
	char full[NX_PATH_MAX];
	struct nx_stat st;

	if ((size_t)snprintf(full, sizeof(full), "%s%s", httpd_root, path) < sizeof(full) &&
	    nx_stat(full, &st) == 0)
		printf("httpd: the kernel let %s through: unveil is not in force\n", full);
}

static void conn_request(struct conn *c, size_t head_len)
{
	struct http_request req;
	bool head_only;
	int err;

	httpd_stats.requests++;
	err = http_parse_request(c->req, head_len, &req);
	if (err == -NX_EPERM) {
		conn_log_refusal(c);
		conn_show_kernel(req.path);
	}
	if (err) {
		conn_error(c, err == -NX_EPERM ? 403 : 400);
		return;
	}
	head_only = !strcmp(req.method, "HEAD");
	if (!head_only && strcmp(req.method, "GET")) {
		conn_error(c, 405);
		return;
	}
	if (!strcmp(req.path, "/status")) {
		static char page[HTTPD_OUT_MAX - 256];
		size_t len = status_page(page, sizeof(page));

		httpd_stats.ok++;
		conn_respond(c, 200, "text/plain", page, len, head_only);
		return;
	}
	conn_file(c, req.path, head_only);
}

static void conn_read(struct conn *c)
{
	int64_t n = sock_recv(c->sock, c->req + c->req_len, sizeof(c->req) - c->req_len);
	size_t end;

	if (n == -NX_EAGAIN)
		return;
	if (n <= 0) {
		conn_close(c);		/* gone before the request was complete */
		return;
	}
	c->req_len += (size_t)n;
	end = http_head_end(c->req, c->req_len);
	if (end)
		conn_request(c, end);
	else if (c->req_len == sizeof(c->req))
		conn_error(c, 400);
}

/* What goes out after src: the body, or the file's next chunk. */
static bool conn_next(struct conn *c)
{
	uint64_t want = c->file_left < sizeof(c->out) ? c->file_left : sizeof(c->out);
	int64_t n;

	if (c->body) {
		c->src = c->body;
		c->src_len = c->body_len;
		c->body = NULL;
	} else if (c->file_left) {
		n = read(c->fd, c->out, (size_t)want);
		/* A file that shrank or failed ends the response short of
		 * its Content-Length: the client sees it was cut off. */
		if (n <= 0)
			return false;
		c->file_left -= (uint64_t)n;
		c->src = c->out;
		c->src_len = (size_t)n;
	} else {
		return false;
	}
	c->src_off = 0;
	return true;
}

static void conn_write(struct conn *c)
{
	for (;;) {
		int64_t n;

		if (c->src_off == c->src_len && !conn_next(c)) {
			conn_close(c);
			return;
		}
		n = sock_send(c->sock, c->src + c->src_off, c->src_len - c->src_off);
		if (n == -NX_EAGAIN)
			return;
		if (n < 0) {
			conn_close(c);
			return;
		}
		c->src_off += (size_t)n;
		conn_touch(c, HTTPD_SEND_MS);
	}
}

int conn_pollfds(struct sock_pollfd *fds, int max)
{
	int n = 0;

	for (int i = 0; i < HTTPD_CONN_MAX && n < max; i++) {
		if (conns[i].state == CONN_FREE)
			continue;
		fds[n].sock = conns[i].sock;
		fds[n].events = conns[i].state == CONN_READ ? SOCK_POLLIN : SOCK_POLLOUT;
		fds[n].revents = 0;
		n++;
	}
	return n;
}

static struct conn *conn_of(int sock)
{
	for (int i = 0; i < HTTPD_CONN_MAX; i++)
		if (conns[i].state != CONN_FREE && conns[i].sock == sock)
			return &conns[i];
	return NULL;
}

void conn_service(const struct sock_pollfd *fds, int n)
{
	for (int i = 0; i < n; i++) {
		struct conn *c;

		if (!fds[i].revents || !(c = conn_of(fds[i].sock)))
			continue;
		/* A request may cost file system calls: one at a time
		 * within the energy budget (membrane.h). */
		membrane_pace();
		if (c->state == CONN_READ)
			conn_read(c);
		/* A request answered at once goes out in the same round. */
		if (c->state == CONN_SEND)
			conn_write(c);
	}
}

int conn_expire(void)
{
	uint64_t now = nx_clock(), next = 0;

	for (int i = 0; i < HTTPD_CONN_MAX; i++) {
		struct conn *c = &conns[i];

		if (c->state == CONN_FREE)
			continue;
		if (now >= c->deadline) {
			conn_close(c);
			continue;
		}
		if (!next || c->deadline < next)
			next = c->deadline;
	}
	if (!next)
		return -1;
	return (int)((next - now) * 1000 / nx_systable()->clock_freq) + 1;
}
