/*
 * The virtio-net driver (virtio 1.2, section 5.1): one NIC, the
 * NetSwitch's uplink, served by a Photon fiber that the device's
 * interrupt wakes. Features: VERSION_1 and MAC only, so every buffer
 * starts with the 12-byte struct virtio_net_hdr and carries one whole
 * frame (no offloads, no merged buffers, no control queue).
 *
 * Receive: the rx queue is kept full of 2 KiB buffers; each wakeup hands
 * every filled one to the switch, posts it again, and notifies the device
 * once. Transmit: the switch queues frames on an in-kernel ION ring; the
 * fiber moves what fits into the tx queue, kicks once per batch, and
 * takes back the buffers the device is done with.
 *
 * Blink supervises the fiber as it does virtio-blk's: a fault, or a tx
 * queue that makes no progress for BLINK_WATCHDOG_MS, resets the device
 * and starts the fiber again with fresh queues. Frames the old queues
 * held are lost (an Ethernet may lose frames; TCP resends) and counted,
 * received ones at the NetSwitch's uplink too; frames still on the ION
 * ring go out after the restart.
 */
#ifndef VIRTIO_NET_H
#define VIRTIO_NET_H

#include <stdint.h>

#define VIRTIO_NET_F_MAC	(1ull << 5)	/* config space holds the MAC */

struct vnet_info {
	uint8_t mac[6];
	unsigned slot, irq;
	unsigned rx_queue, tx_queue;	/* sizes */
	uint64_t offered, features;
	unsigned generation;		/* driver starts since boot */
	uint64_t interrupts;
	uint64_t rx_frames, rx_errors;	/* errors: a length the device cannot mean */
	uint64_t tx_frames;		/* completed by the device */
	uint64_t rx_lost;		/* received, not yet taken, when a restart reset the queue */
	uint64_t tx_lost;		/* on the tx queue when a restart reset it */
	uint64_t rx_notifies, tx_notifies;
};

/*
 * Find the first modern virtio-net device, set it up, start its fiber
 * and attach it to the NetSwitch; prints one line. 0 (also when it
 * already runs), -NX_ENOENT without such a device, -NX_ENOMEM, -NX_EIO.
 */
int vnet_start(void);
/* Blink's restart hook (@unit is always 0): reset, fresh queues, new fiber. */
int vnet_restart(unsigned unit);
/*
 * Debug: make the driver fiber fault at the first wakeup that finds
 * received frames waiting, which are then lost. -NX_ENOENT: no NIC.
 */
int vnet_crash(void);
int vnet_info(struct vnet_info *out);

#endif
