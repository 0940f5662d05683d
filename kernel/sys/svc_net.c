/*
 * The net service: an app's NetSwitch port as a kernel-served channel.
 * chan_open("net", NX_CHAN_NET) creates it (kernel/sys/syscall.c checks
 * the promise and the capability first); ring[0] carries the app's
 * frames to the switch, ring[1] the switch's frames to the app, each
 * NX_NET_RING_SLOTS struct nx_frame in pool pages mapped into the app.
 *
 * notify(slot) switches the app's frames in its own system call, so the
 * app pays for its traffic; a frame delivered to the port signals the
 * channel's readable event, which is what wait(slot) sleeps on. The
 * port closes when the channel is freed, at the latest when the app goes.
 */
#include <nexus/errno.h>
#include <nexus/net.h>

#include "net/netswitch.h"
#include "sys/app.h"
#include "sys/service.h"

static void wake_port(void *ctx)
{
	struct channel *c = ctx;

	event_signal(&c->readable[0]);
}

void service_net(struct channel *c)
{
	netswitch_port_tx(&netswitch_system, c->svc_unit);
}

static void close_port(struct channel *c)
{
	netswitch_port_close(&netswitch_system, c->svc_unit);
}

int service_net_open(struct app *a, struct channel **out)
{
	struct channel *c;
	int err = netswitch_can_open(&netswitch_system, a->id), port;

	if (err)
		return err;
	err = chan_pool_service_create(a, "net", service_net, NX_NET_RING_SLOTS,
				       sizeof(struct nx_frame), &c);
	if (err)
		return err;
	port = netswitch_port_open(&netswitch_system, a->id, a->name, &c->ring[0], &c->ring[1],
				   wake_port, c);
	if (port < 0) {
		chan_leave(c, a);
		return port;
	}
	c->svc_unit = (unsigned)port;
	c->on_close = close_port;
	*out = c;
	return 0;
}
