/*
 * virtio-blk: the driver fiber, its submitted list and the interrupt
 * that wakes it.
 *
 * Concurrency: one CPU, cooperative kernel fibers. The submitted list and
 * the queue are touched only by fibers (clients append, the driver fiber
 * takes off), never by the interrupt handler, which only acknowledges the
 * device and signals the driver's event; so neither needs a lock. A
 * signal that comes while the driver is busy stays pending in the event
 * and is seen at its next wait.
 */
#include <nexus/errno.h>

#include "arch/hal.h"
#include "core/fiber.h"
#include "core/irq.h"
#include "core/kprintf.h"
#include "drivers/virtio_blk.h"
#include "drivers/virtio_mmio.h"

#define QUEUE_SIZE	128
#define DESCS_PER_REQ	3	/* header, data, status */

/* Request types and status values (5.2.6). */
#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_T_FLUSH	4
#define VIRTIO_BLK_S_OK		0

static struct {
	bool up;
	bool irq_registered;
	struct virtio_mmio dev;
	struct virtq q;
	uint64_t capacity;
	struct event kick;		/* new requests, or the device interrupted */
	struct fiber *fiber;
	struct vblk_req *head, *tail;	/* submitted, not yet completed; id order */
	uint32_t next_id;
	unsigned generation;
	uint64_t submitted, completed, errors, interrupts, notifies, replayed;
} vblk;

static void vblk_irq(unsigned irq)
{
	(void)irq;
	vblk.interrupts++;
	if (virtio_mmio_ack_irq(&vblk.dev))
		event_signal(&vblk.kick);
}

static void unlink_req(struct vblk_req *r)
{
	struct vblk_req **pp = &vblk.head, *prev = NULL;

	while (*pp && *pp != r) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (!*pp)
		return;
	*pp = r->next;
	if (vblk.tail == r)
		vblk.tail = prev;
	r->next = NULL;
}

static void finish(struct vblk_req *r, int result)
{
	r->result = result;
	r->on_ring = false;
	unlink_req(r);
	vblk.completed++;
	if (result)
		vblk.errors++;
	event_signal(&r->done);
}

/* Complete whatever the device has finished. */
static void reap(void)
{
	void *cookie;
	uint32_t len;

	while (virtq_get_used(&vblk.q, &cookie, &len)) {
		struct vblk_req *r = cookie;

		if (!r) {
			kprintf("virtio-blk: device completed a chain it was not given\n");
			continue;
		}
		finish(r, r->status == VIRTIO_BLK_S_OK ? 0 : -NX_EIO);
	}
}

/* Put waiting requests on the ring, oldest first, while it has room. */
static void dispatch(void)
{
	unsigned added = 0;

	for (struct vblk_req *r = vblk.head; r; r = r->next) {
		struct virtq_buf b[DESCS_PER_REQ];
		unsigned n = 0;
		int err;

		if (r->on_ring)
			continue;
		b[n++] = (struct virtq_buf){ &r->hdr, sizeof r->hdr, false };
		if (r->count)
			b[n++] = (struct virtq_buf){ r->buf, r->count * VBLK_SECTOR,
						     r->op == VBLK_READ };
		/* The device sets it; a stale OK must not survive a lost write. */
		r->status = 0xff;
		b[n++] = (struct virtq_buf){ &r->status, 1, true };
		err = virtq_add(&vblk.q, b, n, r);
		if (err == -NX_EAGAIN)
			break;
		if (err < 0) {
			finish(r, err);		/* cannot happen: checked at submit */
			break;
		}
		r->on_ring = true;
		added++;
	}
	if (added && virtq_notify_wanted(&vblk.q)) {
		vblk.notifies++;
		virtio_mmio_notify(&vblk.dev, 0);
	}
}

static void vblk_main(void *arg)
{
	(void)arg;
	for (;;) {
		event_wait(&vblk.kick, EVENT_FOREVER);
		reap();
		dispatch();
	}
}

/* Device handshake and queue; on failure the device is left reset. */
static int device_up(void)
{
	int size, err;

	err = virtio_mmio_negotiate(&vblk.dev, VIRTIO_BLK_F_RO | VIRTIO_BLK_F_FLUSH);
	if (err)
		return err;
	size = virtio_mmio_queue_setup(&vblk.dev, 0, &vblk.q, QUEUE_SIZE);
	if (size < DESCS_PER_REQ) {
		virtio_mmio_reset(&vblk.dev);
		return size < 0 ? size : -NX_EIO;
	}
	vblk.capacity = virtio_mmio_config64(&vblk.dev, 0);
	virtio_mmio_driver_ok(&vblk.dev);
	vblk.generation++;
	return 0;
}

int vblk_start(void)
{
	struct fiber_params p = {
		.name = "vblk",
		.entry = vblk_main,
		.spectrum = SCHED_PHOTON,
		/*
		 * Unmetered until Blink supervises drivers: a driver stopped
		 * by the energy ladder would strand every client.
		 */
		.flags = FIBER_DETACHED | FIBER_UNMETERED,
	};
	int err;

	if (vblk.up)
		return 0;
	err = virtio_mmio_find(VIRTIO_ID_BLOCK, 0, &vblk.dev);
	if (err)
		return err;
	/* Handlers cannot be unregistered: one, for every later start. */
	if (!vblk.irq_registered) {
		err = irq_register(vblk.dev.irq, "virtio-blk", vblk_irq);
		if (err)
			return err;
		vblk.irq_registered = true;
	}
	err = device_up();
	if (err)
		return err;
	hal_irq_enable(vblk.dev.irq);
	err = fiber_create(&p, &vblk.fiber);
	if (err) {
		virtio_mmio_reset(&vblk.dev);
		return err;
	}
	vblk.up = true;
	kprintf("virtio-blk: slot %u irq %u, %lu sectors (%lu KiB), queue %u\n",
		vblk.dev.slot, vblk.dev.irq, (unsigned long)vblk.capacity,
		(unsigned long)(vblk.capacity / 2), vblk.q.size);
	return 0;
}

int vblk_restart(void)
{
	int err, pending = 0;

	if (!vblk.up)
		return -NX_ENOENT;
	/* After the reset the device no longer touches the old rings. */
	virtio_mmio_reset(&vblk.dev);
	for (struct vblk_req *r = vblk.head; r; r = r->next) {
		r->on_ring = false;
		pending++;
	}
	err = device_up();
	if (err) {
		kprintf("virtio-blk: restart failed (%d); requests stay queued\n", err);
		return err;
	}
	vblk.replayed += (uint64_t)pending;
	event_signal(&vblk.kick);
	return pending;
}

int vblk_submit(struct vblk_req *r)
{
	if (!vblk.up)
		return -NX_ENOENT;
	switch (r->op) {
	case VBLK_READ:
	case VBLK_WRITE:
		if (!r->buf || r->count == 0 || r->count > VBLK_MAX_SECTORS)
			return -NX_EINVAL;
		if (r->sector >= vblk.capacity || r->count > vblk.capacity - r->sector)
			return -NX_ERANGE;
		if (r->op == VBLK_WRITE && (vblk.dev.features & VIRTIO_BLK_F_RO))
			return -NX_EROFS;
		break;
	case VBLK_FLUSH:
		if (r->buf || r->count)
			return -NX_EINVAL;
		break;
	default:
		return -NX_EINVAL;
	}
	event_init(&r->done);
	r->id = ++vblk.next_id;
	r->result = 0;
	r->on_ring = false;
	r->next = NULL;
	vblk.submitted++;
	/* Without the FLUSH feature the device has no volatile cache (5.2.6.2). */
	if (r->op == VBLK_FLUSH && !(vblk.dev.features & VIRTIO_BLK_F_FLUSH)) {
		vblk.completed++;
		event_signal(&r->done);
		return 0;
	}
	r->hdr = (struct virtio_blk_hdr){
		.type = r->op == VBLK_READ ? VIRTIO_BLK_T_IN :
			r->op == VBLK_WRITE ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_FLUSH,
		.sector = r->op == VBLK_FLUSH ? 0 : r->sector,
	};
	if (vblk.tail)
		vblk.tail->next = r;
	else
		vblk.head = r;
	vblk.tail = r;
	event_signal(&vblk.kick);
	return 0;
}

int vblk_wait(struct vblk_req *r)
{
	event_wait(&r->done, EVENT_FOREVER);
	return r->result;
}

int vblk_io(enum vblk_op op, uint64_t sector, void *buf, uint32_t count)
{
	struct vblk_req r = { .op = op, .sector = sector, .buf = buf, .count = count };
	int err = vblk_submit(&r);

	return err ? err : vblk_wait(&r);
}

int vblk_info(struct vblk_info *out)
{
	if (!vblk.up)
		return -NX_ENOENT;
	*out = (struct vblk_info){
		.capacity = vblk.capacity,
		.offered = vblk.dev.offered,
		.features = vblk.dev.features,
		.queue_size = vblk.q.size,
		.slot = vblk.dev.slot,
		.irq = vblk.dev.irq,
		.generation = vblk.generation,
		.submitted = vblk.submitted,
		.completed = vblk.completed,
		.errors = vblk.errors,
		.interrupts = vblk.interrupts,
		.notifies = vblk.notifies,
		.replayed = vblk.replayed,
	};
	return 0;
}
