/*
 * Cell creation (boot-only): check the configuration, build the stage-2
 * map of exactly what the cell owns (the GIC distributor excepted: it is
 * filtered, not mapped), write its device tree, start it.
 */
#include <string.h>

#include <libfdt.h>
#include <nexus/errno.h>

#include "cell.h"
#include "log.h"
#include "stage2.h"
#include "vgic_dist.h"

#define PAGE_MASK	0xfffull

/*
 * GICv3 registers RumKV touches at boot (Arm IHI 0069, GICv3 spec:
 * GICD_CTLR 12.9.4 with one security state, GICR_TYPER 12.11.35).
 */
#define GICD_CTLR		0x0000
#define GICD_TYPER		0x0004
#define GICD_ICENABLER		0x0180
#define GICD_CTLR_RWP		(1u << 31)
#define GICD_CTLR_ARE		(1u << 4)
#define GICD_CTLR_ENABLE_G1	(1u << 1)
#define GICR_TYPER		0x0008
#define GICR_TYPER_VLPIS	(1u << 1)	/* four 64 KiB frames, not two */
#define GICR_TYPER_LAST		(1u << 4)

/* The machine's GICv3: distributor and redistributor region. */
static uint64_t gicd_size, gicr_base, gicr_size;

void cell_gic_range(uint64_t *lo, uint64_t *hi)
{
	*lo = vgic_dist_base;
	*hi = gicr_base + gicr_size > vgic_dist_base + gicd_size ?
	      gicr_base + gicr_size : vgic_dist_base + gicd_size;
}

static uint64_t page_down(uint64_t a)
{
	return a & ~PAGE_MASK;
}

static uint64_t page_up(uint64_t a)
{
	return (a + PAGE_MASK) & ~PAGE_MASK;
}

/*
 * Stage 2 maps whole 4 KiB pages, so two devices that share a page
 * (virtio-mmio slots are 0x200 apart) must share a class: otherwise a
 * pledge that drops one would drop or keep the other with it.
 */
static bool devs_separable(const struct cell_config *cfg)
{
	for (uint32_t i = 0; i < cfg->ndevs; i++) {
		const struct cell_dev *a = &cfg->devs[i];

		for (uint32_t j = i + 1; j < cfg->ndevs; j++) {
			const struct cell_dev *b = &cfg->devs[j];

			if (a->devclass != b->devclass &&
			    page_down(a->base) < page_up(b->base + b->size) &&
			    page_down(b->base) < page_up(a->base + a->size)) {
				log_printf("rumkv: devices %s and %s share a page "
					   "but not a class\n", a->name, b->name);
				return false;
			}
		}
	}
	return true;
}

static uint32_t gicd_read32(uint64_t off)
{
	return *(volatile uint32_t *)(uintptr_t)(vgic_dist_base + off);
}

static void gicd_write32(uint64_t off, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)(vgic_dist_base + off) = v;
}

/* GICD_CTLR.RWP: the last CTLR or ICENABLER write has taken effect. */
static void gicd_wait(void)
{
	while (gicd_read32(GICD_CTLR) & GICD_CTLR_RWP)
		;
}

/*
 * Once, before the first cell: the machine's GICv3 from its tree, and
 * the distributor set up for good. Cells never write GICD_CTLR (the
 * filter ignores it), so affinity routing and Group 1 are set here: ARE
 * may only change while the groups are disabled (12.9.4), and every SPI
 * starts disabled until its owner enables it.
 */
static bool gic_setup(const void *fdt)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
	const fdt32_t *r;
	unsigned lines;
	int len;

	r = node < 0 ? NULL : fdt_getprop(fdt, node, "reg", &len);
	if (!r || len < 32) {
		log_printf("rumkv: no GICv3 in the machine's device tree\n");
		return false;
	}
	vgic_dist_base = (uint64_t)fdt32_to_cpu(r[0]) << 32 | fdt32_to_cpu(r[1]);
	gicd_size = (uint64_t)fdt32_to_cpu(r[2]) << 32 | fdt32_to_cpu(r[3]);
	gicr_base = (uint64_t)fdt32_to_cpu(r[4]) << 32 | fdt32_to_cpu(r[5]);
	gicr_size = (uint64_t)fdt32_to_cpu(r[6]) << 32 | fdt32_to_cpu(r[7]);
	if (gicd_size < VGIC_DIST_SIZE)
		gicd_size = VGIC_DIST_SIZE;
	gicd_write32(GICD_CTLR, 0);
	gicd_wait();
	gicd_write32(GICD_CTLR, GICD_CTLR_ARE);
	gicd_wait();
	lines = 32 * ((gicd_read32(GICD_TYPER) & 0x1f) + 1);
	for (unsigned i = 32; i < lines; i += 32)
		gicd_write32(GICD_ICENABLER + i / 8, ~0u);
	gicd_wait();
	gicd_write32(GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1);
	gicd_wait();
	return true;
}

/*
 * The SPIs of @c's devices. The manifest rejects an INTID given to two
 * cells; the built-in configuration is checked here the same way.
 *
 * Cells run at the same time on different cores, and the distributor
 * filter does read-modify-writes of registers that hold several INTIDs
 * (IGROUPR and IGRPMODR: 32 per register; ICFGR 16, IPRIORITYR 4; GICv3
 * spec 12.9). Two cells must never share such a register: an SPI's
 * block of 32 INTIDs belongs to one cell at most, which covers every
 * register width. The filter's lock (vgic_dist.c) serialises a cell's
 * own cores, but rests on exclusives on Device memory, which only QEMU
 * guarantees: keeping cells apart does not depend on it.
 */
static bool cell_irqs(struct cell *c)
{
	const struct cell_config *cfg = c->cfg;

	for (uint32_t i = 0; i < cfg->ndevs; i++)
		for (uint32_t k = 0; k < cfg->devs[i].nirqs; k++) {
			uint32_t n = cfg->devs[i].irqs[k];

			if (n < 32 || n >= 1020) {
				log_printf("rumkv: cell %s: %s: INTID %u is not "
					   "an SPI\n", cfg->name,
					   cfg->devs[i].name, n);
				return false;
			}
			for (uint32_t j = 0; j < cell_count; j++) {
				if (cell_owns_irq(&cell_table[j], n)) {
					log_printf("rumkv: cell %s: INTID %u is "
						   "already cell %u's\n",
						   cfg->name, n, cell_table[j].id);
					return false;
				}
				if (cell_table[j].irqs_owned[n / 32]) {
					log_printf("rumkv: cell %s: INTID %u shares "
						   "distributor registers (INTIDs "
						   "%u-%u) with cell %u\n", cfg->name,
						   n, n & ~31u, n | 31u,
						   cell_table[j].id);
					return false;
				}
			}
			c->irqs_owned[n / 32] |= 1u << (n % 32);
		}
	return true;
}

/*
 * The redistributor frames of @c's own cores (they are per core), found
 * by GICR_TYPER.Affinity, which is MPIDR's Aff3.Aff2.Aff1.Aff0.
 */
static bool cell_map_gicr(struct cell *c)
{
	uint64_t rd = gicr_base, typer;

	do {
		uint64_t aff;

		typer = *(volatile uint64_t *)(uintptr_t)(rd + GICR_TYPER);
		aff = typer >> 32;
		aff = (aff & 0xffffff) | (aff >> 24) << 32;
		uint64_t size = typer & GICR_TYPER_VLPIS ? 0x40000 : 0x20000;

		if (cell_core_index(c, aff) >= 0) {
			if (!s2_map(c->s2_root, rd, size, S2_DEVICE))
				return false;
			if (!c->gicr_hi)
				c->gicr_lo = rd;
			c->gicr_hi = rd + size;
		}
		rd += size;
	} while (!(typer & GICR_TYPER_LAST) && rd < gicr_base + gicr_size);
	return true;
}

static bool overlaps(const struct cell_dev *d, uint64_t base, uint64_t size)
{
	return d->base < base + size && base < d->base + d->size;
}

/*
 * Exactly what the cell owns, except the GIC: no cell maps the
 * distributor (its accesses trap and are filtered, vgic_dist.c), and of
 * the redistributors only its own cores' frames. Unmapping after
 * mapping also catches a device range that only partly covers them.
 */
static bool cell_map(struct cell *c)
{
	const struct cell_config *cfg = c->cfg;
	bool gicr = false;

	c->s2_root = s2_create();
	if (!c->s2_root)
		return false;
	for (uint32_t i = 0; i < cfg->nmem; i++)
		if (!s2_map(c->s2_root, cfg->mem[i].base, cfg->mem[i].size,
			    S2_RAM))
			return false;
	for (uint32_t i = 0; i < cfg->ndevs; i++) {
		if (!s2_map(c->s2_root, cfg->devs[i].base, cfg->devs[i].size,
			    S2_DEVICE))
			return false;
		gicr |= overlaps(&cfg->devs[i], gicr_base, gicr_size);
	}
	if (!s2_unmap(c->s2_root, vgic_dist_base, gicd_size) ||
	    !s2_unmap(c->s2_root, gicr_base, gicr_size))
		return false;
	return !gicr || cell_map_gicr(c);
}

struct cell *cell_create(const struct cell_config *cfg,
			 const void *machine_fdt)
{
	struct cell *c;
	int err;

	if (cell_count == CELL_MAX || !cfg->ncpus || cfg->ncpus > CELL_MAX_CPUS ||
	    !cfg->nmem || cfg->nmem > CELL_MAX_MEM || cfg->ndevs > CELL_MAX_DEVS) {
		log_printf("rumkv: cell %s: bad configuration\n", cfg->name);
		return NULL;
	}
	if (!devs_separable(cfg) || (!cell_count && !gic_setup(machine_fdt)))
		return NULL;
	c = &cell_table[cell_count];
	memset(c, 0, sizeof(*c));
	c->cfg = cfg;
	c->id = cfg->id;
	c->vmid = cell_count + 1;
	c->devclasses = cfg->devclasses & NX_DEVCLASS_ALL;
	if (!cell_irqs(c))
		return NULL;
	if (!cell_map(c)) {
		log_printf("rumkv: cell %s: out of stage-2 tables, or RAM over "
			   "the GIC\n", cfg->name);
		return NULL;
	}
	err = dtb_build(c, machine_fdt);
	if (err) {
		log_printf("rumkv: cell %s: device tree: error %d\n",
			   cfg->name, err);
		return NULL;
	}
	cell_count++;
	return c;
}

void cell_announce(const struct cell *c)
{
	const struct cell_config *cfg = c->cfg;

	log_printf("rumkv: cell %u (%s): %u MiB at 0x%lx, %u devices, "
		   "classes 0x%x, entry 0x%lx, device tree at 0x%lx, "
		   "core 0x%lx\n",
		   c->id, cfg->name, (unsigned)(cfg->mem[0].size >> 20),
		   (unsigned long)cfg->mem[0].base, cfg->ndevs, c->devclasses,
		   (unsigned long)cfg->entry, (unsigned long)c->dtb,
		   (unsigned long)cfg->mpidr[0]);
}

/*
 * Marks @c's first core running on hv_cores[@core] before that core
 * enters it: at its entry point with x0 = its device tree (the arm64
 * boot protocol). Its other cores wait for the cell's PSCI CPU_ON.
 */
static void cell_bind(struct cell *c, uint32_t core)
{
	struct hv_core *k = &hv_cores[core];

	k->cell = c;
	k->index = 0;
	k->entry = c->cfg->entry;
	k->arg = c->dtb;
	k->on_start = 0;
	c->core[0] = k;
	c->running = true;
	c->core_on[0] = true;
}

void cell_start(struct cell *c, uint32_t core)
{
	cell_bind(c, core);
	cell_arch_enter_after_boot(&hv_cores[core]);
}

/*
 * PSCI CPU_ON (Arm DEN 0022D 5.6): the core starts at EL2, MMU off, at
 * RumKV's secondary entry with x0 = &hv_cores[@core]. Its cell is marked
 * running first, so a cell ending elsewhere meanwhile still counts it.
 */
bool cell_start_remote(struct cell *c, uint32_t core)
{
	int64_t ret;

	cell_bind(c, core);
	ret = cell_arch_cpu_on(c->cfg->mpidr[0], &hv_cores[core]);
	if (ret) {
		c->running = false;
		c->core_on[0] = false;
		log_printf("rumkv: cell %u (%s): PSCI CPU_ON of core 0x%lx "
			   "failed: %ld\n", c->id, c->cfg->name,
			   (unsigned long)c->cfg->mpidr[0], (long)ret);
		return false;
	}
	return true;
}
