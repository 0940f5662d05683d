/*
 * The virtio-mmio transport, modern interface only (virtio 1.2, section
 * 4.2, register layout version 2): finding a device by its DeviceID among
 * the platform's slots, the status handshake and feature negotiation
 * (3.1.1), queue setup, notification, interrupt acknowledgement and reset.
 *
 * Legacy devices (version 1, what QEMU's virt machine offers unless run
 * with -global virtio-mmio.force-legacy=false) are refused: they place
 * rings by page frame number and negotiate no VERSION_1 feature, and the
 * queue code here assumes neither.
 */
#ifndef VIRTIO_MMIO_H
#define VIRTIO_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/virtq.h"

#define VIRTIO_ID_NET		1
#define VIRTIO_ID_BLOCK		2
#define VIRTIO_ID_CONSOLE	3

#define VIRTIO_F_VERSION_1	(1ull << 32)

/* InterruptStatus bits (4.2.2). */
#define VIRTIO_INT_USED		1u	/* a used ring moved */
#define VIRTIO_INT_CONFIG	2u	/* the configuration space changed */

#define VIRTIO_MMIO_MAX_QUEUES	2

/* One device's registers, and the one a driver kicks a queue with (4.2.2). */
#define VIRTIO_MMIO_WINDOW		0x200
#define VIRTIO_MMIO_QUEUE_NOTIFY	0x050

struct virtio_mmio {
	uint64_t base;
	unsigned irq;
	unsigned slot;			/* index in the platform's slot list */
	uint32_t device_id;
	uint64_t offered;		/* what the device offered */
	uint64_t features;		/* what both sides agreed */
	struct virtq *queues[VIRTIO_MMIO_MAX_QUEUES];
	void *queue_mem[VIRTIO_MMIO_MAX_QUEUES];	/* page allocator */
	unsigned queue_pages[VIRTIO_MMIO_MAX_QUEUES];
};

/*
 * Find the first modern device of type @device_id in slots @from and up,
 * and fill @d's base, irq, slot and device_id. A legacy device of that
 * type is skipped with a console line naming its slot. Returns 0 or
 * -NX_ENOENT (no platform slots, or no such device).
 */
int virtio_mmio_find(uint32_t device_id, unsigned from, struct virtio_mmio *d);
/*
 * Reset the device, then acknowledge it and agree on features: @wanted
 * plus VERSION_1, which the device must offer. Leaves the device in
 * FEATURES_OK, ready for queue setup. -NX_EIO if the device refuses.
 */
int virtio_mmio_negotiate(struct virtio_mmio *d, uint64_t wanted);
/*
 * Give queue @index @size entries (capped at what the device and
 * VIRTQ_MAX_SIZE allow) in fresh pages, and enable it. @q must outlive
 * the device's use of it. Returns the size used, or -NX_EINVAL (no such
 * queue, or it is live already) or -NX_ENOMEM.
 */
int virtio_mmio_queue_setup(struct virtio_mmio *d, unsigned index,
			    struct virtq *q, unsigned size);
/*
 * The size queue @index can have here: the device's maximum, capped at
 * VIRTQ_MAX_SIZE, down to a power of two. 0: no such queue, or it is live.
 */
unsigned virtio_mmio_queue_max(struct virtio_mmio *d, unsigned index);
/*
 * Enable queue @index with @size entries laid out (virtq_bytes(), zeroed)
 * at @mem by someone else: a driver app, in its own cell. A reset does
 * not free that memory; it was never the transport's.
 */
void virtio_mmio_queue_place(struct virtio_mmio *d, unsigned index, unsigned size,
			     uint64_t mem);
/* DRIVER_OK: the device may now use its queues. */
void virtio_mmio_driver_ok(struct virtio_mmio *d);
void virtio_mmio_notify(struct virtio_mmio *d, unsigned index);
/* Reads InterruptStatus and acknowledges exactly those bits. */
uint32_t virtio_mmio_ack_irq(struct virtio_mmio *d);
/* The device asked to be reset (DEVICE_NEEDS_RESET). */
bool virtio_mmio_needs_reset(struct virtio_mmio *d);
/*
 * Reset: the device forgets its queues and stops all DMA; their pages go
 * back to the allocator. The struct keeps base, irq and slot for a new
 * negotiation.
 */
void virtio_mmio_reset(struct virtio_mmio *d);
/*
 * The same reset, but the queues' pages stay with the driver, so it can
 * still read what the device completed before it stopped; the next
 * negotiation (or virtio_mmio_reset) frees them.
 */
void virtio_mmio_halt(struct virtio_mmio *d);
/*
 * Device-specific configuration, read consistently: retried while the
 * device's ConfigGeneration moves under us (4.2.2, 2.5.1).
 */
uint64_t virtio_mmio_config64(struct virtio_mmio *d, unsigned off);
uint32_t virtio_mmio_config32(struct virtio_mmio *d, unsigned off);
/* @n byte-wide fields from @off, as 8-bit fields must be read (4.2.2.2). */
void virtio_mmio_config_bytes(struct virtio_mmio *d, unsigned off, uint8_t *out,
			      unsigned n);

#endif
