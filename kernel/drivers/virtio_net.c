/*
 * virtio-net: the driver fiber, its buffers, and the interrupt that wakes
 * it.
 *
 * Concurrency: one CPU, cooperative kernel fibers. The virtqueues and
 * buffers belong to the driver fiber alone. The switch, running in an
 * app's notify, only pushes onto the tx ION ring and signals the kick
 * event; the interrupt handler only acknowledges the device and signals
 * the same event. So nothing here needs a lock.
 *
 * Memory: buffers and the ION ring come from the page allocator once, at
 * the first start, and stay across restarts; kernel memory is mapped
 * VA == PA, so a buffer's address is what the device is given.
 */
#include <string.h>

#include <nexus/errno.h>
#include <nexus/net.h>

#include "arch/hal.h"
#include "core/fiber.h"
#include "core/irq.h"
#include "core/kprintf.h"
#include "drivers/blink.h"
#include "drivers/virtio_mmio.h"
#include "drivers/virtio_net.h"
#include "ion/ring.h"
#include "mm/page_alloc.h"
#include "net/netswitch.h"

#define RXQ		0
#define TXQ		1
#define QUEUE_SIZE	128		/* asked for; the device may give less */
#define BUF_BYTES	2048		/* header + the largest frame, with room */
#define BUF_PAGES	(QUEUE_SIZE * BUF_BYTES / PAGE_SIZE)

/* Precedes every frame in both directions (5.1.6); all zero on transmit. */
struct virtio_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;		/* present in VERSION_1 even without MRG_RXBUF */
};
_Static_assert(sizeof(struct virtio_net_hdr) == 12, "virtio_net_hdr layout");

#define HDR	sizeof(struct virtio_net_hdr)
/*
 * Receive buffers start this far into their slot, so the frame after the
 * 12-byte header lands 8-aligned and the switch copies it a word at a time.
 */
#define RX_PAD	4
_Static_assert((RX_PAD + HDR) % 8 == 0, "rx frames 8-aligned");

static struct {
	bool up;
	bool irq_registered;
	struct virtio_mmio dev;
	struct virtq rxq, txq;
	uint8_t mac[6];
	uint8_t (*rx_buf)[BUF_BYTES];
	uint8_t (*tx_buf)[BUF_BYTES];
	uint8_t *tx_free[QUEUE_SIZE];	/* tx buffers not on the queue */
	unsigned ntx_free;
	struct ion_ring outq;		/* the switch's frames for the wire */
	struct nx_frame out;		/* the one being moved to a buffer */
	struct event kick;		/* frames queued, or the device interrupted */
	struct fiber *fiber;
	struct blink_driver blink;
	bool crash;			/* debug: fault once frames wait */
	uint64_t progress_at;		/* tx: the last completion, or the first frame */
	struct vnet_info stats;
} net;

static void vnet_irq(unsigned irq)
{
	(void)irq;
	net.stats.interrupts++;
	if (virtio_mmio_ack_irq(&net.dev))
		event_signal(&net.kick);
}

static unsigned tx_in_flight(void)
{
	return net.txq.size - net.ntx_free;
}

/* A frame the device wrote: a header and at least a byte, inside its buffer. */
static bool rx_len_ok(uint32_t len)
{
	return len > HDR && len <= BUF_BYTES - RX_PAD;
}

static void post_rx(uint8_t *buf)
{
	struct virtq_buf b = { buf + RX_PAD, BUF_BYTES - RX_PAD, true };

	/* One descriptor per buffer, as many buffers as descriptors: never full. */
	virtq_add(&net.rxq, &b, 1, buf);
}

/* Every filled rx buffer to the switch and back on the queue; one notify. */
static void rx_drain(void)
{
	unsigned n = 0;
	uint32_t len;
	void *buf;

	while (virtq_get_used(&net.rxq, &buf, &len)) {
		if (!buf) {
			net.stats.rx_errors++;	/* a chain it was not given */
			continue;
		}
		if (rx_len_ok(len)) {
			netswitch_from_wire(&netswitch_system, (uint8_t *)buf + RX_PAD + HDR,
					    len - HDR);
			net.stats.rx_frames++;
		} else {
			net.stats.rx_errors++;
		}
		post_rx(buf);
		n++;
	}
	if (!n)
		return;
	netswitch_flush(&netswitch_system);
	if (virtq_notify_wanted(&net.rxq)) {
		net.stats.rx_notifies++;
		virtio_mmio_notify(&net.dev, RXQ);
	}
}

/*
 * After a halt: the frames the device delivered that the dead fiber never
 * took. They are lost like the tx queue's, but counted, at the uplink too.
 * No more than the queue holds, whatever the used index says.
 */
static void rx_count_lost(void)
{
	uint32_t len;
	void *buf;

	for (unsigned n = 0; n < net.rxq.size && virtq_get_used(&net.rxq, &buf, &len); n++) {
		if (buf && rx_len_ok(len)) {
			netswitch_wire_lost(&netswitch_system, len - HDR);
			net.stats.rx_lost++;
		} else {
			net.stats.rx_errors++;
		}
	}
}

static void tx_reclaim(void)
{
	uint32_t len;
	void *buf;

	while (virtq_get_used(&net.txq, &buf, &len)) {
		if (!buf)
			continue;
		net.tx_free[net.ntx_free++] = buf;
		net.stats.tx_frames++;
		net.progress_at = hal_time_now();
	}
}

/* Queued frames into free tx buffers, while both last; one kick. */
static void tx_fill(void)
{
	unsigned n = 0;

	while (net.ntx_free && ion_pop(&net.outq, &net.out, NULL) == 0) {
		uint8_t *buf = net.tx_free[--net.ntx_free];
		unsigned len = net.out.len <= NX_FRAME_DATA_MAX ? net.out.len : NX_FRAME_DATA_MAX;
		struct virtq_buf b = { buf, (uint32_t)(HDR + len), false };

		if (tx_in_flight() == 1)
			net.progress_at = hal_time_now();	/* the watchdog starts now */
		memset(buf, 0, HDR);
		memcpy(buf + HDR, net.out.data, len);
		virtq_add(&net.txq, &b, 1, buf);
		n++;
	}
	if (!n)
		return;
	blink_request_started();
	if (virtq_notify_wanted(&net.txq)) {
		net.stats.tx_notifies++;
		virtio_mmio_notify(&net.dev, TXQ);
	}
}

static void vnet_main(void *arg)
{
	(void)arg;
	for (;;) {
		event_wait(&net.kick, EVENT_FOREVER);
		/* With frames waiting, so that they are lost and must be resent. */
		if (net.crash && virtq_used_pending(&net.rxq)) {
			net.crash = false;
			*(volatile uint32_t *)0 = 0;	/* the fault Blink must survive */
		}
		rx_drain();
		tx_reclaim();
		tx_fill();
	}
}

static void driver_exited(struct fiber *f, int code)
{
	(void)f;
	(void)code;
	net.fiber = NULL;
	blink_driver_died(&net.blink);
}

static int start_fiber(void)
{
	static const struct fiber_params p = {
		.name = "vnet",
		.entry = vnet_main,
		.spectrum = SCHED_PHOTON,
		/* Blink, not the energy ladder, decides when a driver is sick. */
		.flags = FIBER_DETACHED | FIBER_UNMETERED | FIBER_SUPERVISED,
	};
	int err = fiber_create(&p, &net.fiber);

	if (!err)
		net.fiber->on_exit = driver_exited;
	return err;
}

/* Since when the tx queue has held frames without progress; 0: it is idle. */
static uint64_t stalled_since(unsigned unit)
{
	(void)unit;
	return net.up && tx_in_flight() ? net.progress_at : 0;
}

/* Handshake, both queues, rx buffers posted (5.1.5); on failure the device is reset. */
static int device_up(void)
{
	int rx, tx, err;

	err = virtio_mmio_negotiate(&net.dev, VIRTIO_NET_F_MAC);
	if (err)
		return err;
	rx = virtio_mmio_queue_setup(&net.dev, RXQ, &net.rxq, QUEUE_SIZE);
	tx = rx < 0 ? rx : virtio_mmio_queue_setup(&net.dev, TXQ, &net.txq, QUEUE_SIZE);
	if (rx < 0 || tx < 0) {
		virtio_mmio_reset(&net.dev);
		return rx < 0 ? rx : tx;
	}
	if (net.dev.features & VIRTIO_NET_F_MAC)
		virtio_mmio_config_bytes(&net.dev, 0, net.mac, sizeof(net.mac));
	for (unsigned i = 0; i < net.rxq.size; i++)
		post_rx(net.rx_buf[i]);
	net.ntx_free = 0;
	for (unsigned i = 0; i < net.txq.size; i++)
		net.tx_free[net.ntx_free++] = net.tx_buf[i];
	virtio_mmio_driver_ok(&net.dev);
	/* Buffers may only be announced once the device is live. */
	virtio_mmio_notify(&net.dev, RXQ);
	net.stats.generation++;
	return 0;
}

static int alloc_memory(void)
{
	size_t ring = ion_ring_bytes(NX_NET_RING_SLOTS, sizeof(struct nx_frame));
	unsigned ring_pages = (unsigned)((ring + PAGE_SIZE - 1) / PAGE_SIZE);
	void *mem;

	if (net.rx_buf)
		return 0;
	net.rx_buf = page_alloc_n(BUF_PAGES);
	net.tx_buf = page_alloc_n(BUF_PAGES);
	mem = page_alloc_n(ring_pages);
	if (!net.rx_buf || !net.tx_buf || !mem ||
	    ion_ring_init(&net.outq, mem, ring, NX_NET_RING_SLOTS, sizeof(struct nx_frame))) {
		if (net.rx_buf)
			page_free_n(net.rx_buf, BUF_PAGES);
		if (net.tx_buf)
			page_free_n(net.tx_buf, BUF_PAGES);
		if (mem)
			page_free_n(mem, ring_pages);
		net.rx_buf = NULL;
		net.tx_buf = NULL;
		return -NX_ENOMEM;
	}
	return 0;
}

static int uplink_send(const struct nx_frame *f)
{
	return ion_push(&net.outq, f, NULL);
}

static void uplink_kick(void)
{
	event_signal(&net.kick);
}

static const struct netswitch_uplink uplink = { .send = uplink_send, .kick = uplink_kick };

int vnet_start(void)
{
	int err;

	if (net.up)
		return 0;
	err = virtio_mmio_find(VIRTIO_ID_NET, 0, &net.dev);
	if (!err)
		err = alloc_memory();
	/* Handlers cannot be unregistered: one for the line, for every later start. */
	if (!err && !net.irq_registered) {
		err = irq_register(net.dev.irq, "virtio-net", vnet_irq);
		net.irq_registered = !err;
	}
	if (!err)
		err = device_up();
	if (err)
		return err;
	hal_irq_enable(net.dev.irq);
	err = start_fiber();
	if (err) {
		virtio_mmio_reset(&net.dev);
		return err;
	}
	net.up = true;
	net.blink = (struct blink_driver){ .name = "vnet", .unit = 0, .restart = vnet_restart,
					   .oldest = stalled_since };
	blink_watch(&net.blink);
	netswitch_attach_uplink(&netswitch_system, net.mac, &uplink);
	kprintf("net: virtio-net %02x:%02x:%02x:%02x:%02x:%02x, irq %u\n", net.mac[0],
		net.mac[1], net.mac[2], net.mac[3], net.mac[4], net.mac[5], net.dev.irq);
	return 0;
}

/*
 * Called by Blink (or the monitor): a hung fiber is stopped, a dead one
 * replaced. The reset stops all DMA into the old queues before their
 * buffers are posted again.
 */
int vnet_restart(unsigned unit)
{
	int err;

	(void)unit;
	if (!net.up)
		return -NX_ENOENT;
	if (net.fiber) {
		net.fiber->on_exit = NULL;	/* this is the restart already */
		fiber_kill(net.fiber);
		net.fiber = NULL;
	}
	net.stats.tx_lost += tx_in_flight();
	virtio_mmio_halt(&net.dev);		/* no more DMA; device_up() frees the queues */
	rx_count_lost();
	net.ntx_free = net.txq.size;		/* nothing is in flight any more */
	net.progress_at = hal_time_now();
	err = device_up();
	if (!err)
		err = start_fiber();
	if (err) {
		kprintf("virtio-net: restart failed (%d)\n", err);
		return err;
	}
	event_signal(&net.kick);		/* what the ION ring holds goes now */
	return 0;
}

int vnet_crash(void)
{
	if (!net.up)
		return -NX_ENOENT;
	net.crash = true;
	return 0;
}

int vnet_info(struct vnet_info *out)
{
	if (!net.up)
		return -NX_ENOENT;
	*out = net.stats;
	memcpy(out->mac, net.mac, sizeof(out->mac));
	out->slot = net.dev.slot;
	out->irq = net.dev.irq;
	out->rx_queue = net.rxq.size;
	out->tx_queue = net.txq.size;
	out->offered = net.dev.offered;
	out->features = net.dev.features;
	return 0;
}
