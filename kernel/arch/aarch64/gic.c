/*
 * GICv3 with affinity routing (Arm IHI 0069, "GICv3 and GICv4 Architecture
 * Specification"). All interrupts are non-secure Group 1, level priority,
 * routed to this core; QEMU virt's GIC has no security extension, so the
 * kernel owns the whole distributor.
 */
#include <nexus/errno.h>

#include "core/irq.h"
#include "core/kprintf.h"
#include "gic.h"
#include "sysreg.h"

#define GICD_CTLR	0x0000
#define GICD_TYPER	0x0004
#define GICD_IGROUPR	0x0080
#define GICD_ISENABLER	0x0100
#define GICD_ICENABLER	0x0180
#define GICD_IPRIORITYR	0x0400
#define GICD_IROUTER	0x6000
#define CTLR_RWP	(1u << 31)
#define CTLR_ARE_NS	(1u << 4)
#define CTLR_ENABLE_G1	(1u << 1)

#define GICR_FRAME	0x20000		/* RD_base + SGI_base */
#define GICR_TYPER	0x0008
#define GICR_WAKER	0x0014
#define TYPER_LAST	(1u << 4)
#define WAKER_SLEEP	(1u << 1)
#define WAKER_ASLEEP	(1u << 2)
#define SGI_BASE	0x10000

#define PRIO_DEFAULT	0xa0

static uint64_t dist, redist;

static void dist_wait(void)
{
	while (mmio_read32(dist + GICD_CTLR) & CTLR_RWP)
		;
}

/* The redistributor frame whose affinity matches this core's MPIDR. */
static int find_redist(uint64_t base, uint64_t size)
{
	uint64_t mpidr = sysreg_read(mpidr_el1);
	uint32_t aff = (uint32_t)((mpidr & 0xffffff) | (mpidr >> 32 & 0xff) << 24);

	for (uint64_t rd = base; rd < base + size; rd += GICR_FRAME) {
		uint64_t typer = mmio_read64(rd + GICR_TYPER);

		if ((uint32_t)(typer >> 32) == aff) {
			redist = rd;
			return 0;
		}
		if (typer & TYPER_LAST)
			break;
	}
	return -NX_EINVAL;
}

static void dist_init(void)
{
	unsigned lines = 32 * ((mmio_read32(dist + GICD_TYPER) & 0x1f) + 1);
	uint64_t mpidr = sysreg_read(mpidr_el1);
	uint64_t route = (mpidr & 0xffffff) | (mpidr >> 32 & 0xff) << 32;

	mmio_write32(dist + GICD_CTLR, 0);
	dist_wait();
	mmio_write32(dist + GICD_CTLR, CTLR_ARE_NS);
	dist_wait();
	for (unsigned i = 32; i < lines; i += 32) {
		mmio_write32(dist + GICD_ICENABLER + i / 8, ~0u);
		mmio_write32(dist + GICD_IGROUPR + i / 8, ~0u);
	}
	for (unsigned i = 32; i < lines; i += 4)
		mmio_write32(dist + GICD_IPRIORITYR + i, 0x01010101u * PRIO_DEFAULT);
	for (unsigned i = 32; i < lines; i++)
		mmio_write64(dist + GICD_IROUTER + 8 * i, route);
	dist_wait();
	mmio_write32(dist + GICD_CTLR, CTLR_ARE_NS | CTLR_ENABLE_G1);
	dist_wait();
}

static void redist_init(void)
{
	uint64_t sgi = redist + SGI_BASE;

	mmio_write32(redist + GICR_WAKER,
		     mmio_read32(redist + GICR_WAKER) & ~WAKER_SLEEP);
	while (mmio_read32(redist + GICR_WAKER) & WAKER_ASLEEP)
		;
	mmio_write32(sgi + GICD_ICENABLER, ~0u);
	mmio_write32(sgi + GICD_IGROUPR, ~0u);
	for (unsigned i = 0; i < 32; i += 4)
		mmio_write32(sgi + GICD_IPRIORITYR + i, 0x01010101u * PRIO_DEFAULT);
}

static void cpu_interface_init(void)
{
	sysreg_write(icc_sre_el1, sysreg_read(icc_sre_el1) | 1);
	isb();
	sysreg_write(icc_pmr_el1, 0xff);
	sysreg_write(icc_bpr1_el1, 0);
	sysreg_write(icc_ctlr_el1, 0);		/* EOI also deactivates */
	sysreg_write(icc_igrpen1_el1, 1);
	isb();
}

int gic_init(uint64_t gicd, uint64_t gicr, uint64_t gicr_size)
{
	dist = gicd;
	if (find_redist(gicr, gicr_size)) {
		kprintf("gic: no redistributor for this core in 0x%lx+0x%lx\n",
			(unsigned long)gicr, (unsigned long)gicr_size);
		return -NX_EINVAL;
	}
	dist_init();
	redist_init();
	cpu_interface_init();
	return 0;
}

void gic_enable_irq(unsigned irq)
{
	/* SGIs and PPIs are banked per core in the redistributor. */
	uint64_t base = irq < 32 ? redist + SGI_BASE : dist;

	mmio_write32(base + GICD_ISENABLER + irq / 32 * 4, 1u << (irq % 32));
	if (irq >= 32)
		dist_wait();
}

void gic_handle_irq(void)
{
	for (;;) {
		uint64_t irq = sysreg_read(icc_iar1_el1) & 0xffffff;

		if (irq >= 1020 && irq <= 1023)
			return;
		irq_dispatch((unsigned)irq);
		sysreg_write(icc_eoir1_el1, irq);
	}
}
