/* Names to addresses from /etc/hosts (resolve.h). */
#include "nexus.h"

#include "hosts.h"
#include "resolve.h"

/* The file is read whole; longer files are looked up in their first 4 KiB. */
#define RESOLVE_HOSTS_MAX	4096

int resolve_host(const char *name, uint32_t *ip)
{
	static char text[RESOLVE_HOSTS_MAX];
	int64_t n, len = 0;
	int fd;

	if (hosts_parse_ipv4(name, ip))
		return 0;
	fd = open(RESOLVE_HOSTS_FILE, NX_O_READ);
	if (fd < 0)
		return fd;
	while (len < (int64_t)sizeof(text) &&
	       (n = read(fd, text + len, sizeof(text) - (size_t)len)) > 0)
		len += n;
	close(fd);
	return hosts_lookup(text, (size_t)len, name, ip) ? 0 : -NX_ENOENT;
}
