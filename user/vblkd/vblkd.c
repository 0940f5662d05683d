/*
 * vblkd: the virtio-blk driver (virtio 1.2, 5.2), at EL0 in a cell of
 * its own. The kernel starts it for one disk, with the device already
 * negotiated; it places the request queue in its own memory, then turns
 * each request it is handed into a chain (header, data, status), kicks
 * the device through its register window, and reports each completion.
 * It never touches the data: the buffers are lent to the device, not to
 * it. If it dies, Blink resets the device, starts a new vblkd and hands
 * it every request that had not completed (<nexus/driver.h>,
 * docs/drivers.md).
 */
#include "nexus.h"

#include "drivers/virtq.h"

#define QUEUE_BYTES	4096	/* a queue of 128: 3,342 bytes */
#define DESCS_PER_REQ	3	/* header, data, status */
#define MAX_REQS	(VIRTQ_MAX_SIZE / DESCS_PER_REQ)
/* Registers (4.2.2): the kick, and Status for NX_DRV_CRASH_MMIO and _RESET. */
#define REG_QUEUE_NOTIFY	0x050
#define REG_STATUS		0x070

/* Request types and status values (5.2.6). */
#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_T_FLUSH	4
#define VIRTIO_BLK_S_OK		0

/* What the device reads first and writes last; one per request in flight. */
struct req {
	struct {
		uint32_t type;
		uint32_t reserved;
		uint64_t sector;
	} hdr;
	uint8_t status;
	bool busy;
	uint32_t id;
};

static uint8_t queue_mem[QUEUE_BYTES] __attribute__((aligned(4096)));
static struct req reqs[MAX_REQS];
static struct virtq q;
static struct ion_ring tx, rx;
static int slot;
static uint64_t window;		/* the device's registers */

/* The device's register window is lent, not mapped: each access traps. */
static void reg_write(uint64_t off, uint32_t v)
{
	__asm__ volatile("str %w0, [%1]" : : "r"(v), "r"(window + off) : "memory");
}

/* A message to the kernel; a full ring is drained by the notify. */
static void tell(const struct nx_msg *m)
{
	while (ion_push(&tx, m, NULL))
		nx_notify(slot);
}

static int attach(void)
{
	size_t bytes = ion_ring_bytes(NX_DRV_RING_SLOTS, sizeof(struct nx_msg));
	struct nx_chan_desc d;
	struct nx_msg m = { .op = NX_DRV_ATTACH, .buf = (uint64_t)(uintptr_t)queue_mem,
			    .len = sizeof(queue_mem) };
	int err;

	slot = nx_chan_open("vblk", NX_CHAN_DRIVER, &d);
	if (slot < 0)
		return slot;
	if (d.elem_size != sizeof(struct nx_msg) || ion_ring_attach(&tx, (void *)d.tx, bytes) ||
	    ion_ring_attach(&rx, (void *)d.rx, bytes))
		return -NX_EINVAL;
	tell(&m);
	nx_notify(slot);
	/* The reply comes first: requests follow only once the queue is placed. */
	while (ion_pop(&rx, &m, NULL))
		if ((err = nx_wait(slot, NX_DEADLINE_NEVER, NULL)))
			return err;
	if (m.status < 0)
		return (int)m.status;
	window = m.arg[0];
	return virtq_init(&q, (unsigned)m.status, queue_mem);
}

static struct req *free_req(void)
{
	for (unsigned i = 0; i < MAX_REQS; i++)
		if (!reqs[i].busy)
			return &reqs[i];
	return NULL;
}

/* One request on the queue: the header, the data (if any), the status. */
static void queue_request(const struct nx_msg *m)
{
	static const uint32_t types[] = { [NX_DRV_READ] = VIRTIO_BLK_T_IN,
					  [NX_DRV_WRITE] = VIRTIO_BLK_T_OUT,
					  [NX_DRV_FLUSH] = VIRTIO_BLK_T_FLUSH };
	struct req *r = free_req();
	struct virtq_buf b[DESCS_PER_REQ];
	unsigned n = 0;

	if (!r)
		return;
	r->busy = true;
	r->id = m->tag;
	r->hdr.type = types[m->arg[1] <= NX_DRV_FLUSH ? m->arg[1] : NX_DRV_FLUSH];
	r->hdr.sector = m->arg[1] == NX_DRV_FLUSH ? 0 : m->arg[0];
	/* The device sets it; a stale OK must not survive a lost write. */
	r->status = 0xff;
	b[n++] = (struct virtq_buf){ &r->hdr, sizeof(r->hdr), false };
	if (m->len)
		b[n++] = (struct virtq_buf){ (void *)(uintptr_t)m->buf, (uint32_t)m->len,
					     m->arg[1] == NX_DRV_READ };
	b[n++] = (struct virtq_buf){ &r->status, 1, true };
	if (virtq_add(&q, b, n, r) < 0)
		r->busy = false;	/* the kernel's watchdog will notice */
}

/* Debug kernels ask for each way a driver can go wrong. */
static void misbehave(uint64_t how)
{
	if (how == NX_DRV_CRASH_MMIO) {
		/* The transport next to ours shares the page: reset it. */
		window ^= 0x200;
		reg_write(REG_STATUS, 0);
	} else if (how == NX_DRV_CRASH_DMA) {
		/* Read a sector over the bottom of RAM, the kernel's. */
		struct nx_msg m = { .tag = 0, .arg = { 0, NX_DRV_READ },
				    .buf = 0x40000000, .len = 512 };

		queue_request(&m);
		reg_write(REG_QUEUE_NOTIFY, 0);
	} else if (how == NX_DRV_CRASH_RESET) {
		reg_write(REG_STATUS, 0);
	}
	*(volatile uint32_t *)0 = 0;
}

/*
 * Take everything the kernel sent: it never sends more than the queue
 * holds, so the channel is empty when the driver sleeps.
 */
static bool take_requests(void)
{
	struct nx_msg m;
	bool added = false;

	while (q.nfree >= DESCS_PER_REQ && ion_pop(&rx, &m, NULL) == 0) {
		if (m.op == NX_DRV_CRASH)
			misbehave(m.arg[0]);
		if (m.op != NX_DRV_REQUEST)
			continue;
		queue_request(&m);
		added = true;
	}
	return added;
}

/* Report what the device finished. */
static bool reap(void)
{
	void *cookie;
	uint32_t len;
	bool any = false;

	while (virtq_get_used(&q, &cookie, &len)) {
		struct req *r = cookie;
		struct nx_msg m = { .op = NX_DRV_DONE };

		if (!r)
			continue;
		m.tag = r->id;
		m.status = r->status == VIRTIO_BLK_S_OK ? 0 : -NX_EIO;
		r->busy = false;
		tell(&m);
		any = true;
	}
	return any;
}

int main(int argc, char **argv)
{
	int err = attach();

	if (err) {
		printf("vblkd %s: cannot attach to the disk: %s\n", argc > 1 ? argv[1] : "?",
		       nx_strerror(err));
		return 1;
	}
	for (;;) {
		bool done = reap();

		if (take_requests() && virtq_notify_wanted(&q))
			reg_write(REG_QUEUE_NOTIFY, 0);
		if (done)
			nx_notify(slot);
		nx_wait(slot, NX_DEADLINE_NEVER, NULL);
	}
}
