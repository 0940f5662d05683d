/*
 * The built-in configuration for QEMU virt (-m 1G), until nexus-boot
 * hands RumKV a manifest: one cell, "rumpk", with the low 512 MiB of
 * RAM, core 0, the console, the GICv3 and every virtio-mmio slot.
 *
 * Classing rule for this step: every virtio-mmio slot is NET. QEMU
 * fills the slots from the top (0x0a003e00 first) in command-line
 * order, so a slot's device type is only known by probing it; and
 * eight slots share each 4 KiB stage-2 page, so slots of one page must
 * share a class anyway (cell_create checks it).
 *
 * RumKV itself lives at 0x7fc00000, in the upper 512 MiB no cell maps.
 */
#include <stdint.h>

#include <nexus/hypercall.h>

#include "config.h"

#define VIRTIO_BASE	0x0a000000ull
#define VIRTIO_STRIDE	0x200ull
#define VIRTIO_SLOTS	32
#define VIRTIO_IRQ0	48	/* SPI 16 */

/*
 * Filled in by code rather than an initializer: the table is resident
 * (cells point into it) and mostly empty, so it costs .bss, not .data.
 */
static struct hv_config hv_default;

static void config_virtio(struct cell_dev *d, unsigned i)
{
	static const char hex[] = "0123456789abcdef";

	/* "virtio-NN": the slot number, in two hex digits. */
	__builtin_memcpy(d->name, "virtio-", 7);
	d->name[7] = hex[i >> 4];
	d->name[8] = hex[i & 0xf];
	d->devclass = NX_DEVCLASS_NET;
	d->base = VIRTIO_BASE + i * VIRTIO_STRIDE;
	d->size = VIRTIO_STRIDE;
	d->nirqs = 1;
	d->irqs[0] = VIRTIO_IRQ0 + i;
}

static void config_dev(struct cell_dev *d, const char *name, uint32_t cls,
		       uint64_t base, uint64_t size, uint32_t irq)
{
	__builtin_memcpy(d->name, name, __builtin_strlen(name) + 1);
	d->devclass = cls;
	d->base = base;
	d->size = size;
	d->nirqs = irq ? 1 : 0;
	d->irqs[0] = irq;
}

const struct hv_config *hv_config_default(void)
{
	struct cell_config *c = &hv_default.cells[0];

	if (hv_default.ncells)
		return &hv_default;
	hv_default.ncells = 1;
	hv_default.ram_base = 0x40000000;
	hv_default.ram_size = 0x40000000;
	__builtin_memcpy(c->name, "rumpk", 6);
	__builtin_memcpy(c->image, "rumpk", 6);
	c->id = 0;
	c->ncpus = 1;
	c->mpidr[0] = 0;
	c->nmem = 1;
	c->mem[0].base = 0x40000000;
	c->mem[0].size = 0x20000000;
	c->devclasses = NX_DEVCLASS_CONSOLE | NX_DEVCLASS_NET;
	c->console_dev = 0;
	c->entry = 0x40200000;
	config_dev(&c->devs[0], "pl011", NX_DEVCLASS_CONSOLE, 0x09000000,
		   0x1000, 33);
	/* Passed through: one cell owns every interrupt (docs/hypervisor.md). */
	config_dev(&c->devs[1], "gicd", CELL_DEVCLASS_CORE, 0x08000000,
		   0x10000, 0);
	config_dev(&c->devs[2], "gicr", CELL_DEVCLASS_CORE, 0x080a0000,
		   0xf60000, 0);
	for (unsigned i = 0; i < VIRTIO_SLOTS; i++)
		config_virtio(&c->devs[3 + i], i);
	c->ndevs = 3 + VIRTIO_SLOTS;
	return &hv_default;
}
