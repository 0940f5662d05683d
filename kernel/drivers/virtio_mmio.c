/*
 * virtio-mmio, modern register layout (virtio 1.2, 4.2.2). Registers are
 * 32 bits wide and must be accessed 32 bits at a time; the device-specific
 * configuration space starts at 0x100.
 */
#include <nexus/errno.h>

#include "core/kernel.h"
#include "core/kprintf.h"
#include "core/platform.h"
#include "drivers/virtio_mmio.h"
#include "mm/page_alloc.h"

#define REG_MAGIC		0x000
#define REG_VERSION		0x004
#define REG_DEVICE_ID		0x008
#define REG_DEVICE_FEATURES	0x010
#define REG_DEVICE_FEATURES_SEL	0x014
#define REG_DRIVER_FEATURES	0x020
#define REG_DRIVER_FEATURES_SEL	0x024
#define REG_QUEUE_SEL		0x030
#define REG_QUEUE_NUM_MAX	0x034
#define REG_QUEUE_NUM		0x038
#define REG_QUEUE_READY		0x044
#define REG_QUEUE_NOTIFY	0x050
#define REG_INTERRUPT_STATUS	0x060
#define REG_INTERRUPT_ACK	0x064
#define REG_STATUS		0x070
#define REG_QUEUE_DESC		0x080	/* low word; high word at +4 */
#define REG_QUEUE_DRIVER	0x090
#define REG_QUEUE_DEVICE	0x0a0
#define REG_CONFIG_GENERATION	0x0fc
#define REG_CONFIG		0x100

#define MAGIC			0x74726976u	/* "virt", little-endian */

/* Device status bits (2.1). */
#define STATUS_ACKNOWLEDGE	1u
#define STATUS_DRIVER		2u
#define STATUS_DRIVER_OK	4u
#define STATUS_FEATURES_OK	8u
#define STATUS_NEEDS_RESET	64u
#define STATUS_FAILED		128u

static uint32_t rd(const struct virtio_mmio *d, unsigned off)
{
	return *(volatile uint32_t *)(uintptr_t)(d->base + off);
}

static void wr(const struct virtio_mmio *d, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)(d->base + off) = v;
}

static void wr64(const struct virtio_mmio *d, unsigned off, uint64_t v)
{
	wr(d, off, (uint32_t)v);
	wr(d, off + 4, (uint32_t)(v >> 32));
}

int virtio_mmio_find(uint32_t device_id, unsigned from, struct virtio_mmio *d)
{
	const struct platform *p = kernel_boot_info()->plat;

	if (!p)
		return -NX_ENOENT;
	for (unsigned i = from; i < p->nvirtio; i++) {
		struct virtio_mmio probe = { .base = p->virtio[i].base };
		uint32_t version;

		if (rd(&probe, REG_MAGIC) != MAGIC ||
		    rd(&probe, REG_DEVICE_ID) != device_id)
			continue;	/* DeviceID 0: an empty slot */
		version = rd(&probe, REG_VERSION);
		if (version != 2) {
			kprintf("virtio-mmio: slot %u (0x%lx) device %u has the %s "
				"interface (version %u), refused; only version 2 "
				"(virtio 1.x) is supported: run QEMU with "
				"-global virtio-mmio.force-legacy=false\n", i,
				(unsigned long)probe.base, device_id,
				version == 1 ? "legacy" : "unknown", version);
			continue;
		}
		*d = (struct virtio_mmio){ .base = probe.base,
					   .irq = p->virtio[i].irq, .slot = i,
					   .device_id = device_id };
		return 0;
	}
	return -NX_ENOENT;
}

static void free_queues(struct virtio_mmio *d)
{
	for (unsigned i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++) {
		if (d->queue_mem[i])
			page_free_n(d->queue_mem[i], d->queue_pages[i]);
		d->queue_mem[i] = NULL;
		d->queues[i] = NULL;
	}
}

void virtio_mmio_halt(struct virtio_mmio *d)
{
	wr(d, REG_STATUS, 0);
	/* Version 2 devices finish the reset before Status reads 0 (4.2.3.1). */
	while (rd(d, REG_STATUS) != 0)
		;
}

void virtio_mmio_reset(struct virtio_mmio *d)
{
	virtio_mmio_halt(d);
	free_queues(d);
	d->features = 0;
}

int virtio_mmio_negotiate(struct virtio_mmio *d, uint64_t wanted)
{
	uint64_t offered;

	virtio_mmio_reset(d);
	wr(d, REG_STATUS, STATUS_ACKNOWLEDGE);
	wr(d, REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
	wr(d, REG_DEVICE_FEATURES_SEL, 1);
	offered = (uint64_t)rd(d, REG_DEVICE_FEATURES) << 32;
	wr(d, REG_DEVICE_FEATURES_SEL, 0);
	offered |= rd(d, REG_DEVICE_FEATURES);
	d->offered = offered;
	if (!(offered & VIRTIO_F_VERSION_1)) {
		kprintf("virtio-mmio: slot %u does not offer VERSION_1\n", d->slot);
		goto fail;
	}
	d->features = (wanted | VIRTIO_F_VERSION_1) & offered;
	wr(d, REG_DRIVER_FEATURES_SEL, 1);
	wr(d, REG_DRIVER_FEATURES, (uint32_t)(d->features >> 32));
	wr(d, REG_DRIVER_FEATURES_SEL, 0);
	wr(d, REG_DRIVER_FEATURES, (uint32_t)d->features);
	wr(d, REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
	/* The device may still reject the subset (3.1.1 step 6). */
	if (!(rd(d, REG_STATUS) & STATUS_FEATURES_OK)) {
		kprintf("virtio-mmio: slot %u rejected features 0x%lx\n", d->slot,
			(unsigned long)d->features);
		goto fail;
	}
	return 0;
fail:
	wr(d, REG_STATUS, rd(d, REG_STATUS) | STATUS_FAILED);
	return -NX_EIO;
}

unsigned virtio_mmio_queue_max(struct virtio_mmio *d, unsigned index)
{
	unsigned size;

	if (index >= VIRTIO_MMIO_MAX_QUEUES || d->queue_mem[index])
		return 0;
	wr(d, REG_QUEUE_SEL, index);
	if (rd(d, REG_QUEUE_READY))
		return 0;
	size = rd(d, REG_QUEUE_NUM_MAX);
	if (size > VIRTQ_MAX_SIZE)
		size = VIRTQ_MAX_SIZE;
	while (size & (size - 1))
		size &= size - 1;	/* down to a power of two */
	return size;
}

void virtio_mmio_queue_place(struct virtio_mmio *d, unsigned index, unsigned size,
			     uint64_t mem)
{
	size_t avail_off, used_off;

	virtq_bytes(size, &avail_off, &used_off);
	wr(d, REG_QUEUE_SEL, index);
	wr(d, REG_QUEUE_NUM, size);
	wr64(d, REG_QUEUE_DESC, mem);
	wr64(d, REG_QUEUE_DRIVER, mem + avail_off);
	wr64(d, REG_QUEUE_DEVICE, mem + used_off);
	wr(d, REG_QUEUE_READY, 1);
}

int virtio_mmio_queue_setup(struct virtio_mmio *d, unsigned index,
			    struct virtq *q, unsigned size)
{
	unsigned max = virtio_mmio_queue_max(d, index), pages;
	void *mem;
	int err;

	if (max == 0)
		return -NX_EINVAL;	/* no such queue, or it is live */
	if (size > max)
		size = max;
	while (size & (size - 1))
		size &= size - 1;
	pages = (unsigned)((virtq_bytes(size, NULL, NULL) + PAGE_SIZE - 1) / PAGE_SIZE);
	mem = page_alloc_n(pages);
	if (!mem)
		return -NX_ENOMEM;
	err = virtq_init(q, size, mem);
	if (err) {
		page_free_n(mem, pages);
		return err;
	}
	d->queues[index] = q;
	d->queue_mem[index] = mem;
	d->queue_pages[index] = pages;
	/* VA == PA: a kernel pointer is the address the device uses. */
	virtio_mmio_queue_place(d, index, size, (uint64_t)(uintptr_t)mem);
	return (int)size;
}

void virtio_mmio_driver_ok(struct virtio_mmio *d)
{
	wr(d, REG_STATUS, rd(d, REG_STATUS) | STATUS_DRIVER_OK);
}

void virtio_mmio_notify(struct virtio_mmio *d, unsigned index)
{
	/* Ring stores reach memory before the device hears of them. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	wr(d, REG_QUEUE_NOTIFY, index);
}

uint32_t virtio_mmio_ack_irq(struct virtio_mmio *d)
{
	uint32_t s = rd(d, REG_INTERRUPT_STATUS);

	if (s)
		wr(d, REG_INTERRUPT_ACK, s);
	return s;
}

bool virtio_mmio_needs_reset(struct virtio_mmio *d)
{
	return (rd(d, REG_STATUS) & STATUS_NEEDS_RESET) != 0;
}

uint32_t virtio_mmio_config32(struct virtio_mmio *d, unsigned off)
{
	uint32_t gen, v;

	do {
		gen = rd(d, REG_CONFIG_GENERATION);
		v = rd(d, REG_CONFIG + off);
	} while (gen != rd(d, REG_CONFIG_GENERATION));
	return v;
}

uint64_t virtio_mmio_config64(struct virtio_mmio *d, unsigned off)
{
	uint32_t gen, lo, hi;

	do {
		gen = rd(d, REG_CONFIG_GENERATION);
		lo = rd(d, REG_CONFIG + off);
		hi = rd(d, REG_CONFIG + off + 4);
	} while (gen != rd(d, REG_CONFIG_GENERATION));
	return (uint64_t)hi << 32 | lo;
}

void virtio_mmio_config_bytes(struct virtio_mmio *d, unsigned off, uint8_t *out,
			      unsigned n)
{
	uint32_t gen;

	do {
		gen = rd(d, REG_CONFIG_GENERATION);
		for (unsigned i = 0; i < n; i++)
			out[i] = *(volatile uint8_t *)(uintptr_t)(d->base + REG_CONFIG + off + i);
	} while (gen != rd(d, REG_CONFIG_GENERATION));
}
