/*
 * NetSwitch microbenchmark: frames through the switch's real entry
 * points, netswitch_from_wire() as the virtio-net driver calls it and
 * netswitch_port_tx() as an app's notify does, on a switch of the
 * bench's own. Its eight ports are opened with the switch's API and
 * closed afterwards; its uplink queues frames on an ION ring exactly as
 * the driver's does, with no device behind it.
 *
 * Only the switch is timed. What the app does (fill its tx ring, drain
 * its rx ring) and what the driver does (empty its queue) happens
 * between timed batches of one ring's worth of frames. Left out as well:
 * the wake-up of the port's channel (an event_signal per batch) and the
 * kick of the driver fiber, which the stubs below do not do. The bench
 * yields after each batch, so a running system's fibers keep running.
 */
#include <string.h>

#include <nexus/errno.h>
#include <nexus/net.h>

#include "arch/hal.h"
#include "core/sched.h"
#include "mm/page_alloc.h"
#include "net/netswitch.h"
#include "net/switchbench.h"

#define BATCH		NX_NET_RING_SLOTS
#define RX_FRAME_OFF	16	/* as the driver's: 4 bytes of pad, the 12-byte header */
#define BENCH_PAGES	((sizeof(struct bench) + PAGE_SIZE - 1) / PAGE_SIZE)

struct bench {
	/*
	 * First, so that it is page-aligned like the driver's 2 KiB buffers:
	 * the frame starts where the driver's does, RX_FRAME_OFF bytes in.
	 */
	uint8_t rx_buf[2048];
	struct netswitch sw;
	struct ion_ring tx[NETSWITCH_PORTS], rx[NETSWITCH_PORTS];	/* port n: [n - 1] */
	struct ion_ring wire;		/* the uplink's queue, as the driver's outq */
	struct nx_frame out;		/* what the app on port 1 sends */
	struct nx_frame sink;		/* where drained frames go */
};

static struct ion_ring *wire_queue;	/* the stub uplink has no context */

static const uint8_t nic_mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t gateway[ETH_ALEN] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };
static const uint8_t bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t port1[ETH_ALEN] = { 0x02, 0x4e, 0x58, 0x00, 0x00, 0x01 };

static int uplink_send(const struct nx_frame *f)
{
	return ion_push(wire_queue, f, NULL);
}

static const struct netswitch_uplink uplink = { .send = uplink_send };

static void woken(void *ctx)
{
	(void)ctx;
}

static size_t ring_bytes(void)
{
	return ion_ring_bytes(NX_NET_RING_SLOTS, sizeof(struct nx_frame));
}

static size_t ring_pages(void)
{
	return (ring_bytes() + PAGE_SIZE - 1) / PAGE_SIZE;
}

static int ring_new(struct ion_ring *r)
{
	void *mem = page_alloc_n(ring_pages());

	if (!mem)
		return -NX_ENOMEM;
	if (ion_ring_init(r, mem, ring_bytes(), NX_NET_RING_SLOTS, sizeof(struct nx_frame))) {
		page_free_n(mem, ring_pages());
		return -NX_EINVAL;
	}
	return 0;
}

static void ring_free(struct ion_ring *r)
{
	if (r->hdr)
		page_free_n(r->hdr, ring_pages());	/* init put the header first */
}

static void drain(struct bench *b, struct ion_ring *r)
{
	while (ion_pop(r, &b->sink, NULL) == 0)
		;
}

static void set_macs(uint8_t *frame, const uint8_t *dst, const uint8_t *src)
{
	memcpy(frame, dst, ETH_ALEN);
	memcpy(frame + ETH_ALEN, src, ETH_ALEN);
	frame[12] = 0x08;		/* IPv4 */
	frame[13] = 0x00;
}

/* @frames frames to @dst from the wire; ticks spent in the switch. */
static uint64_t from_wire(struct bench *b, const uint8_t *dst, uint64_t frames)
{
	uint8_t *frame = b->rx_buf + RX_FRAME_OFF;
	uint64_t ticks = 0;

	set_macs(frame, dst, gateway);
	for (uint64_t done = 0; done < frames; done += BATCH) {
		uint64_t n = frames - done < BATCH ? frames - done : BATCH;
		uint64_t start = hal_time_now();

		for (uint64_t i = 0; i < n; i++)
			netswitch_from_wire(&b->sw, frame, SWITCHBENCH_FRAME_LEN);
		netswitch_flush(&b->sw);
		ticks += hal_time_now() - start;
		for (unsigned p = 0; p < NETSWITCH_PORTS; p++)
			drain(b, &b->rx[p]);
		sched_yield();
	}
	return ticks;
}

/* @frames frames from port 1 to the wire; ticks spent in the switch. */
static uint64_t to_wire(struct bench *b, uint64_t frames)
{
	uint64_t ticks = 0;

	b->out.len = SWITCHBENCH_FRAME_LEN;
	b->out.kind = NX_FRAME_DATA;
	set_macs(b->out.data, gateway, port1);
	for (uint64_t done = 0; done < frames; done += BATCH) {
		uint64_t n = frames - done < BATCH ? frames - done : BATCH;
		uint64_t start;

		for (uint64_t i = 0; i < n; i++)
			ion_push(&b->tx[0], &b->out, NULL);
		start = hal_time_now();
		netswitch_port_tx(&b->sw, 1);
		ticks += hal_time_now() - start;
		drain(b, &b->wire);
		sched_yield();
	}
	return ticks;
}

static int open_ports(struct bench *b)
{
	if (ring_new(&b->wire))
		return -NX_ENOMEM;
	wire_queue = &b->wire;
	netswitch_attach_uplink(&b->sw, nic_mac, &uplink);
	for (unsigned p = 0; p < NETSWITCH_PORTS; p++) {
		if (ring_new(&b->tx[p]) || ring_new(&b->rx[p]))
			return -NX_ENOMEM;
		/* A fresh switch: ports 1..8 in order, app ids of our choosing. */
		if (netswitch_port_open(&b->sw, p + 1, "bench", &b->tx[p], &b->rx[p], woken,
					NULL) != (int)p + 1)
			return -NX_EIO;
	}
	return 0;
}

static void close_ports(struct bench *b)
{
	for (unsigned p = 0; p < NETSWITCH_PORTS; p++) {
		netswitch_port_close(&b->sw, p + 1);
		ring_free(&b->tx[p]);
		ring_free(&b->rx[p]);
	}
	ring_free(&b->wire);
	wire_queue = NULL;
}

/* Every frame arrived where it should: port 1 twice (unicast, broadcast). */
static bool all_delivered(const struct bench *b, uint64_t frames)
{
	struct nx_netport_info info;

	for (unsigned row = 1; row <= NETSWITCH_PORTS; row++) {
		netswitch_info(&b->sw, row, &info);
		if (info.rx_frames != (row == 1 ? 2 : 1) * frames || info.rx_drops)
			return false;
	}
	netswitch_info(&b->sw, 0, &info);
	return info.tx_frames == frames && !info.tx_drops && !info.rx_drops;
}

int switchbench_run(uint64_t frames, struct switchbench *ticks)
{
	struct bench *b = page_alloc_n(BENCH_PAGES);	/* zeroed: an empty switch */
	int err;

	if (!b)
		return -NX_ENOMEM;
	err = open_ports(b);
	if (!err) {
		ticks->unicast = from_wire(b, port1, frames);
		ticks->broadcast = from_wire(b, bcast, frames);
		ticks->to_wire = to_wire(b, frames);
		if (!all_delivered(b, frames))
			err = -NX_EIO;
	}
	close_ports(b);
	page_free_n(b, BENCH_PAGES);
	return err;
}
