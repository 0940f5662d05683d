/*
 * virtio-blk, the kernel's half: the device's life, the submitted list,
 * the interrupt, and what the driver app (user/vblkd) is lent.
 *
 * The driver app gets the device's register window (its loads and
 * stores trap to window_access(); it may read any register and kick
 * the queue, nothing else) and one channel: requests go to it there, it
 * sends completions back. Its queue lives in its own cell. Every kick is
 * checked first: the device may only touch the driver's cell and the
 * buffers of requests it holds, each in its request's direction.
 *
 * Concurrency: one CPU. The submitted list and the channel's kernel ring
 * are touched only by kernel code that does not switch (clients, the
 * driver's own system calls, Blink), never by the interrupt handler,
 * which only acknowledges the device and wakes the driver.
 */
#include <nexus/audit.h>
#include <nexus/driver.h>
#include <nexus/errno.h>

#include "arch/hal.h"
#include "core/fiber.h"
#include "core/irq.h"
#include "core/kprintf.h"
#include "core/platform.h"
#include "drivers/blink.h"
#include "drivers/virtio_blk.h"
#include "drivers/virtio_mmio.h"
#include "fmt.h"
#include "mm/page_alloc.h"
#include "sys/app.h"
#include "sys/chan.h"

#define DRIVER_PATH	"/bin/vblkd.npk"

struct vblk_disk {
	bool up;
	bool irq_registered;
	struct virtio_mmio dev;
	uint64_t capacity;
	/* The driver app and what it is lent. */
	struct app_device lend;
	uint32_t driver;		/* its app id; 0 while none runs */
	struct channel *chan;		/* its channel, once opened */
	struct virtq_desc *desc;	/* its queue, once attached */
	struct virtq_avail *avail;
	unsigned queue_size;
	unsigned in_driver;		/* requests sent and not completed */
	uint16_t avail_checked;		/* chains checked so far */
	bool restarting;		/* a new driver is on its way */
	uint64_t down_at;		/* when the last driver was lost */
	struct vblk_req *head, *tail;	/* submitted, not yet completed; id order */
	uint32_t next_id;
	unsigned generation;
	uint64_t submitted, completed, errors, interrupts, notifies, replayed;
	struct blink_driver blink;
	uint64_t restart_latency;	/* fault to the first request served after */
	uint64_t restart_ticks;		/* fault to the driver attached, requests sent */
	uint64_t progress_at;		/* last completion, restart, or first request */
};

static struct vblk_disk disks[VBLK_DISKS];
static unsigned ndisks;

static void wake_driver(struct vblk_disk *d)
{
	if (d->chan)
		event_signal(&d->chan->readable[0]);
}

static void vblk_irq(unsigned irq)
{
	for (unsigned i = 0; i < ndisks; i++) {
		struct vblk_disk *d = &disks[i];

		if (d->dev.irq != irq)
			continue;
		d->interrupts++;
		if (virtio_mmio_ack_irq(&d->dev))
			wake_driver(d);
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
	if (d->down_at && !d->restart_latency)
		d->restart_latency = hal_time_now() - d->down_at;
	r->result = result;
	if (r->sent)
		d->in_driver--;
	unlink_req(d, r);
	d->completed++;
	if (result)
		d->errors++;
	event_signal(&r->done);
}

/*
 * Hand the driver what it has not seen yet, oldest first, but never more
 * than its queue holds: whatever is on its channel fits on its queue, so
 * it can always empty the channel before it sleeps.
 */
static void dispatch(struct vblk_disk *d)
{
	bool sent = false;

	if (!d->desc)
		return;
	for (struct vblk_req *r = d->head; r && d->in_driver < d->queue_size / 3; r = r->next) {
		struct nx_msg m = {
			.op = NX_DRV_REQUEST, .tag = r->id,
			.arg = { r->sector, r->op == VBLK_READ ? NX_DRV_READ :
				 r->op == VBLK_WRITE ? NX_DRV_WRITE : NX_DRV_FLUSH },
			.buf = (uint64_t)(uintptr_t)r->buf, .len = (uint64_t)r->count * VBLK_SECTOR,
		};

		if (r->sent)
			continue;
		if (ion_push(&d->chan->ring[1], &m, NULL))
			break;
		r->sent = true;
		d->in_driver++;
		sent = true;
	}
	if (sent)
		wake_driver(d);
}

/* Everything the driver held goes back to waiting for the next one. */
static unsigned take_back(struct vblk_disk *d)
{
	unsigned pending = 0;

	for (struct vblk_req *r = d->head; r; r = r->next) {
		r->sent = false;
		pending++;
	}
	d->in_driver = 0;
	return pending;
}

static struct vblk_disk *disk_of_app(const struct app *a)
{
	struct vblk_disk *d = a->device ? a->device->ctx : NULL;

	return d && d->driver == a->id ? d : NULL;
}

/* The device may use the driver's own cell, and the requests it holds. */
static bool dma_allowed(void *ctx, uint64_t addr, uint32_t len, bool device_writes)
{
	struct vblk_disk *d = ctx;
	const struct app *a = app_find(d->driver);
	uint64_t cell = a ? (uint64_t)(uintptr_t)a->cell : 0;

	if (a && addr >= cell && addr + len <= cell + (uint64_t)a->cell_pages * PAGE_SIZE)
		return true;
	for (const struct vblk_req *r = d->head; r; r = r->next) {
		uint64_t buf = (uint64_t)(uintptr_t)r->buf;

		if (r->sent && r->count && addr >= buf &&
		    addr + len <= buf + (uint64_t)r->count * VBLK_SECTOR &&
		    device_writes == (r->op == VBLK_READ))
			return true;
	}
	return false;
}

/* Kill the driver with a reason for the console and the audit log. */
static void refuse(struct app *a, const char *what)
{
	char line[NX_AUDIT_TEXT_LEN];

	fmt_snprintf(line, sizeof(line), "vblk: %s", what);
	app_violation(a, line);
}

/*
 * The driver's load or store in its window. Reads are harmless; the only
 * store that is the driver's is the queue kick, made once the chains it
 * announces have been checked.
 */
static bool window_access(struct app *a, uint64_t off, unsigned size, bool write,
			  uint64_t *val)
{
	struct vblk_disk *d = disk_of_app(a);
	volatile void *reg = (volatile void *)(uintptr_t)(d ? d->dev.base + off : 0);
	const char *why;
	uint16_t to;

	if (!d)
		return false;
	if (size == 8) {
		refuse(a, "64-bit register access");
		return false;
	}
	if (!write) {
		*val = size == 1 ? *(volatile uint8_t *)reg : size == 2 ? *(volatile uint16_t *)reg :
		       *(volatile uint32_t *)reg;
		return true;
	}
	if (off != VIRTIO_MMIO_QUEUE_NOTIFY || size != 4 || *val != 0 || !d->desc) {
		char what[40];

		fmt_snprintf(what, sizeof(what), "store to register 0x%03x", (unsigned)off);
		refuse(a, what);
		return false;
	}
	to = __atomic_load_n(&d->avail->idx, __ATOMIC_ACQUIRE);
	if (virtq_check_avail(d->desc, d->avail, d->queue_size, d->avail_checked, to,
			      dma_allowed, d, &why)) {
		refuse(a, why);
		return false;
	}
	d->avail_checked = to;
	d->notifies++;
	virtio_mmio_notify(&d->dev, 0);
	return true;
}

/*
 * NX_DRV_ATTACH: the driver's queue memory, in its own cell. The queue
 * is placed there and the device goes live; then the driver gets every
 * pending request, in id order.
 */
static int64_t attach(struct vblk_disk *d, struct app *a, const struct nx_msg *m)
{
	uint64_t cell = (uint64_t)(uintptr_t)a->cell;
	uint64_t cell_bytes = (uint64_t)a->cell_pages * PAGE_SIZE;
	unsigned size;
	size_t avail_off;

	if (d->desc)
		return -NX_EBUSY;
	size = virtio_mmio_queue_max(&d->dev, 0);
	if (size < 4)
		return -NX_EIO;		/* a request takes three descriptors */
	/* In its cell, not its channel's pool pages: the device writes there. */
	if (m->buf & 15 || m->buf < cell || m->buf - cell > cell_bytes ||
	    m->len < virtq_bytes(size, &avail_off, NULL) || m->len > cell_bytes - (m->buf - cell) ||
	    !app_can_write(a, m->buf, m->len))
		return -NX_EFAULT;
	virtio_mmio_queue_place(&d->dev, 0, size, m->buf);
	virtio_mmio_driver_ok(&d->dev);
	d->desc = (struct virtq_desc *)(uintptr_t)m->buf;
	d->avail = (struct virtq_avail *)(uintptr_t)(m->buf + avail_off);
	d->queue_size = size;
	d->avail_checked = 0;
	return size;
}

static struct vblk_req *find_sent(struct vblk_disk *d, uint32_t id)
{
	for (struct vblk_req *r = d->head; r; r = r->next)
		if (r->id == id && r->sent)
			return r;
	return NULL;
}

/* notify() by the driver: its attach, or completions. */
static void driver_said(struct channel *c)
{
	struct vblk_disk *d = &disks[c->svc_unit];
	struct app *a = c->end[0];
	struct nx_msg m;
	bool attached = false;

	if (c != d->chan)
		return;			/* a driver already replaced */
	while (chan_next_request(c, &m)) {
		struct vblk_req *r;

		if (m.op == NX_DRV_ATTACH) {
			int64_t size = attach(d, a, &m);

			m.arg[0] = d->dev.base;
			m.arg[1] = VIRTIO_MMIO_WINDOW;
			m.arg[2] = d->capacity;
			if (size < 0)
				kprintf("virtio-blk: disk %u: the driver's queue is refused (%ld)\n",
					c->svc_unit, (long)size);
			chan_reply(c, &m, size);
			attached = size > 0;
		} else if (m.op == NX_DRV_DONE && (r = find_sent(d, m.tag))) {
			finish(d, r, m.status ? -NX_EIO : 0);
		} else {
			app_violation(a, "vblk: a message the driver may not send");
		}
	}
	dispatch(d);
	if (attached && d->restarting) {
		d->restarting = false;
		d->restart_ticks = hal_time_now() - d->down_at;
	}
}

/*
 * The driver's channel is going, with the driver (a fault, a kill) or
 * because it let go. Stop the device before its queue's memory goes
 * back; Blink starts the next driver. One that never got as far as its
 * queue is left to the watchdog, so that a driver that cannot attach is
 * not restarted flat out.
 */
static void driver_gone(struct channel *c)
{
	struct vblk_disk *d = &disks[c->svc_unit];
	bool attached = d->desc != NULL;

	if (c != d->chan)
		return;
	d->chan = NULL;
	d->desc = NULL;
	d->down_at = hal_time_now();
	virtio_mmio_halt(&d->dev);
	take_back(d);
	if (attached)
		blink_driver_died(&d->blink);
}

static int driver_open(struct app *a, struct channel **out)
{
	struct vblk_disk *d = disk_of_app(a);
	int err;

	if (!d)
		return -NX_EPERM;
	if (d->chan)
		return -NX_EBUSY;
	err = chan_pool_service_create(a, "vblk", driver_said, NX_DRV_RING_SLOTS,
				       sizeof(struct nx_msg), out);
	if (err)
		return err;
	(*out)->svc_unit = (unsigned)(d - disks);
	(*out)->device = true;
	(*out)->on_close = driver_gone;
	d->chan = *out;
	return 0;
}

/* Blink's watchdog: since when requests have waited without progress. */
static uint64_t stalled_since(unsigned unit)
{
	struct vblk_disk *d = &disks[unit];

	return d->up && d->head ? d->progress_at : 0;
}

/* Device handshake up to the queue, then a driver app to place it. */
static int device_up(struct vblk_disk *d)
{
	char args[16];
	int err, id;

	err = virtio_mmio_negotiate(&d->dev, VIRTIO_BLK_F_RO | VIRTIO_BLK_F_FLUSH);
	if (err)
		return err;
	d->capacity = virtio_mmio_config64(&d->dev, 0);
	fmt_snprintf(args, sizeof(args), "%u", (unsigned)(d - disks));
	id = app_spawn_driver(DRIVER_PATH, args, &d->lend);
	if (id < 0) {
		virtio_mmio_reset(&d->dev);
		return id;
	}
	d->driver = (uint32_t)id;
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
	d->lend = (struct app_device){ .base = d->dev.base, .size = VIRTIO_MMIO_WINDOW,
				       .access = window_access, .open = driver_open, .ctx = d };
	err = device_up(d);
	if (err)
		return err;
	hal_irq_enable(d->dev.irq);
	d->up = true;
	d->blink = (struct blink_driver){ .name = "vblk", .unit = (unsigned)(d - disks),
					  .restart = vblk_restart, .oldest = stalled_since };
	blink_watch(&d->blink);
	kprintf("virtio-blk: disk %u: slot %u irq %u, %lu sectors (%lu KiB), driver app %u\n",
		(unsigned)(d - disks), d->dev.slot, d->dev.irq, (unsigned long)d->capacity,
		(unsigned long)(d->capacity / 2), d->driver);
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
 * Called by Blink (or the monitor): the device is reset first, so it
 * no longer touches the old driver's cell, then the old driver is
 * killed and a new one started; every request still on the submitted
 * list goes to it once it has placed its queue, oldest first.
 */
int vblk_restart(unsigned disk)
{
	struct vblk_disk *d = disk_of(disk);
	struct app *old;
	int err, pending;

	if (!d)
		return -NX_ENOENT;
	if (d->chan || !d->down_at)
		d->down_at = hal_time_now();	/* hung, or asked to: lost now */
	d->chan = NULL;			/* the old channel's close is this restart */
	d->desc = NULL;
	virtio_mmio_halt(&d->dev);
	old = app_find(d->driver);
	if (old && old->device == &d->lend && old->fiber)
		fiber_kill(old->fiber);
	d->driver = 0;
	pending = (int)take_back(d);
	d->restart_latency = 0;
	d->progress_at = hal_time_now();	/* a failed restart is retried later */
	err = device_up(d);
	if (err) {
		kprintf("virtio-blk: restart failed (%d); requests stay queued\n", err);
		return err;
	}
	d->restarting = true;
	d->replayed += (uint64_t)pending;
	return pending;
}

int vblk_crash(unsigned disk, unsigned how)
{
	struct vblk_disk *d = disk_of(disk);
	struct nx_msg m = { .op = NX_DRV_CRASH, .arg = { how } };

	if (!d)
		return -NX_ENOENT;
	if (!d->chan)
		return -NX_EAGAIN;
	if (ion_push(&d->chan->ring[1], &m, NULL))
		return -NX_EAGAIN;
	wake_driver(d);
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
	r->sent = false;
	r->next = NULL;
	d->submitted++;
	/* Without the FLUSH feature the device has no volatile cache (5.2.6.2). */
	if (r->op == VBLK_FLUSH && !(d->dev.features & VIRTIO_BLK_F_FLUSH)) {
		d->completed++;
		event_signal(&r->done);
		return 0;
	}
	if (d->tail)
		d->tail->next = r;
	else
		d->head = r;
	d->tail = r;
	dispatch(d);
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
		.queue_size = d->queue_size,
		.slot = d->dev.slot,
		.irq = d->dev.irq,
		.generation = d->generation,
		.driver_app = d->driver,
		.submitted = d->submitted,
		.completed = d->completed,
		.errors = d->errors,
		.interrupts = d->interrupts,
		.notifies = d->notifies,
		.replayed = d->replayed,
		.restart_latency = d->restart_latency,
		.restart_ticks = d->restart_ticks,
	};
	return 0;
}
