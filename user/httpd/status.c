/*
 * The /status page: live figures from info(), as plain text. Fibers need
 * the PROC promise; without it the page shows httpd alone.
 */
#include <nexus/net.h>

#include "fmt.h"
#include "nexus.h"

#include "hosts.h"
#include "httpd.h"
#include "membrane.h"

struct page {
	char *buf;
	size_t size, len;
};

__attribute__((format(printf, 2, 3)))
static void put(struct page *p, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (p->len + 1 >= p->size)
		return;
	va_start(ap, fmt);
	n = fmt_vsnprintf(p->buf + p->len, p->size - p->len, fmt, ap);
	va_end(ap);
	p->len += n < p->size - p->len ? n : p->size - p->len - 1;
}

static const char *const spectra[] = { "photon", "matter", "gravity", "void" };

static void put_fiber(struct page *p, const struct nx_proc_info *f)
{
	put(p, "%4u %-16s %-8s %8ld %12lu %s\n", f->id, f->name, spectra[f->spectrum & 3],
	    (long)f->energy, (unsigned long)f->cpu_ticks, f->is_app ? "app" : "kernel");
}

static void put_fibers(struct page *p)
{
	struct nx_proc_info f;
	int64_t n;

	put(p, "\nfibers:\n  id name             spectrum   energy    cpu-ticks\n");
	if (!(nx_systable()->pledges & NX_PLEDGE_PROC)) {
		if (nx_info(NX_INFO_SELF, 0, &f, sizeof(f)) >= 0)
			put_fiber(p, &f);
		return;
	}
	for (uint64_t i = 0; (n = nx_info(NX_INFO_PROC, i, &f, sizeof(f))) > 0 &&
			     i < (uint64_t)n; i++)
		put_fiber(p, &f);
}

static void put_irqs(struct page *p)
{
	struct nx_irq_info q;

	put(p, "\nirqs:\n irq name             count\n");
	for (uint64_t i = 0; nx_info(NX_INFO_IRQ, i, &q, sizeof(q)) >= 0; i++)
		put(p, "%4u %-16.16s %lu\n", q.irq, q.name, (unsigned long)q.count);
}

static void put_ports(struct page *p)
{
	struct nx_netport_info np;

	put(p, "\nnetswitch ports:\nport name             mac               "
	    " rx-frames   rx-bytes rx-drops  tx-frames   tx-bytes tx-drops\n");
	for (uint64_t i = 0; nx_info(NX_INFO_NETPORT, i, &np, sizeof(np)) >= 0; i++)
		put(p, "%4u %-16.16s %02x:%02x:%02x:%02x:%02x:%02x %10lu %10lu %8lu "
		    "%10lu %10lu %8lu\n", np.port, np.name, np.mac[0], np.mac[1],
		    np.mac[2], np.mac[3], np.mac[4], np.mac[5],
		    (unsigned long)np.rx_frames, (unsigned long)np.rx_bytes,
		    (unsigned long)np.rx_drops, (unsigned long)np.tx_frames,
		    (unsigned long)np.tx_bytes, (unsigned long)np.tx_drops);
}

static void put_address(struct page *p)
{
	char ip[16], mask[16], gw[16];
	uint8_t mac[6];

	membrane_mac(mac);
	put(p, "address %s netmask %s gateway %s mac %02x:%02x:%02x:%02x:%02x:%02x\n",
	    hosts_format_ipv4(membrane_ip(), ip, sizeof(ip)),
	    hosts_format_ipv4(membrane_netmask(), mask, sizeof(mask)),
	    hosts_format_ipv4(membrane_gateway(), gw, sizeof(gw)),
	    mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

size_t status_page(char *buf, size_t size)
{
	const struct nx_systable *st = nx_systable();
	struct page p = { buf, size, 0 };
	struct membrane_counters mc;
	uint64_t ms = nx_clock() / (st->clock_freq / 1000);
	char ip[16];

	membrane_counters(&mc);
	put(&p, "Nexus httpd status\nuptime %lu.%03lu s, serving %s on %s:80\n",
	    (unsigned long)(ms / 1000), (unsigned long)(ms % 1000), httpd_root,
	    hosts_format_ipv4(membrane_ip(), ip, sizeof(ip)));
	put_address(&p);
	put(&p, "requests %lu: ok %lu, not found %lu, refused %lu, bad %lu; "
	    "%lu body bytes; %u open\n", (unsigned long)httpd_stats.requests,
	    (unsigned long)httpd_stats.ok, (unsigned long)httpd_stats.not_found,
	    (unsigned long)httpd_stats.refused, (unsigned long)httpd_stats.bad,
	    (unsigned long)httpd_stats.bytes, httpd_stats.open);
	put(&p, "membrane: %lu frames in, %lu out, %lu tx drops, %lu wake-ups, "
	    "%lu rests\n", (unsigned long)mc.rx_frames, (unsigned long)mc.tx_frames,
	    (unsigned long)mc.tx_drops, (unsigned long)mc.wakeups, (unsigned long)mc.rests);
	put_fibers(&p);
	put_irqs(&p);
	put_ports(&p);
	return p.len;
}
