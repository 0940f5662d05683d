/*
 * httpd [DIR]: serves the files under DIR (default /www) over HTTP/1.0,
 * and a live /status page. GET and HEAD only.
 *
 * Once it has its address it narrows itself to what serving needs:
 * promises stdio, rpath, inet (and proc, for /status), and DIR as the
 * only visible part of the file tree, read-only. A request path that
 * climbs ("..", in any spelling) is refused; the kernel is shown it, so
 * that unveil's refusal puts it in the audit log. Anything else outside
 * DIR does not exist for httpd.
 */
#include "nexus.h"

#include "hosts.h"
#include "httpd.h"
#include "membrane.h"

#define HTTPD_PORT	80

const char *httpd_root = "/www";

static int lock_down(const char *root)
{
	const struct nx_systable *st = nx_systable();
	uint64_t keep = NX_PLEDGE_STDIO | NX_PLEDGE_RPATH | NX_PLEDGE_INET |
			(st->pledges & (NX_PLEDGE_PROC | NX_PLEDGE_SPECTRUM_MASK));
	int err;

	if ((err = nx_unveil(root, NX_UNVEIL_R)) || (err = nx_unveil(NULL, 0)))
		return err;
	return nx_pledge(keep);
}

static int listen_on(uint16_t port)
{
	int s = sock_open(SOCK_STREAM), err;

	if (s < 0)
		return s;
	if ((err = sock_bind(s, port)) || (err = sock_listen(s, 0)) ||
	    (err = sock_set_nonblock(s, true))) {
		sock_close(s);
		return err;
	}
	return s;
}

/* Takes every waiting connection there is room for. */
static void accept_all(int listener)
{
	while (httpd_stats.open < HTTPD_CONN_MAX) {
		int c = sock_accept(listener, NULL);

		if (c < 0)
			return;
		conn_add(c);
	}
}

__attribute__((noreturn)) static void serve(int listener)
{
	static struct sock_pollfd fds[HTTPD_CONN_MAX + 1];

	for (;;) {
		int timeout = conn_expire(), n;

		/* With every slot taken, new connections wait in the backlog. */
		fds[0] = (struct sock_pollfd){ listener,
			httpd_stats.open < HTTPD_CONN_MAX ? SOCK_POLLIN : 0, 0 };
		n = conn_pollfds(fds + 1, HTTPD_CONN_MAX);
		if (sock_poll(fds, n + 1, timeout) <= 0)
			continue;
		conn_service(fds + 1, n);
		if (fds[0].revents & SOCK_POLLIN)
			accept_all(listener);
	}
}

int main(int argc, char **argv)
{
	struct nx_stat st;
	char ip[16];
	int listener, err;

	if (argc > 2 || (argc == 2 && argv[1][0] != '/')) {
		printf("usage: httpd [DIR]   (an absolute path; default /www)\n");
		return 1;
	}
	if (argc == 2)
		httpd_root = argv[1];
	if ((err = nx_stat(httpd_root, &st)) || st.type != NX_FT_DIR) {
		printf("httpd: %s: %s\n", httpd_root, err ? nx_strerror(err) : "not a directory");
		return 1;
	}
	cache_init(httpd_root);
	if ((err = membrane_start(MEMBRANE_DHCP_TIMEOUT_MS)))
		return 1;
	if ((err = lock_down(httpd_root))) {
		printf("httpd: cannot narrow its rights: %s\n", nx_strerror(err));
		return 1;
	}
	listener = listen_on(HTTPD_PORT);
	if (listener < 0) {
		printf("httpd: port %d: %s\n", HTTPD_PORT, sock_strerror(listener));
		return 1;
	}
	printf("httpd: serving %s on %s:%d\n", httpd_root,
	       hosts_format_ipv4(membrane_ip(), ip, sizeof(ip)), HTTPD_PORT);
	serve(listener);
}
