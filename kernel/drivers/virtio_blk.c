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
#include "core/platform.h"
#include "drivers/virtio_blk.h"
#include "drivers/blink.h"
#include "drivers/virtio_mmio.h"

#define QUEUE_SIZE	128
#define DESCS_PER_REQ	3	/* header, data, status */

/* Request types and status values (5.2.6). */
#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_T_FLUSH	4
#define VIRTIO_BLK_S_OK		0

struct vblk_disk {
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
	struct blink_driver blink;
	bool crash;			/* debug: fault at the next wakeup */
	uint64_t restart_latency;	/* fault to the first request served after */
	uint64_t progress_at;		/* last completion, restart, or first request */
};

static struct vblk_disk disks[VBLK_DISKS];
static unsigned ndisks;

static void vblk_irq(unsigned irq)
{
	for (unsigned i = 0; i < ndisks; i++) {
		struct vblk_disk *d = &disks[i];

		if (d->dev.irq != irq)
			continue;
		d->interrupts++;
		if (virtio_mmio_ack_irq(&d->dev))
			event_signal(&d->kick);
	}
}

static void unlink_req(struct vblk_disk *d, struct vblk_req *r)
{
	struct vblk_req **pp = &d->head, *prev = NULL;

	while (*pp && *pp != r) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (!*pp)
		return;
	*pp = r->next;
	if (d->tail == r)
		d->tail = prev;
	r->next = NULL;
}

static void finish(struct vblk_disk *d, struct vblk_req *r, int result)
{
	d->progress_at = hal_time_now();
	if (d->blink.died_at && !d->restart_latency)
		d->restart_latency = hal_time_now() - d->blink.died_at;
	r->result = result;
	r->on_ring = false;
	unlink_req(d, r);
	d->completed++;
	if (result)
		d->errors++;
	event_signal(&r->done);
}

/* Complete whatever the device has finished. */
static void reap(struct vblk_disk *d)
{
	void *cookie;
	uint32_t len;

	while (virtq_get_used(&d->q, &cookie, &len)) {
		struct vblk_req *r = cookie;

		if (!r) {
			kprintf("virtio-blk: device completed a chain it was not given\n");
			continue;
		}
		finish(d, r, r->status == VIRTIO_BLK_S_OK ? 0 : -NX_EIO);
	}
}

/* Put waiting requests on the ring, oldest first, while it has room. */
static void dispatch(struct vblk_disk *d)
{
	unsigned added = 0;

	for (struct vblk_req *r = d->head; r; r = r->next) {
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
		err = virtq_add(&d->q, b, n, r);
		if (err == -NX_EAGAIN)
			break;
		if (err < 0) {
			finish(d, r, err);		/* cannot happen: checked at submit */
			break;
		}
		r->on_ring = true;
		added++;
	}
	if (added && virtq_notify_wanted(&d->q)) {
		d->notifies++;
		virtio_mmio_notify(&d->dev, 0);
	}
}

static void vblk_main(void *arg)
{
	struct vblk_disk *d = arg;

	for (;;) {
		event_wait(&d->kick, EVENT_FOREVER);
		if (d->crash) {
			d->crash = false;
			*(volatile uint32_t *)0 = 0;	/* the fault Blink must survive */
		}
		reap(d);
		dispatch(d);
	}
}

static void driver_exited(struct fiber *f, int code)
{
	struct vblk_disk *d = f->arg;

	(void)code;
	d->fiber = NULL;
	blink_driver_died(&d->blink);
}

static int start_fiber(struct vblk_disk *d)
{
	struct fiber_params p = {
		.name = "vblk",
		.entry = vblk_main,
		.arg = d,
		.spectrum = SCHED_PHOTON,
		/* Blink, not the energy ladder, decides when a driver is sick. */
		.flags = FIBER_DETACHED | FIBER_UNMETERED | FIBER_SUPERVISED,
	};
	int err = fiber_create(&p, &d->fiber);

	if (!err)
		d->fiber->on_exit = driver_exited;
	return err;
}

/* Blink's watchdog: since when requests have waited without progress. */
static uint64_t stalled_since(unsigned unit)
{
	struct vblk_disk *d = &disks[unit];

	return d->up && d->head ? d->progress_at : 0;
}

/* Device handshake and queue; on failure the device is left reset. */
static int device_up(struct vblk_disk *d)
{
	int size, err;

	err = virtio_mmio_negotiate(&d->dev, VIRTIO_BLK_F_RO | VIRTIO_BLK_F_FLUSH);
	if (err)
		return err;
	size = virtio_mmio_queue_setup(&d->dev, 0, &d->q, QUEUE_SIZE);
	if (size < DESCS_PER_REQ) {
		virtio_mmio_reset(&d->dev);
		return size < 0 ? size : -NX_EIO;
	}
	d->capacity = virtio_mmio_config64(&d->dev, 0);
	virtio_mmio_driver_ok(&d->dev);
	d->generation++;
	return 0;
}

/* The disk in the first modern virtio-blk slot from @from on. */
static int start_disk(struct vblk_disk *d, unsigned from)
{
	int err = virtio_mmio_find(VIRTIO_ID_BLOCK, from, &d->dev);

	if (err)
		return err;
	/* Handlers cannot be unregistered: one per line, for every later start. */
	if (!d->irq_registered) {
		err = irq_register(d->dev.irq, "virtio-blk", vblk_irq);
		if (err)
			return err;
		d->irq_registered = true;
	}
	err = device_up(d);
	if (err)
		return err;
	hal_irq_enable(d->dev.irq);
	err = start_fiber(d);
	if (err) {
		virtio_mmio_reset(&d->dev);
		return err;
	}
	d->up = true;
	d->blink = (struct blink_driver){ .name = "vblk", .unit = (unsigned)(d - disks),
					  .restart = vblk_restart, .oldest = stalled_since };
	blink_watch(&d->blink);
	kprintf("virtio-blk: disk %u: slot %u irq %u, %lu sectors (%lu KiB), queue %u\n",
		(unsigned)(d - disks), d->dev.slot, d->dev.irq, (unsigned long)d->capacity,
		(unsigned long)(d->capacity / 2), d->q.size);
	return 0;
}

/*
 * QEMU gives the highest virtio-mmio slot to the first device on its
 * command line, so disks are numbered from the top slot down: disk 0 is
 * the first -drive.
 */
int vblk_start(void)
{
	unsigned from = 0, nslots = 0, slots[PLATFORM_MAX_VIRTIO];
	struct virtio_mmio probe;

	if (ndisks)
		return (int)ndisks;
	while (nslots < PLATFORM_MAX_VIRTIO &&
	       virtio_mmio_find(VIRTIO_ID_BLOCK, from, &probe) == 0) {
		slots[nslots++] = probe.slot;
		from = probe.slot + 1;
	}
	while (nslots && ndisks < VBLK_DISKS) {
		struct vblk_disk *d = &disks[ndisks];

		if (start_disk(d, slots[--nslots]))
			break;
		ndisks++;
	}
	return (int)ndisks;
}

static struct vblk_disk *disk_of(unsigned disk)
{
	return disk < ndisks && disks[disk].up ? &disks[disk] : NULL;
}

/*
 * Called by Blink (or the monitor): a hung driver's fiber is stopped, a
 * dead one's replaced; the device is reset, so it no longer touches the
 * old rings, and every request still on the submitted list goes on the
 * new ring, oldest first.
 */
int vblk_restart(unsigned disk)
{
	struct vblk_disk *d = disk_of(disk);
	int err, pending = 0;

	if (!d)
		return -NX_ENOENT;
	if (d->fiber) {
		d->fiber->on_exit = NULL;	/* this is the restart already */
		fiber_kill(d->fiber);
		d->fiber = NULL;
	}
	virtio_mmio_reset(&d->dev);
	for (struct vblk_req *r = d->head; r; r = r->next) {
		r->on_ring = false;
		pending++;
	}
	d->restart_latency = 0;
	d->progress_at = hal_time_now();	/* a failed restart is retried later */
	err = device_up(d);
	if (!err)
		err = start_fiber(d);
	if (err) {
		kprintf("virtio-blk: restart failed (%d); requests stay queued\n", err);
		return err;
	}
	d->replayed += (uint64_t)pending;
	event_signal(&d->kick);
	return pending;
}

int vblk_crash(unsigned disk)
{
	struct vblk_disk *d = disk_of(disk);

	if (!d)
		return -NX_ENOENT;
	d->crash = true;
	event_signal(&d->kick);
	return 0;
}

int vblk_submit(unsigned disk, struct vblk_req *r)
{
	struct vblk_disk *d = disk_of(disk);

	if (!d)
		return -NX_ENOENT;
	switch (r->op) {
	case VBLK_READ:
	case VBLK_WRITE:
		if (!r->buf || r->count == 0 || r->count > VBLK_MAX_SECTORS)
			return -NX_EINVAL;
		if (r->sector >= d->capacity || r->count > d->capacity - r->sector)
			return -NX_ERANGE;
		if (r->op == VBLK_WRITE && (d->dev.features & VIRTIO_BLK_F_RO))
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
	r->id = ++d->next_id;
	r->submitted_at = hal_time_now();
	if (!d->head)
		d->progress_at = r->submitted_at;
	r->result = 0;
	r->on_ring = false;
	r->next = NULL;
	d->submitted++;
	/* Without the FLUSH feature the device has no volatile cache (5.2.6.2). */
	if (r->op == VBLK_FLUSH && !(d->dev.features & VIRTIO_BLK_F_FLUSH)) {
		d->completed++;
		event_signal(&r->done);
		return 0;
	}
	r->hdr = (struct virtio_blk_hdr){
		.type = r->op == VBLK_READ ? VIRTIO_BLK_T_IN :
			r->op == VBLK_WRITE ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_FLUSH,
		.sector = r->op == VBLK_FLUSH ? 0 : r->sector,
	};
	if (d->tail)
		d->tail->next = r;
	else
		d->head = r;
	d->tail = r;
	event_signal(&d->kick);
	blink_request_started();
	return 0;
}

int vblk_wait(struct vblk_req *r)
{
	event_wait(&r->done, EVENT_FOREVER);
	return r->result;
}

int vblk_io(unsigned disk, enum vblk_op op, uint64_t sector, void *buf, uint32_t count)
{
	struct vblk_req r = { .op = op, .sector = sector, .buf = buf, .count = count };
	int err = vblk_submit(disk, &r);

	return err ? err : vblk_wait(&r);
}

int vblk_info(unsigned disk, struct vblk_info *out)
{
	struct vblk_disk *d = disk_of(disk);

	if (!d)
		return -NX_ENOENT;
	*out = (struct vblk_info){
		.capacity = d->capacity,
		.offered = d->dev.offered,
		.features = d->dev.features,
		.queue_size = d->q.size,
		.slot = d->dev.slot,
		.irq = d->dev.irq,
		.generation = d->generation,
		.submitted = d->submitted,
		.completed = d->completed,
		.errors = d->errors,
		.interrupts = d->interrupts,
		.notifies = d->notifies,
		.replayed = d->replayed,
		.restart_latency = d->restart_latency,
		.restart_ticks = d->blink.restart_ticks,
	};
	return 0;
}
